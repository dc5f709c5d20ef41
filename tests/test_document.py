"""Workflow documents: round trips, placeholders that lose nothing, and clear refusals."""

from __future__ import annotations

import copy
from typing import Any

import orjson
import pytest

from nodeweave import NodeSpace, Shelf, Status, node
from nodeweave.core.document import SCHEMA_VERSION
from nodeweave.core.errors import DocumentError, UnsupportedSchemaVersionError
from nodeweave.core.events import GraphReplaced

from .helpers import Recorder


@node(id="doc.scale")
def scale(x: float, factor: float = 2.0) -> float:
    return x * factor


@node(id="doc.source")
def source(v: float = 0.0, blob: object = None) -> float:
    return v


def library_space() -> NodeSpace:
    ns = NodeSpace()
    ns.library.add_shelf(Shelf("doc", nodes=[scale, source]))
    return ns


async def build() -> tuple[NodeSpace, str, str]:
    ns = library_space()
    s = ns.add_node("doc.source", uuid="src", inputs={"v": 1.5}, properties={"position": {"x": 1}})
    t = ns.add_node("doc.scale", uuid="scl", inputs={"factor": 4.0})
    ns.connect(s, "out", t, "x")
    await ns.settle()
    return ns, s, t


async def test_round_trip_keeps_nodes_values_properties_and_edges() -> None:
    ns, _, _ = await build()
    doc = ns.to_document()
    assert doc == {
        "schema_version": SCHEMA_VERSION,
        "nodes": [
            {
                "uuid": "src",
                "node_id": "doc.source",
                "inputs": {"v": 1.5},
                "properties": {"position": {"x": 1}},
            },
            {"uuid": "scl", "node_id": "doc.scale", "inputs": {"factor": 4.0}, "properties": {}},
        ],
        "edges": [{"src": "src", "src_io": "out", "dst": "scl", "dst_io": "x"}],
    }
    orjson.dumps(doc)
    again = library_space()
    report = again.load_document(orjson.loads(orjson.dumps(doc)))
    assert report.clean
    await again.settle()
    assert again.get_value("scl", "out") == 6.0
    assert again.to_document() == doc


async def test_values_json_cannot_hold_are_not_saved() -> None:
    ns, s, _ = await build()
    ns.set_input(s, "blob", object())
    assert "blob" not in ns.to_document()["nodes"][0]["inputs"]


async def test_unknown_node_type_becomes_a_placeholder_that_keeps_its_data() -> None:
    ns, _, _ = await build()
    doc = ns.to_document()
    doc["nodes"].append(
        {
            "uuid": "ghost",
            "node_id": "plugin.fancy",
            "inputs": {"q": [1, 2]},
            "properties": {"note": "keep me"},
        }
    )
    doc["edges"].append({"src": "scl", "src_io": "out", "dst": "ghost", "dst_io": "data"})
    doc["nodes"].append({"uuid": "after", "node_id": "doc.scale", "inputs": {}, "properties": {}})
    doc["edges"].append({"src": "ghost", "src_io": "result", "dst": "after", "dst_io": "x"})
    original = copy.deepcopy(doc)
    fresh = library_space()
    report = fresh.load_document(doc)
    assert report.placeholders == [{"uuid": "ghost", "node_id": "plugin.fancy"}]
    await fresh.settle()
    assert fresh.node("ghost").placeholder
    assert fresh.status("ghost") is Status.ERROR
    assert fresh.status("after") is Status.BLOCKED
    assert fresh.to_document() == original  # saving writes it back, nothing lost


async def test_placeholder_comes_alive_when_its_module_arrives() -> None:
    doc = {
        "schema_version": 1,
        "nodes": [{"uuid": "p", "node_id": "late.double", "inputs": {"x": 21}}],
        "edges": [],
    }
    ns = NodeSpace.from_document(doc)
    await ns.settle()
    assert ns.node("p").placeholder

    @node(id="late.double")
    def double(x: int) -> int:
        return x * 2

    ns.library.add_shelf(Shelf("late", nodes=[double]))
    await ns.settle()
    assert ns.get_value("p", "out") == 42


