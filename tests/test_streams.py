"""Generator nodes: each yielded value flows on under the usual rules; a slow consumer skips
values instead of queueing them and always gets the last; an input change restarts the stream;
a paused node stops its stream and keeps its value; failures are data."""

from __future__ import annotations

import asyncio
import threading
import time
from collections import Counter
from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest

from nodeweave import NodeSpace, node
from nodeweave.core.errors import DefinitionError
from nodeweave.core.events import StreamChanged
from nodeweave.core.spec import spec_of

from .helpers import Recorder, space

RUNS: Counter[str] = Counter()
CLOSED: Counter[str] = Counter()
SEEN: list[int] = []


@pytest.fixture(autouse=True)
def reset() -> None:
    RUNS.clear()
    CLOSED.clear()
    SEEN.clear()


@node(id="st.count")
async def count(n: int = 5, pause: float = 0.001, start: int = 0) -> AsyncIterator[int]:
    try:
        for i in range(start, start + n):
            yield i
            await asyncio.sleep(pause)
    finally:
        CLOSED["count"] += 1


@node(id="st.forever")
async def forever(start: int = 0) -> AsyncIterator[int]:
    i = start
    try:
        while True:
            yield i
            i += 1
            await asyncio.sleep(0.002)
    finally:
        CLOSED["forever"] += 1


@node(id="st.sync_count")
def sync_count(n: int = 1000, pause: float = 0.0) -> Iterator[int]:
    try:
        for i in range(n):
            yield i
            if pause:
                time.sleep(pause)
    finally:
        CLOSED["sync"] += 1


@node(id="st.add1")
def add1(a: int) -> int:
    RUNS["add1"] += 1
    SEEN.append(a)
    return a + 1


@node(id="st.slow")
async def slow(a: int) -> int:
    RUNS["slow"] += 1
    try:
        await asyncio.sleep(0.03)
    except asyncio.CancelledError:
        RUNS["slow_cancelled"] += 1
        raise
    SEEN.append(a)
    return a


@node(id="st.boom")
async def boom(after: int = 2) -> AsyncIterator[int]:
    for i in range(after):
        yield i
        await asyncio.sleep(0.001)
    raise ValueError("the source broke")


@node(id="st.nothing")
def nothing() -> Iterator[int]:
    yield from ()


@node(id="st.pair", outputs=["i", "square"])
async def pair(n: int = 3) -> AsyncIterator[tuple[int, int]]:
    for i in range(n):
        yield i, i * i
        await asyncio.sleep(0.001)


NODES = [count, forever, sync_count, add1, slow, boom, nothing, pair]


def ns_with_all() -> NodeSpace:
    return space(*NODES)


async def until(check: Any, wait: float = 5.0) -> None:
    for _ in range(int(wait / 0.005)):
        if check():
            return
        await asyncio.sleep(0.005)
    raise AssertionError(f"not within {wait} s")


async def test_each_yield_flows_downstream_and_the_stream_says_when_it_is_live() -> None:
    ns = ns_with_all()
    rec = Recorder(ns)
    src = ns.add_node("st.count", inputs={"n": 5, "pause": 0.01})
    dst = ns.add_node("st.add1")
    ns.connect(src, "out", dst, "a")
    await until(lambda: CLOSED["count"] == 1)
    await ns.settle()
    assert ns.get_value(dst, "out") == 5
    assert SEEN == [0, 1, 2, 3, 4]  # a quick consumer sees every value, in order
    assert [e.live for e in rec.of(StreamChanged)] == [True, False]
    assert not ns.node(src).live
    await ns.aclose()


async def test_a_sync_generator_runs_in_a_thread_of_its_own_and_its_last_value_arrives() -> None:
    ns = ns_with_all()
    src = ns.add_node("st.sync_count", inputs={"n": 20_000})
    dst = ns.add_node("st.add1")
    ns.connect(src, "out", dst, "a")
    await until(lambda: CLOSED["sync"] == 1)
    await until(lambda: not ns.node(src).live)
    await ns.settle()
    assert ns.get_value(dst, "out") == 20_000  # the last value, always
    assert RUNS["add1"] < 20_000  # values the loop had no time for were skipped
    assert sorted(SEEN) == SEEN
    assert spec_of(sync_count).executor == "thread"
    assert not [t for t in threading.enumerate() if t.name.startswith("nodeweave stream")]
    await ns.aclose()


