"""Composite nodes: a definition in the workflow, a node type per definition, an inside per
instance; the engine's rules inside and across the boundary; reuse, nesting, edits, failures."""

from __future__ import annotations

import asyncio
from collections import Counter
from typing import Any

import pytest

from nodeweave import NodeSpace, node
from nodeweave.core.composite import CompositeInUse
from nodeweave.core.errors import DocumentError
from nodeweave.core.events import CompositeChanged

from .helpers import Recorder, space

RUNS: Counter[str] = Counter()


@pytest.fixture(autouse=True)
def reset() -> None:
    RUNS.clear()


@node(id="cp.add")
def add(a: int, b: int = 0) -> int:
    RUNS["add"] += 1
    return a + b


@node(id="cp.mul")
def mul(a: int, k: int = 2) -> int:
    RUNS["mul"] += 1
    return a * k


@node(id="cp.pair")
def pair(x: int, y: int) -> tuple[int, int]:
    RUNS["pair"] += 1
    return (x, y)


@node(id="cp.fail")
def fail(a: int) -> int:
    raise ValueError(f"no {a}")


@node(id="cp.slow")
async def slow(a: int) -> int:
    RUNS["slow"] += 1
    await asyncio.sleep(0.02)
    return a


NODES = [add, mul, pair, fail, slow]

# (a + b) * k  — inputs a, b (k stays inside at 3); output "out"
AFFINE = {
    "name": "Affine",
    "nodes": [
        {"uuid": "i1", "node_id": "cp.add", "inputs": {"b": 1}},
        {"uuid": "i2", "node_id": "cp.mul", "inputs": {"k": 3}},
    ],
    "edges": [{"src": "i1", "src_io": "out", "dst": "i2", "dst_io": "a"}],
    "inputs": [{"name": "a", "node": "i1", "io": "a"}, {"name": "b", "node": "i1", "io": "b"}],
    "outputs": [{"name": "result", "node": "i2", "io": "out"}],
}


# x = p * 10 and y = q + 0, side by side, paired: (x, y) on "both"
TWO = {
    "name": "Two",
    "nodes": [
        {"uuid": "x", "node_id": "cp.mul", "inputs": {"k": 10}},
        {"uuid": "y", "node_id": "cp.add", "inputs": {"b": 0}},
        {"uuid": "z", "node_id": "cp.pair"},
    ],
    "edges": [
        {"src": "x", "src_io": "out", "dst": "z", "dst_io": "x"},
        {"src": "y", "src_io": "out", "dst": "z", "dst_io": "y"},
    ],
    "inputs": [{"name": "p", "node": "x", "io": "a"}, {"name": "q", "node": "y", "io": "a"}],
    "outputs": [{"name": "both", "node": "z", "io": "out"}],
}


def ns_with(*defs: tuple[str, dict[str, Any]]) -> NodeSpace:
    ns = space(*NODES)
    for cid, d in defs:
        ns.set_composite(cid, d)
    return ns


async def test_a_composite_is_a_node_type_with_the_ports_its_definition_names() -> None:
    ns = ns_with(("affine", AFFINE))
    spec = ns.library.get("composite.affine")
    assert [i.name for i in spec.inputs] == ["a", "b"]
    assert spec.input_map["a"].type_name == "int" and spec.input_map["a"].required
    assert spec.input_map["b"].default == 1  # the inner node's own value
    assert [o.name for o in spec.outputs] == ["result"]
    c = ns.add_node("composite.affine", inputs={"a": 4})
    await ns.settle()
    assert ns.get_value(c, "result") == 15
    ns.set_input(c, "b", 2)
    await ns.settle()
    assert ns.get_value(c, "result") == 18
    await ns.aclose()


async def test_only_the_affected_inner_nodes_run_and_each_once_per_change() -> None:
    d = TWO
    ns = ns_with(("two", d))
    c = ns.add_node("composite.two", inputs={"p": 1, "q": 2})
    await ns.settle()
    assert ns.get_value(c, "both") == (10, 2)
    RUNS.clear()
    ns.set_input(c, "q", 5)
    await ns.settle()
    assert ns.get_value(c, "both") == (10, 5)
    assert dict(RUNS) == {"add": 1, "pair": 1}  # mul did not run again: its input did not change
    await ns.aclose()


