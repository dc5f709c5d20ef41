"""Benchmark of heavy nodes: "latest wins" for process and thread nodes, and a loop that stays
responsive while a slow sync node runs. Prints medians [min, max] next to the targets.

    python bench/heavy.py                     # all figures (about a minute and a half)
    python bench/heavy.py --runs 1            # one run each: a smoke test
    python bench/heavy.py --only process      # some figures (names: see --help)

Every figure runs a real ``python -m nodeweave worker run bench`` (see bench/worker.py: a fresh
temporary state directory, 127.0.0.1, stopped by pid) with the node module below in its
``modules/`` folder, driven over its WebSocket by :class:`nodeweave.client.Client`.

- ``process``: 8 ``set_input`` 200 ms apart into a node that does 2 s of CPU work (calibrated
  on this machine at the start) in a process; the time from the last edit to its value arriving. Superseded runs must be killed, or they
  hold the pool's processes and CPUs (6.6 s before they were). Afterwards the worker's child
  processes are sampled for CPU: a stale run still spinning would show there.
- ``thread``: the same with a thread node that calls ``ctx.check()`` as it goes (4.0 s before:
  stale runs kept the GIL busy).
- ``ping``: RPC ``ping`` round trips (p50, p99) while a sync node with no executor computes for
  5 s in pure Python. Its first, short run (0.3 s) blocked the loop, so the worker moved the node
  type off the loop; the measured run is the second.
- ``hang``: a real hub (``nodeweave up``, default policy) and a worker whose saved graph holds a
  node that never returns: started, it hangs, the hub kills and restarts it, until it is
  ``failed``; the attempts it took, the time, and whether the reason names the node. (One run: it
  takes the hub's health checks about ten seconds to call each hang.)
- ``dask``: on a ``LocalCluster`` of 2 processes × 1 thread (in this process, through the
  worker's own Dask executor): 8 independent nodes burning 0.5 s of CPU each, next to the same 8
  inline in the same run; then a trivial node's run time on the warm cluster next to inline
  (the per-node overhead).
- ``dask_bytes``: a real worker with a Dask node making a 100 MB numpy array and a second Dask
  node summing it; the bytes the worker process read meanwhile (``rchar`` of /proc/PID/io:
  every socket and file read, the cluster's control messages included) next to the preview
  budget.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import importlib
import os
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import orjson

from bench.report import Figure, Results, print_table, summary
from bench.worker import BYTECODE_DIR, BenchError, percentile, worker
from nodeweave.client import Client
from nodeweave.core.library import Library, Shelf
from nodeweave.core.nodespace import NodeSpace
from nodeweave.core.remote import local

MODULE = '''"""Heavy nodes for bench/heavy.py."""
import time

from nodeweave import NodeContext, node


def burn(seconds: float) -> None:
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        sum(range(1000))


@node(id="heavy.proc", executor="process")
def proc(x: int, work: int = 0) -> int:
    for _ in range(work):  # a fixed amount of CPU work: stale runs sharing the CPUs slow it
        sum(range(1000))
    return x


@node(id="heavy.thread", executor="thread")
def thread(x: int, ctx: NodeContext, work: int = 0) -> int:
    for _ in range(work):  # the same work; stale runs sharing the GIL would slow it
        sum(range(1000))
        ctx.check()
    return x


@node(id="heavy.inline")
def inline(x: int, seconds: float = 0.3) -> int:
    burn(seconds)
    return x
'''

DASK_MODULE = '''"""Dask nodes for bench/heavy.py."""
import time

import numpy as np

from nodeweave import node


def burn(seconds: float) -> None:
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        sum(range(1000))


@node(id="bd.burn_dask", executor="dask")
def burn_dask(x: int, seconds: float = 0.5) -> int:
    burn(seconds)
    return x


@node(id="bd.burn_inline", executor="inline")
def burn_inline(x: int, seconds: float = 0.5) -> int:
    burn(seconds)
    return x


@node(id="bd.array", executor="dask")
def array(mb: int = 100) -> np.ndarray:
    return np.ones(mb * 2**20 // 8)


@node(id="bd.total", executor="dask")
def total(values: np.ndarray) -> float:
    return float(values.sum())
'''

FIGURES = [
    Figure("process", "8 edits 200 ms apart → last value, 2 s process node", "s", 2.4),
    Figure("process_stale_cpu", "… CPU used by the worker's children after it (stale runs)", "%"),
    Figure("thread", "8 edits 200 ms apart → last value, 2 s thread node checking ctx", "s", 2.4),
    Figure("ping_p50", "ping p50 while a 5 s sync node runs (moved off the loop)", "ms"),
    Figure("ping_p99", "ping p99, same", "ms", 5.0),
    Figure("hang_attempts", "saved hang → worker failed: starts it took", "", 3.0),
    Figure("hang_seconds", "… time from start_worker to failed", "s"),
    Figure("hang_named", "… the reason names the node (1 = yes)", ""),
    Figure("dask_inline", "8 independent 0.5 s CPU nodes, inline", "s"),
    Figure("dask_cluster", "… the same on Dask (2 processes × 1 thread)", "s"),
    Figure("dask_ratio", "… Dask / inline, same run", "×", 0.6),
    Figure("dask_node", "trivial Dask node, warm cluster: edit → settled", "ms"),
    Figure("dask_floor", "… floor: Dask alone, submit → result (same run)", "ms"),
    Figure(
        "dask_overhead", "… what nodeweave adds per node (node − floor − inline run)", "ms", 5.0
    ),
    Figure("dask_bytes", "100 MB array between two Dask nodes → kB read by the worker", "kB", 64.0),
]

EDITS = 8
GAP = 0.2


def descendants(pid: int) -> list[int]:
    """Every process below ``pid`` (Linux /proc)."""
    found: list[int] = []
    todo = [pid]
    while todo:
        parent = todo.pop()
        for task in Path(f"/proc/{parent}/task").glob("*"):
            with contextlib.suppress(OSError):
                kids = [int(k) for k in (task / "children").read_text().split()]
                found += kids
                todo += kids
    return found


def cpu_seconds(pid: int) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def children_cpu_percent(pid: int, window: float = 1.0) -> float:
    kids = descendants(pid)
    before = {k: cpu_seconds(k) for k in kids}
    await asyncio.sleep(window)
    used = sum(cpu_seconds(k) - before[k] for k in kids)
    return 100.0 * used / window


async def final_value(client: Client, uuid: str, expected: float, wait: float = 30.0) -> None:
    try:
        await client.next_event(
            "value",
            lambda d: d["uuid"] == uuid and d["preview"].get("value") == expected,
            wait=wait,
        )
    except TimeoutError:
        raise BenchError(f"no value {expected} for {uuid} within {wait} s") from None


def calibrate(seconds: float) -> int:
    """How many ``sum(range(1000))`` take ``seconds`` on one core of this machine, now."""
    count, started = 0, time.perf_counter()
    while time.perf_counter() - started < 0.5:
        for _ in range(1000):
            sum(range(1000))
        count += 1000
    return int(count * seconds / (time.perf_counter() - started))


async def latest_wins(
    node_id: str, runs: int, *, stale_cpu: bool
) -> tuple[list[float], list[float]]:
    took, cpu = [], []
    async with worker({"heavy_nodes.py": MODULE}) as w:
        client = await Client.connect(w.url, w.token)
        try:
            work = calibrate(2.0)
            inputs = {"x": 0, "work": work}
            uuid = (await client.call("add_node", node_id=node_id, inputs=inputs))["uuid"]
            await final_value(client, uuid, 0)  # warm: the process (or thread) exists
            for run in range(runs):
                base = (run + 1) * 100
                last = 0.0
                for i in range(EDITS):
                    await client.call("set_input", uuid=uuid, io="x", value=base + i)
                    last = time.perf_counter()
                    if i < EDITS - 1:
                        await asyncio.sleep(GAP)
                await final_value(client, uuid, base + EDITS - 1)
                took.append(time.perf_counter() - last)
                if stale_cpu:
                    cpu.append(await children_cpu_percent(w.proc.pid))
                await asyncio.sleep(0.3)
        finally:
            await client.close()
    return took, cpu


async def fig_process(runs: int) -> Results:
    took, cpu = await latest_wins("heavy.proc", runs, stale_cpu=True)
    return {"process": summary(took), "process_stale_cpu": summary(cpu)}


async def fig_thread(runs: int) -> Results:
    took, _ = await latest_wins("heavy.thread", runs, stale_cpu=False)
    return {"thread": summary(took)}


async def fig_ping(runs: int) -> Results:
    p50, p99 = [], []
    async with worker({"heavy_nodes.py": MODULE}) as w:
        client = await Client.connect(w.url, w.token)
        try:
            uuid = (await client.call("add_node", node_id="heavy.inline", inputs={"x": 0}))["uuid"]
            moved = await client.next_event("moved_off_loop", wait=30.0)
            if moved["data"]["node_id"] != "heavy.inline":
                raise BenchError(f"unexpected moved_off_loop event {moved}")
            await final_value(client, uuid, 0)
            await client.call("set_input", uuid=uuid, io="seconds", value=5.0)
            for run in range(runs):
                await client.call("set_input", uuid=uuid, io="x", value=run + 1)
                samples = []
                started = time.perf_counter()
                while time.perf_counter() - started < 4.0:  # within the 5 s run
                    t0 = time.perf_counter()
                    await client.call("ping")
                    samples.append((time.perf_counter() - t0) * 1000)
                    await asyncio.sleep(0.005)
                p50.append(percentile(samples, 50))
                p99.append(percentile(samples, 99))
                await final_value(client, uuid, run + 1)
        finally:
            await client.close()
    return {"ping_p50": summary(p50), "ping_p99": summary(p99)}


@contextlib.contextmanager
def dask_module() -> Iterator[Any]:
    """The bench's Dask nodes as an importable module (the cluster's processes import it)."""
    with tempfile.TemporaryDirectory(prefix="nodeweave-bench-dask-") as folder:
        (Path(folder) / "bench_dask_nodes.py").write_text(DASK_MODULE)
        sys.path.insert(0, folder)
        try:
            yield importlib.import_module("bench_dask_nodes")
        finally:
            sys.path.remove(folder)
            sys.modules.pop("bench_dask_nodes", None)


async def settle(ns: NodeSpace) -> float:
    started = time.perf_counter()
    async with asyncio.timeout(120):
        await ns.settle()
    return time.perf_counter() - started


async def fig_dask(runs: int) -> Results:
    from nodeweave.worker.cluster import DaskExecutor
    from nodeweave.worker.config import DaskSettings

    inline, cluster, ratio, overhead, per_node, floor = [], [], [], [], [], []
    with dask_module() as module:
        shelf = Shelf("bd", nodes=[module.burn_dask, module.burn_inline])
        executor = DaskExecutor(DaskSettings(workers=2, threads=1))
        ns = NodeSpace(Library([shelf]), executors={"dask": executor})
        try:
            dask_nodes = [ns.add_node("bd.burn_dask", inputs={"x": 0}) for _ in range(8)]
            inline_nodes = [ns.add_node("bd.burn_inline", inputs={"x": 0}) for _ in range(8)]
            await settle(ns)  # warm: the cluster is up, the module imported there
            for run in range(1, runs + 1):
                for u in inline_nodes:
                    ns.set_input(u, "x", run)
                took_inline = await settle(ns)
                for u in dask_nodes:
                    ns.set_input(u, "x", run)
                took_dask = await settle(ns)
                values = {local(ns.get_value(u, "out")) for u in dask_nodes}
                if values != {run}:
                    raise BenchError(f"Dask nodes gave {values}, not {run}")
                inline.append(took_inline)
                cluster.append(took_dask)
                ratio.append(took_dask / took_inline)
            trivial = ns.add_node("bd.burn_dask", inputs={"x": 0, "seconds": 0.0})
            local_one = ns.add_node("bd.burn_inline", inputs={"x": 0, "seconds": 0.0})
            await settle(ns)
            client = executor._connect()
            for run in range(30):
                ns.set_input(local_one, "x", run + 1)
                took_local = await settle(ns)
                ns.set_input(trivial, "x", run + 1)
                took_remote = await settle(ns)
                per_node.append(took_remote * 1000)
                started = time.perf_counter()
                await asyncio.to_thread(_round_trip, client, run)
                floor.append((time.perf_counter() - started) * 1000)
                overhead.append((took_remote - took_local) * 1000 - floor[-1])
        finally:
            await ns.aclose()
            await asyncio.to_thread(executor.shutdown)
    return {
        "dask_inline": summary(inline),
        "dask_cluster": summary(cluster),
        "dask_ratio": summary(ratio),
        "dask_node": summary(per_node),
        "dask_floor": summary(floor),
        "dask_overhead": summary(overhead),
    }


def _round_trip(client: Any, x: int) -> None:
    """Dask alone: submit a trivial task, wait for its result (the floor of a Dask node)."""
    if client.submit(abs, -x, pure=False).result() != x:
        raise BenchError("Dask returned a wrong result")


def read_bytes(pid: int) -> int:
    for line in Path(f"/proc/{pid}/io").read_text().splitlines():
        if line.startswith("rchar:"):
            return int(line.split()[1])
    raise BenchError(f"no rchar for {pid}")


async def fig_dask_bytes(runs: int) -> Results:
    read = []
    env = {"NODEWEAVE_DASK_WORKERS": "2", "NODEWEAVE_DASK_THREADS": "1"}
    async with worker({"bench_dask_nodes.py": DASK_MODULE}, env=env) as w:
        client = await Client.connect(w.url, w.token)
        try:
            total = (await client.call("add_node", node_id="bd.total"))["uuid"]
            make = (await client.call("add_node", node_id="bd.array", inputs={"mb": 1}))["uuid"]
            await client.call("connect", src=make, src_io="out", dst=total, dst_io="values")
            await final_value(client, total, float(2**20 // 8), wait=120)  # warm
            for run in range(runs):
                mb = 100 + run  # a new array each run
                before = read_bytes(w.proc.pid)
                await client.call("set_input", uuid=make, io="mb", value=mb)
                await final_value(client, total, float(mb * 2**20 // 8), wait=120)
                read.append((read_bytes(w.proc.pid) - before) / 1000)
        finally:
            await client.close()
    return {"dask_bytes": summary(read)}


HANG_MODULE = '''"""A node that never returns, on the worker's loop."""
from nodeweave import node