async def test_a_slow_consumer_skips_values_never_queues_them_and_is_never_cut_short() -> None:
    ns = ns_with_all()
    src = ns.add_node("st.sync_count", inputs={"n": 300, "pause": 0.001})
    dst = ns.add_node("st.slow")
    ns.connect(src, "out", dst, "a")
    await until(lambda: CLOSED["sync"] == 1)
    await until(lambda: not ns.node(src).live)
    await ns.settle()
    assert ns.get_value(dst, "out") == 299
    assert 2 <= RUNS["slow"] < 100  # each run took 30 ms: most of the 300 values were skipped
    assert RUNS["slow_cancelled"] <= 1  # (only the last value may cut a run short)
    assert sorted(SEEN) == SEEN and SEEN[-1] == 299
    await ns.aclose()


async def test_an_input_change_restarts_the_stream() -> None:
    ns = ns_with_all()
    src = ns.add_node("st.forever", inputs={"start": 0})
    dst = ns.add_node("st.add1")
    ns.connect(src, "out", dst, "a")
    await until(lambda: ns.get_value(dst, "out", 0) >= 3)
    ns.set_input(src, "start", 1000)
    await until(lambda: CLOSED["forever"] == 1)  # the old generator was closed
    await until(lambda: ns.get_value(dst, "out", 0) >= 1001)
    assert ns.node(src).live
    ns.remove_node(src)  # removing a live source stops it
    await until(lambda: CLOSED["forever"] == 2)
    await ns.aclose()


async def test_a_paused_source_stops_keeps_its_value_and_starts_again() -> None:
    ns = ns_with_all()
    rec = Recorder(ns)
    src = ns.add_node("st.forever")
    dst = ns.add_node("st.add1")
    ns.connect(src, "out", dst, "a")
    await until(lambda: ns.get_value(dst, "out", 0) >= 3)
    ns.set_properties(src, {"paused": True})
    await until(lambda: CLOSED["forever"] == 1)
    await ns.settle()
    kept = ns.get_value(src, "out")
    await asyncio.sleep(0.05)
    assert ns.get_value(src, "out") == kept and ns.get_value(dst, "out") == kept + 1
    assert not ns.node(src).live and str(ns.status(src)) == "done"
    ns.set_properties(src, {"paused": False})
    await until(lambda: ns.node(src).live)
    assert [e.live for e in rec.of(StreamChanged)][:3] == [True, False, True]
    ns.cancel(src)  # cancel stops a stream too; its value stays
    await until(lambda: CLOSED["forever"] == 2)
    assert ns.get_value(src, "out") is not None
    await ns.aclose()


async def test_a_paused_node_does_not_run_and_its_children_use_what_it_has() -> None:
    ns = ns_with_all()
    a = ns.add_node("st.add1", inputs={"a": 1})
    b = ns.add_node("st.add1")
    ns.connect(a, "out", b, "a")
    await ns.settle()
    ns.set_properties(a, {"paused": True})
    ns.set_input(a, "a", 10)
    await ns.settle()
    assert ns.get_value(a, "out") == 2 and ns.get_value(b, "out") == 3
    ns.set_properties(a, {"paused": False})
    await ns.settle()
    assert ns.get_value(b, "out") == 12
    await ns.aclose()


async def test_a_source_that_fails_is_an_error_and_blocks_what_depends_on_it() -> None:
    ns = ns_with_all()
    src = ns.add_node("st.boom")
    dst = ns.add_node("st.add1")
    ns.connect(src, "out", dst, "a")
    await until(lambda: str(ns.status(src)) == "error")
    await ns.settle()
    err = ns.error(src)
    assert err is not None and err.message == "the source broke"
    assert str(ns.status(dst)) == "blocked"
    assert not ns.node(src).live
    await ns.aclose()


async def test_a_source_that_yields_nothing_leaves_its_children_waiting() -> None:
    ns = ns_with_all()
    src = ns.add_node("st.nothing")
    dst = ns.add_node("st.add1")
    ns.connect(src, "out", dst, "a")
    await until(lambda: str(ns.status(src)) == "done")
    await ns.settle()
    assert str(ns.status(dst)) == "waiting"
    await ns.aclose()