async def test_glitch_free_across_the_boundary_a_diamond_through_a_composite() -> None:
    """src feeds both the composite and a node beside it; the join runs once per change, never
    on a mix of old and new values."""
    ns = ns_with(("affine", AFFINE))
    src = ns.add_node("cp.slow", inputs={"a": 1})
    comp = ns.add_node("composite.affine")
    side = ns.add_node("cp.mul", inputs={"k": 1})
    join = ns.add_node("cp.pair")
    ns.connect(src, "out", comp, "a")
    ns.connect(src, "out", side, "a")
    ns.connect(comp, "result", join, "x")
    ns.connect(side, "out", join, "y")
    await ns.settle()
    rec = Recorder(ns)
    RUNS.clear()
    ns.set_input(src, "a", 5)
    await ns.settle()
    assert ns.get_value(join, "out") == (18, 5)
    assert RUNS["pair"] == 1
    values = [e.value for e in rec.events if getattr(e, "uuid", None) == join and hasattr(e, "io")]
    assert values == [(18, 5)]
    await ns.aclose()


async def test_instances_keep_insides_of_their_own_and_nest() -> None:
    outer = {
        "name": "Twice",
        "nodes": [
            {"uuid": "f", "node_id": "composite.affine"},
            {"uuid": "g", "node_id": "composite.affine"},
        ],
        "edges": [{"src": "f", "src_io": "result", "dst": "g", "dst_io": "a"}],
        "inputs": [{"name": "a", "node": "f", "io": "a"}],
        "outputs": [{"name": "out", "node": "g", "io": "result"}],
    }
    ns = ns_with(("affine", AFFINE), ("twice", outer))
    one = ns.add_node("composite.twice", inputs={"a": 0})
    two = ns.add_node("composite.twice", inputs={"a": 1})
    await ns.settle()
    assert ns.get_value(one, "out") == ((0 + 1) * 3 + 1) * 3
    assert ns.get_value(two, "out") == ((1 + 1) * 3 + 1) * 3
    inside = ns.inside(one)
    assert inside is not None and inside is not ns.inside(two)
    assert inside.get_value("f", "result") == 3
    await ns.aclose()


LOOP = {
    "name": "Loop",
    "nodes": [{"uuid": "n", "node_id": "composite.loop"}],
    "edges": [],
    "inputs": [],
    "outputs": [],
}
"""A definition ``loop`` whose inside is an instance of itself."""


async def test_a_definition_cannot_contain_itself() -> None:
    ns = ns_with(("affine", AFFINE))
    with pytest.raises(DocumentError, match="contains itself"):
        ns.set_composite("loop", LOOP)
    assert "loop" not in ns.composites()
    await ns.aclose()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"inputs": [{"name": "a", "node": "nope", "io": "a"}]}, "not inside"),
        ({"inputs": [{"name": "a b", "node": "i1", "io": "a"}]}, "identifier"),
        (
            {
                "inputs": [
                    {"name": "a", "node": "i1", "io": "a"},
                    {"name": "a", "node": "i1", "io": "b"},
                ]
            },
            "two inputs",
        ),
        ({"inputs": [{"name": "x", "node": "i2", "io": "a"}]}, "driven inside"),
        (
            {"edges": [{"src": "i2", "src_io": "out", "dst": "i1", "dst_io": "a"}] * 2},
            "more than one",
        ),
        ({"name": ""}, "name"),
    ],
)
async def test_invalid_definitions_are_refused_and_change_nothing(
    change: dict[str, Any], message: str
) -> None:
    ns = ns_with(("affine", AFFINE))
    with pytest.raises(DocumentError, match=message):
        ns.set_composite("affine", {**AFFINE, **change})
    assert ns.composites()["affine"]["name"] == "Affine"
    with pytest.raises(DocumentError, match="composite id"):
        ns.set_composite("../x", AFFINE)
    await ns.aclose()


