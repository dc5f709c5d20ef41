"""Presets: named input values a workflow carries — saved from current values, applied in one
undoable step and one recompute (or refused whole when they no longer fit), renamed, deleted,
kept in the document and applied by ``nodeweave run --preset``."""

from __future__ import annotations

import asyncio
import io
import itertools
from pathlib import Path
from typing import Any

import orjson
import pytest

from nodeweave import NodeSpace, Shelf, node
from nodeweave.client import Client, RpcError
from nodeweave.core.errors import DocumentError, InvalidValueError
from nodeweave.worker.config import WorkerConfig
from nodeweave.worker.headless import run_workflow


@node(id="p.scale")
def scale(x: float, factor: float = 1.0) -> float:
    return x * factor


def test_a_preset_is_checked_kept_in_the_document_and_loaded_back() -> None:
    ns = NodeSpace()
    ns.library.add_shelf(Shelf(name="p", nodes=[scale]))
    a = ns.add_node("p.scale", uuid="a")
    ns.set_preset("double", {"values": [{"node": a, "io": "factor", "value": 2}]})
    doc = ns.to_document()
    assert doc["presets"] == {"double": {"values": [{"node": "a", "io": "factor", "value": 2}]}}
    again = NodeSpace()
    again.library.add_shelf(Shelf(name="p", nodes=[scale]))
    again.load_document(doc)
    assert again.presets() == ns.presets()
    with pytest.raises(InvalidValueError, match="twice"):
        ns.set_preset("bad", {"values": [{"node": a, "io": "x", "value": 1}] * 2})
    with pytest.raises(DocumentError, match="presets"):
        again.load_document({**doc, "presets": {"x": {"values": "nope"}}})
    assert again.presets() == ns.presets()  # an invalid document changed nothing


def test_what_no_longer_fits_is_said_per_value() -> None:
    ns = NodeSpace()
    ns.library.add_shelf(Shelf(name="p", nodes=[scale]))
    a, b = ns.add_node("p.scale", uuid="a"), ns.add_node("p.scale", uuid="b")
    ns.connect(a, "out", b, "x")
    ns.set_preset(
        "p",
        {
            "values": [
                {"node": "a", "io": "factor", "value": "lots"},
                {"node": "a", "io": "nope", "value": 1},
                {"node": "b", "io": "x", "value": 1},
                {"node": "ghost", "io": "x", "value": 1},
            ]
        },
    )
    problems = ns.preset_problems("p")
    assert len(problems) == 4
    assert "a.factor" in problems[0] and "no input 'nope'" in problems[1]
    assert "an edge drives" in problems[2] and "no such node" in problems[3]


COUNTING = """
from collections import Counter

from nodeweave import NodeContext, node

RUNS: Counter[str] = Counter()


@node(id="cnt.add", outputs=["out", "runs"])
def add(a: float, b: float, ctx: NodeContext) -> tuple[float, int]:
    RUNS[ctx.node] += 1
    return a + b, RUNS[ctx.node]
"""


async def value_of(rpc: Client, uuid: str, io: str) -> Any:
    async with asyncio.timeout(10):
        while True:
            node_ = await rpc.call("get_node", uuid=uuid)
            if node_["status"] == "done":
                return next(o for o in node_["outputs"] if o["name"] == io)["preview"]["value"]
            await rpc.next_event("node_status", lambda d: d["uuid"] == uuid)