async def test_several_outputs_come_from_each_yielded_tuple() -> None:
    ns = ns_with_all()
    src = ns.add_node("st.pair", inputs={"n": 4})
    await until(lambda: ns.get_value(src, "square", 0) == 9)
    assert ns.get_value(src, "i") == 3
    await ns.aclose()


def test_what_a_generator_yields_is_its_output_type() -> None:
    assert spec_of(count).outputs[0].type_name == "int"
    assert spec_of(count).stream and not spec_of(count).cache
    assert spec_of(count).to_dict()["stream"] is True

    def untyped():  # type: ignore[no-untyped-def]
        yield 1

    assert spec_of(node(untyped)).outputs[0].type_name == "any"
    with pytest.raises(DefinitionError, match="what it yields"):

        @node
        def wrong() -> int:  # type: ignore[misc]
            yield 1

    with pytest.raises(DefinitionError, match="thread of its own"):

        @node(executor="process")
        def elsewhere() -> Iterator[int]:
            yield 1


# --- the built-in sources -------------------------------------------------------------------


async def test_an_interval_ticks_on_time_and_stops_after_its_count() -> None:
    from nodeweave.shelves import sources

    ns = space(sources.interval, add1)
    src = ns.add_node("sources.interval", inputs={"period": 0.02, "count": 5})
    dst = ns.add_node("st.add1")
    ns.connect(src, "tick", dst, "a")
    started = time.perf_counter()
    await until(lambda: not ns.node(src).live and ns.get_value(src, "tick") == 5)
    took = time.perf_counter() - started
    await ns.settle()
    assert ns.get_value(dst, "out") == 6
    assert SEEN == [1, 2, 3, 4, 5]
    assert took >= 0.08  # four periods between five ticks
    await ns.aclose()


async def test_a_file_watcher_emits_a_version_each_time_the_file_is_saved(
    tmp_path: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from nodeweave.shelves import files, sources

    monkeypatch.setenv("NODEWEAVE_FILES_DIR", str(tmp_path))
    (tmp_path / "data.csv").write_text("x\n1\n")
    ns = space(sources.watch_file, files.read_csv)
    watch = ns.add_node("sources.watch_file", inputs={"path": "data.csv"})
    read = ns.add_node("files.read_csv")
    ns.connect(watch, "path", read, "path")
    ns.connect(watch, "version", read, "refresh")
    await until(lambda: ns.get_value(read, "out") is not None)
    assert len(ns.get_value(read, "out")) == 1
    await asyncio.sleep(0.2)  # the watcher is watching
    (tmp_path / "data.csv").write_text("x\n1\n2\n3\n")
    await until(lambda: len(ns.get_value(read, "out")) == 3, wait=10)
    assert ns.node(watch).live
    ns.set_properties(watch, {"paused": True})  # the watching thread ends
    await until(lambda: not [t for t in threading.enumerate() if "stream" in t.name])
    await ns.aclose()


async def test_a_source_through_the_worker_is_live_pauses_and_resumes(rpc: Any) -> None:
    made = await rpc.call("add_node", node_id="sources.interval", inputs={"period": 0.02})
    uuid = made["uuid"]
    event = await rpc.next_event("stream", lambda d: d["uuid"] == uuid, wait=5)
    assert event["data"]["live"] is True
    assert (await rpc.call("get_node", uuid=uuid))["live"] is True
    await rpc.call("update_node", uuid=uuid, properties={"paused": True})
    event = await rpc.next_event("stream", lambda d: d["uuid"] == uuid, wait=5)
    assert event["data"]["live"] is False
    node_ = await rpc.call("get_node", uuid=uuid)
    assert "live" not in node_ and node_["properties"]["paused"] is True
    kept = next(o for o in node_["outputs"] if o["name"] == "tick")["preview"]["value"]
    await asyncio.sleep(0.1)
    again = await rpc.call("get_node", uuid=uuid)
    assert next(o for o in again["outputs"] if o["name"] == "tick")["preview"]["value"] == kept
    await rpc.call("undo")  # the pause was an edit: undo resumes the source
    event = await rpc.next_event("stream", lambda d: d["uuid"] == uuid and d["live"], wait=5)
    assert event["data"]["live"] is True
