"""A graph that hangs never traps its worker: ready before computing, and safe start."""

from __future__ import annotations

import asyncio
import dataclasses
import signal
from pathlib import Path
from typing import Any

import orjson
import pytest

from nodeweave import Status
from nodeweave.client import Client
from nodeweave.core.library import Library
from nodeweave.core.nodespace import NodeSpace
from nodeweave.shelves import builtin_shelves
from nodeweave.state import NODESPACE_FILE
from nodeweave.worker.app import create_app

from .worker_helpers import TOKEN, config, spawn_worker

pytestmark = pytest.mark.timeout(60)


async def test_a_paused_nodespace_marks_nodes_stale_and_runs_them_on_resume() -> None:
    ns = NodeSpace(Library(builtin_shelves()))
    ns.pause()
    a = ns.add_node("numbers.number", inputs={"value": 2})
    b = ns.add_node("numbers.negate")
    ns.connect(a, "out", b, "value")
    async with asyncio.timeout(1):
        await ns.settle()  # returns at once: nothing will run
    assert ns.paused and ns.status(b) is Status.STALE and ns.get_value(b, "out") is None
    ns.resume()
    await ns.settle()
    assert not ns.paused and ns.get_value(b, "out") == -2
    await ns.aclose()


def saved_graph(directory: Path, *nodes: dict[str, Any], edges: list[Any] | None = None) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    doc = {"schema_version": 1, "nodes": list(nodes), "edges": edges or []}
    (directory / NODESPACE_FILE).write_bytes(orjson.dumps(doc))


async def test_safe_start_loads_without_running_until_resume(
    aiohttp_client: Any, tmp_path: Path
) -> None:
    cfg = dataclasses.replace(config(tmp_path), safe_start=True)
    saved_graph(
        cfg.directory,
        {"uuid": "n", "node_id": "numbers.number", "inputs": {"value": 4}},
        {"uuid": "m", "node_id": "numbers.negate"},
        edges=[{"src": "n", "src_io": "out", "dst": "m", "dst_io": "value"}],
    )
    http = await aiohttp_client(create_app(cfg))
    client = await Client.connect(str(http.make_url("/ws")), TOKEN)
    try:
        hello = await client.next_event("hello")
        assert hello["data"]["paused"] is True
        await asyncio.sleep(0.1)
        state = await client.call("get_state")
        assert {n["uuid"]: n["status"] for n in state["nodes"]} == {"n": "stale", "m": "stale"}
        # the user can edit (remove the culprit, fix a value) before anything runs
        await client.call("set_input", uuid="n", io="value", value=5)
        assert (await client.call("get_node", uuid="m"))["status"] == "stale"
        assert await client.call("resume") == {"resumed": True}
        assert (await client.next_event("paused"))["data"] == {"paused": False}
        await client.next_event("value", where=lambda d: d["uuid"] == "m")
        assert (await client.call("get_value", uuid="m", io="out"))["value"] == -5
        assert await client.call("resume") == {"resumed": False}
    finally:
        await client.close()


async def test_sources_stay_still_in_safe_start_and_go_live_on_resume(
    aiohttp_client: Any, tmp_path: Path
) -> None:
    cfg = dataclasses.replace(config(tmp_path), safe_start=True)
    saved_graph(
        cfg.directory,
        {"uuid": "t", "node_id": "sources.interval", "inputs": {"period": 0.02}},
    )
    http = await aiohttp_client(create_app(cfg))
    client = await Client.connect(str(http.make_url("/ws")), TOKEN)
    try:
        await client.next_event("hello")
        await asyncio.sleep(0.2)
        node = await client.call("get_node", uuid="t")
        assert node["status"] == "stale" and "live" not in node  # not one tick
        await client.call("resume")
        event = await client.next_event("stream", where=lambda d: d["uuid"] == "t")
        assert event["data"]["live"] is True
    finally:
        await client.close()


HANG = '''"""A node that never returns, on the worker's loop."""
from nodeweave import node


@node(id="hang.forever", executor="inline")
def forever(x: int) -> int:
    while True:
        pass
'''


async def test_a_saved_hang_still_reports_ready_and_safe_start_gets_the_graph_back(
    tmp_path: Path,
) -> None:
    state = tmp_path / "state"
    directory = state / "workers" / "w1"
    (directory / "modules").mkdir(parents=True)
    (directory / "modules" / "hang.py").write_text(HANG)
    saved_graph(
        directory,
        {"uuid": "ok", "node_id": "numbers.number", "inputs": {"value": 1}},
        {"uuid": "bad", "node_id": "hang.forever", "inputs": {"x": 1}},
    )
    # Started normally, it still says it is ready (then hangs computing the graph).
    hanging = await spawn_worker(state)
    try:
        await hanging.ready()
    finally:
        hanging.signal(signal.SIGKILL)
        await hanging.kill()

    worker = await spawn_worker(state, "w1", "--safe")
    try:
        info = await worker.ready()
        token = (state / "token").read_text().strip()
        client = await Client.connect(info["url"], token)
        try:
            hello = await client.next_event("hello")
            assert hello["data"]["paused"] is True
            await client.call("remove_node", uuid="bad")
            await client.call("resume")
            await client.next_event("value", where=lambda d: d["uuid"] == "ok")
            assert (await client.call("ping")) == {"pong": True}
            await client.call("save")
        finally:
            await client.close()
    finally:
        await worker.kill()
    doc = orjson.loads((directory / NODESPACE_FILE).read_bytes())
    assert [n["uuid"] for n in doc["nodes"]] == ["ok"]


SLOW_IMPORT = '''"""A module that takes seconds to import (a big library, say)."""
import time

from nodeweave import node

time.sleep(2.5)


@node(id="slow.double")
def double(x: int) -> int:
    return 2 * x
'''


async def test_a_slow_module_import_is_reported_not_punished(tmp_path: Path) -> None:
    state = tmp_path / "state"
    directory = state / "workers" / "w1"
    (directory / "modules").mkdir(parents=True)
    (directory / "modules" / "slow.py").write_text(SLOW_IMPORT)
    saved_graph(directory, {"uuid": "d", "node_id": "slow.double", "inputs": {"x": 4}})
    worker = await spawn_worker(state)
    try:
        loop = asyncio.get_running_loop()
        started = loop.time()
        info = await worker.ready()
        assert loop.time() - started < 2.5  # ready before the module is imported
        token = (state / "token").read_text().strip()
        client = await Client.connect(info["url"], token)
        try:
            # the import runs in a thread: ping answers at once meanwhile
            async with asyncio.timeout(0.5):
                assert await client.call("ping") == {"pong": True}
            # commands that need the library wait for it, then see the module's nodes
            node = await client.call("get_node", uuid="d")
            assert node["placeholder"] is False
            await client.next_event("value", where=lambda d: d["uuid"] == "d")
            assert (await client.call("get_value", uuid="d", io="out"))["value"] == 8
            assert (await client.call("hello"))["problems"] == []
        finally:
            await client.close()
    finally:
        await worker.kill()
    assert "node module slow took 2." in worker.log.read_text()
