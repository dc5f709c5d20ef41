"""Cost as the work grows: four series, printed as tables (medians).

    python bench/scale.py                      # every series (several minutes)
    python bench/scale.py --only chain clients # some of them: chain, clients, workers, canvas
    python bench/scale.py --quick              # fewer runs and points: a smoke test

- **chain**: a chain of 10 … 10,000 ``a + 1`` nodes in one nodespace (in this process): build it
  (add + connect), change its first input → settled, and the RSS each node adds (a fresh process
  per length). Target: linear — the 10,000-chain ≤ 12× the 1,000-chain, ≤ 3 KB a node. Its floor:
  a plain Python walk down a chain of as many linked objects, whose time per object grows too
  once the machine's caches run out (the same steps for every n: growth past 10× is memory).
- **clients**: 1, 10, 100 clients on one worker (real ``nodeweave worker run`` processes, every
  client a :class:`nodeweave.client.Client` in this process), one ``set_input`` → the value event at
  every client; again with one more client that never reads. Target: 100 clients ≤ 30 ms p50, and
  the client that never reads changes nothing.
- **workers**: 1, 10, 50 workers (no virtualenv) on one hub → all running, the hub's RSS then,
  and ``list_workers`` round trips (p99) while they start. Targets for 50: ≤ 20 s, ≤ 60 MB, ≤ 20 ms.
- **canvas**: 100 and 1,000 nodes in one UI canvas → page open to every card drawn (headless
  Chromium, as ``bench/ui.py`` measures). Target: 1,000 ≤ 3 s.

Each series prints its growth next to the previous point (×) so that a worse-than-linear step
shows at a glance. Processes are started and stopped by pid, in temporary state directories.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

import core as core_bench  # noqa: E402 - the bench folder's own modules
import hub as hub_bench  # noqa: E402
import worker as worker_bench  # noqa: E402

from nodeweave.client import Client  # noqa: E402
from nodeweave.worker import heap  # noqa: E402

Row = dict[str, float]


def median(samples: list[float]) -> float:
    return statistics.median(samples)


def rss_kb() -> float:
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 1024


# --- chain -------------------------------------------------------------------------------


def rss_child(n: int) -> None:
    """In a fresh process: the RSS a chain of ``n`` nodes adds (KB), printed."""
    ns = core_bench.new_space()
    warm = core_bench.build_chain(ns, 10)  # the code paths warm, the allocator's arenas too
    ns.set_input(warm[0], "a", 0)
    gc.collect()
    before = rss_kb()
    ids = core_bench.build_chain(ns, n)
    ns.set_input(ids[0], "a", 0)
    asyncio.run(ns.settle())
    gc.collect()
    print(rss_kb() - before)


async def chain_point(n: int, runs: int) -> Row:
    builds, changes = [], []
    for _ in range(max(2, runs // 3)):
        ns = core_bench.new_space()
        gc.collect()
        t0 = time.perf_counter()
        ids = core_bench.build_chain(ns, n)
        builds.append((time.perf_counter() - t0) * 1e3)
        await ns.aclose()
    ns = core_bench.new_space()
    ids = core_bench.build_chain(ns, n)
    ns.set_input(ids[0], "a", 0)
    await ns.settle()
    for i in range(1, runs + 1):
        gc.collect()
        t0 = time.perf_counter()
        ns.set_input(ids[0], "a", i)
        await ns.settle()
        changes.append((time.perf_counter() - t0) * 1e3)
        if ns.get_value(ids[-1], "out") != i + n:
            raise AssertionError(f"chain of {n}: wrong last value")
    await ns.aclose()
    kb = await asyncio.to_thread(rss_added, n)
    walk = plain_walk(n, runs)
    return {
        "n": n,
        "build_ms": median(builds),
        "change_ms": median(changes),
        "walk_ms": walk,
        "kb": kb / n,
    }


class _Linked:
    __slots__ = ("children", "conn", "last", "outputs", "status", "values")


def plain_walk(n: int, runs: int) -> float:
    """The floor of the chain's growth: a plain Python walk down a chain of ``n`` linked objects
    held in a dict by string keys, each reading its parent's output, making its inputs and
    writing a new output — no engine. Its time per object grows with ``n`` as the machine's
    caches run out, as the engine's does (the median of ``runs`` walks, in ms)."""
    objects: dict[str, _Linked] = {}
    previous: str | None = None
    for i in range(n):
        key = f"node-{i:08d}"
        o = _Linked()
        o.children, o.conn, o.last, o.status = [], {}, None, 0
        o.outputs, o.values = {"out": i}, {"b": 1}
        if previous is not None:
            objects[previous].children.append(key)
            o.conn["a"] = (previous, "out")
        objects[key] = o
        previous = key
    first = next(iter(objects))
    samples = []
    for _ in range(runs):
        gc.collect()
        t0 = time.perf_counter()
        todo = [first]
        while todo:
            o = objects[todo.pop()]
            kwargs = {name: objects[src].outputs[io] for name, (src, io) in o.conn.items()}
            kwargs.update(o.values)
            o.last, o.outputs, o.status = kwargs, {"out": sum(kwargs.values())}, 2
            todo.extend(o.children)
        samples.append((time.perf_counter() - t0) * 1e3)
    return median(samples)