async def test_a_preset_is_saved_applied_in_one_step_and_undone(
    rpc: Client, worker_config: WorkerConfig
) -> None:
    (worker_config.modules_dir / "cnt.py").write_text(COUNTING)
    await rpc.call("reload_modules")
    nodes = []
    for i in range(5):
        made = await rpc.call("add_node", node_id="cnt.add", inputs={"a": i, "b": 0})
        nodes.append(made["uuid"])
    for src, dst in itertools.pairwise(nodes):
        await rpc.call("connect", src=src, src_io="out", dst=dst, dst_io="a")
    saved = await rpc.call("save_preset", name="base", inputs=[{"uuid": nodes[0], "io": "a"}])
    assert saved == {"values": [{"node": nodes[0], "io": "a", "value": 0}]}
    wide = [{"node": n, "io": "b", "value": 10} for n in nodes]
    await rpc.call("set_preset", name="wide", preset={"values": wide})
    listed = (await rpc.call("list_presets"))["presets"]
    assert [(p["name"], p["problems"]) for p in listed] == [("base", []), ("wide", [])]
    before = [await value_of(rpc, n, "runs") for n in nodes]
    assert await rpc.call("apply_preset", name="wide") == {"changed": 5}
    assert await value_of(rpc, nodes[-1], "out") == 50
    after = [await value_of(rpc, n, "runs") for n in nodes]
    # one recompute: every node ran once more, not once per value of the preset
    assert [b - a for a, b in zip(before, after, strict=True)] == [1] * 5
    history = await rpc.call("get_history")
    assert history["undo_label"] == "apply preset wide"
    await rpc.call("undo")
    assert await value_of(rpc, nodes[-1], "out") == 0
    # rename and delete are undoable too
    await rpc.call("rename_preset", name="wide", to="broad")
    assert {p["name"] for p in (await rpc.call("list_presets"))["presets"]} == {"base", "broad"}
    await rpc.call("undo")
    await rpc.call("delete_preset", name="base")
    await rpc.call("undo")
    assert {p["name"] for p in (await rpc.call("list_presets"))["presets"]} == {"base", "wide"}


async def test_a_preset_that_does_not_fit_is_refused_and_changes_nothing(rpc: Client) -> None:
    a = (await rpc.call("add_node", node_id="numbers.add", inputs={"a": 1, "b": 2}))["uuid"]
    preset = {"values": [{"node": a, "io": "a", "value": 5}, {"node": a, "io": "b", "value": "x"}]}
    await rpc.call("set_preset", name="bad", preset=preset)
    with pytest.raises(RpcError) as caught:
        await rpc.call("apply_preset", name="bad")
    assert caught.value.code == "invalid_state"
    assert caught.value.details["problems"][0].startswith(f"{a}.b")
    node_ = await rpc.call("get_node", uuid=a)
    assert [i["value"] for i in node_["inputs"]] == [1, 2]  # not half-applied
    with pytest.raises(RpcError) as missing:
        await rpc.call("apply_preset", name="nope")
    assert missing.value.code == "not_found"


async def test_presets_survive_a_restart_of_the_worker(
    rpc: Client, worker_config: WorkerConfig
) -> None:
    a = (await rpc.call("add_node", node_id="numbers.add", inputs={"a": 1, "b": 2}))["uuid"]
    await rpc.call(
        "set_preset", name="kept", preset={"values": [{"node": a, "io": "a", "value": 7}]}
    )
    await rpc.call("save")
    doc = orjson.loads(worker_config.nodespace_path.read_bytes())
    assert doc["presets"]["kept"]["values"][0]["value"] == 7


def flow(tmp_path: Path, presets: dict[str, Any]) -> Path:
    path = tmp_path / "flow.json"
    doc = {
        "schema_version": 1,
        "nodes": [{"uuid": "a", "node_id": "numbers.add", "inputs": {"a": 1, "b": 2}}],
        "edges": [],
        "presets": presets,
    }
    path.write_bytes(orjson.dumps(doc))
    return path


async def headless(path: Path, **kw: Any) -> tuple[int, Any, str]:
    out, err = io.StringIO(), io.StringIO()
    code = await run_workflow(
        path,
        kw.pop("overrides", ()),
        out=out,
        err=err,
        environ={"NODEWEAVE_FUNCNODES": "off"},
        **kw,
    )
    return code, orjson.loads(out.getvalue()) if out.getvalue() else None, err.getvalue()


async def test_nodeweave_run_applies_a_preset_before_the_overrides(tmp_path: Path) -> None:
    path = flow(tmp_path, {"big": {"values": [{"node": "a", "io": "a", "value": 100}]}})
    code, result, err = await headless(path, preset="big")
    assert code == 0, err
    assert result["a"]["outputs"] == {"out": 102}
    code, result, _ = await headless(path, preset="big", overrides=["a.b=0"])
    assert result["a"]["outputs"] == {"out": 100}
    code, _, err = await headless(path, preset="small")
    assert code == 2 and "no preset 'small'" in err and "big" in err
    bad = flow(tmp_path, {"bad": {"values": [{"node": "a", "io": "zz", "value": 1}]}})
    code, _, err = await headless(bad, preset="bad")
    assert code == 2 and "does not fit" in err
