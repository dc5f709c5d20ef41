"""Hot reload through the worker: edit, break, fix, add and delete module files while a client
watches; and restoring a damaged save."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import orjson
import pytest
from aiohttp.test_utils import TestClient

from nodeweave.client import Client
from nodeweave.worker.app import create_app
from nodeweave.worker.config import WorkerConfig

from .worker_helpers import TOKEN, config

V1 = """
from nodeweave import node

@node(id="live.f")
def f(a: int = 1, b: int = 0) -> int:
    return a * 10 + b
"""
V2 = V1.replace("a * 10 + b", "a * 100 + b")
BROKEN = V1.replace("return a * 10 + b", "return (")
RENAMED = V1.replace("b: int = 0", "c: int = 0").replace("+ b", "+ c")
OTHER = """
from nodeweave import node

@node(id="live.g")
def g(x: int = 2) -> int:
    return x * 2
"""


def write(path: Path, text: str) -> None:
    """Like an editor: a new file moved over the old one."""
    tmp = path.with_name(f".{path.name}.swp")
    tmp.write_text(text)
    os.replace(tmp, path)


@pytest.fixture
def worker_config(tmp_path: Path) -> WorkerConfig:
    cfg = config(tmp_path, watch=True)
    (cfg.modules_dir / "live.py").write_text(V1)
    return cfg


@pytest.fixture
async def rpc(aiohttp_client: Any, worker_config: WorkerConfig) -> AsyncIterator[Client]:
    http: TestClient[Any, Any] = await aiohttp_client(create_app(worker_config))
    client = await Client.connect(str(http.make_url("/ws")), TOKEN)
    await client.next_event("hello")
    yield client
    await client.close()


async def value(rpc: Client, uuid: str, expected: int) -> None:
    await rpc.next_event(
        "value", lambda d: d["uuid"] == uuid and d["preview"].get("value") == expected
    )


async def test_change_break_fix_add_delete(rpc: Client, worker_config: WorkerConfig) -> None:
    live = worker_config.modules_dir / "live.py"
    f = (await rpc.call("add_node", node_id="live.f", inputs={"a": 2, "b": 3}))["uuid"]
    sink = (await rpc.call("add_node", node_id="t.add1"))["uuid"]
    await rpc.call("connect", src=f, src_io="out", dst=sink, dst_io="a")
    await value(rpc, sink, 24)

    # change: the node gets the new code, keeps its inputs and edges, and re-runs
    write(live, V2)
    event = await rpc.next_event("module_reloaded")
    assert event["data"]["module"] == "live" and event["data"]["node_ids"] == ["live.f"]
    await value(rpc, f, 203)
    await value(rpc, sink, 204)

    # break: reported with the error; the previous code keeps serving
    write(live, BROKEN)
    failed = await rpc.next_event("module_failed")
    assert "SyntaxError" in failed["data"]["message"] + failed["data"]["traceback"]
    await rpc.call("set_input", uuid=f, io="a", value=3)
    await value(rpc, f, 303)
    modules = {m["name"]: m for m in await rpc.call("list_modules")}
    assert modules["live"]["status"] == "failed"

    # fix, with a renamed input: the edge into it is gone (reported), the other stays
    write(live, RENAMED)
    # The node is rebound while the library changes, so before the module event.
    rebound = await rpc.next_event("node_rebound", lambda d: d["uuid"] == f)
    assert rebound["data"]["dropped_inputs"] == ["b"]
    await rpc.next_event("module_reloaded")
    await value(rpc, f, 30)
    state = await rpc.call("get_state")
    assert len(state["edges"]) == 1

    # add a new file: its nodes appear in the library
    write(worker_config.modules_dir / "other.py", OTHER)
    loaded = await rpc.next_event("module_loaded")
    assert loaded["data"]["node_ids"] == ["live.g"]
    g = (await rpc.call("add_node", node_id="live.g"))["uuid"]
    await value(rpc, g, 4)

    # delete: the nodes stay, as placeholders with their data; re-creating brings them back
    live.unlink()
    rebound = await rpc.next_event("node_rebound", lambda d: d["uuid"] == f)
    assert rebound["data"]["placeholder"] is True
    await rpc.next_event("module_removed")
    node = await rpc.call("get_node", uuid=f)
    assert node["placeholder"] is True
    assert {i["name"]: i["value"] for i in node["inputs"]} == {"a": 3}
    write(live, RENAMED)
    await rpc.next_event("node_rebound", lambda d: d["uuid"] == f and not d["placeholder"])
    await value(rpc, f, 30)


async def test_a_module_failing_at_start_is_reported_and_the_rest_loads(
    aiohttp_client: Any, tmp_path: Path
) -> None:
    cfg = config(tmp_path)
    (cfg.modules_dir / "bad.py").write_text("raise RuntimeError('nope')\n")
    http: TestClient[Any, Any] = await aiohttp_client(create_app(cfg))
    async with await Client.connect(str(http.make_url("/ws")), TOKEN) as client:
        hello = (await client.next_event("hello"))["data"]
        assert any("bad" in p and "nope" in p for p in hello["problems"])
        modules = {m["name"]: m for m in await client.call("list_modules")}
        assert modules["bad"]["status"] == "failed"
        assert "RuntimeError: nope" in modules["bad"]["traceback"]
        assert modules["testnodes"]["status"] == "loaded"


async def test_a_corrupt_save_is_moved_aside_and_the_backup_restored(
    aiohttp_client: Any, tmp_path: Path
) -> None:
    cfg = config(tmp_path)
    good = {
        "schema_version": 1,
        "nodes": [{"uuid": "n1", "node_id": "t.add1", "inputs": {"a": 6}}],
        "edges": [],
    }
    cfg.nodespace_path.write_bytes(b'{"schema_version": 1, "nodes": [{"uu')  # torn
    (cfg.directory / "nodespace.json.bak").write_bytes(orjson.dumps(good))
    http: TestClient[Any, Any] = await aiohttp_client(create_app(cfg))
    async with await Client.connect(str(http.make_url("/ws")), TOKEN) as client:
        hello = (await client.next_event("hello"))["data"]
        assert hello["problems"], "the damage is reported"
        preview = await client.call("get_value", uuid="n1", io="out")
        if preview["kind"] == "empty":
            preview = (await client.next_event("value"))["data"]["preview"]
        assert preview["value"] == 7
    aside = [p.name for p in cfg.directory.iterdir() if ".corrupt-" in p.name]
    assert len(aside) == 1
    assert (cfg.directory / aside[0]).read_bytes() == b'{"schema_version": 1, "nodes": [{"uu'