def rss_added(n: int) -> float:
    """The RSS (KB) a chain of ``n`` nodes adds, median of three fresh processes."""
    kb = []
    for _ in range(3):
        out = subprocess.run(
            [sys.executable, __file__, "--rss-child", str(n)],
            capture_output=True,
            text=True,
            check=True,
        )
        kb.append(float(out.stdout.strip()))
    return median(kb)


async def series_chain(quick: bool) -> list[Row]:
    # As a worker does once its modules are loaded (nodeweave.worker.heap): what the imports
    # made is frozen out of the cyclic collector's sight, which then costs what the graph holds.
    heap.freeze_imports()
    points = [10, 100, 1000, 10000]
    return [await chain_point(n, 5 if quick else 15) for n in points]


# --- clients -----------------------------------------------------------------------------


async def clients_point(w: Any, n: int, silent: bool, changes: int) -> Row:
    """``n`` clients (and one that never reads, if ``silent``): set_input → value at all."""
    url, token = w.url, w.token
    clients = [await Client.connect(url, token) for _ in range(n)]
    mute: Any = None
    session: Any = None
    try:
        if silent:
            import aiohttp

            session = aiohttp.ClientSession()
            mute = await session.ws_connect(url, headers={"Authorization": f"Bearer {token}"})
        sender = clients[0]
        made = await sender.call("add_node", node_id="numbers.add", inputs={"a": 0, "b": 0})
        uuid = made["uuid"]
        await asyncio.sleep(0.2)
        samples = []
        for k in range(1, changes + 1):
            for c in clients:
                c.drain_events()

            def hit(d: dict[str, Any], want: int = k) -> bool:
                return bool(d["uuid"] == uuid and d["preview"].get("value") == want)

            waits = [c.next_event("value", hit, wait=20) for c in clients]
            t0 = time.perf_counter()
            await sender.call("set_input", uuid=uuid, io="a", value=k)
            await asyncio.gather(*waits)
            samples.append((time.perf_counter() - t0) * 1e3)
            await asyncio.sleep(0.01)
        await sender.call("remove_node", uuid=uuid)
        return {
            "n": n,
            "p50_ms": median(samples),
            "p90_ms": statistics.quantiles(samples, n=10, method="inclusive")[8],
        }
    finally:
        for c in clients:
            await c.close()
        if mute is not None:
            await mute.close()
        if session is not None:
            await session.close()


async def series_clients(quick: bool) -> list[Row]:
    rows = []
    changes = 10 if quick else 40
    async with worker_bench.worker(env={"NODEWEAVE_FUNCNODES": "off"}) as w:
        for n in [1, 10, 100]:
            row = await clients_point(w, n, False, changes)
            silent = await clients_point(w, n, True, changes)
            row["silent_p50_ms"] = silent["p50_ms"]
            rows.append(row)
    return rows


