"""Random graphs and random edits against a reference evaluator.

Whatever the sequence of edits, after ``settle()`` every output equals what a plain recursive
evaluation gives; a batch of edits runs a node exactly when its inputs differ from the ones it last
ran with, and then exactly once.
"""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from nodeweave import NodeSpace, Shelf, node
from nodeweave.core.errors import CycleError, DuplicateError, InputConnectedError

MOD = 1_000_003
INPUTS = ("a", "b", "k")


def compute(a: int, b: int, k: int) -> int:
    return (a * 31 + b * 7 + k) % MOD


def reference(ns: NodeSpace) -> dict[str, dict[str, int]]:
    """Inputs of every node by plain recursion over the current graph."""
    edges = {(e.dst, e.dst_io): e.src for e in ns.edges()}
    memo: dict[str, int] = {}
    inputs: dict[str, dict[str, int]] = {}

    def value(u: str) -> int:
        if u not in memo:
            own = ns.node(u).own_values
            ins = {
                io: value(edges[(u, io)]) if (u, io) in edges else own.get(io, 0) for io in INPUTS
            }
            inputs[u] = ins
            memo[u] = compute(**ins)
        return memo[u]

    for u in ns.node_uuids():
        value(u)
    return inputs


edit = st.one_of(
    st.tuples(st.just("set"), st.integers(0, 7), st.sampled_from(INPUTS), st.integers(-3, 3)),
    st.tuples(st.just("connect"), st.integers(0, 7), st.integers(0, 7), st.sampled_from(INPUTS)),
    st.tuples(st.just("disconnect"), st.integers(0, 7), st.sampled_from(INPUTS), st.just(0)),
)


def apply(ns: NodeSpace, ids: list[str], op: tuple[Any, ...]) -> None:
    kind = op[0]
    if kind == "set":
        _, i, io, v = op
        with contextlib.suppress(InputConnectedError):
            ns.set_input(ids[i], io, v)
    elif kind == "connect":
        _, i, j, io = op
        # A cycle or a duplicate edge are the legal refusals; anything else fails the test.
        with contextlib.suppress(CycleError, DuplicateError):
            ns.connect(ids[i], "out", ids[j], io, replace=True)
    else:
        _, j, io, _ = op
        for e in ns.edges():
            if e.dst == ids[j] and e.dst_io == io:
                ns.disconnect(e.src, e.src_io, e.dst, e.dst_io)


@settings(max_examples=80, deadline=None)
@given(batches=st.lists(st.lists(edit, min_size=1, max_size=6), min_size=1, max_size=6))
def test_sync_graph_matches_reference_and_runs_exactly_what_changed(
    batches: list[list[tuple[Any, ...]]],
) -> None:
    runs: list[tuple[str, tuple[int, int, int]]] = []

    @node(id="prop.f")
    def f(a: int = 0, b: int = 0, k: int = 0) -> int:
        return compute(a, b, k)

    async def scenario() -> None:
        ns = NodeSpace()
        ns.library.add_shelf(Shelf("prop", nodes=[f]))
        ns.subscribe(lambda e: None)
        ids = [ns.add_node("prop.f", uuid=f"n{i}") for i in range(8)]

        def track(event: Any) -> None:
            if getattr(event, "status", None) is not None and event.status.value == "running":
                runs.append((event.uuid, tuple(ns.get_input(event.uuid, io) for io in INPUTS)))

        ns.subscribe(track)
        await ns.settle()
        last_inputs = dict.fromkeys(ids, (0, 0, 0))
        for batch in batches:
            runs.clear()
            for op in batch:
                apply(ns, ids, op)
            await ns.settle()
            expected = reference(ns)
            for u in ids:
                ins = expected[u]
                assert ns.get_value(u, "out") == compute(**ins)
            ran = [u for u, _ in runs]
            assert len(ran) == len(set(ran)), f"a node ran twice in one batch: {ran}"
            for u in ids:
                now = tuple(expected[u][io] for io in INPUTS)
                assert (u in ran) == (now != last_inputs[u]), (u, now, last_inputs[u])
                last_inputs[u] = now

    asyncio.run(scenario())


@settings(max_examples=40, deadline=None)
@given(
    batches=st.lists(st.lists(edit, min_size=1, max_size=5), min_size=2, max_size=6),
    ticks=st.lists(st.integers(0, 4), min_size=6, max_size=6),
)
def test_async_graph_edited_mid_run_ends_equal_to_reference(
    batches: list[list[tuple[Any, ...]]], ticks: list[int]
) -> None:
    @node(id="prop.g")
    async def g(a: int = 0, b: int = 0, k: int = 0) -> int:
        await asyncio.sleep(0)
        await asyncio.sleep(0)
        return compute(a, b, k)

    async def scenario() -> None:
        ns = NodeSpace()
        ns.library.add_shelf(Shelf("prop", nodes=[g]))
        ids = [ns.add_node("prop.g", uuid=f"n{i}") for i in range(8)]
        for batch, tick in zip(batches, ticks, strict=False):
            for op in batch:
                apply(ns, ids, op)
            for _ in range(tick):  # let runs start and get superseded part-way
                await asyncio.sleep(0)
        async with asyncio.timeout(10):
            await ns.settle()
        expected = reference(ns)
        for u in ids:
            assert ns.get_value(u, "out") == compute(**expected[u])
        await ns.aclose()

    asyncio.run(scenario())
