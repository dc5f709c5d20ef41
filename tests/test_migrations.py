"""Renamed and changed nodes migrate: ``replaces=`` (old id → this node, ports renamed, values
migrated) and ``version=``/``migrate=`` (values saved for an older version), on load and when a
module arrives or changes in a running nodespace."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import orjson
import pytest

from nodeweave import NodeSpace, Shelf, node
from nodeweave.client import Client
from nodeweave.core.errors import DefinitionError
from nodeweave.core.events import NodeRebound
from nodeweave.core.spec import Replaces
from nodeweave.worker.config import WorkerConfig
from nodeweave.worker.headless import run_workflow

from .helpers import Recorder


@node(id="m.source")
def source(x: int) -> int:
    return x


@node(id="m.sink")
def sink(v: float) -> float:
    return v


@node(
    id="m.scale",
    outputs=["result"],
    replaces=[
        Replaces("m.times", inputs={"n": "value", "k": "factor"}, outputs={"out": "result"}),
        "m.legacy_scale",
    ],
)
def scale(value: float, factor: float = 2.0) -> float:
    return value * factor


def to_celsius(values: dict[str, Any]) -> dict[str, Any]:
    if "fahrenheit" in values:
        values["celsius"] = round((values.pop("fahrenheit") - 32) * 5 / 9, 2)
    return values


@node(id="m.temp", version=2, migrate={1: to_celsius})
def temp(celsius: float) -> float:
    return celsius


def old_document() -> dict[str, Any]:
    return {
        "schema_version": 1,
        "nodes": [
            {"uuid": "s", "node_id": "m.source", "inputs": {"x": 3}},
            {"uuid": "t", "node_id": "m.times", "inputs": {"k": 10}},
            {"uuid": "d", "node_id": "m.sink"},
            {"uuid": "w", "node_id": "m.temp", "inputs": {"fahrenheit": 212}},
        ],
        "edges": [
            {"src": "s", "src_io": "out", "dst": "t", "dst_io": "n"},
            {"src": "t", "src_io": "out", "dst": "d", "dst_io": "v"},
        ],
    }


def space(*nodes: Any) -> NodeSpace:
    ns = NodeSpace()
    ns.library.add_shelf(Shelf(name="m", nodes=list(nodes)))
    return ns


async def test_a_document_loads_old_ids_as_their_replacements_and_old_versions_migrated() -> None:
    ns = space(source, sink, scale, temp)
    report = ns.load_document(old_document())
    assert report.placeholders == [] and report.dropped_edges == []
    assert report.migrated == [
        {"uuid": "t", "from": "m.times", "to": "m.scale"},
        {"uuid": "w", "from": "m.temp@v1", "to": "m.temp@v2"},
    ]
    assert ns.node("t").node_id == "m.scale"
    assert ns.node("t").own_values == {"factor": 10}
    assert {(e.src_io, e.dst_io) for e in ns.edges()} == {("out", "value"), ("result", "v")}
    assert ns.node("w").own_values == {"celsius": 100.0}
    await ns.settle()
    assert ns.get_value("d", "out") == 30.0
    # saved again, it is the new node at its version: loading that migrates nothing
    doc = ns.to_document()
    saved = {n["uuid"]: n for n in doc["nodes"]}
    assert saved["t"]["node_id"] == "m.scale" and "version" not in saved["t"]
    assert saved["w"]["version"] == 2
    assert space(source, sink, scale, temp).load_document(doc).migrated == []


async def test_a_placeholder_becomes_its_replacement_when_that_module_arrives() -> None:
    ns = space(source, sink)
    report = ns.load_document(old_document())
    assert {p["uuid"] for p in report.placeholders} == {"t", "w"}
    recorder = Recorder(ns)
    ns.library.add_shelf(Shelf(name="later", nodes=[scale, temp]))
    rebound = {e.uuid: e for e in recorder.of(NodeRebound)}
    assert rebound["t"].migrated == "m.times → m.scale" and not rebound["t"].placeholder
    assert rebound["w"].migrated == "v1 → v2"
    assert ns.node("t").node_id == "m.scale" and ns.node("t").own_values == {"factor": 10}
    assert ns.node("w").own_values == {"celsius": 100.0}
    await ns.settle()
    assert ns.get_value("d", "out") == 30.0


async def test_a_module_that_bumps_a_nodes_version_migrates_the_running_nodes() -> None:
    @node(id="m.temp")
    def temp_v1(fahrenheit: float) -> float:
        return fahrenheit

    ns = space(temp_v1)
    uuid = ns.add_node("m.temp")
    ns.set_input(uuid, "fahrenheit", 50)
    ns.library.add_shelf(Shelf(name="m", nodes=[temp]), replace=True)  # the module reloaded
    assert ns.node(uuid).own_values == {"celsius": 10.0}
    await ns.settle()
    assert ns.get_value(uuid, "out") == 10.0


def test_a_replacement_by_a_plain_id_keeps_the_port_names() -> None:
    ns = space(scale)
    doc = {
        "schema_version": 1,
        "nodes": [{"uuid": "a", "node_id": "m.legacy_scale", "inputs": {"value": 4}}],
        "edges": [],
    }
    assert ns.load_document(doc).migrated == [
        {"uuid": "a", "from": "m.legacy_scale", "to": "m.scale"}
    ]
    assert ns.node("a").own_values == {"value": 4}


def test_a_failing_migration_keeps_the_node_as_saved_and_says_why() -> None:
    def broken(values: dict[str, Any]) -> dict[str, Any]:
        raise ValueError("cannot read that")

    @node(id="m.new", replaces=[Replaces("m.gone", migrate=broken)])
    def new(value: int) -> int:
        return value

    ns = space(new)
    doc = {
        "schema_version": 1,
        "nodes": [{"uuid": "a", "node_id": "m.gone", "inputs": {"q": 1}}],
        "edges": [],
    }
    report = ns.load_document(doc)
    assert report.placeholders == [{"uuid": "a", "node_id": "m.gone"}]
    assert "cannot read that" in report.dropped_inputs[0]["reason"]
    assert ns.node("a").own_values == {"q": 1}


@pytest.mark.parametrize(
    ("kwargs", "fragment"),
    [
        ({"replaces": ["m.x"], "id": "m.x"}, "other node ids"),
        ({"replaces": [Replaces("m.y", inputs={"a": "nope"})]}, "to no input"),
        ({"replaces": [Replaces("m.y", outputs={"a": "nope"})]}, "to no output"),
        ({"version": 0}, "version"),
        ({"version": 2, "migrate": {2: to_celsius}}, "migrate"),
        ({"version": 2, "migrate": {1: "not callable"}}, "migrate"),
    ],
)
def test_bad_declarations_are_definition_errors(kwargs: dict[str, Any], fragment: str) -> None:
    kwargs.setdefault("id", "m.bad")
    with pytest.raises(DefinitionError, match=fragment):

        @node(**kwargs)
        def bad(value: int) -> int:
            return value


def test_the_library_shows_versions_and_what_a_node_replaces() -> None:
    ns = space(scale, temp)
    specs = {s["id"]: s for shelf in ns.library.to_dict()["shelves"] for s in shelf["nodes"]}
    assert specs["m.temp"]["version"] == 2
    assert specs["m.scale"]["replaces"] == ["m.times", "m.legacy_scale"]
    assert ns.library.replacement("m.times") is not None
    assert ns.library.replacement("m.scale") is None  # a node that exists is not replaced


# --- in a worker, and headless ----------------------------------------------------------------

REPLACING_MODULE = """
from nodeweave import node
from nodeweave.core.spec import Replaces
from nodeweave.worker.config import WorkerConfig
from nodeweave.worker.headless import run_workflow


