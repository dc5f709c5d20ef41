"""Benchmark of the reactive core: prints figures (median [min, max] over repeated runs).

    python bench/core.py            # all figures
    python bench/core.py --json     # the same, as JSON

Sync ``a + 1`` / ``a + b`` nodes, as in the predecessor's measurements (shared/reference).
Timing is wall clock around ``set_input`` → ``await settle()`` (or add + connect for the build);
every run checks its result, so a fast wrong answer cannot pass. RSS is measured in a fresh
process that only imports nodeweave and builds a 1000-node chain.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import itertools
import json
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from nodeweave import Hook, HookRun, NodeSpace, Replace, Shelf, node

EXECUTIONS = [0]


@node(id="bench.add1")
def add1(a: int) -> int:
    EXECUTIONS[0] += 1
    return a + 1


@node(id="bench.add2")
def add2(a: int, b: int) -> int:
    EXECUTIONS[0] += 1
    return a + b


STREAM_RATE = 10_000
STREAM_SECONDS = 3.0
STREAM_CHAIN = 10


@node(id="bench.firehose")
def firehose(rate: int, seconds: float) -> Iterator[int]:
    """Yield 0, 1, 2, … at ``rate`` values a second (paced every 5 values), in its thread."""
    n = int(rate * seconds)
    start = time.perf_counter()
    for i in range(n):
        yield i
        if i % 5 == 4:
            delay = start + (i + 1) / rate - time.perf_counter()
            if delay > 0:
                time.sleep(delay)


def new_space(hooks: list[Hook] | None = None) -> NodeSpace:
    ns = NodeSpace()
    ns.library.add_shelf(Shelf(name="bench", nodes=[add1, add2, firehose], hooks=hooks or []))
    return ns


def _noop_before(run: HookRun) -> str | None:
    return None


def _noop_after(run: HookRun, value: object) -> Replace | None:
    return None


NOOP_HOOK = Hook(before_run=_noop_before, after_run=_noop_after, name="noop")


def build_chain(ns: NodeSpace, n: int) -> list[str]:
    ids = [ns.add_node("bench.add1")]
    for _ in range(n - 1):
        u = ns.add_node("bench.add1")
        ns.connect(ids[-1], "out", u, "a")
        ids.append(u)
    return ids


def summary(samples: list[float]) -> dict[str, float]:
    return {
        "median": statistics.median(samples),
        "min": min(samples),
        "max": max(samples),
        "runs": len(samples),
    }


async def timed_changes(
    ns: NodeSpace, root: str, runs: int, check: Callable[[int], None]
) -> list[float]:
    """Time set_input(root) → settle() for ``runs`` distinct values, after one warm-up."""
    samples = []
    for i in range(runs + 1):
        gc.collect()
        t0 = time.perf_counter()
        ns.set_input(root, "a", i + 1)
        await ns.settle()
        dt = time.perf_counter() - t0
        check(i + 1)
        if i:
            samples.append(dt * 1e3)
    return samples


class EmptyStore:
    """A result store that holds nothing and keeps nothing: what keying every run costs."""

    min_seconds = float("inf")

    def has(self, key: str) -> bool:
        return False

    def load(self, key: str) -> None:
        return None

    def put(self, key: str, outputs: object, ident: object) -> None:
        return None


async def chain(
    runs: int, observed: bool = False, hooked: bool = False, keyed: bool = False
) -> dict[str, float]:
    ns = new_space([NOOP_HOOK] if hooked else None)
    if keyed:  # as a worker does: every run gets its result-cache key
        ns.set_result_store(EmptyStore())  # type: ignore[arg-type]
    events: list[object] = []
    if observed:  # as a worker does: every status and value event reaches a subscriber
        ns.subscribe(events.append)
    ids = build_chain(ns, 1000)
    ns.set_input(ids[0], "a", 0)
    await ns.settle()

    def check(v: int) -> None:
        assert ns.get_value(ids[-1], "out") == v + 1000
        events.clear()

    return summary(await timed_changes(ns, ids[0], runs, check))


async def memo(runs: int) -> tuple[float, float]:
    """A 1000-chain changed back and forth between two values (every node served from its
    memo) vs changed to new values each time; medians in ms. Every run is remembered here
    (MEMO_MIN_SECONDS 0): the figure is the memo's own cost."""
    from nodeweave.core import scheduler

    saved = scheduler.MEMO_MIN_SECONDS
    scheduler.MEMO_MIN_SECONDS = 0.0
    try:
        result = []
        for hit in (True, False):
            ns = new_space()
            ids = build_chain(ns, 1000)
            for v in (0, 1):
                ns.set_input(ids[0], "a", v)
                await ns.settle()
            samples = []
            for i in range(runs):
                v = i % 2 if hit else i + 10
                gc.collect()
                t0 = time.perf_counter()
                ns.set_input(ids[0], "a", v)
                await ns.settle()
                samples.append((time.perf_counter() - t0) * 1e3)
                assert ns.get_value(ids[-1], "out") == v + 1000
            await ns.aclose()
            result.append(statistics.median(samples))
        return result[0], result[1]
    finally:
        scheduler.MEMO_MIN_SECONDS = saved


