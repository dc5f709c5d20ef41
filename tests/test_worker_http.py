"""The worker's HTTP side: token, Origin, full values, uploads, size limits."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from aiohttp.test_utils import TestClient

from nodeweave.client import Client
from nodeweave.worker.app import create_app
from nodeweave.worker.config import WorkerConfig

from .worker_helpers import TOKEN, config

AUTH = {"Authorization": f"Bearer {TOKEN}"}


@pytest.fixture
def worker_config(tmp_path: Path) -> WorkerConfig:
    return config(tmp_path, max_upload_bytes=1000, max_frame_bytes=100_000)


@pytest.fixture
async def http(aiohttp_client: Any, worker_config: WorkerConfig) -> TestClient[Any, Any]:
    client: TestClient[Any, Any] = await aiohttp_client(create_app(worker_config))
    return client


async def add_node(http: TestClient[Any, Any], node_id: str, **inputs: Any) -> str:
    async with await Client.connect(str(http.make_url("/ws")), TOKEN) as rpc:
        uuid: str = (await rpc.call("add_node", node_id=node_id, inputs=inputs))["uuid"]
        await rpc.next_event("value", lambda d: d["uuid"] == uuid)
        return uuid


# --- token and origin -------------------------------------------------------------------------


async def test_health_needs_no_token(http: TestClient[Any, Any]) -> None:
    resp = await http.get("/health")
    assert resp.status == 200
    body = await resp.json()
    assert body["status"] == "ok" and body["worker_id"] == "w1" and body["pid"] == os.getpid()


@pytest.mark.parametrize("path", ["/ws", "/values/x/out", "/files"])
async def test_everything_else_needs_the_token(http: TestClient[Any, Any], path: str) -> None:
    method = "POST" if path == "/files" else "GET"
    resp = await http.request(method, path)
    assert resp.status == 401
    assert (await resp.json())["error"]["code"] == "unauthorized"
    resp = await http.request(method, path, headers={"Authorization": "Bearer wrong"})
    assert resp.status == 401
    resp = await http.request(method, path + "?token=wrong")
    assert resp.status == 401


async def test_token_in_query_or_cookie_is_accepted(http: TestClient[Any, Any]) -> None:
    ws = await http.ws_connect(f"/ws?token={TOKEN}")
    assert (await ws.receive_json())["event"] == "hello"
    await ws.close()
    ws = await http.ws_connect("/ws", headers={"Cookie": f"nodeweave_token={TOKEN}"})
    assert (await ws.receive_json())["event"] == "hello"
    await ws.close()


async def test_a_foreign_origin_is_refused(http: TestClient[Any, Any]) -> None:
    with pytest.raises(aiohttp.WSServerHandshakeError) as info:
        await http.ws_connect("/ws", headers={**AUTH, "Origin": "http://evil.example"})
    assert info.value.status == 403
    resp = await http.get("/values/x/out", headers={**AUTH, "Origin": "http://evil.example"})
    assert resp.status == 403
    assert "Access-Control-Allow-Origin" not in resp.headers
    # DNS rebinding: the page's origin matches the Host header, but the host is not ours.
    resp = await http.get(
        "/values/x/out", headers={**AUTH, "Origin": "http://evil.example", "Host": "evil.example"}
    )
    assert resp.status == 403


async def test_the_hub_origin_and_the_workers_own_are_allowed(http: TestClient[Any, Any]) -> None:
    for origin in ("http://127.0.0.1:9380", f"http://127.0.0.1:{http.port}"):
        ws = await http.ws_connect("/ws", headers={**AUTH, "Origin": origin})
        assert (await ws.receive_json())["event"] == "hello"
        await ws.close()
    resp = await http.options(
        "/values/x/out",
        headers={"Origin": "http://127.0.0.1:9380", "Access-Control-Request-Method": "GET"},
    )
    assert resp.status == 204
    assert resp.headers["Access-Control-Allow-Origin"] == "http://127.0.0.1:9380"
    assert resp.headers["Access-Control-Allow-Origin"] != "*"


async def test_a_frame_over_the_limit_closes_only_that_connection(
    http: TestClient[Any, Any],
) -> None:
    big = await Client.connect(str(http.make_url("/ws")), TOKEN)
    other = await Client.connect(str(http.make_url("/ws")), TOKEN)
    try:
        await big.send_raw(
            '{"type": "cmd", "id": 1, "cmd": "ping", "kwargs": {"x": "' + "y" * 200_000 + '"}}'
        )
        await asyncio.wait_for(big.wait_closed(), 5)
        assert big.close_code == 1009  # message too big
        assert await other.call("ping") == {"pong": True}
    finally:
        await big.close()
        await other.close()


# --- full values ------------------------------------------------------------------------------


async def test_full_value_with_its_content_type(http: TestClient[Any, Any]) -> None:
    uuid = await add_node(http, "t.text", n=100_000)
    resp = await http.get(f"/values/{uuid}/out", headers=AUTH)
    assert resp.status == 200
    assert resp.content_type.startswith("text/plain")
    assert await resp.text() == "x" * 100_000


async def test_sequences_are_paged(http: TestClient[Any, Any]) -> None:
    uuid = await add_node(http, "t.items", n=1000)
    resp = await http.get(f"/values/{uuid}/out?offset=10&limit=5", headers=AUTH)
    assert resp.status == 200
    assert resp.headers["X-Total-Count"] == "1000"
    body = await resp.json()
    assert body["items"] == [10, 11, 12, 13, 14]
    assert body["offset"] == 10


@pytest.mark.parametrize(
    ("query", "status", "code"),
    [("offset=-1", 400, "invalid_arguments"), ("limit=abc", 400, "invalid_arguments")],
)
async def test_bad_paging_is_a_clear_error(
    http: TestClient[Any, Any], query: str, status: int, code: str
) -> None:
    uuid = await add_node(http, "t.items", n=10)
    resp = await http.get(f"/values/{uuid}/out?{query}", headers=AUTH)
    assert resp.status == status
    assert (await resp.json())["error"]["code"] == code


async def test_unknown_node_or_output_is_404(http: TestClient[Any, Any]) -> None:
    uuid = await add_node(http, "t.items", n=10)
    for path in ("/values/ghost/out", f"/values/{uuid}/nope"):
        resp = await http.get(path, headers=AUTH)
        assert resp.status == 404
        assert (await resp.json())["error"]["code"] == "not_found"


# --- uploads ----------------------------------------------------------------------------------


async def test_upload_lands_in_files(
    http: TestClient[Any, Any], worker_config: WorkerConfig
) -> None:
    form = aiohttp.FormData()
    form.add_field("file", b"a,b\n1,2\n", filename="data.csv")
    resp = await http.post("/files", data=form, headers=AUTH)
    assert resp.status == 201
    assert await resp.json() == {"path": "data.csv", "size": 8}
    assert (worker_config.files_dir / "data.csv").read_bytes() == b"a,b\n1,2\n"
    resp = await http.post("/files?name=sub/raw.bin", data=b"\x00\x01", headers=AUTH)
    assert resp.status == 201
    assert (worker_config.files_dir / "sub" / "raw.bin").read_bytes() == b"\x00\x01"


@pytest.mark.parametrize(
    "name", ["../escape.txt", "/etc/passwd", "a/../../b", "..", "a\\b", ".hidden", "sub/"]
)
async def test_upload_paths_stay_inside_files(
    http: TestClient[Any, Any], worker_config: WorkerConfig, name: str
) -> None:
    resp = await http.post("/files", params={"name": name}, data=b"x", headers=AUTH)
    assert resp.status == 400
    assert (await resp.json())["error"]["code"] == "invalid_path"
    assert not (worker_config.directory / "escape.txt").exists()


async def test_upload_through_a_symlink_out_is_refused(
    http: TestClient[Any, Any], worker_config: WorkerConfig, tmp_path: Path
) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    worker_config.files_dir.mkdir(parents=True, exist_ok=True)
    (worker_config.files_dir / "link").symlink_to(outside)
    resp = await http.post("/files?name=link/x.txt", data=b"x", headers=AUTH)
    assert resp.status == 400
    assert list(outside.iterdir()) == []


async def test_upload_over_the_limit_is_413_and_leaves_nothing(
    http: TestClient[Any, Any], worker_config: WorkerConfig
) -> None:
    resp = await http.post("/files?name=big.bin", data=b"x" * 5000, headers=AUTH)
    assert resp.status == 413
    assert (await resp.json())["error"]["code"] == "payload_too_large"
    assert list(worker_config.files_dir.iterdir()) == []
