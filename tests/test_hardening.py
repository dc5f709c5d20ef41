"""Bad input found by a fuzzing campaign: each a clean refusal with a stable code, nothing lost.

Defects of issue 14, one regression test each (they failed before their fix).
"""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator, Awaitable
from pathlib import Path
from typing import Any

import orjson
import pytest
from aiohttp import WSMsgType
from aiohttp.test_utils import TestClient

from nodeweave.client import Client, RpcError
from nodeweave.protocol.envelope import MAX_DEPTH
from nodeweave.worker.app import create_app
from nodeweave.worker.config import WorkerConfig

from .hub_helpers import FAST, OpenHub, hub_opener, make_state
from .hub_helpers import TOKEN as HUB_TOKEN
from .test_hub import raw_get
from .worker_helpers import TOKEN, config

AUTH = {"Authorization": f"Bearer {TOKEN}"}


def nested(levels: int) -> Any:
    value: Any = 0
    for _ in range(levels):
        value = [value]
    return value


async def code_of(call: Awaitable[Any]) -> str:
    with pytest.raises(RpcError) as info:
        await call
    return info.value.code


# --- 1. deeply nested JSON ------------------------------------------------------------------------


def deep_json(levels: int) -> str:
    return "[" * levels + "0" + "]" * levels


async def test_a_value_nested_too_deep_is_refused_on_receipt_and_nothing_else_breaks(
    rpc: Client, http: TestClient[Any, Any], worker_config: WorkerConfig
) -> None:
    node = await rpc.call("add_node", node_id="json.constant", uuid="c")
    # (raw frames: a client's own encoder would refuse to send these)
    ws = await http.ws_connect("/ws", headers=AUTH)
    replies: list[dict[str, Any]] = []
    try:
        for i, depth in enumerate((MAX_DEPTH + 5, 252, 255, 1000)):
            value = deep_json(depth)
            for n, kwargs in enumerate(
                (
                    f'{{"uuid": "c", "io": "value", "value": {value}}}',
                    f'{{"uuid": "c", "properties": {{"deep": {value}}}}}',
                    f'{{"node_id": "json.constant", "inputs": {{"value": {value}}}}}',
                )
            ):
                cmd = ("set_input", "update_node", "add_node")[n]
                rid = f"{i}-{n}"
                await ws.send_str(
                    f'{{"type": "cmd", "id": "{rid}", "cmd": "{cmd}", "kwargs": {kwargs}}}'
                )
                while True:
                    msg = orjson.loads((await ws.receive()).data)
                    if msg.get("id") == rid:
                        replies.append(msg)
                        break
    finally:
        await ws.close()
    assert len(replies) == 12
    assert {r["type"] for r in replies} == {"error"}
    assert {r["error"]["code"] for r in replies} == {"invalid_value"}
    state = await rpc.call("get_state")  # every read and save still works
    assert [n["uuid"] for n in state["nodes"]] == [node["uuid"]]
    assert "deep" not in state["nodes"][0]["properties"]
    await rpc.call("export_workflow")
    await rpc.call("get_node", uuid="c")
    # as deep as the limit allows: accepted, saved and read back whole
    deepest = nested(MAX_DEPTH - 4)  # kwargs {value: …} inside the request
    assert (await rpc.call("set_input", uuid="c", io="value", value=deepest))["changed"] is True
    assert (await rpc.call("save"))["saved"] is True
    saved = orjson.loads(worker_config.nodespace_path.read_bytes())
    assert saved["nodes"][0]["inputs"]["value"] == deepest
    await rpc.call("get_state")


# --- 2. save with nothing new -----------------------------------------------------------------


async def test_a_save_with_nothing_new_writes_nothing_and_keeps_the_backup(
    rpc: Client, worker_config: WorkerConfig
) -> None:
    path = worker_config.nodespace_path
    bak = path.with_name(path.name + ".bak")
    await rpc.call("add_node", node_id="numbers.number", uuid="a")
    assert (await rpc.call("save"))["saved"] is True
    await rpc.call("add_node", node_id="numbers.number", uuid="b")
    assert (await rpc.call("save"))["saved"] is True
    main, backup = path.read_bytes(), bak.read_bytes()
    assert main != backup  # the generation before the last edit
    assert (await rpc.call("save"))["saved"] is False
    assert (path.read_bytes(), bak.read_bytes()) == (main, backup)


# --- 3. huge offsets -----------------------------------------------------------------------------


