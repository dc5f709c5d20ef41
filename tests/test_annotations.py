"""Groups and notes on the canvas: saved with the workflow, shared, undone like the graph."""

from __future__ import annotations

from typing import Any

import orjson
import pytest

from nodeweave import NodeSpace
from nodeweave.client import Client, RpcError
from nodeweave.core.errors import DocumentError, InvalidValueError, NotFoundError
from nodeweave.core.events import AnnotationChanged, Event
from nodeweave.worker.config import WorkerConfig

GROUP = {"kind": "group", "title": "Load", "color": "#336699", "x": 10, "y": 20, "nodes": ["n1"]}
NOTE = {"kind": "note", "text": "# Read me\n*markdown*", "width": 200, "height": 80}


def test_annotations_round_trip_through_the_document() -> None:
    ns = NodeSpace()
    ns.set_annotation("g", GROUP)
    ns.set_annotation("n", NOTE)
    doc = ns.to_document()
    assert doc["annotations"]["g"]["title"] == "Load"
    assert doc["annotations"]["n"]["height"] == 80
    other = NodeSpace()
    other.load_document(orjson.loads(orjson.dumps(doc)))
    assert other.annotations() == ns.annotations()


def test_a_document_without_annotations_stays_as_it_was() -> None:
    assert "annotations" not in NodeSpace().to_document()


@pytest.mark.parametrize(
    "bad",
    [
        {"kind": "sticker"},
        {"kind": "note", "width": -1},
        {"kind": "note", "color": "red; background: url(x)"},
        {"kind": "note", "script": "x"},
        {"kind": "note", "title": "x" * 201},
    ],
)
def test_invalid_annotations_are_refused_and_change_nothing(bad: dict[str, Any]) -> None:
    ns = NodeSpace()
    ns.set_annotation("keep", NOTE)
    with pytest.raises(InvalidValueError):
        ns.set_annotation("x", bad)
    doc = {"schema_version": 1, "nodes": [], "edges": [], "annotations": {"x": bad}}
    with pytest.raises(DocumentError, match="invalid annotations"):
        ns.load_document(doc)
    assert list(ns.annotations()) == ["keep"]


def test_setting_and_removing_are_events() -> None:
    ns = NodeSpace()
    events: list[Event] = []
    ns.subscribe(events.append)
    ns.set_annotation("n", NOTE)
    ns.remove_annotation("n")
    with pytest.raises(NotFoundError):
        ns.remove_annotation("n")
    changes = [e for e in events if isinstance(e, AnnotationChanged)]
    assert [(e.id, e.annotation is None) for e in changes] == [("n", False), ("n", True)]


async def test_annotations_on_the_wire_undo_and_persist(
    rpc: Client, worker_config: WorkerConfig
) -> None:
    stored = await rpc.call("set_annotation", id="g", annotation=GROUP)
    assert stored["title"] == "Load" and stored["width"] == 320
    event = await rpc.next_event("annotation_changed")
    assert event["data"] == {"id": "g", "annotation": stored}
    await rpc.call("set_annotation", id="g", annotation={**GROUP, "title": "Loading"})
    state = await rpc.call("get_state")
    assert state["annotations"] == [{"id": "g", **stored, "title": "Loading"}]
    assert (await rpc.call("undo"))["label"] == "edit group"
    assert (await rpc.call("get_state"))["annotations"][0]["title"] == "Load"
    await rpc.call("remove_annotation", id="g")
    assert (await rpc.call("get_state"))["annotations"] == []
    await rpc.call("undo")
    assert (await rpc.call("get_state"))["annotations"][0]["title"] == "Load"
    await rpc.call("save")
    saved = orjson.loads(worker_config.nodespace_path.read_bytes())
    assert saved["annotations"]["g"]["title"] == "Load"
    with pytest.raises(RpcError) as info:
        await rpc.call("set_annotation", id="x", annotation={"kind": "sticker"})
    assert info.value.code == "invalid_value"


async def test_a_group_moved_with_its_nodes_is_one_undo_step(rpc: Client) -> None:
    a = await rpc.call("add_node", node_id="t.add1", properties={"position": {"x": 0, "y": 0}})
    await rpc.call("set_annotation", id="g", annotation={**GROUP, "nodes": [a["uuid"]]})
    await rpc.call(
        "apply_edits",
        label="move group",
        edits=[
            {
                "cmd": "set_annotation",
                "kwargs": {"id": "g", "annotation": {**GROUP, "x": 110, "nodes": [a["uuid"]]}},
            },
            {
                "cmd": "update_node",
                "kwargs": {"uuid": a["uuid"], "properties": {"position": {"x": 100, "y": 0}}},
            },
        ],
    )
    assert (await rpc.call("undo"))["label"] == "move group"
    state = await rpc.call("get_state")
    assert state["annotations"][0]["x"] == 10
    assert state["nodes"][0]["properties"]["position"] == {"x": 0, "y": 0}
    await rpc.call("apply_edits", edits=[{"cmd": "remove_annotation", "kwargs": {"id": "g"}}])
    assert (await rpc.call("get_state"))["annotations"] == []


async def test_a_deleted_node_leaves_its_group_in_the_same_undo_step(rpc: Client) -> None:
    a = (await rpc.call("add_node", node_id="t.add1"))["uuid"]
    b = (await rpc.call("add_node", node_id="t.add1"))["uuid"]
    await rpc.call("set_annotation", id="g", annotation={**GROUP, "nodes": [a, b]})
    await rpc.call("remove_node", uuid=a)
    assert (await rpc.call("get_state"))["annotations"][0]["nodes"] == [b]
    assert (await rpc.call("undo"))["label"] == "delete t.add1"
    state = await rpc.call("get_state")
    assert state["annotations"][0]["nodes"] == [a, b]
    assert {n["uuid"] for n in state["nodes"]} == {a, b}
    assert (await rpc.call("redo"))["applied"] is True
    assert (await rpc.call("get_state"))["annotations"][0]["nodes"] == [b]
