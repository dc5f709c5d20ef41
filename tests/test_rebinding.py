"""Library changes (what hot reload does) rebind live nodes without losing the graph."""

from __future__ import annotations

from typing import Any

from nodeweave import Shelf, Status
from nodeweave.core.events import EdgeRemoved, NodeFailed, NodeRebound
from nodeweave.core.spec import build_spec

from .helpers import Recorder, space


def _shelf(*specs: Any) -> Shelf:
    return Shelf(name="mod", nodes=list(specs))


def _v1_scale(x: int, factor: int = 2) -> int:
    return x * factor


def _v2_scale(x: int, factor: int = 2) -> int:
    return x * factor + 1000


def _v3_scale(x: int) -> int:  # lost its "factor" input
    return -x


def _source(v: int = 0) -> int:
    return v


def _sink(x: int) -> int:
    return x


SOURCE = build_spec(_source, id="mod.source")
SINK = build_spec(_sink, id="mod.sink")


async def test_new_code_reruns_nodes_keeping_values_and_edges() -> None:
    ns = space(SOURCE, SINK)
    ns.library.add_shelf(_shelf(build_spec(_v1_scale, id="mod.scale")))
    src = ns.add_node("mod.source", inputs={"v": 3})
    sc = ns.add_node("mod.scale", inputs={"factor": 5})
    out = ns.add_node("mod.sink")
    ns.connect(src, "out", sc, "x")
    ns.connect(sc, "out", out, "x")
    await ns.settle()
    assert ns.get_value(out, "out") == 15
    ns.library.add_shelf(_shelf(build_spec(_v2_scale, id="mod.scale")), replace=True)
    await ns.settle()
    assert ns.get_value(out, "out") == 1015
    assert ns.node(sc).own_values == {"factor": 5}
    assert len(ns.edges()) == 2


async def test_vanished_ports_drop_their_values_and_edges_with_a_report() -> None:
    ns = space(SOURCE, SINK)
    ns.library.add_shelf(_shelf(build_spec(_v1_scale, id="mod.scale")))
    src = ns.add_node("mod.source", inputs={"v": 3})
    factor_src = ns.add_node("mod.source", inputs={"v": 4})
    sc = ns.add_node("mod.scale")
    ns.connect(src, "out", sc, "x")
    ns.connect(factor_src, "out", sc, "factor")
    await ns.settle()
    rec = Recorder(ns)
    ns.library.add_shelf(_shelf(build_spec(_v3_scale, id="mod.scale")), replace=True)
    await ns.settle()
    assert ns.get_value(sc, "out") == -3
    [rebound] = rec.of(NodeRebound)
    assert rebound.uuid == sc and not rebound.placeholder
    assert [(e.src, e.dst_io) for e in rebound.dropped_edges] == [(factor_src, "factor")]
    assert [e.reason for e in rec.of(EdgeRemoved)] == ["node mod.scale has no input 'factor' now"]


async def test_removed_type_turns_nodes_into_placeholders_and_back() -> None:
    ns = space(SOURCE, SINK)
    ns.library.add_shelf(_shelf(build_spec(_v1_scale, id="mod.scale")))
    src = ns.add_node("mod.source", inputs={"v": 3})
    sc = ns.add_node("mod.scale", inputs={"factor": 7})
    out = ns.add_node("mod.sink")
    ns.connect(src, "out", sc, "x")
    ns.connect(sc, "out", out, "x")
    await ns.settle()
    rec = Recorder(ns)
    ns.library.remove_shelf("mod")
    await ns.settle()
    view = ns.node(sc)
    assert view.placeholder and view.status is Status.ERROR
    assert view.error is not None and view.error.type == "MissingNode"
    # observers hear of it as of any failure (a UI shows it on the card)
    assert [(e.uuid, e.error.type) for e in rec.of(NodeFailed)] == [(sc, "MissingNode")]
    assert view.own_values == {"factor": 7} and len(ns.edges()) == 2
    assert ns.status(out) is Status.BLOCKED
    ns.library.add_shelf(_shelf(build_spec(_v1_scale, id="mod.scale")))
    await ns.settle()
    assert not ns.node(sc).placeholder
    assert ns.get_value(out, "out") == 21
