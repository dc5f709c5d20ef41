"""The result memo: a node whose inputs come back to values it saw lately (2 → 3 → 2) takes those
outputs without running; cache=False opts out; only small scalar inputs are keys; a code change
forgets; the event stream says when a value came from the memo."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest

from nodeweave import NodeSpace, Shelf, node
from nodeweave.core import scheduler
from nodeweave.core.events import CacheHit
from nodeweave.core.scheduler import MEMO_SIZE

from .helpers import Recorder

RUNS: Counter[str] = Counter()


@pytest.fixture(autouse=True)
def remember_every_run(monkeypatch: pytest.MonkeyPatch) -> None:
    """These nodes are quick; the memo keeps only runs that took a while — but for these tests."""
    monkeypatch.setattr(scheduler, "MEMO_MIN_SECONDS", 0.0)


@node(id="memo.square")
def square(x: Any) -> Any:
    RUNS["square"] += 1
    return x * x if not isinstance(x, list) else [v * v for v in x]


@node(id="memo.now", cache=False)
def now(x: int) -> int:
    RUNS["now"] += 1
    return x + RUNS["now"]


def space() -> NodeSpace:
    ns = NodeSpace()
    ns.library.add_shelf(Shelf(name="memo", nodes=[square, now]))
    RUNS.clear()
    return ns


async def values(ns: NodeSpace, uuid: str, inputs: list[Any]) -> list[Any]:
    out = []
    for value in inputs:
        ns.set_input(uuid, "x", value)
        await ns.settle()
        out.append(ns.get_value(uuid, "out"))
    return out


async def test_inputs_seen_lately_are_served_from_the_memo_and_said() -> None:
    ns = space()
    a = ns.add_node("memo.square")
    b = ns.add_node("memo.square")
    ns.connect(a, "out", b, "x")
    recorder = Recorder(ns)
    assert await values(ns, a, [2, 3, 2, 3]) == [4, 9, 4, 9]
    assert RUNS["square"] == 4  # 2 and 3 once each, in both nodes; then memo hits
    assert ns.get_value(b, "out") == 81
    assert {e.uuid for e in recorder.of(CacheHit)} == {a, b}


async def test_a_node_with_side_effects_opts_out() -> None:
    ns = space()
    n = ns.add_node("memo.now")
    assert await values(ns, n, [1, 2, 1]) == [2, 4, 4]
    assert RUNS["now"] == 3


async def test_only_small_scalars_are_keys_and_types_are_told_apart() -> None:
    ns = space()
    a = ns.add_node("memo.square")
    await values(ns, a, [[1, 2], [3], [1, 2]])
    assert RUNS["square"] == 3  # lists are not keys: every change runs
    RUNS.clear()
    assert await values(ns, a, [1, 1.0, True, 1]) == [1, 1.0, 1, 1]
    assert RUNS["square"] == 3  # 1, 1.0 and True are three inputs; the last 1 is a hit


async def test_the_memo_is_bounded_and_forgotten_on_a_code_change() -> None:
    ns = space()
    a = ns.add_node("memo.square")
    await values(ns, a, list(range(MEMO_SIZE + 1)))
    RUNS.clear()
    await values(ns, a, [MEMO_SIZE - 1, 0])  # the newest is kept, the oldest went
    assert RUNS["square"] == 1

    @node(id="memo.square")
    def cube(x: Any) -> Any:
        RUNS["cube"] += 1
        return x * x * x

    ns.library.add_shelf(Shelf(name="memo", nodes=[cube, now]), replace=True)
    await ns.settle()
    RUNS.clear()
    seen = MEMO_SIZE - 1  # in the memo of the old code
    assert await values(ns, a, [2, seen]) == [8, seen**3]
    assert RUNS["cube"] == 2  # the old code's results were not reused


async def test_quick_runs_are_not_remembered_running_them_costs_less(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(scheduler, "MEMO_MIN_SECONDS", 60.0)
    ns = space()
    a = ns.add_node("memo.square")
    await values(ns, a, [2, 3, 2])
    assert RUNS["square"] == 3
