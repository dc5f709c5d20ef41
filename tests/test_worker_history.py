"""Undo and redo in the worker: every edit taken back exactly, shared by all clients."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from nodeweave.client import Client, RpcError
from nodeweave.worker.app import create_app
from nodeweave.worker.config import WorkerConfig
from nodeweave.worker.history import EditHistory, Step

from .worker_helpers import TOKEN, config

Connect = Callable[[], Awaitable[Client]]


# --- the bookkeeping ---------------------------------------------------------------------------


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def step(label: str, key: Any = None) -> Step:
    return Step(label, [("undo", {"of": label})], [("redo", {"of": label})], key)


def test_undo_then_redo_walks_the_steps_back_and_forth() -> None:
    history = EditHistory()
    history.record(step("a"))
    history.record(step("b"))
    assert history.state() == {
        "can_undo": True,
        "can_redo": False,
        "undo_label": "b",
        "redo_label": None,
    }
    b = history.take_undo()
    assert b is not None and b.label == "b"
    history.undone(b)
    assert history.state()["redo_label"] == "b"
    assert history.state()["undo_label"] == "a"
    again = history.take_redo()
    assert again is b
    history.redone(b)
    assert history.state()["undo_label"] == "b"


def test_a_new_edit_drops_what_could_be_redone() -> None:
    history = EditHistory()
    history.record(step("a"))
    history.undone(history.take_undo())  # type: ignore[arg-type]
    history.record(step("c"))
    assert history.state()["can_redo"] is False


def test_edits_with_one_key_merge_within_the_window_keeping_the_first_undo() -> None:
    clock = Clock()
    history = EditHistory(merge_window=2.0, clock=clock)
    first = Step("set x", [("set_input", {"value": 1})], [("set_input", {"value": 2})], "x")
    history.record(first)
    clock.now = 1.5
    history.record(Step("set x", [("set_input", {"value": 2})], [("set_input", {"value": 3})], "x"))
    clock.now = 3.0
    history.record(Step("set x", [("set_input", {"value": 3})], [("set_input", {"value": 4})], "x"))
    top = history.take_undo()
    assert top is first
    assert top.undo == [("set_input", {"value": 1})]
    assert top.redo == [("set_input", {"value": 4})]
    assert history.take_undo() is None


def test_a_pause_or_another_key_starts_a_new_step() -> None:
    clock = Clock()
    history = EditHistory(merge_window=2.0, clock=clock)
    history.record(step("x1", "x"))
    clock.now = 2.5
    history.record(step("x2", "x"))
    history.record(step("y", "y"))
    labels = []
    while (s := history.take_undo()) is not None:
        labels.append(s.label)
    assert labels == ["y", "x2", "x1"]


def test_the_history_is_bounded() -> None:
    history = EditHistory(limit=3)
    for i in range(5):
        history.record(step(str(i)))
    labels = []
    while (s := history.take_undo()) is not None:
        labels.append(s.label)
    assert labels == ["4", "3", "2"]


# --- on the wire -------------------------------------------------------------------------------


@pytest.fixture
def worker_config(tmp_path: Path) -> WorkerConfig:
    return config(tmp_path)


@pytest.fixture
async def connect(aiohttp_client: Any, worker_config: WorkerConfig) -> AsyncIterator[Connect]:
    http: TestClient[Any, Any] = await aiohttp_client(create_app(worker_config))
    clients: list[Client] = []

    async def make() -> Client:
        client = await Client.connect(str(http.make_url("/ws")), TOKEN)
        await client.next_event("hello")
        clients.append(client)
        return client

    yield make
    for c in clients:
        await c.close()


@pytest.fixture
async def rpc(connect: Connect) -> Client:
    return await connect()


async def graph(client: Client) -> dict[str, Any]:
    state = await client.call("get_state")
    nodes = {
        n["uuid"]: {
            "node_id": n["node_id"],
            "values": {i["name"]: i["value"] for i in n["inputs"] if i["has_value"]},
            "properties": n["properties"],
        }
        for n in state["nodes"]
    }
    edges = sorted(tuple(e.values()) for e in state["edges"])
    return {"nodes": nodes, "edges": edges}


async def value(client: Client, uuid: str) -> Any:
    return (await client.call("get_value", uuid=uuid, io="out")).get("value")


async def test_the_reported_scenario_undo_brings_back_the_deleted_node_only(rpc: Client) -> None:
    a = (await rpc.call("add_node", node_id="t.add", inputs={"a": 1, "b": 3}))["uuid"]
    b = (await rpc.call("add_node", node_id="t.add1", inputs={"a": 5}))["uuid"]
    c = (await rpc.call("add_node", node_id="t.add1"))["uuid"]
    await rpc.call("connect", src=b, src_io="out", dst=c, dst_io="a")
    await rpc.call("set_input", uuid=a, io="b", value=7)
    before = await graph(rpc)
    await rpc.call("remove_node", uuid=b)
    assert await rpc.call("undo") == {"applied": True, "label": "delete t.add1"}
    assert await graph(rpc) == before  # the node, its value and its edge; a.b still 7
    assert await value(rpc, c) == 7


async def test_every_kind_of_edit_undoes_and_redoes(rpc: Client) -> None:
    states = [await graph(rpc)]
    a = (await rpc.call("add_node", node_id="t.add1", properties={"position": {"x": 1}}))["uuid"]
    states.append(await graph(rpc))
    b = (await rpc.call("add_node", node_id="t.add"))["uuid"]
    states.append(await graph(rpc))
    await rpc.call("set_input", uuid=a, io="a", value=2)
    states.append(await graph(rpc))
    await rpc.call("connect", src=a, src_io="out", dst=b, dst_io="a")
    states.append(await graph(rpc))
    await rpc.call("update_node", uuid=b, properties={"name": "Sum", "position": {"x": 9}})
    states.append(await graph(rpc))
    await rpc.call("set_input", uuid=b, io="b", value=4)
    states.append(await graph(rpc))
    await rpc.call("clear_input", uuid=b, io="b")
    states.append(await graph(rpc))
    await rpc.call("disconnect", src=a, src_io="out", dst=b, dst_io="a")
    states.append(await graph(rpc))
    await rpc.call("remove_node", uuid=a)
    states.append(await graph(rpc))
    for expected in reversed(states[:-1]):
        assert (await rpc.call("undo"))["applied"] is True
        assert await graph(rpc) == expected
    assert (await rpc.call("undo"))["applied"] is False
    for expected in states[1:]:
        assert (await rpc.call("redo"))["applied"] is True
        assert await graph(rpc) == expected
    assert (await rpc.call("redo"))["applied"] is False


async def test_a_dragged_slider_is_one_undo_step(rpc: Client) -> None:
    a = (await rpc.call("add_node", node_id="t.add1", inputs={"a": 0}))["uuid"]
    for v in range(1, 30):
        await rpc.call("set_input", uuid=a, io="a", value=v)
    await rpc.call("undo")
    assert (await graph(rpc))["nodes"][a]["values"] == {"a": 0}
    await rpc.call("redo")
    assert (await graph(rpc))["nodes"][a]["values"] == {"a": 29}


async def test_apply_edits_is_one_step_and_all_or_nothing(rpc: Client) -> None:
    empty = await graph(rpc)
    reply = await rpc.call(
        "apply_edits",
        label="paste 2 nodes",
        edits=[
            {"cmd": "add_node", "kwargs": {"node_id": "t.add1", "uuid": "p1", "inputs": {"a": 1}}},
            {"cmd": "add_node", "kwargs": {"node_id": "t.add1", "uuid": "p2"}},
            {
                "cmd": "connect",
                "kwargs": {"src": "p1", "src_io": "out", "dst": "p2", "dst_io": "a"},
            },
        ],
    )
    assert [r.get("uuid") for r in reply["results"][:2]] == ["p1", "p2"]
    assert await value(rpc, "p2") == 3
    assert (await rpc.call("get_history"))["undo_label"] == "paste 2 nodes"
    pasted = await graph(rpc)
    with pytest.raises(RpcError) as info:
        await rpc.call(
            "apply_edits",
            edits=[
                {"cmd": "remove_node", "kwargs": {"uuid": "p1"}},
                {
                    "cmd": "connect",
                    "kwargs": {"src": "p2", "src_io": "out", "dst": "nope", "dst_io": "a"},
                },
            ],
        )
    assert info.value.code == "not_found"
    assert await graph(rpc) == pasted  # the removal before the failing edit was taken back
    assert (await rpc.call("get_history"))["undo_label"] == "paste 2 nodes"
    await rpc.call("undo")
    assert await graph(rpc) == empty


async def test_apply_edits_checks_each_edit_like_its_command(rpc: Client) -> None:
    with pytest.raises(RpcError) as info:
        await rpc.call("apply_edits", edits=[{"cmd": "add_node", "kwargs": {"nodeid": "x"}}])
    assert info.value.code == "invalid_arguments"
    with pytest.raises(RpcError) as info:
        await rpc.call("apply_edits", edits=[{"cmd": "shutdown", "kwargs": {}}])
    assert info.value.code == "invalid_arguments"


async def test_a_missing_type_may_become_a_placeholder(rpc: Client) -> None:
    with pytest.raises(RpcError):
        await rpc.call("add_node", node_id="elsewhere.only")
    node = await rpc.call("add_node", node_id="elsewhere.only", inputs={"q": 1}, allow_missing=True)
    assert node["placeholder"] is True
    assert node["inputs"][0]["value"] == 1


async def test_every_client_sees_the_history_and_an_undo(connect: Connect) -> None:
    first, second = await connect(), await connect()
    a = (await first.call("add_node", node_id="t.add1"))["uuid"]
    event = await second.next_event("history", where=lambda d: d["can_undo"])
    assert event["data"]["undo_label"] == "add t.add1"
    await second.call("undo")
    await first.next_event("node_removed", where=lambda d: d["uuid"] == a)
    assert (await first.call("get_history"))["redo_label"] == "add t.add1"


TWO_INPUTS = """
from nodeweave import node