async def test_future_schema_version_is_refused_clearly() -> None:
    ns = library_space()
    with pytest.raises(UnsupportedSchemaVersionError) as info:
        ns.load_document({"schema_version": SCHEMA_VERSION + 1, "nodes": [], "edges": []})
    assert info.value.code == "unsupported_schema_version"
    assert "upgrade nodeweave" in info.value.message


BAD_DOCS: list[tuple[Any, str]] = [
    ([], "is a JSON object"),
    ({"nodes": []}, "no integer 'schema_version'"),
    ({"schema_version": "1"}, "no integer 'schema_version'"),
    ({"schema_version": 0}, "not valid"),
    ({"schema_version": 1, "nodes": [{"uuid": "a"}]}, "nodes.0.node_id"),
    ({"schema_version": 1, "nodes": "x"}, "nodes"),
    (
        {
            "schema_version": 1,
            "nodes": [{"uuid": "a", "node_id": "doc.scale"}, {"uuid": "a", "node_id": "doc.scale"}],
        },
        "two nodes",
    ),
    (
        {
            "schema_version": 1,
            "nodes": [{"uuid": "a", "node_id": "doc.scale"}],
            "edges": [{"src": "a", "src_io": "out", "dst": "zz", "dst_io": "x"}],
        },
        "not in the document",
    ),
    (
        {
            "schema_version": 1,
            "nodes": [{"uuid": "a", "node_id": "doc.scale"}, {"uuid": "b", "node_id": "doc.scale"}],
            "edges": [
                {"src": "a", "src_io": "out", "dst": "b", "dst_io": "x"},
                {"src": "b", "src_io": "out", "dst": "a", "dst_io": "x"},
            ],
        },
        "cycle",
    ),
    (
        {
            "schema_version": 1,
            "nodes": [
                {"uuid": "a", "node_id": "doc.scale"},
                {"uuid": "b", "node_id": "doc.scale"},
                {"uuid": "c", "node_id": "doc.scale"},
            ],
            "edges": [
                {"src": "a", "src_io": "out", "dst": "c", "dst_io": "x"},
                {"src": "b", "src_io": "out", "dst": "c", "dst_io": "x"},
            ],
        },
        "more than one edge",
    ),
]


@pytest.mark.parametrize(("doc", "message"), BAD_DOCS)
async def test_invalid_document_is_refused_and_changes_nothing(doc: Any, message: str) -> None:
    ns, _, _ = await build()
    before = ns.to_document()
    with pytest.raises(DocumentError, match=message) as info:
        ns.load_document(doc)
    assert info.value.code == "invalid_document"
    await ns.settle()
    assert ns.to_document() == before
    assert ns.get_value("scl", "out") == 6.0


async def test_values_and_edges_that_no_longer_fit_are_dropped_and_reported() -> None:
    doc = {
        "schema_version": 1,
        "nodes": [
            {"uuid": "a", "node_id": "doc.source", "inputs": {"v": "not a float", "gone": 1}},
            {"uuid": "b", "node_id": "doc.scale", "inputs": {"factor": 3}},
        ],
        "edges": [{"src": "a", "src_io": "vanished", "dst": "b", "dst_io": "x"}],
    }
    ns = library_space()
    report = ns.load_document(doc)
    assert sorted(d["io"] for d in report.dropped_inputs) == ["gone", "v"]
    assert report.dropped_edges[0]["reason"] == "doc.source has no output 'vanished'"
    await ns.settle()
    assert ns.status("b") is Status.WAITING  # its x lost its edge


async def test_loading_replaces_the_graph_with_one_resync_event() -> None:
    ns, _, _ = await build()
    rec = Recorder(ns)
    ns.load_document(
        {"schema_version": 1, "nodes": [{"uuid": "n", "node_id": "doc.source", "inputs": {"v": 2}}]}
    )
    await ns.settle()
    assert ns.node_uuids() == ["n"]
    assert len(rec.of(GraphReplaced)) == 1
    assert ns.get_value("n", "out") == 2.0
