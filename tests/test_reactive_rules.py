"""The seven rules of the reactive core (ARCHITECTURE section 2), one behaviour per test."""

from __future__ import annotations

import asyncio
import threading
from typing import Any

import pytest

from nodeweave import NodeContext, NodeSpace, Shelf, Status, node
from nodeweave.core.events import NodeFailed, ProgressReported, ValueChanged

from .helpers import Recorder, space


@node(id="bench.add1")
def add1(a: int) -> int:
    return a + 1


async def test_fixed_surface_example_computes_a_chain() -> None:
    ns = NodeSpace()
    ns.library.add_shelf(Shelf(name="bench", nodes=[add1]))
    a = ns.add_node("bench.add1")
    b = ns.add_node("bench.add1")
    ns.connect(a, "out", b, "a")
    ns.set_input(a, "a", 1)
    await ns.settle()
    assert ns.get_value(b, "out") == 3


# --- rule 1: glitch-free, once per change ---------------------------------------------------


async def test_diamond_runs_each_node_once_and_never_on_mixed_inputs() -> None:
    runs: dict[str, int] = {"left": 0, "right": 0, "join": 0}
    seen_pairs: list[tuple[int, int]] = []

    @node(id="d.left")
    def left(x: int) -> int:
        runs["left"] += 1
        return x + 1

    @node(id="d.right")
    def right(x: int) -> int:
        runs["right"] += 1
        return x * 10

    @node(id="d.join")
    def join(a: int, b: int) -> int:
        runs["join"] += 1
        seen_pairs.append((a, b))
        return a + b

    @node(id="d.source")
    def source(x: int) -> int:
        return x

    ns = space(left, right, join, source)
    s = ns.add_node("d.source", inputs={"x": 0})
    lt, rt = ns.add_node("d.left"), ns.add_node("d.right")
    j = ns.add_node("d.join")
    ns.connect(s, "out", lt, "x")
    ns.connect(s, "out", rt, "x")
    ns.connect(lt, "out", j, "a")
    ns.connect(rt, "out", j, "b")
    await ns.settle()
    for value in range(1, 6):
        ns.set_input(s, "x", value)
        await ns.settle()
    assert runs == {"left": 6, "right": 6, "join": 6}
    # Every pair the join saw came from the same source value: no glitch.
    assert seen_pairs == [(v + 1, v * 10) for v in range(6)]
    assert ns.get_value(j, "out") == 6 + 50


async def test_deep_diamond_lattice_runs_every_node_exactly_once_per_change() -> None:
    counts: dict[str, int] = {}

    @node(id="lat.src")
    def src(a: int) -> int:
        return a

    @node(id="lat.sum")
    def add(a: int, b: int) -> int:
        return a + b

    ns = space(src, add)
    ns.subscribe(lambda e: None)  # exercise the observed path too
    root = ns.add_node("lat.src", inputs={"a": 1})
    layer = [root] * 5
    all_nodes = [root]
    for _ in range(6):
        nxt = []
        for i in range(5):
            u = ns.add_node("lat.sum")
            ns.connect(layer[i], "out", u, "a")
            ns.connect(layer[(i + 1) % 5], "out", u, "b")
            nxt.append(u)
        layer = nxt
        all_nodes += nxt
    await ns.settle()

    def count(event: Any) -> None:
        if getattr(event, "status", None) is Status.RUNNING:
            counts[event.uuid] = counts.get(event.uuid, 0) + 1

    ns.subscribe(count)
    ns.set_input(root, "a", 2)
    await ns.settle()
    assert counts == dict.fromkeys(all_nodes, 1)
    # every node doubled exactly (linear in the root), which only holds with no glitch
    assert all(ns.get_value(u, "out") % 2 == 0 for u in all_nodes)


async def test_nodes_run_after_all_their_parents() -> None:
    order: list[str] = []

    @node(id="o.n")
    def n(a: int = 0, b: int = 0, name: str = "") -> int:
        order.append(name)
        return a + b + 1

    ns = space(n)
    ids = {k: ns.add_node("o.n", inputs={"name": k}) for k in "abcde"}
    for src, dst, io in [
        ("a", "b", "a"),
        ("a", "c", "a"),
        ("b", "d", "a"),
        ("c", "d", "b"),
        ("d", "e", "a"),
        ("a", "e", "b"),
    ]:
        ns.connect(ids[src], "out", ids[dst], io)
    await ns.settle()
    order.clear()
    ns.set_input(ids["a"], "a", 5)
    await ns.settle()
    pos = {name: i for i, name in enumerate(order)}
    assert sorted(order) == list("abcde")
    assert pos["a"] < pos["b"] < pos["d"] < pos["e"]
    assert pos["a"] < pos["c"] < pos["d"]


