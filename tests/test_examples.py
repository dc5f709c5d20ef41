"""Example workflows: open one in an empty worker, with its data files; never over the user's work."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import orjson
import pytest
from aiohttp.test_utils import TestClient

from nodeweave.client import Client, RpcError
from nodeweave.worker import examples
from nodeweave.worker.app import create_app
from nodeweave.worker.config import WorkerConfig

from .worker_helpers import TOKEN, config

DOC = {
    "schema_version": 1,
    "nodes": [
        {"uuid": "a", "node_id": "t.add1", "inputs": {"a": 41}},
        {"uuid": "b", "node_id": "t.add1"},
    ],
    "edges": [{"src": "a", "src_io": "out", "dst": "b", "dst_io": "a"}],
}


@pytest.fixture
def shipped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "examples"
    folder.mkdir()
    (folder / "demo.json").write_bytes(orjson.dumps(DOC))
    (folder / "demo.csv").write_text("a,b\n1,2\n")
    monkeypatch.setattr(examples, "EXAMPLES_DIR", folder)
    return folder


@pytest.fixture
def worker_config(tmp_path: Path) -> WorkerConfig:
    return config(tmp_path / "state")


@pytest.fixture
async def rpc(aiohttp_client: Any, worker_config: WorkerConfig) -> AsyncIterator[Client]:
    http: TestClient[Any, Any] = await aiohttp_client(create_app(worker_config))
    client = await Client.connect(str(http.make_url("/ws")), TOKEN)
    await client.next_event("hello")
    yield client
    await client.close()


async def test_an_example_opens_with_its_files(
    shipped: Path, rpc: Client, worker_config: WorkerConfig
) -> None:
    result = await rpc.call("open_example", name="demo")
    assert result["files"] == ["demo.csv"]
    assert (worker_config.files_dir / "demo.csv").read_text() == "a,b\n1,2\n"
    state = await rpc.call("get_state")
    assert {n["uuid"] for n in state["nodes"]} == {"a", "b"}
    assert len(state["edges"]) == 1
    preview = await rpc.call("get_value", uuid="b", io="out")
    assert preview["value"] == 43


async def test_an_example_never_replaces_a_graph(shipped: Path, rpc: Client) -> None:
    await rpc.call("add_node", node_id="t.add1")
    with pytest.raises(RpcError) as info:
        await rpc.call("open_example", name="demo")
    assert info.value.code == "invalid_state"
    assert len((await rpc.call("get_state"))["nodes"]) == 1


async def test_an_example_never_overwrites_a_users_file(
    shipped: Path, rpc: Client, worker_config: WorkerConfig
) -> None:
    worker_config.files_dir.mkdir(parents=True, exist_ok=True)
    (worker_config.files_dir / "demo.csv").write_text("mine\n")
    with pytest.raises(RpcError) as info:
        await rpc.call("open_example", name="demo")
    assert info.value.code == "invalid_state"
    assert (worker_config.files_dir / "demo.csv").read_text() == "mine\n"
    assert (await rpc.call("get_state"))["nodes"] == []


async def test_an_unknown_example_is_not_found(shipped: Path, rpc: Client) -> None:
    with pytest.raises(RpcError) as info:
        await rpc.call("open_example", name="nope")
    assert info.value.code == "not_found"
    assert "demo" in info.value.message


async def test_the_shipped_sales_example_draws_its_chart(
    rpc: Client, worker_config: WorkerConfig
) -> None:
    result = await rpc.call("open_example", name="sales")
    assert result["files"] == ["sales.csv"]
    assert result["placeholders"] == []
    nodes = {n["node_id"]: n for n in (await rpc.call("get_state"))["nodes"]}
    assert {"files.read_csv", "tables.filter_rows", "plots.bar", "numbers.slider"} <= set(nodes)
    chart = nodes["plots.bar"]["uuid"]
    event = await rpc.next_event(
        "value", where=lambda d: d["uuid"] == chart and d["preview"]["kind"] == "plotly", wait=30
    )
    (trace,) = event["data"]["preview"]["spec"]["data"]
    assert trace["type"] == "bar"
    # the column picker offers the table's columns
    state = await rpc.call("get_node", uuid=nodes["tables.filter_rows"]["uuid"])
    picker = next(i for i in state["inputs"] if i["name"] == "column")
    assert {"region", "units", "revenue"} <= set(picker["options"])