@node(id="mig.scale", outputs=["result"], replaces=[Replaces("mig.times", inputs={"n": "value"})])
def scale(value: float, factor: float = 2.0) -> float:
    return value * factor
"""

OLD_WORKFLOW = {
    "schema_version": 1,
    "nodes": [{"uuid": "t", "node_id": "mig.times", "inputs": {"n": 4}}],
    "edges": [],
}


async def test_a_worker_reports_migrations_on_import_and_when_the_replacing_module_arrives(
    rpc: Client, worker_config: WorkerConfig
) -> None:
    report = await rpc.call("import_workflow", document=OLD_WORKFLOW)
    assert report["placeholders"] == [{"uuid": "t", "node_id": "mig.times"}]
    (worker_config.modules_dir / "migmod.py").write_text(REPLACING_MODULE)
    await rpc.call("reload_modules")
    event = await rpc.next_event("node_rebound", lambda d: d["uuid"] == "t")
    assert event["data"]["migrated"] == "mig.times → mig.scale"
    assert event["data"]["node"]["node_id"] == "mig.scale"
    # importing the old document now migrates it on load, with an event
    report = await rpc.call("import_workflow", document=OLD_WORKFLOW)
    assert report["migrated"] == [{"uuid": "t", "from": "mig.times", "to": "mig.scale"}]
    said = await rpc.next_event("nodes_migrated")
    assert said["data"]["migrated"] == report["migrated"]


async def test_a_headless_run_says_what_it_migrated(tmp_path: Path) -> None:
    folder = tmp_path / "flow"
    (folder / "modules").mkdir(parents=True)
    (folder / "modules" / "migmod.py").write_text(REPLACING_MODULE)
    path = folder / "nodespace.json"
    path.write_bytes(orjson.dumps(OLD_WORKFLOW))
    out, err = io.StringIO(), io.StringIO()
    code = await run_workflow(path, (), out=out, err=err, environ={"NODEWEAVE_FUNCNODES": "off"})
    assert code == 0, err.getvalue()
    assert "node t: migrated mig.times → mig.scale" in err.getvalue()
    assert orjson.loads(out.getvalue())["t"]["outputs"] == {"result": 8.0}