# --- workers -----------------------------------------------------------------------------


async def workers_point(n: int) -> Row:
    # Installed FuncNodes modules stay out of these workers (their import is not the hub's cost).
    async with hub_bench.hub({"NODEWEAVE_FUNCNODES": "off"}) as (h, _):
        ids = [
            (await h.call("create_worker", name=f"scale {i}", venv=False))["id"] for i in range(n)
        ]
        rtts: list[float] = []
        done = asyncio.Event()
        prober = asyncio.create_task(hub_bench.probe(h, rtts, done))
        t0 = time.perf_counter()
        records = await asyncio.gather(*(h.call("start_worker", id=i) for i in ids))
        took = time.perf_counter() - t0
        done.set()
        await prober
        if any(r["status"] != "running" for r in records):
            raise AssertionError(f"not all running: {[r['status'] for r in records]}")
        await asyncio.sleep(0.5)
        hub_rss = hub_bench.rss_mb(h.proc.pid)
        worker_rss = [hub_bench.rss_mb(r["pid"]) for r in records]
        await asyncio.gather(*(h.call("stop_worker", id=i) for i in ids))
    return {
        "n": n,
        "start_s": took,
        "hub_mb": hub_rss,
        "worker_mb": median(worker_rss),
        "list_p99_ms": statistics.quantiles(rtts, n=100, method="inclusive")[98]
        if len(rtts) > 2
        else max(rtts),
    }


async def series_workers(quick: bool) -> list[Row]:
    return [await workers_point(n) for n in ([1, 10] if quick else [1, 10, 50])]


# --- canvas ------------------------------------------------------------------------------