@node(id="m.f")
def f(a: int = 0, b: int = 0) -> int:
    return a + b
"""


async def test_an_undo_that_no_longer_fits_says_so_and_changes_nothing(rpc: Client) -> None:
    await rpc.call("write_module", name="m.py", source=TWO_INPUTS)
    src = (await rpc.call("add_node", node_id="t.add1"))["uuid"]
    dst = (await rpc.call("add_node", node_id="m.f"))["uuid"]
    await rpc.call("connect", src=src, src_io="out", dst=dst, dst_io="b")
    # The module loses input b: the engine drops the edge (not an edit anyone can undo).
    await rpc.call("write_module", name="m.py", source=TWO_INPUTS.replace(", b: int = 0", ""))
    before = await graph(rpc)
    assert before["edges"] == []
    with pytest.raises(RpcError) as info:
        await rpc.call("undo")
    assert info.value.code == "invalid_state"
    assert "cannot undo 'connect'" in info.value.message
    assert await graph(rpc) == before
    assert (await rpc.call("undo"))["label"] == "add m.f"  # the steps before it still undo


async def test_import_is_one_step_back_to_the_graph_before(rpc: Client) -> None:
    await rpc.call("add_node", node_id="t.add1", uuid="keep")
    before = await graph(rpc)
    doc = {"schema_version": 1, "nodes": [{"uuid": "n", "node_id": "t.add1"}], "edges": []}
    await rpc.call("import_workflow", document=doc)
    assert set((await graph(rpc))["nodes"]) == {"n"}
    assert (await rpc.call("undo"))["label"] == "import workflow"
    assert await graph(rpc) == before


async def test_a_node_added_without_a_position_gets_a_free_one_and_keeps_it_on_redo(
    rpc: Client,
) -> None:
    first = (await rpc.call("add_node", node_id="t.add1"))["uuid"]
    placed = (await graph(rpc))["nodes"][first]["properties"]["position"]
    assert placed == {"x": 0.0, "y": 0.0}
    # a card already sits right of the first: the next one goes below it, not on it
    await rpc.call("add_node", node_id="t.add1", properties={"position": {"x": 10, "y": 500}})
    await rpc.call("add_node", node_id="t.add1", properties={"position": {"x": 310, "y": 500}})
    third = (await rpc.call("add_node", node_id="t.add"))["uuid"]
    position = (await graph(rpc))["nodes"][third]["properties"]["position"]
    assert position["x"] == 610 and position["y"] == 500
    await rpc.call("undo")
    await rpc.call("redo")
    assert (await graph(rpc))["nodes"][third]["properties"]["position"] == position
    # a position the client gives is kept as it is, even on top of another card
    given = await rpc.call("add_node", node_id="t.add1", properties={"position": {"x": 0, "y": 0}})
    assert (await graph(rpc))["nodes"][given["uuid"]]["properties"]["position"] == {"x": 0, "y": 0}
