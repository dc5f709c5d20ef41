"""Heavy nodes keep "latest wins": process runs are killed, thread runs stop at their next
check, and a sync node that blocks the loop moves off it."""

from __future__ import annotations

import asyncio
import concurrent.futures
import os
import threading
import time
from collections.abc import AsyncIterator, Iterator

import pytest

from nodeweave import NodeContext, RunCancelled, Status, node
from nodeweave.core.events import MovedOffLoop, StaleRuns
from nodeweave.core.library import Library, Shelf
from nodeweave.core.nodespace import NodeSpace
from nodeweave.core.procpool import ProcessDied, ProcessExecutor

from .helpers import Recorder, process_boom, process_pid, process_slow, process_spin

pytestmark = pytest.mark.timeout(60)


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # a killed child is a zombie until it is reaped: count only running ones
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().split(") ")[1][0] != "Z"
    except OSError:  # gone meanwhile
        return False


def wait_for(predicate: object, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():  # type: ignore[operator]
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)


@pytest.fixture
def pool() -> Iterator[ProcessExecutor]:
    executor = ProcessExecutor(2)
    yield executor
    executor.shutdown(wait=True, cancel_futures=True)
    assert executor.processes == []


# --- the pool ----------------------------------------------------------------------------------


def test_cancelling_a_running_call_kills_its_process_and_frees_the_slot(
    pool: ProcessExecutor,
) -> None:
    spinning = pool.submit(process_spin, 1)
    wait_for(lambda: len(pool.processes) == 1)
    (pid,) = pool.processes
    assert spinning.cancel() is True
    with pytest.raises(concurrent.futures.CancelledError):
        spinning.result(10)
    wait_for(lambda: not alive(pid))
    # both slots serve again
    a, b = pool.submit(process_pid, 1), pool.submit(process_pid, 2)
    assert {a.result(10)[0], b.result(10)[0]} == {1, 2}
    assert pid not in {a.result()[1], b.result()[1]}


def test_a_queued_call_is_cancelled_without_running(pool: ProcessExecutor) -> None:
    first, second = pool.submit(process_spin, 1), pool.submit(process_spin, 2)
    queued = pool.submit(process_pid, 3)
    assert queued.cancel() is True and queued.cancelled()
    first.cancel()
    second.cancel()
    with pytest.raises(concurrent.futures.CancelledError):
        queued.result(1)


def test_idle_children_are_reused_and_recycled(pool: ProcessExecutor) -> None:
    first = pool.submit(process_pid, 1).result(10)[1]
    assert pool.submit(process_pid, 2).result(10)[1] == first
    pool.recycle()  # a module reloaded: the child holds old code
    wait_for(lambda: not alive(first))
    assert pool.submit(process_pid, 3).result(10)[1] != first


def test_an_error_comes_back_with_the_traceback_from_the_child(pool: ProcessExecutor) -> None:
    with pytest.raises(ValueError, match="no good: 4") as info:
        pool.submit(process_boom, 4).result(10)
    assert "process_boom" in str(info.value.__cause__)
    assert "raise ValueError" in str(info.value.__cause__)


def test_a_child_that_dies_fails_only_its_call(pool: ProcessExecutor) -> None:
    spinning = pool.submit(process_spin, 1)
    wait_for(lambda: len(pool.processes) == 1)
    os.kill(pool.processes[0], 9)  # the out-of-memory killer, say
    with pytest.raises(ProcessDied, match="exit code -9"):
        spinning.result(10)
    assert pool.submit(process_pid, 5).result(10)[0] == 5


def test_what_cannot_travel_is_the_calls_error(pool: ProcessExecutor) -> None:
    with pytest.raises(TypeError, match="cannot send the call"):
        pool.submit(process_pid, threading.Lock()).result(10)
    assert pool.submit(process_pid, 6).result(10)[0] == 6


# --- latest wins in a nodespace ----------------------------------------------------------------


@pytest.fixture
async def proc_space(pool: ProcessExecutor) -> AsyncIterator[NodeSpace]:
    shelf = Shelf("proc", nodes=[process_spin, process_slow, process_pid])
    ns = NodeSpace(Library([shelf]), executors={"process": pool})
    yield ns
    await ns.aclose()


async def test_a_cancelled_then_removed_endless_process_node_leaves_no_process(
    proc_space: NodeSpace, pool: ProcessExecutor
) -> None:
    ns = proc_space
    uuid = ns.add_node("proc.spin", inputs={"x": 1})
    await asyncio.to_thread(wait_for, lambda: len(pool.processes) == 1)
    (pid,) = pool.processes
    ns.cancel(uuid)
    async with asyncio.timeout(10):
        await ns.settle()
    assert ns.status(uuid) is Status.CANCELLED
    ns.remove_node(uuid)
    await asyncio.to_thread(wait_for, lambda: not alive(pid))