async def test_editing_the_definition_changes_every_instance() -> None:
    ns = ns_with(("affine", AFFINE))
    rec = Recorder(ns)
    c = ns.add_node("composite.affine", inputs={"a": 1})
    await ns.settle()
    changed = {
        **AFFINE,
        "nodes": [AFFINE["nodes"][0], {**AFFINE["nodes"][1], "inputs": {"k": 100}}],
    }
    ns.set_composite("affine", changed)
    await ns.settle()
    assert ns.get_value(c, "result") == 200
    assert [e.id for e in rec.of(CompositeChanged)] == ["affine"]
    await ns.aclose()


async def test_a_failure_inside_fails_the_composite_naming_the_inner_node() -> None:
    d = {
        "name": "Broken",
        "nodes": [{"uuid": "f", "node_id": "cp.fail"}],
        "edges": [],
        "inputs": [{"name": "a", "node": "f", "io": "a"}],
        "outputs": [{"name": "out", "node": "f", "io": "out"}],
    }
    ns = ns_with(("broken", d))
    c = ns.add_node("composite.broken", inputs={"a": 7})
    await ns.settle()
    err = ns.error(c)
    assert err is not None and err.type == "CompositeError"
    assert "Fail failed: no 7" in err.message
    await ns.aclose()


async def test_definitions_travel_in_the_document_and_in_use_ones_stay() -> None:
    ns = ns_with(("affine", AFFINE))
    c = ns.add_node("composite.affine", inputs={"a": 2})
    await ns.settle()
    doc = ns.to_document()
    assert doc["composites"]["affine"]["name"] == "Affine"
    with pytest.raises(CompositeInUse):
        ns.remove_composite("affine")
    await ns.aclose()

    again = space(*NODES)
    again.load_document(doc)
    await again.settle()
    assert again.get_value(c, "result") == 9
    assert again.status(c).value == "done"
    again.remove_node(c)
    again.remove_composite("affine")
    assert "composite.affine" not in again.library
    await again.aclose()


# --- through the worker: make, edit inside, reuse, expand, undo, export --------------------


async def wait_value(rpc: Any, uuid: str, io: str, expected: Any) -> None:
    async with asyncio.timeout(10):
        while True:
            node_ = await rpc.call("get_node", uuid=uuid)
            out = next(o for o in node_["outputs"] if o["name"] == io)
            if node_["status"] == "done" and out["preview"].get("value") == expected:
                return
            await rpc.next_event("node_status", lambda d: d["uuid"] == uuid, wait=5)


async def test_make_composite_folds_a_selection_and_undo_unfolds_it(rpc: Any) -> None:
    """src → [a → b] → sink: a and b fold into one node fed by src and read by sink."""
    add = "numbers.add"
    src = (await rpc.call("add_node", node_id=add, inputs={"a": 1, "b": 0}))["uuid"]
    a = (await rpc.call("add_node", node_id=add, inputs={"b": 10}))["uuid"]
    b = (await rpc.call("add_node", node_id=add, inputs={"b": 100}))["uuid"]
    sink = (await rpc.call("add_node", node_id=add, inputs={"b": 0}))["uuid"]
    for s, d in ((src, a), (a, b), (b, sink)):
        await rpc.call("connect", src=s, src_io="out", dst=d, dst_io="a")
    await wait_value(rpc, sink, "out", 111)

    made = await rpc.call("make_composite", nodes=[a, b], name="Add ten and a hundred")
    cid, inst = made["id"], made["uuid"]
    assert cid == "add-ten-and-a-hundred"
    assert [p["name"] for p in made["composite"]["inputs"]] == ["a"]
    assert [p["name"] for p in made["composite"]["outputs"]] == ["out"]
    state = await rpc.call("get_state")
    assert {n["uuid"] for n in state["nodes"]} == {src, inst, sink}
    assert state["composites"][cid]["name"] == "Add ten and a hundred"
    assert {(e["src"], e["dst"]) for e in state["edges"]} == {(src, inst), (inst, sink)}
    await wait_value(rpc, sink, "out", 111)  # the same result through the composite
    await rpc.call("set_input", uuid=src, io="a", value=2)
    await wait_value(rpc, sink, "out", 112)

    inside = await rpc.call("get_inside", uuid=inst)
    assert inside["id"] == cid and inside["state"] is not None
    inner = {n["uuid"]: n for n in inside["state"]["nodes"]}
    assert set(inner) == {a, b}
    assert next(o for o in inner[a]["outputs"])["preview"]["value"] == 12

    await rpc.call("undo")  # set_input
    await rpc.call("undo")  # make composite
    state = await rpc.call("get_state")
    assert {n["uuid"] for n in state["nodes"]} == {src, a, b, sink}
    assert state["composites"] == {}
    await wait_value(rpc, sink, "out", 111)
    await rpc.call("redo")
    assert {n["uuid"] for n in (await rpc.call("get_state"))["nodes"]} == {src, inst, sink}


