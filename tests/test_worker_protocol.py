"""The worker's RPC in-process: every command, every error code, events, several clients."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import orjson
import pytest
from aiohttp.test_utils import TestClient

from nodeweave.client import Client, RpcError
from nodeweave.protocol import PROTOCOL_VERSION, WORKER_COMMANDS
from nodeweave.worker.app import create_app
from nodeweave.worker.config import WorkerConfig

from .worker_helpers import TOKEN, config

Connect = Callable[[], Awaitable[Client]]


@pytest.fixture
def worker_config(tmp_path: Path) -> WorkerConfig:
    return config(tmp_path)


@pytest.fixture
async def http(aiohttp_client: Any, worker_config: WorkerConfig) -> TestClient[Any, Any]:
    client: TestClient[Any, Any] = await aiohttp_client(create_app(worker_config))
    return client


@pytest.fixture
async def connect(http: TestClient[Any, Any]) -> AsyncIterator[Connect]:
    clients: list[Client] = []

    async def make() -> Client:
        client = await Client.connect(str(http.make_url("/ws")), TOKEN)
        clients.append(client)
        return client

    yield make
    for c in clients:
        await c.close()


@pytest.fixture
async def rpc(connect: Connect) -> Client:
    client = await connect()
    await client.next_event("hello")
    return client


async def error_of(client: Client, cmd: str, **kwargs: Any) -> RpcError:
    with pytest.raises(RpcError) as info:
        await client.call(cmd, **kwargs)
    return info.value


async def raw_reply(client: Client, frame: str | bytes) -> dict[str, Any]:
    await client.send_raw(frame)
    return await asyncio.wait_for(client.unmatched.get(), 5)


# --- hello, envelope --------------------------------------------------------------------------


async def test_first_event_is_hello_with_seq_1(connect: Connect) -> None:
    client = await connect()
    hello = await client.next_event()
    assert hello["event"] == "hello"
    assert hello["seq"] == 1
    assert hello["data"]["protocol_version"] == PROTOCOL_VERSION
    assert hello["data"]["worker_id"] == "w1"
    assert (await client.call("hello"))["protocol_version"] == PROTOCOL_VERSION


async def test_string_and_integer_ids_are_echoed(rpc: Client) -> None:
    reply = await raw_reply(rpc, '{"type": "cmd", "id": "abc", "cmd": "nope"}')
    assert reply["id"] == "abc"
    reply = await raw_reply(rpc, '{"type": "cmd", "id": 7, "cmd": "nope"}')
    assert reply["id"] == 7


@pytest.mark.parametrize(
    ("frame", "code", "rid"),
    [
        ("{not json", "invalid_json", None),
        (b"\xff\xfe", "invalid_json", None),
        ("[1, 2]", "invalid_request", None),
        ('"cmd"', "invalid_request", None),
        ('{"type": "cmd", "cmd": "ping"}', "invalid_request", None),
        ('{"type": "cmd", "id": true, "cmd": "ping"}', "invalid_request", None),
        ('{"type": "result", "id": "x", "cmd": "ping"}', "invalid_request", "x"),
        ('{"type": "cmd", "id": "x"}', "invalid_request", "x"),
        ('{"type": "cmd", "id": "x", "cmd": "ping", "kwargs": [1]}', "invalid_request", "x"),
        ('{"type": "cmd", "id": "x", "cmd": "ping", "extra": 1}', "invalid_request", "x"),
        ('{"type": "cmd", "id": "x", "cmd": "launch_rockets"}', "unknown_command", "x"),
    ],
)
async def test_malformed_frames_get_one_error_reply_and_the_connection_lives(
    rpc: Client, frame: str, code: str, rid: Any
) -> None:
    reply = await raw_reply(rpc, frame)
    assert reply["type"] == "error"
    assert reply["id"] == rid
    assert reply["error"]["code"] == code
    assert reply["error"]["message"]
    assert await rpc.call("ping") == {"pong": True}


@pytest.mark.parametrize(
    ("cmd", "kwargs", "fragment"),
    [
        ("add_node", {}, "node_id"),
        ("add_node", {"node_id": 5}, "node_id"),
        ("add_node", {"node_id": "t.add", "colour": "red"}, "colour"),
        ("set_input", {"uuid": "x", "io": "a"}, "value"),
        ("connect", {"src": "a", "src_io": "out", "dst": "b"}, "dst_io"),
        ("update_node", {"uuid": "x", "properties": [1]}, "properties"),
        ("ping", {"x": 1}, "x"),
    ],
)
async def test_bad_arguments_are_invalid_arguments_naming_the_field(
    rpc: Client, cmd: str, kwargs: dict[str, Any], fragment: str
) -> None:
    err = await error_of(rpc, cmd, **kwargs)
    assert err.code == "invalid_arguments"
    assert fragment in err.message


async def test_unknown_command_lists_the_known_ones(rpc: Client) -> None:
    err = await error_of(rpc, "get_stat")
    assert err.code == "unknown_command"
    assert "get_state" in err.details["known"]


async def test_every_declared_command_is_answered(rpc: Client) -> None:
    # A command with wrong arguments is still routed (not "unknown"): the table is complete.
    for cmd in WORKER_COMMANDS:
        if cmd == "shutdown":
            continue
        err = await error_of(rpc, cmd, bogus_argument=1)
        assert err.code == "invalid_arguments", cmd


# --- graph editing ----------------------------------------------------------------------------


async def test_edit_a_graph_and_watch_values(rpc: Client) -> None:
    a = await rpc.call("add_node", node_id="t.add1", inputs={"a": 1})
    b = await rpc.call("add_node", node_id="t.add1")
    assert a["node_id"] == "t.add1" and a["inputs"][0]["name"] == "a"
    assert a["inputs"][0]["value"] == 1 and a["inputs"][0]["has_value"]
    edge = await rpc.call("connect", src=a["uuid"], src_io="out", dst=b["uuid"], dst_io="a")
    assert edge == {"src": a["uuid"], "src_io": "out", "dst": b["uuid"], "dst_io": "a"}
    event = await rpc.next_event("value", lambda d: d["uuid"] == b["uuid"])
    assert event["data"]["preview"]["value"] == 3
    assert await rpc.call("set_input", uuid=a["uuid"], io="a", value=10) == {"changed": True}
    event = await rpc.next_event("value", lambda d: d["uuid"] == b["uuid"])
    assert event["data"]["preview"]["value"] == 12
    assert await rpc.call("set_input", uuid=a["uuid"], io="a", value=10) == {"changed": False}
    preview = await rpc.call("get_value", uuid=b["uuid"], io="out")
    assert preview == {"kind": "json", "type": "int", "value": 12}
    assert (await rpc.call("get_value", uuid=b["uuid"], io="a"))["value"] == 11
    state = await rpc.call("get_state")
    assert {n["uuid"] for n in state["nodes"]} == {a["uuid"], b["uuid"]}
    assert state["edges"] == [edge]
    node_b = await rpc.call("get_node", uuid=b["uuid"])
    assert node_b["status"] == "done"
    assert node_b["inputs"][0]["connected"] is True
    assert node_b["outputs"][0]["preview"]["value"] == 12
    await rpc.call("disconnect", src=a["uuid"], src_io="out", dst=b["uuid"], dst_io="a")
    assert (await rpc.call("get_state"))["edges"] == []
    await rpc.call("remove_node", uuid=a["uuid"])
    assert [n["uuid"] for n in (await rpc.call("get_state"))["nodes"]] == [b["uuid"]]


async def test_status_events_show_each_transition(rpc: Client) -> None:
    a = await rpc.call("add_node", node_id="t.add1", inputs={"a": 1})
    await rpc.next_event("value", lambda d: d["uuid"] == a["uuid"])
    rpc.drain_events()
    await rpc.call("trigger", uuid=a["uuid"])
    await rpc.next_event("node_status", lambda d: d["uuid"] == a["uuid"] and d["status"] == "done")


async def test_graph_errors_carry_the_engine_codes(rpc: Client) -> None:
    a = (await rpc.call("add_node", node_id="t.add1"))["uuid"]
    b = (await rpc.call("add_node", node_id="t.add1"))["uuid"]
    t = (await rpc.call("add_node", node_id="t.text"))["uuid"]
    await rpc.call("connect", src=a, src_io="out", dst=b, dst_io="a")
    assert (await error_of(rpc, "connect", src=b, src_io="out", dst=a, dst_io="a")).code == "cycle"
    err = await error_of(rpc, "connect", src=t, src_io="out", dst=b, dst_io="a")
    assert err.code in ("type_mismatch", "input_connected")
    c = (await rpc.call("add_node", node_id="t.add1"))["uuid"]
    err = await error_of(rpc, "connect", src=t, src_io="out", dst=c, dst_io="a")
    assert err.code == "type_mismatch"
    err = await error_of(rpc, "connect", src=c, src_io="out", dst=b, dst_io="a")
    assert err.code == "input_connected"
    await rpc.call("connect", src=c, src_io="out", dst=b, dst_io="a", replace=True)
    assert (await error_of(rpc, "add_node", node_id="t.add1", uuid=a)).code == "duplicate"
    err = await error_of(rpc, "set_input", uuid=a, io="a", value="not a number")
    assert err.code == "invalid_value"


@pytest.mark.parametrize(
    ("cmd", "kwargs"),
    [
        ("add_node", {"node_id": "t.nothing"}),
        ("remove_node", {"uuid": "ghost"}),
        ("get_node", {"uuid": "ghost"}),
        ("update_node", {"uuid": "ghost", "properties": {}}),
        ("set_input", {"uuid": "ghost", "io": "a", "value": 1}),
        ("get_value", {"uuid": "ghost", "io": "out"}),
        ("trigger", {"uuid": "ghost"}),
        ("connect", {"src": "ghost", "src_io": "out", "dst": "ghost2", "dst_io": "a"}),
        ("disconnect", {"src": "ghost", "src_io": "out", "dst": "ghost2", "dst_io": "a"}),
    ],
)
async def test_unknown_nodes_are_not_found(rpc: Client, cmd: str, kwargs: dict[str, Any]) -> None:
    assert (await error_of(rpc, cmd, **kwargs)).code == "not_found"


async def test_unknown_ports_are_not_found(rpc: Client) -> None:
    a = (await rpc.call("add_node", node_id="t.add1"))["uuid"]
    b = (await rpc.call("add_node", node_id="t.add1"))["uuid"]
    assert (await error_of(rpc, "set_input", uuid=a, io="zzz", value=1)).code == "not_found"
    assert (await error_of(rpc, "get_value", uuid=a, io="zzz")).code == "not_found"
    err = await error_of(rpc, "connect", src=a, src_io="zzz", dst=b, dst_io="a")
    assert err.code == "not_found"
    err = await error_of(rpc, "connect", src=a, src_io="out", dst=b, dst_io="zzz")
    assert err.code == "not_found"


async def test_node_errors_come_with_message_and_traceback(rpc: Client) -> None:
    f = (await rpc.call("add_node", node_id="t.fail", inputs={"a": 3}))["uuid"]
    event = await rpc.next_event("node_error", lambda d: d["uuid"] == f)
    assert event["data"]["message"] == "boom 3"
    assert event["data"]["type"] == "ValueError"
    assert "raise ValueError" in event["data"]["traceback"]
    node = await rpc.call("get_node", uuid=f)
    assert node["status"] == "error" and node["error"]["message"] == "boom 3"


async def test_update_node_merges_properties(rpc: Client) -> None:
    a = (await rpc.call("add_node", node_id="t.add1", properties={"name": "first"}))["uuid"]
    node = await rpc.call("update_node", uuid=a, properties={"position": {"x": 5, "y": 6}})
    assert node["properties"] == {"name": "first", "position": {"x": 5, "y": 6}}
    node = await rpc.call("update_node", uuid=a, properties={"x": 1}, merge=False)
    assert node["properties"] == {"x": 1}


async def test_progress_and_cancel(rpc: Client) -> None:
    s = (await rpc.call("add_node", node_id="t.slow", inputs={"seconds": 30}))["uuid"]
    progress = await rpc.next_event("progress", lambda d: d["uuid"] == s)
    assert progress["data"]["message"].startswith("step")
    result = await rpc.call("cancel")
    assert result == {"cancelled": [s]}
    await rpc.next_event("node_status", lambda d: d["uuid"] == s and d["status"] == "cancelled")


async def test_cancel_one_node_blocks_what_depends_on_it_and_spares_the_rest(
    rpc: Client,
) -> None:
    s1 = (await rpc.call("add_node", node_id="t.slow", inputs={"seconds": 30}))["uuid"]
    s2 = (await rpc.call("add_node", node_id="t.slow", inputs={"seconds": 30}))["uuid"]
    child = (await rpc.call("add_node", node_id="t.add1"))["uuid"]
    await rpc.call("connect", src=s1, src_io="out", dst=child, dst_io="a")
    await rpc.next_event("progress", lambda d: d["uuid"] == s2)
    assert await rpc.call("cancel", uuid=s1) == {"cancelled": [s1]}
    await rpc.next_event("node_status", lambda d: d["uuid"] == child and d["status"] == "blocked")
    assert (await rpc.call("get_node", uuid=s1))["status"] == "cancelled"
    assert (await rpc.call("get_node", uuid=s2))["status"] == "running"
    assert await rpc.call("cancel", uuid=child) == {"cancelled": []}  # not running: nothing
    await rpc.call("trigger", uuid=s1)  # re-run
    await rpc.next_event("node_status", lambda d: d["uuid"] == s1 and d["status"] == "running")
    cancelled = (await rpc.call("cancel"))["cancelled"]
    assert {s1, s2} <= set(cancelled)


async def test_library_and_modules(rpc: Client) -> None:
    library = await rpc.call("get_library")
    ids = {n["id"] for shelf in library["shelves"] for n in shelf["nodes"]}
    assert {"t.add1", "numbers.add"} <= ids
    modules = await rpc.call("list_modules")
    test_module = next(m for m in modules if m["name"] == "testnodes")
    assert test_module["status"] == "loaded" and "t.add1" in test_module["node_ids"]
    reloaded = await rpc.call("reload_modules")
    assert [(e["kind"], e["module"]) for e in reloaded] == [("reloaded", "testnodes")]


async def test_export_and_import_workflow(rpc: Client) -> None:
    a = (await rpc.call("add_node", node_id="t.add1", inputs={"a": 4}))["uuid"]
    doc = await rpc.call("export_workflow")
    assert doc["schema_version"] == 1 and doc["nodes"][0]["inputs"] == {"a": 4}
    await rpc.call("remove_node", uuid=a)
    report = await rpc.call("import_workflow", document=doc)
    assert report == {
        "placeholders": [],
        "dropped_inputs": [],
        "dropped_edges": [],
        "migrated": [],
    }
    await rpc.next_event("graph_replaced")
    assert (await rpc.call("get_node", uuid=a))["inputs"][0]["value"] == 4


@pytest.mark.parametrize(
    ("document", "code"),
    [
        ({"nodes": []}, "invalid_document"),
        ({"schema_version": 1, "nodes": [{"uuid": 1}]}, "invalid_document"),
        ({"schema_version": 99, "nodes": []}, "unsupported_schema_version"),
    ],
)
async def test_an_invalid_workflow_changes_nothing(
    rpc: Client, document: dict[str, Any], code: str
) -> None:
    a = (await rpc.call("add_node", node_id="t.add1", inputs={"a": 4}))["uuid"]
    assert (await error_of(rpc, "import_workflow", document=document)).code == code
    assert [n["uuid"] for n in (await rpc.call("get_state"))["nodes"]] == [a]


async def test_save_writes_nodespace_json(rpc: Client, worker_config: WorkerConfig) -> None:
    await rpc.call("add_node", node_id="t.add1", inputs={"a": 4}, properties={"position": [1, 2]})
    result = await rpc.call("save")
    assert result["saved"] is True
    assert result["path"] == str(worker_config.nodespace_path)
    text = worker_config.nodespace_path.read_text()
    assert '"a": 4' in text and '"position"' in text


# --- several clients --------------------------------------------------------------------------


async def test_two_clients_see_each_others_edits(connect: Connect) -> None:
    one, two = await connect(), await connect()
    await one.next_event("hello")
    await two.next_event("hello")
    a = await one.call("add_node", node_id="t.add1", inputs={"a": 1})
    added = await two.next_event("node_added")
    assert added["data"]["uuid"] == a["uuid"]
    await two.call("update_node", uuid=a["uuid"], properties={"position": {"x": 1, "y": 2}})
    moved = await one.next_event("node_updated")
    assert moved["data"]["properties"]["position"] == {"x": 1, "y": 2}
    await two.call("set_input", uuid=a["uuid"], io="a", value=41)
    changed = await one.next_event("input_changed")
    assert changed["data"]["value"] == 41
    value = await one.next_event("value", lambda d: d["preview"]["value"] == 42)
    assert value["data"]["uuid"] == a["uuid"]
    await one.call("remove_node", uuid=a["uuid"])
    assert (await two.next_event("node_removed"))["data"]["uuid"] == a["uuid"]
    assert one.gaps == 0 and two.gaps == 0


async def test_events_have_contiguous_seq(rpc: Client) -> None:
    a = (await rpc.call("add_node", node_id="t.add1", inputs={"a": 0}))["uuid"]
    for i in range(50):
        await rpc.call("set_input", uuid=a, io="a", value=i + 1)
    await rpc.next_event("value", lambda d: d["preview"]["value"] == 51)
    assert rpc.gaps == 0


async def test_an_edge_driven_input_previews_a_glimpse_of_its_value(rpc: Client) -> None:
    src = (await rpc.call("add_node", node_id="t.text", inputs={"n": 50_000}))["uuid"]
    sink = (await rpc.call("add_node", node_id="t.text"))["uuid"]
    await rpc.call("connect", src=src, src_io="out", dst=sink, dst_io="char")
    node = await rpc.call("get_node", uuid=sink)
    char = next(i for i in node["inputs"] if i["name"] == "char")
    assert char["connected"] is True
    assert char["preview"]["length"] == 50_000
    assert len(orjson.dumps(char["preview"])) <= 1024  # the source's output shows it whole
    source = await rpc.call("get_node", uuid=src)
    assert len(orjson.dumps(source["outputs"][0]["preview"])) > 40_000


async def test_a_client_that_asks_gets_bursts_of_events_in_batch_frames(
    http: TestClient[Any, Any],
) -> None:
    ws = await http.ws_connect(f"/ws?token={TOKEN}&batch=1")
    try:
        chain = [
            {"cmd": "add_node", "kwargs": {"node_id": "t.add1", "uuid": f"n{i}"}} for i in range(20)
        ]
        chain += [
            {
                "cmd": "connect",
                "kwargs": {"src": f"n{i}", "src_io": "out", "dst": f"n{i + 1}", "dst_io": "a"},
            }
            for i in range(19)
        ]
        await ws.send_str(
            orjson.dumps(
                {"type": "cmd", "id": 1, "cmd": "apply_edits", "kwargs": {"edits": chain}}
            ).decode()
        )
        await ws.send_str(
            '{"type": "cmd", "id": 2, "cmd": "set_input", "kwargs": {"uuid": "n0", "io": "a", "value": 1}}'
        )
        kinds: list[str] = []
        seqs: list[int] = []
        last = None
        while last != 21:  # n0 = 1 + 1, …, n19 = 21
            frame = orjson.loads((await ws.receive(timeout=5)).data)
            kinds.append(frame["type"])
            for event in frame["events"] if frame["type"] == "batch" else [frame]:
                if event["type"] == "event":
                    seqs.append(event["seq"])
                    if event["event"] == "value" and event["data"]["uuid"] == "n19":
                        last = event["data"]["preview"]["value"]
        assert "batch" in kinds
        assert seqs == list(range(seqs[0], seqs[0] + len(seqs)))  # numbered without gaps
    finally:
        await ws.close()
