"""A worker with nothing to load starts at rest: no engine until a command (or a module file)
needs it; then it wakes once, and behaves as a worker that started with it."""

from __future__ import annotations

import asyncio
import dataclasses
import importlib.metadata
import signal
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from nodeweave.client import Client, RpcError
from nodeweave.state import JOURNAL_FILE, NODESPACE_FILE, read_token
from nodeweave.worker.app import WORKER_KEY, create_app
from nodeweave.worker.config import WorkerConfig
from nodeweave.worker.service import Worker

from .test_architecture import run_probe
from .worker_helpers import TOKEN, WorkerProcess, config, spawn_worker

WAIT = 10.0


def resting_config(root: Path, **overrides: Any) -> WorkerConfig:
    """A worker with an empty modules/ folder: nothing to load."""
    cfg = config(root, **overrides)
    for path in cfg.modules_dir.iterdir():
        path.unlink()
    return cfg


async def health(session: aiohttp.ClientSession, url: str) -> dict[str, Any]:
    async with session.get(url) as response:
        assert response.status == 200
        answer: dict[str, Any] = await response.json()
        return answer


@pytest.fixture
async def proc(tmp_path: Path) -> AsyncIterator[WorkerProcess]:
    started = await spawn_worker(tmp_path, "w1")
    try:
        await started.ready()
        yield started
    finally:
        await started.kill()  # by pid, whatever the test left


async def test_a_new_worker_answers_at_rest_and_wakes_on_its_first_engine_command(
    tmp_path: Path, proc: WorkerProcess
) -> None:
    health_url = proc.url.replace("ws://", "http://").replace("/ws", "/health")
    async with (
        aiohttp.ClientSession() as session,
        await Client.connect(proc.url, read_token(tmp_path)) as client,
    ):
        hello = (await client.next_event("hello"))["data"]
        assert hello["paused"] is False and hello["problems"] == []
        assert await client.call("ping") == {"pong": True}
        assert (await health(session, health_url))["engine"] == "rest"
        # Refused before the engine is needed: a bad argument, an unknown command.
        with pytest.raises(RpcError) as bad:
            await client.call("add_node", node_id=3)
        assert bad.value.code == "invalid_arguments"
        with pytest.raises(RpcError) as unknown:
            await client.call("no_such_command")
        assert unknown.value.code == "unknown_command"
        assert (await health(session, health_url))["engine"] == "rest"
        # The first engine command wakes it, and is answered as by a worker started awake.
        state = await client.call("get_state")
        assert state["nodes"] == [] and state["edges"] == []
        assert (await health(session, health_url))["engine"] == "awake"
        library = await client.call("get_library")
        assert "numbers" in {s["name"] for s in library["shelves"]}
        node = await client.call("add_node", node_id="numbers.number", inputs={"value": 4})
        assert node["node_id"] == "numbers.number"
    proc.signal(signal.SIGTERM)
    assert await proc.wait() == 0
    saved = tmp_path / "workers" / "w1" / NODESPACE_FILE
    assert saved.exists()  # what the woken engine was given is saved as always
    assert "engine woken" in proc.log.read_text()


async def test_a_worker_stopped_at_rest_leaves_no_graph_behind(
    tmp_path: Path, proc: WorkerProcess
) -> None:
    async with await Client.connect(proc.url, read_token(tmp_path)) as client:
        assert await client.call("ping") == {"pong": True}
        await client.call("shutdown")
    assert await proc.wait() == 0
    folder = tmp_path / "workers" / "w1"
    assert not (folder / NODESPACE_FILE).exists()
    assert not (folder / JOURNAL_FILE).exists() or (folder / JOURNAL_FILE).stat().st_size == 0
    assert "at rest" in proc.log.read_text()
    assert "engine woken" not in proc.log.read_text()


async def test_commands_that_arrive_together_wake_the_engine_once(
    aiohttp_client: Any, tmp_path: Path
) -> None:
    app = create_app(resting_config(tmp_path))
    http = await aiohttp_client(app)
    worker = app[WORKER_KEY]
    assert worker.engine is None
    clients = [await Client.connect(str(http.make_url("/ws")), TOKEN) for _ in range(3)]
    try:
        states = await asyncio.gather(*(c.call("get_state") for c in clients))
        assert all(s["nodes"] == [] for s in states)
        engine = worker.engine
        assert engine is not None and worker.awake
        # Later commands go straight to it: the same engine, no second wake.
        await clients[0].call("add_node", node_id="numbers.number", uuid="n1")
        assert worker.engine is engine and "n1" in worker.ns
    finally:
        for c in clients:
            await c.close()


async def test_values_of_a_worker_at_rest_are_not_found(
    aiohttp_client: Any, tmp_path: Path
) -> None:
    http = await aiohttp_client(create_app(resting_config(tmp_path)))
    response = await http.get("/values/nope/out", headers={"Authorization": f"Bearer {TOKEN}"})
    assert response.status == 404
    assert (await response.json())["error"]["code"] == "not_found"


async def test_safe_start_at_rest_says_paused(aiohttp_client: Any, tmp_path: Path) -> None:
    http = await aiohttp_client(create_app(resting_config(tmp_path, safe_start=True)))
    assert (await (await http.get("/health")).json())["paused"] is True
    async with await Client.connect(str(http.make_url("/ws")), TOKEN) as client:
        assert (await client.next_event("hello"))["data"]["paused"] is True
        assert (await client.call("resume")) == {"resumed": True}  # woken, and running now
        assert (await client.call("hello"))["paused"] is False


