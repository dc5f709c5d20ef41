"""Editing the graph: connect, disconnect, remove, set_input — and every refusal, with its code."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from nodeweave import Status, node
from nodeweave.core.errors import (
    CycleError,
    DuplicateError,
    InputConnectedError,
    InvalidValueError,
    NotFoundError,
    TypeMismatchError,
)
from nodeweave.core.events import EdgeAdded, EdgeRemoved, NodeAdded, NodeRemoved, NodeUpdated

from .helpers import Recorder, space


@node(id="g.inc")
def inc(a: int = 0) -> int:
    return a + 1


@node(id="g.text")
def text(s: str = "x") -> str:
    return s


@node(id="g.half")
def half(x: float) -> float:
    return x / 2


@node(id="g.anything")
def anything(v: Any = None) -> Any:
    return v


async def test_connect_refuses_a_cycle_and_names_the_path() -> None:
    ns = space(inc)
    a, b, c = (ns.add_node("g.inc") for _ in range(3))
    ns.connect(a, "out", b, "a")
    ns.connect(b, "out", c, "a")
    with pytest.raises(CycleError) as info:
        ns.connect(c, "out", a, "a")
    assert info.value.code == "cycle"
    assert info.value.details["path"] == [a, b, c, a]
    assert a in info.value.message and c in info.value.message
    assert len(ns.edges()) == 2


async def test_connect_refuses_a_self_loop() -> None:
    ns = space(inc)
    a = ns.add_node("g.inc")
    with pytest.raises(CycleError):
        ns.connect(a, "out", a, "a")


async def test_connect_refuses_mismatched_types_but_accepts_any_and_int_to_float() -> None:
    ns = space(inc, text, half, anything)
    i, t, h, anyn = (ns.add_node(k) for k in ("g.inc", "g.text", "g.half", "g.anything"))
    with pytest.raises(TypeMismatchError) as info:
        ns.connect(t, "out", i, "a")
    assert info.value.code == "type_mismatch"
    assert "str" in info.value.message and "int" in info.value.message
    ns.connect(i, "out", h, "x")  # int widens to float
    ns.connect(t, "out", anyn, "v")  # Any takes anything
    h2 = ns.add_node("g.half")
    ns.connect(anyn, "out", h2, "x")  # and feeds anything
    await ns.settle()
    assert ns.get_value(h, "out") == 0.5


async def test_an_input_takes_one_connection_unless_replacing() -> None:
    ns = space(inc)
    a, b, c = (ns.add_node("g.inc", inputs={"a": k}) for k in (10, 20, 0))
    ns.connect(a, "out", c, "a")
    with pytest.raises(InputConnectedError) as info:
        ns.connect(b, "out", c, "a")
    assert info.value.code == "input_connected"
    ns.connect(b, "out", c, "a", replace=True)
    await ns.settle()
    assert ns.get_value(c, "out") == 22
    assert len(ns.edges()) == 1


async def test_duplicate_edge_is_refused() -> None:
    ns = space(inc)
    a, b = ns.add_node("g.inc"), ns.add_node("g.inc")
    ns.connect(a, "out", b, "a")
    with pytest.raises(DuplicateError):
        ns.connect(a, "out", b, "a")


@pytest.mark.parametrize(("src_io", "dst_io"), [("nope", "a"), ("out", "nope")])
async def test_connect_to_unknown_port_is_not_found(src_io: str, dst_io: str) -> None:
    ns = space(inc)
    a, b = ns.add_node("g.inc"), ns.add_node("g.inc")
    with pytest.raises(NotFoundError):
        ns.connect(a, src_io, b, dst_io)


async def test_connecting_pushes_the_current_upstream_value_without_rerunning_it() -> None:
    runs: list[int] = []

    @node(id="g.src")
    def src(a: int) -> int:
        runs.append(a)
        return a * 3

    ns = space(src, inc)
    s = ns.add_node("g.src", inputs={"a": 2})
    d = ns.add_node("g.inc")
    await ns.settle()
    assert ns.get_value(d, "out") == 1
    ns.connect(s, "out", d, "a")
    await ns.settle()
    assert ns.get_value(d, "out") == 7
    assert runs == [2]


async def test_disconnecting_restores_the_own_value_or_default() -> None:
    ns = space(inc)
    a = ns.add_node("g.inc", inputs={"a": 100})
    own = ns.add_node("g.inc", inputs={"a": 5})
    dflt = ns.add_node("g.inc")
    ns.connect(a, "out", own, "a")
    ns.connect(a, "out", dflt, "a")
    await ns.settle()
    assert ns.get_value(own, "out") == ns.get_value(dflt, "out") == 102
    ns.disconnect(a, "out", own, "a")
    ns.disconnect(a, "out", dflt, "a")
    await ns.settle()
    assert ns.get_value(own, "out") == 6
    assert ns.get_value(dflt, "out") == 1


async def test_disconnect_of_missing_edge_is_not_found() -> None:
    ns = space(inc)
    a, b = ns.add_node("g.inc"), ns.add_node("g.inc")
    with pytest.raises(NotFoundError):
        ns.disconnect(a, "out", b, "a")


async def test_removing_a_node_removes_its_edges_and_cancels_its_run() -> None:
    cancelled: list[bool] = []

    @node(id="g.slow")
    async def slow(a: int) -> int:
        try:
            await asyncio.Event().wait()
        except asyncio.CancelledError:
            cancelled.append(True)
            raise
        return a

    ns = space(slow, inc)
    rec = Recorder(ns)
    up = ns.add_node("g.inc", inputs={"a": 1})
    s = ns.add_node("g.slow")
    down = ns.add_node("g.inc", inputs={"a": 50})
    ns.connect(up, "out", s, "a")
    ns.connect(s, "out", down, "a")
    for _ in range(3):
        await asyncio.sleep(0)
    assert ns.status(s) is Status.RUNNING
    assert ns.status(down) is Status.STALE
    ns.remove_node(s)
    async with asyncio.timeout(5):
        await ns.settle()
    assert cancelled == [True]
    assert ns.edges() == []
    assert s not in ns
    assert ns.get_value(down, "out") == 51  # back on its own value, not waiting forever
    assert len(rec.of(EdgeRemoved)) == 2 and [e.uuid for e in rec.of(NodeRemoved)] == [s]


async def test_remove_unknown_node_is_not_found() -> None:
    ns = space(inc)
    with pytest.raises(NotFoundError) as info:
        ns.remove_node("nope")
    assert info.value.code == "not_found"


async def test_setting_a_connected_input_is_refused() -> None:
    ns = space(inc)
    a, b = ns.add_node("g.inc"), ns.add_node("g.inc")
    ns.connect(a, "out", b, "a")
    with pytest.raises(InputConnectedError):
        ns.set_input(b, "a", 3)


async def test_invalid_value_is_refused_and_changes_nothing() -> None:
    ns = space(inc)
    a = ns.add_node("g.inc", inputs={"a": 1})
    await ns.settle()
    with pytest.raises(InvalidValueError) as info:
        ns.set_input(a, "a", "not a number")
    assert info.value.code == "invalid_value"
    assert ns.get_input(a, "a") == 1 and ns.status(a) is Status.DONE


async def test_values_are_validated_and_coerced_on_set() -> None:
    @node(id="g.pair")
    def pair(items: tuple[int, ...] = (), x: float = 0.0) -> float:
        return sum(items) + x

    ns = space(pair)
    u = ns.add_node("g.pair")
    ns.set_input(u, "items", [1, "2"])  # JSON has no tuples; lax validation converts
    ns.set_input(u, "x", 3)  # PEP 484: an int is a fine float, and stays an int
    await ns.settle()
    assert ns.get_input(u, "items") == (1, 2)
    assert type(ns.get_input(u, "x")) is int
    assert ns.get_value(u, "out") == 6


async def test_unknown_node_type_and_input_are_not_found() -> None:
    ns = space(inc)
    with pytest.raises(NotFoundError):
        ns.add_node("no.such")
    with pytest.raises(NotFoundError):
        ns.add_node("g.inc", inputs={"zzz": 1})
    a = ns.add_node("g.inc")
    with pytest.raises(NotFoundError):
        ns.set_input(a, "zzz", 1)
    with pytest.raises(NotFoundError):
        ns.get_value(a, "zzz")


async def test_duplicate_uuid_is_refused() -> None:
    ns = space(inc)
    ns.add_node("g.inc", uuid="n1")
    with pytest.raises(DuplicateError):
        ns.add_node("g.inc", uuid="n1")


async def test_graph_edits_are_events() -> None:
    ns = space(inc)
    rec = Recorder(ns)
    a = ns.add_node("g.inc", uuid="a")
    b = ns.add_node("g.inc", uuid="b")
    ns.connect(a, "out", b, "a")
    ns.set_properties(a, {"position": {"x": 1, "y": 2}})
    ns.set_properties(a, {"name": "first"})
    assert [e.uuid for e in rec.of(NodeAdded)] == ["a", "b"]
    assert [e.edge.dst for e in rec.of(EdgeAdded)] == ["b"]
    assert rec.of(NodeUpdated)[-1].properties == {"position": {"x": 1, "y": 2}, "name": "first"}
    assert ns.node(a).name == "first"


async def test_node_view_reports_inputs_outputs_and_connections() -> None:
    ns = space(inc)
    a = ns.add_node("g.inc", inputs={"a": 4})
    b = ns.add_node("g.inc")
    ns.connect(a, "out", b, "a")
    await ns.settle()
    view = ns.node(b)
    assert view.inputs == {"a": 5} and view.own_values == {}
    assert view.connected == frozenset({"a"}) and view.outputs == {"out": 6}
    assert view.status is Status.DONE and not view.placeholder
    assert [n.uuid for n in ns.nodes()] == [a, b]
