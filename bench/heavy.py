"""Benchmark of heavy nodes: "latest wins" for process and thread nodes, and a loop that stays
responsive while a slow sync node runs. Prints medians [min, max] next to the targets.

    python bench/heavy.py                     # all figures (about a minute and a half)
    python bench/heavy.py --runs 1            # one run each: a smoke test
    python bench/heavy.py --only process      # some figures (names: see --help)

Every figure runs a real ``python -m nodeweave worker run bench`` (see bench/worker.py: a fresh
temporary state directory, 127.0.0.1, stopped by pid) with the node module below in its
``modules/`` folder, driven over its WebSocket by :class:`nodeweave.client.Client`.

- ``process``: 8 ``set_input`` 200 ms apart into a node that burns 2 s of CPU in a process;
  the time from the last edit to its value arriving. Superseded runs must be killed, or they
  hold the pool's processes and CPUs (6.6 s before they were). Afterwards the worker's child
  processes are sampled for CPU: a stale run still spinning would show there.
- ``thread``: the same with a thread node that calls ``ctx.check()`` as it goes (4.0 s before).
- ``ping``: RPC ``ping`` round trips (p50, p99) while a sync node with no executor computes for
  5 s in pure Python. Its first, short run (0.3 s) blocked the loop, so the worker moved the node
  type off the loop; the measured run is the second.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import sys
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.report import Figure, Results, print_table, summary
from bench.worker import BYTECODE_DIR, BenchError, percentile, worker
from nodeweave.client import Client

MODULE = '''"""Heavy nodes for bench/heavy.py."""
import time

from nodeweave import NodeContext, node


def burn(seconds: float) -> None:
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        sum(range(1000))


@node(id="heavy.proc", executor="process")
def proc(x: int, seconds: float = 2.0) -> int:
    burn(seconds)
    return x


@node(id="heavy.thread", executor="thread")
def thread(x: int, ctx: NodeContext, seconds: float = 2.0) -> int:
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        sum(range(1000))
        ctx.check()
    return x


@node(id="heavy.inline")
def inline(x: int, seconds: float = 0.3) -> int:
    burn(seconds)
    return x
'''

FIGURES = [
    Figure("process", "8 edits 200 ms apart → last value, 2 s process node", "s", 2.4),
    Figure("process_stale_cpu", "… CPU used by the worker's children after it (stale runs)", "%"),
    Figure("thread", "8 edits 200 ms apart → last value, 2 s thread node checking ctx", "s", 2.4),
    Figure("ping_p50", "ping p50 while a 5 s sync node runs (moved off the loop)", "ms"),
    Figure("ping_p99", "ping p99, same", "ms", 5.0),
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


async def final_value(client: Client, uuid: str, expected: int, wait: float = 30.0) -> None:
    try:
        await client.next_event(
            "value",
            lambda d: d["uuid"] == uuid and d["preview"].get("value") == expected,
            wait=wait,
        )
    except TimeoutError:
        raise BenchError(f"no value {expected} for {uuid} within {wait} s") from None


async def latest_wins(
    node_id: str, runs: int, *, stale_cpu: bool
) -> tuple[list[float], list[float]]:
    took, cpu = [], []
    async with worker({"heavy_nodes.py": MODULE}) as w:
        client = await Client.connect(w.url, w.token)
        try:
            uuid = (await client.call("add_node", node_id=node_id, inputs={"x": 0}))["uuid"]
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


RUNNERS: dict[str, Callable[[int], Awaitable[Results]]] = {
    "process": fig_process,
    "thread": fig_thread,
    "ping": fig_ping,
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