# --- rule 2: concurrent where independent ----------------------------------------------------


async def test_independent_async_nodes_overlap_in_time() -> None:
    started = {"a": asyncio.Event(), "b": asyncio.Event()}

    @node(id="c.wait_for_other")
    async def wait_for_other(me: str, other: str) -> str:
        started[me].set()
        await started[other].wait()  # only finishes if the other one runs at the same time
        return me

    ns = space(wait_for_other)
    a = ns.add_node("c.wait_for_other", inputs={"me": "a", "other": "b"})
    b = ns.add_node("c.wait_for_other", inputs={"me": "b", "other": "a"})
    async with asyncio.timeout(5):
        await ns.settle()
    assert (ns.get_value(a, "out"), ns.get_value(b, "out")) == ("a", "b")


async def test_thread_executor_node_does_not_block_the_event_loop() -> None:
    release = threading.Event()
    entered = threading.Event()

    @node(id="c.blocking", executor="thread")
    def blocking(x: int) -> int:
        entered.set()
        if not release.wait(10):
            raise TimeoutError("never released")
        return x * 2

    ns = space(blocking)
    u = ns.add_node("c.blocking", inputs={"x": 21})
    settle = asyncio.create_task(ns.settle())
    # The loop keeps turning while the thread works: this await needs it.
    assert await asyncio.to_thread(entered.wait, 5)
    assert ns.status(u) is Status.RUNNING
    ticks = 0
    for _ in range(10):
        await asyncio.sleep(0)
        ticks += 1
    assert ticks == 10 and not settle.done()
    release.set()
    async with asyncio.timeout(5):
        await settle
    assert ns.get_value(u, "out") == 42
    await ns.aclose()


async def test_process_executor_runs_in_another_process() -> None:
    import os

    from .helpers import process_pid

    ns = space(process_pid)
    u = ns.add_node("proc.pid", inputs={"x": 7})
    try:
        async with asyncio.timeout(30):
            await ns.settle()
        assert ns.status(u) is Status.DONE, ns.error(u)
    finally:
        await ns.aclose()
    value = ns.node(u).outputs
    assert set(value) == {"out"}
    x, pid = value["out"]
    assert x == 7 and pid != os.getpid()


# --- rule 3: latest wins ---------------------------------------------------------------------


async def test_change_while_async_node_runs_cancels_it_and_computes_latest() -> None:
    gates = {1: asyncio.Event(), 2: asyncio.Event()}
    entered = {1: asyncio.Event(), 2: asyncio.Event()}
    started: list[int] = []
    cancelled: list[int] = []

    @node(id="l.slow")
    async def slow(x: int) -> int:
        started.append(x)
        entered[x].set()
        try:
            await gates[x].wait()
        except asyncio.CancelledError:
            cancelled.append(x)
            raise
        return x * 100

    @node(id="l.after")
    def after(v: int) -> int:
        return v + 1

    ns = space(slow, after)
    s = ns.add_node("l.slow", inputs={"x": 1})
    t = ns.add_node("l.after")
    ns.connect(s, "out", t, "v")
    async with asyncio.timeout(5):
        await entered[1].wait()
    ns.set_input(s, "x", 2)  # supersedes the running x=1
    async with asyncio.timeout(5):
        await entered[2].wait()
    gates[1].set()  # releasing the superseded run must not matter
    gates[2].set()
    async with asyncio.timeout(5):
        await ns.settle()
    assert started == [1, 2]
    assert cancelled == [1]
    assert ns.get_value(s, "out") == 200
    assert ns.get_value(t, "out") == 201