async def test_editing_inside_renaming_ports_keeps_edges_and_expand_restores(rpc: Any) -> None:
    add = "numbers.add"
    src = (await rpc.call("add_node", node_id=add, inputs={"a": 5, "b": 0}))["uuid"]
    a = (await rpc.call("add_node", node_id=add, inputs={"b": 1}))["uuid"]
    await rpc.call("connect", src=src, src_io="out", dst=a, dst_io="a")
    made = await rpc.call("make_composite", nodes=[a], name="Inc")
    cid, inst = made["id"], made["uuid"]
    second = (await rpc.call("add_node", node_id=f"composite.{cid}", inputs={"a": 100}))["uuid"]
    await wait_value(rpc, inst, "out", 6)
    await wait_value(rpc, second, "out", 101)

    changed = made["composite"]
    changed["inputs"][0]["name"] = "x"
    changed["nodes"][0]["inputs"]["b"] = 2  # edit inside: +2 now
    await rpc.call("set_composite", id=cid, composite=changed, renamed={"a": "x"})
    await wait_value(rpc, inst, "out", 7)  # the edge followed the renamed port
    state = await rpc.call("get_state")
    assert {"src": src, "src_io": "out", "dst": inst, "dst_io": "x"} in state["edges"]
    await wait_value(rpc, second, "out", 0 + 2)  # its own value was for "a"; x has none now
    await rpc.call("undo")
    await wait_value(rpc, inst, "out", 6)
    state = await rpc.call("get_state")
    assert {"src": src, "src_io": "out", "dst": inst, "dst_io": "a"} in state["edges"]

    expanded = await rpc.call("expand_composite", uuid=inst)
    new_a = expanded["nodes"][a]
    await wait_value(rpc, new_a, "out", 6)
    state = await rpc.call("get_state")
    assert {"src": src, "src_io": "out", "dst": new_a, "dst_io": "a"} in state["edges"]
    with pytest.raises(Exception, match="in use"):
        await rpc.call("remove_composite", id=cid)  # the second instance still uses it


async def test_a_composite_travels_in_an_exported_workflow_to_another_worker(rpc: Any) -> None:
    add = "numbers.add"
    a = (await rpc.call("add_node", node_id=add, inputs={"b": 3}))["uuid"]
    made = await rpc.call("make_composite", nodes=[a], name="Plus three")
    doc = await rpc.call("export_workflow")
    assert doc["composites"][made["id"]]["name"] == "Plus three"
    # into this worker again, as another workflow's part: an equal definition is reused
    merged = await rpc.call("merge_workflow", document=doc, offset_x=300)
    state = await rpc.call("get_state")
    assert set(state["composites"]) == {made["id"]}
    assert len(state["nodes"]) == 2 and merged["dropped_edges"] == []
    # a different one under the same id gets an id of its own
    other = dict(doc)
    other["composites"] = {made["id"]: {**doc["composites"][made["id"]], "name": "Other"}}
    await rpc.call("merge_workflow", document=other)
    state = await rpc.call("get_state")
    assert set(state["composites"]) == {made["id"], f"{made['id']}-2"}
    ids = sorted(n["node_id"] for n in state["nodes"])
    assert ids == [f"composite.{made['id']}"] * 2 + [f"composite.{made['id']}-2"]