@node(id="hang.forever", executor="inline")
def forever(x: int) -> int:
    while True:
        pass
'''


async def fig_hang(runs: int) -> Results:
    from bench.hub import hub

    async with hub() as (h, _):
        assert h.client is not None
        record = await h.call("create_worker", name="hangs", venv=False)
        wid = record["id"]
        folder = h.state / "workers" / wid
        (folder / "modules").mkdir(parents=True, exist_ok=True)
        (folder / "modules" / "hang.py").write_text(HANG_MODULE)
        doc = {
            "schema_version": 1,
            "nodes": [
                {"uuid": "ok", "node_id": "numbers.number", "inputs": {"value": 1}},
                {"uuid": "culprit", "node_id": "hang.forever", "inputs": {"x": 1}},
            ],
            "edges": [],
        }
        (folder / "nodespace.json").write_bytes(orjson.dumps(doc))
        h.client.drain_events()
        started = time.perf_counter()
        first = await h.call("start_worker", id=wid)
        pids = {first["pid"]}
        while True:
            event = await h.client.next_event("worker_status", lambda d: d["id"] == wid, wait=180)
            data = event["data"]
            if data.get("pid"):
                pids.add(data["pid"])
            if data["status"] == "failed":
                break
        took = time.perf_counter() - started
        named = "hang.forever" in (data.get("error") or "") and (
            (data.get("hung_node") or {}).get("uuid") == "culprit"
        )
        print(f"  (failed: {data.get('error')})", file=sys.stderr)
    return {
        "hang_attempts": summary([float(len(pids))]),
        "hang_seconds": summary([took]),
        "hang_named": summary([1.0 if named else 0.0]),
    }


RUNNERS: dict[str, Callable[[int], Awaitable[Results]]] = {
    "process": fig_process,
    "thread": fig_thread,
    "ping": fig_ping,
    "hang": fig_hang,
    "dask": fig_dask,
    "dask_bytes": fig_dask_bytes,
}


async def main_async(runs: int, only: list[str]) -> int:
    results: Results = {}
    started = time.perf_counter()
    for name in only:
        print(f"  … {name}", file=sys.stderr, flush=True)
        results.update(await RUNNERS[name](runs))
    elapsed = time.perf_counter() - started
    print(
        f"nodeweave heavy-node benchmark — {os.cpu_count()} CPUs; median [min, max] "
        f"({elapsed:.0f} s)"
    )
    print_table(FIGURES, results)
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=5, help="repetitions of each figure")
    parser.add_argument(
        "--only", nargs="+", choices=list(RUNNERS), metavar="NAME", help=f"of {', '.join(RUNNERS)}"
    )
    args: Any = parser.parse_args()
    try:
        return asyncio.run(main_async(args.runs, args.only or list(RUNNERS)))
    finally:
        BYTECODE_DIR.cleanup()


if __name__ == "__main__":
    raise SystemExit(main())