async def test_an_offset_or_limit_beyond_any_integer_is_a_400(
    rpc: Client, http: TestClient[Any, Any]
) -> None:
    await rpc.call(
        "add_node", node_id="collections.list", uuid="r", inputs={"items": list(range(10))}
    )
    await rpc.next_event("value", where=lambda d: d["uuid"] == "r")
    for param in ("offset", "limit"):
        resp = await http.get("/values/r/out", params={param: "9" * 26}, headers=AUTH)
        assert resp.status == 400, await resp.text()
        assert (await resp.json())["error"]["code"] == "invalid_arguments"
    ok = await http.get("/values/r/out", params={"offset": "2", "limit": "3"}, headers=AUTH)
    assert ok.status == 200


# --- 4. long upload names -------------------------------------------------------------------------


async def test_long_upload_names_are_invalid_path_and_leave_nothing(
    http: TestClient[Any, Any], worker_config: WorkerConfig
) -> None:
    for length in (201, 230, 255, 300, 5000):
        resp = await http.post("/files", params={"name": "a" * length}, data=b"x", headers=AUTH)
        assert resp.status == 400, (length, await resp.text())
        assert (await resp.json())["error"]["code"] == "invalid_path"
    deep = "/".join(["d"] * 600)  # short segments, a path too long as a whole
    resp = await http.post("/files", params={"name": deep}, data=b"x", headers=AUTH)
    assert resp.status == 400
    ok = await http.post("/files", params={"name": "b" * 200}, data=b"x", headers=AUTH)
    assert ok.status == 201
    assert sorted(p.name for p in worker_config.files_dir.iterdir()) == ["b" * 200]


# --- 5. hub static files --------------------------------------------------------------------------


@pytest.fixture
async def open_hub(tmp_path: Path) -> AsyncIterator[OpenHub]:
    async with hub_opener(make_state(tmp_path), policy=FAST) as open_:
        yield open_


async def test_odd_static_paths_are_404_not_500(open_hub: OpenHub) -> None:
    hub = await open_hub()
    auth = f"Authorization: Bearer {HUB_TOKEN}"
    for target, headers in (
        ("/assets/%00", ()),
        ("/%00", (auth,)),
        ("/index.html%00.png", (auth,)),
        ("/" + "a" * 5000, (auth,)),
        ("/assets/" + "b/" * 300 + "c.js", ()),
    ):
        status, _ = await raw_get(hub, target, *headers)
        assert status == 404, target[:60]


def test_the_depth_limit_leaves_room_for_documents_and_replies() -> None:
    # a value at the limit, inside a document inside a reply, still encodes
    value = nested(MAX_DEPTH)
    reply = {"result": {"nodes": [{"inputs": [{"value": value}]}]}}
    orjson.dumps({"wrap": [[[[reply]]]]})


# --- 8. frame limits -------------------------------------------------------------------------------


@pytest.fixture
def small_frames(tmp_path: Path) -> WorkerConfig:
    return dataclasses.replace(config(tmp_path / "small"), max_frame_bytes=64 * 1024)


async def test_an_over_limit_frame_gets_payload_too_large_before_the_close(
    aiohttp_client: Any, small_frames: WorkerConfig
) -> None:
    http: TestClient[Any, Any] = await aiohttp_client(create_app(small_frames))
    ws = await http.ws_connect("/ws", headers=AUTH)
    try:
        hello = orjson.loads((await ws.receive()).data)
        assert hello["event"] == "hello"
        big = '{"type": "cmd", "id": 1, "cmd": "ping", "kwargs": {"x": "' + "a" * 70_000 + '"}}'
        await ws.send_str(big)
        reply = await ws.receive()
        assert reply.type is WSMsgType.TEXT, reply
        error = orjson.loads(reply.data)["error"]
        assert error["code"] == "payload_too_large"
        assert error["details"]["max_frame_bytes"] == 64 * 1024
        closed = await ws.receive()
        assert closed.type in (WSMsgType.CLOSE, WSMsgType.CLOSED, WSMsgType.CLOSING)
        assert ws.close_code == 1009
    finally:
        await ws.close()
    # a frame within the limit on a new connection is answered
    async with await Client.connect(str(http.make_url("/ws")), TOKEN) as client:
        assert await client.call("ping") == {"pong": True}


async def test_a_binary_frame_carrying_json_is_a_request_like_a_text_frame(
    http: TestClient[Any, Any],
) -> None:
    ws = await http.ws_connect("/ws", headers=AUTH)
    try:
        await ws.receive()  # hello
        await ws.send_bytes(b'{"type": "cmd", "id": 7, "cmd": "ping", "kwargs": {}}')
        reply = orjson.loads((await ws.receive()).data)
        assert reply == {"type": "result", "id": 7, "result": {"pong": True}}
    finally:
        await ws.close()


# --- 9. a long-lived worker's log -------------------------------------------------------------------