@node(id="cp.ticks")
async def ticks(n: int = 5) -> Any:
    for i in range(n):
        yield i
        await asyncio.sleep(0.01)


async def test_a_source_inside_keeps_the_composite_outputs_flowing() -> None:
    d = {
        "name": "Ticker",
        "nodes": [{"uuid": "t", "node_id": "cp.ticks"}, {"uuid": "m", "node_id": "cp.mul"}],
        "edges": [{"src": "t", "src_io": "out", "dst": "m", "dst_io": "a"}],
        "inputs": [{"name": "n", "node": "t", "io": "n"}],
        "outputs": [{"name": "out", "node": "m", "io": "out"}],
    }
    ns = space(*NODES, ticks)
    ns.set_composite("ticker", d)
    c = ns.add_node("composite.ticker", inputs={"n": 5})
    after = ns.add_node("cp.add", inputs={"b": 1})
    ns.connect(c, "out", after, "a")
    for _ in range(400):
        if ns.get_value(after, "out") == 2 * 4 + 1:
            break
        await asyncio.sleep(0.005)
    assert ns.get_value(c, "out") == 8 and ns.get_value(after, "out") == 9
    await ns.aclose()


@node(id="cp.big")
def big(n: int) -> list[int]:
    RUNS["big"] += 1
    return list(range(n))


@node(id="cp.total")
def total(values: list[int]) -> int:
    RUNS["total"] += 1
    return sum(values)


async def test_a_restart_restores_the_inside_and_what_depends_on_the_composite(
    tmp_path: Any,
) -> None:
    """Big outputs through a composite: the inside's results and the results computed from the
    composite's outputs all come back from the result cache, nothing runs."""
    from nodeweave.worker.resultcache import ResultCache

    d = {
        "name": "Big",
        "nodes": [{"uuid": "b", "node_id": "cp.big"}],
        "edges": [],
        "inputs": [{"name": "n", "node": "b", "io": "n"}],
        "outputs": [{"name": "out", "node": "b", "io": "out"}],
    }

    async def open_space() -> tuple[NodeSpace, ResultCache]:
        cache = ResultCache(tmp_path, min_seconds=0.0)
        cache.scan()
        ns = space(*NODES, big, total)
        ns.set_result_store(cache)
        return ns, cache

    ns, cache = await open_space()
    ns.set_composite("big", d)
    c = ns.add_node("composite.big", inputs={"n": 10_000})
    t = ns.add_node("cp.total")
    ns.connect(c, "out", t, "values")
    await ns.settle()
    assert dict(RUNS) == {"big": 1, "total": 1}
    cache.flush()
    doc = ns.to_document()
    await ns.aclose()
    cache.close()
    RUNS.clear()
    again, cache2 = await open_space()
    again.load_document(doc)
    await again.settle()
    assert again.get_value(t, "out") == sum(range(10_000))
    assert dict(RUNS) == {}  # the inside from the cache, and the total computed from it
    assert again.node(t).cached == "disk"
    await again.aclose()
    cache2.close()


async def test_bad_composite_requests_get_clear_errors_and_change_nothing(rpc: Any) -> None:
    from nodeweave.client import RpcError

    a = (await rpc.call("add_node", node_id="numbers.add", inputs={"a": 1, "b": 2}))["uuid"]
    before = await rpc.call("get_state")

    async def code_of(cmd: str, **kw: Any) -> str:
        with pytest.raises(RpcError) as caught:
            await rpc.call(cmd, **kw)
        return str(caught.value.code)

    assert await code_of("make_composite", nodes=["nope"], name="X") == "not_found"
    assert await code_of("make_composite", nodes=[], name="X") == "invalid_arguments"
    assert await code_of("make_composite", nodes=[a], name="") == "invalid_arguments"
    assert await code_of("set_composite", id="loop", composite=LOOP) == "invalid_document"
    assert await code_of("set_composite", id="../x", composite=LOOP) == "invalid_arguments"
    bad_port = {**LOOP, "nodes": [], "outputs": [{"name": "o", "node": "ghost", "io": "out"}]}
    assert await code_of("set_composite", id="p", composite=bad_port) == "invalid_document"
    assert await code_of("expand_composite", uuid=a) == "invalid_state"
    assert await code_of("get_inside", uuid=a) == "invalid_arguments"
    assert await code_of("remove_composite", id="nope") == "not_found"
    after = await rpc.call("get_state")
    assert after["nodes"] == before["nodes"] and after["composites"] == {}