async def test_superseded_thread_run_result_is_discarded() -> None:
    release = {1: threading.Event(), 2: threading.Event()}
    entered = {1: threading.Event(), 2: threading.Event()}
    finished = {1: threading.Event(), 2: threading.Event()}

    @node(id="l.thread", executor="thread")
    def work(x: int) -> int:
        entered[x].set()
        release[x].wait(10)
        finished[x].set()
        return x * 100

    ns = space(work)
    rec = Recorder(ns)
    u = ns.add_node("l.thread", inputs={"x": 1})
    assert await asyncio.to_thread(entered[1].wait, 5)
    ns.set_input(u, "x", 2)
    assert await asyncio.to_thread(entered[2].wait, 5)
    release[1].set()  # the old run finishes now, with x=1 …
    assert await asyncio.to_thread(finished[1].wait, 5)
    for _ in range(5):  # … give its result every chance to (wrongly) land
        await asyncio.sleep(0)
    assert ns.status(u) is Status.RUNNING
    assert ns.get_value(u, "out") is None
    release[2].set()
    async with asyncio.timeout(5):
        await ns.settle()
    assert ns.get_value(u, "out") == 200
    assert [e.value for e in rec.of(ValueChanged) if e.uuid == u] == [200]
    await ns.aclose()


async def test_burst_of_changes_coalesces_into_one_run_with_the_last_value() -> None:
    seen: list[int] = []

    @node(id="l.record")
    def record(x: int) -> int:
        seen.append(x)
        return x

    ns = space(record)
    u = ns.add_node("l.record", inputs={"x": 0})
    await ns.settle()
    for value in range(1, 101):
        ns.set_input(u, "x", value)
    await ns.settle()
    assert seen == [0, 100]


async def test_slider_drag_on_slow_async_node_always_ends_with_last_value() -> None:
    runs: list[int] = []

    @node(id="l.sleepy")
    async def sleepy(x: int) -> int:
        runs.append(x)
        await asyncio.sleep(0.002)
        return x

    ns = space(sleepy)
    u = ns.add_node("l.sleepy", inputs={"x": 0})
    for value in range(1, 30):
        ns.set_input(u, "x", value)
        await asyncio.sleep(0.0005)
    async with asyncio.timeout(5):
        await ns.settle()
    assert ns.get_value(u, "out") == 29
    assert runs[-1] == 29


# --- rule 4: readiness -----------------------------------------------------------------------


async def test_node_with_missing_required_input_waits_and_runs_once_given_it() -> None:
    runs: list[int] = []

    @node(id="r.need")
    def need(x: int, y: int = 1) -> int:
        runs.append(x)
        return x + y

    ns = space(need)
    u = ns.add_node("r.need")
    await ns.settle()
    assert ns.status(u) is Status.WAITING and runs == []
    ns.set_input(u, "x", 4)
    await ns.settle()
    assert ns.status(u) is Status.DONE and ns.get_value(u, "out") == 5 and runs == [4]


# --- rule 5: errors are data -----------------------------------------------------------------


@node(id="e.maybe_fail")
def maybe_fail(x: int) -> int:
    if x < 0:
        raise ValueError(f"negative: {x}")
    return x


@node(id="e.count")
def plus_one(x: int) -> int:
    return x + 1


async def test_error_is_recorded_and_blocks_descendants_until_fixed_upstream() -> None:
    ns = space(maybe_fail, plus_one)
    rec = Recorder(ns)
    f = ns.add_node("e.maybe_fail", inputs={"x": -1})
    c1 = ns.add_node("e.count")
    c2 = ns.add_node("e.count")
    ns.connect(f, "out", c1, "x")
    ns.connect(c1, "out", c2, "x")
    await ns.settle()
    assert ns.status(f) is Status.ERROR
    err = ns.error(f)
    assert err is not None and err.type == "ValueError" and err.message == "negative: -1"
    assert "raise ValueError" in err.traceback
    # The node's own code comes first: the engine's frames (runner, executors) are left out.
    assert "nodeweave/core" not in err.traceback
    assert err.traceback.splitlines()[1].lstrip().startswith(f'File "{__file__}"')
    assert ns.status(c1) is Status.BLOCKED and ns.status(c2) is Status.BLOCKED
    assert "running" not in rec.statuses(c1)
    assert [e.uuid for e in rec.of(NodeFailed)] == [f]

    ns.set_input(f, "x", 3)
    await ns.settle()
    assert ns.error(f) is None
    assert [ns.status(u) for u in (f, c1, c2)] == [Status.DONE] * 3
    assert ns.get_value(c2, "out") == 5


