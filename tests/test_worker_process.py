"""Real worker processes: handshake, lock, stop by signal or command, restore after SIGKILL."""

from __future__ import annotations

import asyncio
import random
import signal
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

import orjson
import pytest

from nodeweave.client import Client
from nodeweave.state import read_token
from nodeweave.worker.persistence import load_nodespace

from .worker_helpers import WorkerProcess, make_worker_dir, spawn_worker

Spawn = Callable[..., Awaitable[WorkerProcess]]


@pytest.fixture
def state(tmp_path: Path) -> Path:
    make_worker_dir(tmp_path, "w1")
    return tmp_path


@pytest.fixture
async def spawn(state: Path) -> AsyncIterator[Spawn]:
    started: list[WorkerProcess] = []

    async def start(*args: str, worker_id: str = "w1") -> WorkerProcess:
        proc = await spawn_worker(state, worker_id, *args)
        started.append(proc)
        return proc

    yield start
    for proc in started:  # by pid, whatever state the test left it in
        await proc.kill()


async def connect(state: Path, proc: WorkerProcess) -> Client:
    return await Client.connect(proc.url, read_token(state))


async def value_of(client: Client, uuid: str, io: str = "out") -> object:
    """The output's value, waiting for it if the worker is still computing."""
    preview = await client.call("get_value", uuid=uuid, io=io)
    if preview["kind"] == "empty":
        event = await client.next_event("value", lambda d: d["uuid"] == uuid and d["io"] == io)
        preview = event["data"]["preview"]
    return preview.get("value")


async def test_handshake_line_and_runtime_json_once_ready(state: Path, spawn: Spawn) -> None:
    proc = await spawn()
    info = await proc.ready()
    assert info["pid"] == proc.pid
    assert info["protocol_version"] == 1
    assert info["worker_id"] == "w1"
    assert info["url"] == f"ws://127.0.0.1:{info['port']}/ws"
    runtime = orjson.loads((state / "workers" / "w1" / "runtime.json").read_bytes())
    assert runtime["port"] == info["port"] and runtime["pid"] == proc.pid
    # Ready means it answers at once.
    async with await connect(state, proc) as client:
        assert await client.call("ping") == {"pong": True}
    proc.signal(signal.SIGTERM)
    assert await proc.wait() == 0
    assert not (state / "workers" / "w1" / "runtime.json").exists()


async def test_given_port_is_used(state: Path, spawn: Spawn) -> None:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = await spawn("--port", str(port))
    assert (await proc.ready())["port"] == port


async def test_second_instance_refuses_to_start(state: Path, spawn: Spawn) -> None:
    first = await spawn()
    await first.ready()
    second = await spawn()
    assert await second.wait() == 1
    text = second.log.read_text()
    assert "already running" in text and str(first.pid) in text
    async with await connect(state, first) as client:  # the first is unharmed
        assert await client.call("ping") == {"pong": True}


@pytest.mark.parametrize("how", ["SIGTERM", "SIGINT", "shutdown"])
async def test_graceful_stop_saves_and_exits_0(state: Path, spawn: Spawn, how: str) -> None:
    proc = await spawn()
    await proc.ready()
    client = await connect(state, proc)
    a = (await client.call("add_node", node_id="t.add1", inputs={"a": 41}))["uuid"]
    await client.call("update_node", uuid=a, properties={"position": {"x": 3, "y": 4}})
    if how == "shutdown":
        assert await client.call("shutdown") is None
    else:
        proc.signal(getattr(signal, how))
    event = await client.next_event("shutting_down")
    assert event["data"]["reason"]
    await client.wait_closed()
    await client.close()
    assert await proc.wait() == 0
    saved = orjson.loads((state / "workers" / "w1" / "nodespace.json").read_bytes())
    assert saved["nodes"][0]["inputs"] == {"a": 41}
    assert saved["nodes"][0]["properties"]["position"] == {"x": 3, "y": 4}
    # The lock is free again: a new instance starts and restores the graph, computed.
    again = await spawn()
    await again.ready()
    async with await connect(state, again) as client2:
        assert await value_of(client2, a) == 42


async def test_sigkill_then_restart_restores_the_state(state: Path, spawn: Spawn) -> None:
    proc = await spawn()
    await proc.ready()
    async with await connect(state, proc) as client:
        a = (await client.call("add_node", node_id="t.add1", inputs={"a": 1}))["uuid"]
        b = (await client.call("add_node", node_id="t.add1"))["uuid"]
        await client.call("connect", src=a, src_io="out", dst=b, dst_io="a")
        await client.call("set_input", uuid=a, io="a", value=100)
        await client.call("save")
        await proc.kill()
    assert proc.proc.returncode == -signal.SIGKILL
    again = await spawn()  # the lock of a killed process is free
    await again.ready()
    async with await connect(state, again) as client:
        state_now = await client.call("get_state")
        assert {n["uuid"] for n in state_now["nodes"]} == {a, b}
        assert len(state_now["edges"]) == 1
        assert await value_of(client, b) == 102


async def test_sigkill_at_any_moment_never_leaves_an_unloadable_file(
    state: Path, spawn: Spawn
) -> None:
    """Edits stream in (autosave every few ms); a kill lands in the middle of writes."""
    rng = random.Random(7)
    expected_nodes = 0
    for _round in range(4):
        proc = await spawn()
        await proc.ready()
        client = await connect(state, proc)
        state_now = await client.call("get_state")
        assert len(state_now["nodes"]) == expected_nodes  # nothing lost that was saved
        uuid = (await client.call("add_node", node_id="t.add1", inputs={"a": 0}))["uuid"]
        await client.call("save")
        stop_at = asyncio.get_running_loop().time() + rng.uniform(0.05, 0.8)
        i = 0
        while asyncio.get_running_loop().time() < stop_at:
            i += 1
            await client.call("set_input", uuid=uuid, io="a", value=i)
            await client.call("update_node", uuid=uuid, properties={"position": {"x": i, "y": i}})
        await proc.kill()
        await client.close()
        outcome = load_nodespace(state / "workers" / "w1" / "nodespace.json")
        assert outcome.source == "main", outcome.problems
        assert outcome.problems == []
        assert outcome.document is not None
        expected_nodes = len(outcome.document["nodes"])
        assert expected_nodes == _round + 1  # every round's node was saved