async def test_moving_inside_reruns_nothing_and_a_value_inside_reruns_only_what_it_feeds() -> None:
    d = TWO
    ns = ns_with(("two", d))
    rec = Recorder(ns)
    c = ns.add_node("composite.two", inputs={"p": 1, "q": 2})
    await ns.settle()
    RUNS.clear()
    rec.clear()
    moved = {
        **d,
        "nodes": [{**n, "properties": {"position": {"x": 9, "y": 9}}} for n in d["nodes"]],
    }
    ns.set_composite("two", moved)
    await ns.settle()
    assert dict(RUNS) == {}  # a move inside changes nothing that computes
    assert [e for e in rec.events if getattr(e, "uuid", None) == c] == []
    nodes = [dict(n) for n in moved["nodes"]]
    nodes[1] = {**nodes[1], "inputs": {"b": 5}}
    ns.set_composite("two", {**moved, "nodes": nodes})
    await ns.settle()
    assert ns.get_value(c, "both") == (10, 7)
    assert dict(RUNS) == {"add": 1, "pair": 1}  # y and what it feeds; x did not run
    assert ns.set_composite("two", {**moved, "nodes": nodes})["name"] == "Two"  # the same: no-op
    await ns.aclose()


async def test_a_composite_reports_the_progress_of_its_inside() -> None:
    from nodeweave.core.events import ProgressReported

    d = {
        "name": "Slow chain",
        "nodes": [{"uuid": f"s{i}", "node_id": "cp.slow"} for i in range(4)],
        "edges": [
            {"src": f"s{i}", "src_io": "out", "dst": f"s{i + 1}", "dst_io": "a"} for i in range(3)
        ],
        "inputs": [{"name": "a", "node": "s0", "io": "a"}],
        "outputs": [{"name": "out", "node": "s3", "io": "out"}],
    }
    ns = ns_with(("slow", d))
    rec = Recorder(ns)
    c = ns.add_node("composite.slow", inputs={"a": 3})
    await ns.settle()
    assert ns.get_value(c, "out") == 3
    reports = [e for e in rec.of(ProgressReported) if e.uuid == c]
    fractions = [e.fraction for e in reports]
    assert fractions == sorted(fractions) and len(fractions) >= 3
    assert reports[-1].message == "4 of 4 inside"
    await ns.aclose()


async def test_no_op_edits_and_nested_insides_through_the_worker(rpc: Any) -> None:
    add = "numbers.add"
    a = (await rpc.call("add_node", node_id=add, inputs={"a": 1, "b": 1}))["uuid"]
    inner = await rpc.call("make_composite", nodes=[a], name="Inner")
    outer = await rpc.call("make_composite", nodes=[inner["uuid"]], name="Outer")
    await wait_value(rpc, outer["uuid"], "out", 2)
    history = await rpc.call("get_history")
    await rpc.call("set_composite", id=outer["id"], composite=outer["composite"])
    assert await rpc.call("get_history") == history  # nothing new: no step to undo
    top = await rpc.call("get_inside", uuid=outer["uuid"])
    (nested,) = [n for n in top["state"]["nodes"] if n["node_id"] == f"composite.{inner['id']}"]
    deep = await rpc.call("get_inside", uuid=nested["uuid"], path=[outer["uuid"]])
    assert deep["id"] == inner["id"]
    assert deep["state"]["nodes"][0]["outputs"][0]["preview"]["value"] == 2
    with pytest.raises(Exception, match=r"in use by (composite )?Outer"):
        await rpc.call("remove_composite", id=inner["id"])