async def test_error_in_one_branch_does_not_stop_the_other() -> None:
    ns = space(maybe_fail, plus_one)
    bad = ns.add_node("e.maybe_fail", inputs={"x": -5})
    good = ns.add_node("e.maybe_fail", inputs={"x": 5})
    after_good = ns.add_node("e.count")
    ns.connect(good, "out", after_good, "x")
    await ns.settle()
    assert ns.status(bad) is Status.ERROR
    assert ns.get_value(after_good, "out") == 6


async def test_wrong_number_of_outputs_is_a_node_error() -> None:
    @node(id="e.two", outputs=["a", "b"])
    def two(x: int) -> Any:
        return (x,)

    ns = space(two)
    u = ns.add_node("e.two", inputs={"x": 1})
    await ns.settle()
    err = ns.error(u)
    assert err is not None and err.type == "OutputError" and "returned 1 values" in err.message


async def test_multi_output_node_sets_each_output() -> None:
    @node(id="m.divmod", outputs=["q", "r"])
    def dm(a: int, b: int) -> tuple[int, int]:
        return divmod(a, b)

    ns = space(dm)
    u = ns.add_node("m.divmod", inputs={"a": 17, "b": 5})
    await ns.settle()
    assert (ns.get_value(u, "q"), ns.get_value(u, "r")) == (3, 2)


async def test_node_calling_sys_exit_is_an_error_not_a_crash() -> None:
    import sys

    @node(id="e.exit")
    def bye(x: int) -> int:
        sys.exit(3)

    ns = space(bye)
    u = ns.add_node("e.exit", inputs={"x": 1})
    await ns.settle()
    err = ns.error(u)
    assert err is not None and err.type == "SystemExit"


# --- rule 6: no work for nothing -------------------------------------------------------------


async def test_setting_an_equal_value_runs_nothing() -> None:
    ns = space(add1)
    rec = Recorder(ns)
    a = ns.add_node("bench.add1", inputs={"a": 1})
    b = ns.add_node("bench.add1")
    ns.connect(a, "out", b, "a")
    await ns.settle()
    rec.clear()
    assert ns.set_input(a, "a", 1) is False
    await ns.settle()
    assert rec.events == []


async def test_equal_upstream_output_does_not_rerun_descendants() -> None:
    runs: list[int] = []

    @node(id="n.parity")
    def parity(x: int) -> int:
        return x % 2

    @node(id="n.expensive")
    def expensive(p: int) -> int:
        runs.append(p)
        return p * 1000

    ns = space(parity, expensive)
    p = ns.add_node("n.parity", inputs={"x": 1})
    e = ns.add_node("n.expensive")
    ns.connect(p, "out", e, "p")
    await ns.settle()
    ns.set_input(p, "x", 3)  # parity stays 1
    await ns.settle()
    assert runs == [1]
    assert ns.status(e) is Status.DONE
    ns.set_input(p, "x", 4)
    await ns.settle()
    assert runs == [1, 0]


async def test_trigger_reruns_a_node_with_unchanged_inputs() -> None:
    runs: list[int] = []

    @node(id="n.rec")
    def rec(x: int) -> int:
        runs.append(x)
        return x

    ns = space(rec)
    u = ns.add_node("n.rec", inputs={"x": 1})
    await ns.settle()
    ns.trigger(u)
    await ns.settle()
    assert runs == [1, 1]


# --- rule 7: observable ----------------------------------------------------------------------


async def test_status_transitions_and_values_are_events() -> None:
    ns = space(add1)
    rec = Recorder(ns)
    u = ns.add_node("bench.add1", inputs={"a": 1})
    await ns.settle()
    assert rec.statuses(u) == ["stale", "running", "done"]
    assert [(e.io, e.value) for e in rec.of(ValueChanged)] == [("out", 2)]