def rss_now_mb() -> float:
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


async def stream() -> dict[str, float]:
    """A generator yielding 10,000 values a second for 3 s into a 10-node chain, observed as a
    worker observes it: what reached the chain's end, the process's RSS through the run (flat:
    values are skipped, never queued), the values held for the chain at most (one), and the
    last value (always delivered)."""
    ns = new_space()
    events: list[object] = []
    ns.subscribe(events.append)
    src = ns.add_node("bench.firehose", inputs={"rate": STREAM_RATE, "seconds": STREAM_SECONDS})
    ids = [src, *(ns.add_node("bench.add1") for _ in range(STREAM_CHAIN))]
    for a, b in itertools.pairwise(ids):
        ns.connect(a, "out", b, "a")
    runner = ns._runner  # the figure reads the runner's slots: what waits for the chain
    EXECUTIONS[0] = 0
    gc.collect()
    rss: list[float] = []
    held = 0
    t0 = time.perf_counter()
    for _ in range(10_000):  # the stream's first value
        if ns.node(src).live:
            break
        await asyncio.sleep(0.001)
    next_sample = time.perf_counter()
    while ns.node(src).live:
        held = max(held, len(runner._held) + len(runner._thread_values))
        if time.perf_counter() >= next_sample:
            rss.append(rss_now_mb())
            events.clear()  # (a worker's outbox sends and drops them)
            next_sample += 0.25
        await asyncio.sleep(0.0005)
    took = time.perf_counter() - t0
    await ns.settle()
    n = int(STREAM_RATE * STREAM_SECONDS)
    last = ns.get_value(ids[-1], "out")
    assert last == n - 1 + STREAM_CHAIN, f"the last value {last!r} was not delivered"
    await ns.aclose()
    quarter = rss[len(rss) // 4]
    return {
        "values": float(n),
        "rate": n / took,
        "delivered": EXECUTIONS[0] / STREAM_CHAIN,
        "rss_first_quarter": quarter,
        "rss_end": rss[-1],
        "rss_growth": max(rss[len(rss) // 4 :]) - quarter,
        "held_max": float(held),
    }


async def fanout(runs: int) -> dict[str, float]:
    ns = new_space()
    root = ns.add_node("bench.add1", inputs={"a": 0})
    leaves = []
    for _ in range(1000):
        u = ns.add_node("bench.add1")
        ns.connect(root, "out", u, "a")
        leaves.append(u)
    await ns.settle()

    def check(v: int) -> None:
        assert all(ns.get_value(u, "out") == v + 2 for u in leaves)

    return summary(await timed_changes(ns, root, runs, check))


async def diamond(runs: int) -> tuple[dict[str, float], list[int]]:
    """20 layers × 50 nodes after one root: 1001 nodes, 2000 edges."""
    ns = new_space()
    root = ns.add_node("bench.add1", inputs={"a": 0})
    prev = [root] * 50
    for _ in range(20):
        layer = []
        for i in range(50):
            u = ns.add_node("bench.add2")
            ns.connect(prev[i], "out", u, "a")
            ns.connect(prev[(i + 1) % 50], "out", u, "b")
            layer.append(u)
        prev = layer
    assert len(ns) == 1001 and len(ns.edges()) == 2000
    await ns.settle()
    executions: list[int] = []
    last = prev[0]

    def check(v: int) -> None:
        assert ns.get_value(last, "out") == (v + 1) * 2**20
        executions.append(EXECUTIONS[0] - before[0])
        before[0] = EXECUTIONS[0]

    before = [EXECUTIONS[0]]
    samples = await timed_changes(ns, root, runs, check)
    return summary(samples), executions[1:]


async def build(runs: int) -> dict[str, float]:
    samples = []
    for _ in range(runs + 1):
        ns = new_space()
        gc.collect()
        t0 = time.perf_counter()
        ids = build_chain(ns, 1000)
        samples.append((time.perf_counter() - t0) * 1e3)
        assert len(ids) == 1000 and len(ns.edges()) == 999
    return summary(samples[1:])


def rss_child() -> None:
    """In a fresh process: import, build and compute a 1000-node chain, print RSS in MB."""
    ns = new_space()
    ids = build_chain(ns, 1000)
    ns.set_input(ids[0], "a", 0)
    asyncio.run(ns.settle())
    assert ns.get_value(ids[-1], "out") == 1000
    status = Path("/proc/self/status").read_text()
    rss_kb = int(status.split("VmRSS:")[1].split()[0])
    hwm_kb = int(status.split("VmHWM:")[1].split()[0])
    print(json.dumps({"rss_mb": rss_kb / 1024, "peak_rss_mb": hwm_kb / 1024}))


def rss(runs: int) -> dict[str, float]:
    values, peaks = [], []
    for _ in range(runs):
        out = subprocess.run(
            [sys.executable, __file__, "--rss-child"],
            check=True,
            capture_output=True,
            text=True,
            timeout=120,
        ).stdout
        data = json.loads(out)
        values.append(data["rss_mb"])
        peaks.append(data["peak_rss_mb"])
    result = summary(values)
    result["peak_median"] = statistics.median(peaks)
    return result


FIGURES: list[tuple[str, str, str, str]] = [
    (
        "chain",
        "chain of 1000: set_input on the first → settle()",
        "≤ 15 ms",
        "111 ms (debounce 0), 10.7 s (default)",
    ),
    ("chain_observed", "the same chain with an event subscriber attached", "—", "—"),
    ("chain_hooked", "the same chain with one no-op hook (before and after each run)", "—", "—"),
    ("chain_keyed", "the same chain keyed for the result cache (as in a worker)", "—", "—"),
    ("fanout", "fan-out 1 → 1000: change → settled", "≤ 15 ms", "90 ms"),
    ("diamond", "diamond 20 × 50 (1001 nodes, 2000 edges): change → settled", "≤ 25 ms", "265 ms"),
    ("build", "build the 1000-node chain (add + connect)", "≤ 60 ms", "0.76 s"),
    ("rss", "RSS after building 1000 nodes (fresh process)", "≤ 45 MB", "52–59 MB"),
]


def fmt(s: dict[str, float], unit: str) -> str:
    return f"{s['median']:.2f} {unit} [{s['min']:.2f}, {s['max']:.2f}] ({int(s['runs'])} runs)"


async def main_async(runs: int, as_json: bool) -> int:
    results: dict[str, object] = {}
    results["chain"] = await chain(runs)
    results["chain_observed"] = await chain(runs, observed=True)
    # hooked vs plain, alternating (the machine is shared): the ratio of the medians
    plain, hooked = [], []
    for _ in range(3):
        plain.append((await chain(runs))["median"])
        hooked.append((await chain(runs, hooked=True))["median"])
    results["chain_hooked"] = await chain(runs, hooked=True)
    results["chain_keyed"] = await chain(runs, keyed=True)
    results["hook_ratio"] = statistics.median(h / p for h, p in zip(hooked, plain, strict=True))
    hit_ms, miss_ms = await memo(runs)
    results["memo_hit_ms"], results["memo_miss_ms"] = hit_ms, miss_ms
    results["fanout"] = await fanout(runs)
    diamond_summary, executions = await diamond(runs)
    results["diamond"] = diamond_summary
    results["diamond_executions"] = sorted(set(executions))
    results["build"] = await build(max(5, runs // 2))
    results["rss"] = rss(5)
    results["stream"] = await stream()
    if as_json:
        print(json.dumps(results, indent=2))
        return 0
    print(f"nodeweave core benchmark — Python {sys.version.split()[0]}, median [min, max]")
    for key, label, target, predecessor in FIGURES:
        unit = "MB" if key == "rss" else "ms"
        line = fmt(results[key], unit)  # type: ignore[arg-type]
        print(f"  {label:<62} {line:<36} target {target:<8} predecessor {predecessor}")
    print(
        f"  {'executions per change in the diamond':<62} {results['diamond_executions']}"
        f"{'':<29} target exactly [1001]"
    )
    hit_ms, miss_ms = float(results["memo_hit_ms"]), float(results["memo_miss_ms"])  # type: ignore[arg-type]
    print(
        f"  {'1000-chain back and forth, all from the memo vs new values':<62} "
        f"{hit_ms:.2f} ms vs {miss_ms:.2f} ms = {hit_ms / miss_ms:.2f} ×{'':<8} target ≤ 1.1 ×  "
        f"{'ok' if hit_ms / miss_ms <= 1.1 else 'MISS'}"
    )
    st: dict[str, float] = results["stream"]  # type: ignore[assignment]
    grows = st["rss_growth"]
    print(
        f"  {'generator at 10,000 values/s for 3 s into a 10-node chain':<62} "
        f"{st['rate']:,.0f} values/s; {st['delivered']:,.0f} of {st['values']:,.0f} reached "
        f"the end, the last one included; held at most {st['held_max']:.0f}"
    )
    print(
        f"  {'  RSS through the stream (first quarter → end; growth after it)':<62} "
        f"{st['rss_first_quarter']:.1f} → {st['rss_end']:.1f} MB (+{grows:.1f}){'':<10} "
        f"target flat (≤ +2 MB), held ≤ 1  {'ok' if grows <= 2 and st['held_max'] <= 1 else 'MISS'}"
    )
    ratio = float(results["hook_ratio"])  # type: ignore[arg-type]
    verdict = "ok" if ratio <= 1.3 else "MISS"
    print(
        f"  {'one no-op hook / no hook, 1000-chain (median of paired medians)':<62} "
        f"{ratio:.2f} ×{'':<30} target ≤ 1.3 ×  {verdict}"
    )
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=30, help="timed runs per figure")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--rss-child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.rss_child:
        rss_child()
        return 0
    return asyncio.run(main_async(args.runs, args.json))


if __name__ == "__main__":
    raise SystemExit(main())