async def test_superseded_process_runs_are_killed_and_the_newest_runs_at_once(
    proc_space: NodeSpace, pool: ProcessExecutor
) -> None:
    ns = proc_space
    rec = Recorder(ns)
    uuid = ns.add_node("proc.slow", inputs={"x": 0, "seconds": 30.0})
    pids: list[int] = []
    for x in range(1, 6):
        await asyncio.to_thread(wait_for, lambda: len(pool.processes) >= 1)
        pids += pool.processes
        ns.set_input(uuid, "x", x)  # supersedes the 30 s run: it must not hold a slot
        await asyncio.sleep(0.05)
    ns.set_input(uuid, "seconds", 0.2)
    async with asyncio.timeout(10):  # 30 s would remain if a stale run held the slots
        await ns.settle()
    assert ns.get_value(uuid, "out")[0] == 5
    for pid in set(pids) - {ns.get_value(uuid, "out")[1]}:
        await asyncio.to_thread(wait_for, lambda p=pid: not alive(p))
    counts = [e.count for e in rec.of(StaleRuns)]
    assert counts and counts[-1] == 0


# --- thread nodes check their context ----------------------------------------------------------


async def test_a_superseded_thread_run_stops_at_its_next_check_and_is_reported() -> None:
    stopped: list[int] = []
    finished: list[int] = []

    @node(id="t.crunch", executor="thread")
    def crunch(x: int, ctx: NodeContext) -> int:
        try:
            for i in range(2000):
                ctx.progress(i / 2000, f"step {i}")
                time.sleep(0.005)
        except RunCancelled:
            stopped.append(x)
            raise
        finished.append(x)
        return x

    @node(id="t.quick", executor="thread")
    def quick(x: int, ctx: NodeContext) -> int:
        ctx.check()
        assert not ctx.cancelled
        return x * 10

    ns = NodeSpace(Library([Shelf("t", nodes=[crunch, quick])]))
    rec = Recorder(ns)
    uuid = ns.add_node("t.crunch", inputs={"x": 1})
    q = ns.add_node("t.quick", inputs={"x": 2})
    await asyncio.sleep(0.1)
    ns.set_input(uuid, "x", 2)
    await asyncio.sleep(0.1)
    ns.cancel(uuid)
    async with asyncio.timeout(10):
        await ns.settle()
        while rec.of(StaleRuns)[-1].count != 0:  # noqa: ASYNC110 - polls the recorder
            await asyncio.sleep(0.01)
    assert sorted(stopped) == [1, 2] and finished == []
    assert ns.status(uuid) is Status.CANCELLED
    assert ns.get_value(q, "out") == 20
    counts = [e.count for e in rec.of(StaleRuns) if e.uuid == uuid]
    assert max(counts) >= 1 and counts[-1] == 0
    await ns.aclose()


# --- sync nodes that turn out slow --------------------------------------------------------------


async def test_a_slow_inline_node_moves_off_the_loop_unless_pinned() -> None:
    threads: dict[str, list[str]] = {"slow": [], "pinned": []}

    @node(id="s.slow")
    def slow(x: int) -> int:
        threads["slow"].append(threading.current_thread().name)
        time.sleep(0.15)
        return x

    @node(id="s.pinned", executor="inline")
    def pinned(x: int) -> int:
        threads["pinned"].append(threading.current_thread().name)
        time.sleep(0.15)
        return x

    ns = NodeSpace(Library([Shelf("s", nodes=[slow, pinned])]))
    rec = Recorder(ns)
    a = ns.add_node("s.slow", inputs={"x": 1})
    b = ns.add_node("s.pinned", inputs={"x": 1})
    await ns.settle()
    ns.set_input(a, "x", 2)
    ns.set_input(b, "x", 2)
    # the loop now turns while the moved node runs
    ticks = 0
    while ns.busy:
        ticks += 1
        await asyncio.sleep(0.01)
    assert ns.get_value(a, "out") == 2 and ns.get_value(b, "out") == 2
    main = threading.main_thread().name
    assert threads["slow"][0] == main and threads["slow"][1].startswith("nodeweave-node")
    assert threads["pinned"] == [main, main]
    moved = rec.of(MovedOffLoop)
    assert [(m.node_id, m.uuid) for m in moved] == [("s.slow", a)] and moved[0].seconds >= 0.15
    await ns.aclose()


async def test_a_superseded_sql_query_is_interrupted_not_left_running() -> None:
    pytest.importorskip("duckdb")
    import pandas as pd

    from nodeweave.shelves import builtin_shelves

    ns = NodeSpace(Library(builtin_shelves()))
    rec = Recorder(ns)
    source = ns.add_node("tables.from_records", inputs={"records": [{"n": 1}]})
    query = ns.add_node(
        "sql.query",
        inputs={"query": "SELECT count(*) AS c FROM range(100000000000) t, a"},  # minutes
    )
    ns.connect(source, "out", query, "a")
    await asyncio.sleep(0.5)
    assert ns.status(query) is Status.RUNNING
    started = time.monotonic()
    ns.set_input(query, "query", "SELECT n * 2 AS c FROM a")
    async with asyncio.timeout(20):
        await ns.settle()
        while not rec.of(StaleRuns) or rec.of(StaleRuns)[-1].count:  # noqa: ASYNC110
            await asyncio.sleep(0.02)
    assert time.monotonic() - started < 5  # the long query stopped; it did not run on
    out = ns.get_value(query, "out")
    assert isinstance(out, pd.DataFrame) and out["c"].tolist() == [2]
    await ns.aclose()