async def test_a_module_file_saved_into_a_resting_worker_wakes_it_and_loads(
    aiohttp_client: Any, tmp_path: Path
) -> None:
    cfg = resting_config(tmp_path, watch=True, debounce_ms=20)
    app = create_app(cfg)
    http = await aiohttp_client(app)
    async with await Client.connect(str(http.make_url("/ws")), TOKEN) as client:
        await client.next_event("hello")
        (cfg.modules_dir / "late.py").write_text(
            "from nodeweave import node\n\n"
            "@node(id='late.twice')\n"
            "def twice(x: int = 1) -> int:\n"
            "    return 2 * x\n"
        )
        event = await client.next_event("module_loaded", lambda d: d["module"] == "late", WAIT)
        assert "late.twice" in event["data"]["node_ids"]
        library = await client.call("get_library")
        ids = {n["id"] for s in library["shelves"] for n in s["nodes"]}
        assert "late.twice" in ids


def test_what_makes_the_engine_start_with_the_worker(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cfg = resting_config(tmp_path)
    cfg.modules_dir.mkdir(parents=True, exist_ok=True)

    def why(c: WorkerConfig = cfg) -> str | None:
        return Worker(c).work_waiting()

    assert why() is None
    (cfg.modules_dir / "_helpers.py").write_text("")  # not a node module
    (cfg.modules_dir / "notes.txt").write_text("")
    assert why() is None
    (cfg.modules_dir / "mine.py").write_text("")
    assert why() == "node module files"
    (cfg.modules_dir / "mine.py").unlink()
    cfg.journal_path.write_bytes(b"")
    assert why() is None  # an empty journal holds no edit
    cfg.journal_path.write_bytes(b'[1, [["add_node", {"node_id": "numbers.number"}]]]\n')
    assert why() == "journaled edits"
    cfg.journal_path.unlink()
    (cfg.directory / (NODESPACE_FILE + ".bak")).write_text("{}")
    assert why() == "a saved graph"
    (cfg.directory / (NODESPACE_FILE + ".bak")).unlink()
    assert why(dataclasses.replace(cfg, module_paths=(tmp_path,))) == "module folders"
    real = importlib.metadata.entry_points

    def fake(*, group: str) -> Any:
        if group == "nodeweave.modules":
            return [importlib.metadata.EntryPoint("x", "x_nodes", group)]
        return real(group=group)

    monkeypatch.setattr(importlib.metadata, "entry_points", fake)
    assert why(dataclasses.replace(cfg, entry_points=True)) == (
        "installed nodeweave.modules entry points"
    )
    assert why() is None  # (entry points off in this config)


def test_a_worker_at_rest_imports_neither_the_engine_nor_the_argument_models() -> None:
    """In a fresh interpreter: a resting worker answers ping without importing the engine or
    building the models of arguments it was not sent; the first engine command imports them."""
    probe = (
        "import asyncio, sys, tempfile, orjson\n"
        "from pathlib import Path\n"
        "from nodeweave.worker.config import WorkerConfig\n"
        "from nodeweave.worker.service import Worker\n"
        "late = {'nodeweave.core.nodespace', 'nodeweave.worker.engine',"
        " 'nodeweave.protocol.worker_args', 'nodeweave.shelves.numbers'}\n"
        "async def main():\n"
        "    with tempfile.TemporaryDirectory() as tmp:\n"
        "        w = Worker(WorkerConfig('w1', Path(tmp) / 'w1', None, entry_points=False))\n"
        "        w.start(); await w.begin()\n"
        "        reply = await w.dispatcher.handle(orjson.dumps({'type': 'cmd', 'id': 1, 'cmd': 'ping'}))\n"
        "        assert orjson.loads(reply)['result'] == {'pong': True}\n"
        "        assert not late & set(sys.modules), late & set(sys.modules)\n"
        "        frame = orjson.dumps({'type': 'cmd', 'id': 2, 'cmd': 'get_state'})\n"
        "        assert orjson.loads(await w.dispatcher.handle(frame))['result']['nodes'] == []\n"
        "        assert late <= set(sys.modules), late - set(sys.modules)\n"
        "        await w.aclose()\n"
        "asyncio.run(main())\n"
    )
    run_probe(probe)


async def test_an_engine_that_fails_to_wake_stops_the_worker_with_a_reason(
    aiohttp_client: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from nodeweave.worker.engine import Engine

    def broken(self: Engine) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(Engine, "start", broken)
    app = create_app(resting_config(tmp_path))
    http = await aiohttp_client(app)
    worker = app[WORKER_KEY]
    async with await Client.connect(str(http.make_url("/ws")), TOKEN) as client:
        await client.next_event("hello")
        with pytest.raises(RpcError) as failed:
            await client.call("get_state")
        assert failed.value.code == "internal_error" and "boom" in failed.value.message
        problem = await client.next_event("problem")
        assert "failed to start" in problem["data"]["message"]
    assert worker.wake_failed and worker.stop_requested.is_set()
    assert any("boom" in p for p in worker.hello()["problems"])