CAPPED = """
import sys, time
from pathlib import Path
from nodeweave.state.logs import LogCap

cap = LogCap(Path(sys.argv[1]), max_bytes=2000, every=0.02)
assert cap.start()
for i in range(200):
    print(f"line {i:04d} " + "x" * 40, file=sys.stderr, flush=True)
    time.sleep(0.002)
time.sleep(0.1)
cap.stop()
print("rotations", cap.rotations)
"""


def test_a_running_workers_log_is_capped_and_rotated(tmp_path: Path) -> None:
    import subprocess
    import sys

    log = tmp_path / "worker.log"
    with log.open("ab") as err:
        done = subprocess.run(
            [sys.executable, "-c", CAPPED, str(log)],
            stderr=err,
            stdout=subprocess.PIPE,
            text=True,
            timeout=30,
            check=True,
        )
    assert int(done.stdout.split()[-1]) >= 2
    older = log.with_name("worker.log.1")
    # bounded: the cap plus what a check interval lets through, never the whole 10 kB
    assert log.stat().st_size < 2000 + 2000 and older.stat().st_size < 2000 + 2000
    assert "line 0199" in log.read_text()  # the newest lines are in the current log


# --- 6. idle and half-open connections ---------------------------------------------------------------


async def test_connections_that_never_send_a_request_are_closed(tmp_path: Path) -> None:
    import asyncio

    from .worker_helpers import spawn_worker

    state = tmp_path / "state"
    worker = await spawn_worker(state, env={"NODEWEAVE_IDLE_TIMEOUT": "1"})
    try:
        info = await worker.ready()
        idle = [await asyncio.open_connection("127.0.0.1", info["port"]) for _ in range(20)]
        half = []  # a request line, then silence
        for _ in range(5):
            reader, writer = await asyncio.open_connection("127.0.0.1", info["port"])
            writer.write(b"GET /health HTTP/1.1\\r\\nHost: x\\r\\n")
            half.append((reader, writer))
        async with asyncio.timeout(10):  # the server ends each: EOF on our side
            for reader, _ in idle:
                assert await reader.read() == b""
            for reader, _ in half:
                await reader.read()  # (an error response may come first)
                assert reader.at_eof()
        for _, writer in [*idle, *half]:
            writer.close()
        # and still serves
        async with await Client.connect(info["url"], (state / "token").read_text().strip()) as c:
            assert await c.call("ping") == {"pong": True}
    finally:
        await worker.kill()


# --- 4 (housekeeping): adopted workers without pidfds (macOS) -------------------------------------


@pytest.mark.parametrize("pidfd", [True, False])
async def test_an_adopted_workers_exit_is_seen_with_or_without_pidfds(
    monkeypatch: pytest.MonkeyPatch, pidfd: bool
) -> None:
    import asyncio
    import sys

    from nodeweave.workermanager import process

    monkeypatch.setattr(process, "USE_PIDFD", pidfd and hasattr(process.os, "pidfd_open"))
    monkeypatch.setattr(process, "POLL_EXIT", 0.05)
    child = await asyncio.create_subprocess_exec(
        sys.executable, "-c", "import time; time.sleep(60)"
    )
    adopted = process.WorkerProcess.adopt(child.pid, {"url": "ws://127.0.0.1:1/ws", "port": 1})
    try:
        await asyncio.sleep(0.2)
        assert not adopted.exited
        child.kill()
        await child.wait()  # (reaped here: in a hub it is not the hub's child)
        async with asyncio.timeout(5):
            await adopted.wait()
        assert adopted.exited
    finally:
        await adopted.aclose()


# --- 2 (models): integers beyond 2**53 ----------------------------------------------------------------


async def test_integers_beyond_what_a_browser_reads_exactly_are_refused(rpc: Client) -> None:
    await rpc.call("add_node", node_id="json.constant", uuid="c")
    for big in (2**53, -(2**53), 2**63, 2**64 - 1):
        code = await code_of(rpc.call("set_input", uuid="c", io="value", value={"n": [big]}))
        assert code == "invalid_value", big
    # up to 2**53 - 1 they are carried exactly, to the reply and back
    edge = 2**53 - 1
    await rpc.call("set_input", uuid="c", io="value", value=[edge, -edge])
    (node,) = (await rpc.call("get_state"))["nodes"]
    (value_input,) = [i for i in node["inputs"] if i["name"] == "value"]
    assert value_input["value"] == [edge, -edge]
    # a long number that is not an integer, or one in a string, is fine
    await rpc.call(
        "set_input", uuid="c", io="value", value=["12345678901234567890", 0.1234567890123456]
    )