def series_canvas(quick: bool) -> list[Row]:
    import ui as ui_bench

    rows = []
    runs = 2 if quick else 5
    with (
        tempfile.TemporaryDirectory(prefix="nodeweave-bench-pycache-") as bytecode,
        ui_bench.running(Path(bytecode)) as (hub, browser),
    ):
        for n in [100, 1000]:
            name = f"canvas{n}"
            ui_bench.worker_with(hub, name, ui_bench.pairs_document(n // 2, per_row=20))
            wanted = [
                ('.react-flow__node[style*="visibility: visible"] [data-testid="node-card"]', n),
                (".react-flow__edge path", n // 2),
            ]
            ui_bench.time_to(browser, hub.url(name), wanted)  # the hub's files warm
            samples = [ui_bench.time_to(browser, hub.url(name), wanted) for _ in range(runs)]
            rows.append({"n": n, "drawn_s": median(samples)})
    return rows


# --- printing ----------------------------------------------------------------------------


def growth(rows: list[Row], key: str, i: int) -> str:
    if i == 0 or not rows[i - 1][key]:
        return ""
    factor = rows[i][key] / rows[i - 1][key]
    return f" (×{factor:.1f} for ×{rows[i]['n'] / rows[i - 1]['n']:.0f})"


def print_chain(rows: list[Row]) -> None:
    print("  chain of n `a + 1` nodes (one nodespace, this process, imports frozen as in a worker)")
    print(
        f"    {'n':>7}  {'build':>22}  {'change → settled':>24}  {'RSS a node':>10}"
        f"  {'floor: plain walk':>24}"
    )
    for i, r in enumerate(rows):
        print(
            f"    {int(r['n']):>7}  {r['build_ms']:>8.2f} ms{growth(rows, 'build_ms', i):<11}"
            f"  {r['change_ms']:>8.2f} ms{growth(rows, 'change_ms', i):<13}  {r['kb']:>7.2f} KB"
            f"  {r['walk_ms']:>8.3f} ms{growth(rows, 'walk_ms', i):<13}"
        )
    by = {int(r["n"]): r for r in rows}
    if 1000 in by and 10000 in by:
        ratio = by[10000]["change_ms"] / by[1000]["change_ms"]
        floor = by[10000]["walk_ms"] / by[1000]["walk_ms"]
        kb = by[10000]["kb"]
        ok = "ok" if ratio <= 12 and kb <= 3 else "MISS"
        print(
            f"    10,000 / 1,000: {ratio:.1f}× (target ≤ 12×; the plain walk: {floor:.1f}× in "
            f"this run); {kb:.2f} KB a node (target ≤ 3 KB)  {ok}"
        )


def print_clients(rows: list[Row]) -> None:
    print("  clients on one worker: set_input → value event at every client")
    print(f"    {'clients':>7}  {'p50':>20}  {'p90':>10}  {'p50, + one that never reads':>28}")
    for i, r in enumerate(rows):
        print(
            f"    {int(r['n']):>7}  {r['p50_ms']:>7.2f} ms{growth(rows, 'p50_ms', i):<11}"
            f"  {r['p90_ms']:>7.2f} ms  {r['silent_p50_ms']:>25.2f} ms"
        )
    last = rows[-1]
    if int(last["n"]) == 100:
        ok = "ok" if last["p50_ms"] <= 30 else "MISS"
        print(f"    100 clients: {last['p50_ms']:.1f} ms p50 (target ≤ 30 ms)  {ok}")


def print_workers(rows: list[Row]) -> None:
    print("  workers on one hub (no venv): start all → all running")
    print(
        f"    {'workers':>7}  {'all running':>22}  {'hub RSS':>9}  {'a worker':>9}  "
        f"{'list_workers p99':>16}"
    )
    for i, r in enumerate(rows):
        print(
            f"    {int(r['n']):>7}  {r['start_s']:>8.2f} s{growth(rows, 'start_s', i):<12}"
            f"  {r['hub_mb']:>6.1f} MB  {r['worker_mb']:>6.1f} MB  {r['list_p99_ms']:>13.1f} ms"
        )
    last = rows[-1]
    if int(last["n"]) == 50:
        ok = (
            "ok"
            if last["start_s"] <= 20 and last["hub_mb"] <= 60 and last["list_p99_ms"] <= 20
            else "MISS"
        )
        print(
            f"    50 workers: {last['start_s']:.1f} s (≤ 20 s), hub {last['hub_mb']:.0f} MB "
            f"(≤ 60 MB), p99 {last['list_p99_ms']:.1f} ms (≤ 20 ms)  {ok}"
        )


def print_canvas(rows: list[Row]) -> None:
    print("  nodes in one canvas: page open → every card drawn (headless Chromium)")
    for i, r in enumerate(rows):
        print(f"    {int(r['n']):>7}  {r['drawn_s']:>6.2f} s{growth(rows, 'drawn_s', i)}")
    last = rows[-1]
    ok = "ok" if last["drawn_s"] <= 3 else "MISS"
    print(f"    1,000 nodes: {last['drawn_s']:.2f} s (target ≤ 3 s)  {ok}")


SERIES = ("chain", "clients", "workers", "canvas")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer runs (a smoke test)")
    parser.add_argument("--only", nargs="+", choices=SERIES, metavar="NAME")
    parser.add_argument("--rss-child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.rss_child:
        rss_child(args.rss_child)
        return 0
    only = args.only or list(SERIES)
    started = time.perf_counter()
    print(f"nodeweave scale benchmark — Python {sys.version.split()[0]}, {os.cpu_count()} CPUs")
    for name in only:
        print(f"  … {name}", file=sys.stderr, flush=True)
        if name == "chain":
            print_chain(asyncio.run(series_chain(args.quick)))
        elif name == "clients":
            print_clients(asyncio.run(series_clients(args.quick)))
        elif name == "workers":
            print_workers(asyncio.run(series_workers(args.quick)))
        else:
            print_canvas(series_canvas(args.quick))
    print(f"  ({time.perf_counter() - started:.0f} s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