@pytest.mark.parametrize("executor", ["inline", "thread"])
async def test_progress_reports_become_events(executor: str) -> None:
    def work(ctx: NodeContext, steps: int) -> int:
        for i in range(steps):
            ctx.progress((i + 1) / steps, f"step {i + 1}")
        return steps

    kind: Any = executor
    spec_fn = node(id=f"p.work_{executor}", executor=kind)(work)
    ns = space(spec_fn)
    rec = Recorder(ns)
    u = ns.add_node(f"p.work_{executor}", inputs={"steps": 4})
    async with asyncio.timeout(5):
        await ns.settle()
    progress = rec.of(ProgressReported)
    assert progress, "no progress event"
    assert progress[-1].fraction == 1.0 and progress[-1].message == "step 4"
    assert all(p.uuid == u for p in progress)
    if executor == "inline":
        assert [p.fraction for p in progress] == [0.25, 0.5, 0.75, 1.0]
    await ns.aclose()


async def test_async_progress_reports_arrive_while_running() -> None:
    gate = asyncio.Event()

    @node(id="p.async")
    async def work(ctx: NodeContext, x: int) -> int:
        ctx.progress(0.5, "half")
        await gate.wait()
        return x

    ns = space(work)
    got = asyncio.Event()
    reports: list[ProgressReported] = []

    def on_event(event: object) -> None:
        if isinstance(event, ProgressReported):
            reports.append(event)
            got.set()

    ns.subscribe(on_event)
    ns.add_node("p.async", inputs={"x": 1})
    async with asyncio.timeout(5):
        await got.wait()
    assert reports[0].message == "half"
    gate.set()
    await ns.settle()


# --- cancellation ----------------------------------------------------------------------------


async def test_cancel_stops_running_nodes_and_a_later_change_reruns_them() -> None:
    gate = asyncio.Event()
    cancelled: list[int] = []

    @node(id="x.wait")
    async def wait(x: int) -> int:
        try:
            await gate.wait()
        except asyncio.CancelledError:
            cancelled.append(x)
            raise
        return x

    ns = space(wait, plus_one)
    w = ns.add_node("x.wait", inputs={"x": 1})
    after = ns.add_node("e.count")
    ns.connect(w, "out", after, "x")
    await asyncio.sleep(0)
    await asyncio.sleep(0)
    assert ns.status(w) is Status.RUNNING
    assert set(ns.cancel()) == {w, after}
    async with asyncio.timeout(5):
        await ns.settle()
    await asyncio.sleep(0)
    assert cancelled == [1]
    assert ns.status(w) is Status.CANCELLED and ns.status(after) is Status.CANCELLED
    gate.set()
    ns.set_input(w, "x", 2)
    async with asyncio.timeout(5):
        await ns.settle()
    assert ns.get_value(after, "out") == 3


async def test_aclose_cancels_running_tasks() -> None:
    cancelled: list[int] = []

    @node(id="x.forever")
    async def forever(x: int) -> int:
        try:
            await asyncio.Event().wait()
        except asyncio.CancelledError:
            cancelled.append(x)
            raise
        return x

    ns = space(forever)
    ns.add_node("x.forever", inputs={"x": 9})
    await asyncio.sleep(0)
    await asyncio.sleep(0)
    await ns.aclose()
    assert cancelled == [9]


async def test_process_pool_processes_are_gone_after_aclose() -> None:
    import multiprocessing

    from nodeweave.core.procpool import ProcessExecutor

    from .helpers import process_pid

    ns = space(process_pid)
    u = ns.add_node("proc.pid", inputs={"x": 1})
    async with asyncio.timeout(30):
        await ns.settle()
    pool = ns._executors.get("process")
    assert isinstance(pool, ProcessExecutor)
    _, pid = ns.get_value(u, "out")
    assert pool.processes == [pid]
    await ns.aclose()
    assert pool.processes == []
    assert not [c for c in multiprocessing.active_children() if c.pid == pid]


def test_a_nodespace_serves_successive_event_loops() -> None:
    @node(id="x.async_double")
    async def double(x: int) -> int:
        await asyncio.sleep(0)
        return 2 * x

    ns = space(double)
    u = ns.add_node("x.async_double", inputs={"x": 1})  # no loop yet: computed on settle
    asyncio.run(ns.settle())
    assert ns.get_value(u, "out") == 2
    ns.set_input(u, "x", 5)
    asyncio.run(ns.settle())  # a new loop: runs must be scheduled on it, not the closed one
    assert ns.get_value(u, "out") == 10
