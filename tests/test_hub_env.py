"""A worker with its own environment, through the hub: a local package installed, a failing
requirement that leaves the working environment in place, a re-sync to a new version."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import orjson
import pytest
from aiohttp.test_utils import TestClient

from nodeweave.client import Client, RpcError
from nodeweave.workermanager.app import create_app
from nodeweave.workermanager.config import HubConfig

from .test_provision import make_wheel

TOKEN = "hub-env-token"
MODULE = """
import nwhubpkg
from nodeweave import node


@node(id="env.version")
def version() -> str:
    return nwhubpkg.VERSION
"""


@pytest.fixture(autouse=True)
def offline(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("PIP_NO_INDEX", "1")
    monkeypatch.setenv("PIP_CACHE_DIR", str(tmp_path / "pip-cache"))
    monkeypatch.setenv("UV_OFFLINE", "1")
    monkeypatch.setenv("UV_CACHE_DIR", str(tmp_path / "uv-cache"))


@pytest.fixture
async def hub(aiohttp_client: Any, tmp_path: Path) -> AsyncIterator[Client]:
    config = HubConfig(state=tmp_path / "state", token=TOKEN, port=0, warm_spare=False)
    http: TestClient[Any, Any] = await aiohttp_client(create_app(config))
    client = await Client.connect(str(http.make_url("/ws")), TOKEN)
    yield client
    await client.close()


async def version_in(record: dict[str, Any]) -> str:
    async with await Client.connect(record["url"], TOKEN) as worker:
        uuid = (await worker.call("add_node", node_id="env.version"))["uuid"]
        preview = await worker.call("get_value", uuid=uuid, io="out")
        if preview["kind"] == "empty":
            event = await worker.next_event("value", lambda d: d["uuid"] == uuid)
            preview = event["data"]["preview"]
        await worker.call("remove_node", uuid=uuid)
        value: str = preview["value"]
        return value


async def test_a_worker_environment_with_a_local_package(hub: Client, tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    dist.mkdir()
    v1 = make_wheel(dist, "nwhubpkg", "0.1")
    record = await hub.call("create_worker", name="with env", requirements=[str(v1)])
    assert record["venv"] is True and record["requirements"] == [str(v1)]
    stages = {e["data"]["stage"] for e in hub.drain_events() if e["event"] == "env_progress"}
    assert {"create", "install", "done"} <= stages
    folder = tmp_path / "state" / "workers" / record["id"]
    assert (folder / ".venv" / "pyvenv.cfg").is_file()
    (folder / "modules").mkdir(exist_ok=True)
    (folder / "modules" / "envnodes.py").write_text(MODULE)
    with pytest.raises(ImportError):
        import nwhubpkg  # noqa: F401  (only the worker's environment has it)

    record = await hub.call("start_worker", id=record["id"])
    assert record["status"] == "running"
    assert await version_in(record) == "0.1"

    # A requirement that cannot be resolved: an error with uv's output, and the worker keeps
    # its working environment and its recorded requirements.
    with pytest.raises(RpcError) as failed:
        await hub.call("update_worker", id=record["id"], requirements=[str(dist / "nope.whl")])
    assert failed.value.code == "resolution_failed"
    assert "nope.whl" in failed.value.details["output"]
    record = await hub.call("get_worker", id=record["id"])
    assert record["env_error"] and record["requirements"] == [str(v1)]
    assert orjson.loads((folder / "worker.json").read_bytes())["requirements"] == [str(v1)]
    record = await hub.call("restart_worker", id=record["id"])
    assert await version_in(record) == "0.1"

    # Re-sync to a new version: the running worker is restarted on the new environment.
    v2 = make_wheel(dist, "nwhubpkg", "0.2")
    record = await hub.call("update_worker", id=record["id"], requirements=[str(v2)])
    assert record["status"] == "running" and record["env_error"] is None
    assert await version_in(record) == "0.2"
    await hub.call("stop_worker", id=record["id"])


async def test_requirements_without_an_environment_are_refused(hub: Client) -> None:
    with pytest.raises(RpcError) as err:
        await hub.call("create_worker", name="x", requirements=["anything"], venv=False)
    assert err.value.code == "invalid_arguments"
    assert await hub.call("list_workers") == []
