"""The worker's HTTP side: token, Origin, full values, uploads, size limits."""

from __future__ import annotations

import asyncio
import io
import json
import os
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from aiohttp.test_utils import TestClient
from yarl import URL

from nodeweave.client import Client
from nodeweave.worker.app import create_app
from nodeweave.worker.config import WorkerConfig

from .worker_helpers import TOKEN, config

AUTH = {"Authorization": f"Bearer {TOKEN}"}


TABLE_MODULE = '''
"""Table nodes for the HTTP tests."""
from typing import Any

from nodeweave import node


@node(id="tt.table")
def table(n: int = 10) -> Any:
    import pandas as pd

    return pd.DataFrame(
        {
            "n": list(range(n)),
            "x": [None if i % 4 == 3 else i / 8 for i in range(n)],
            "name": [f"Row {i:03d}" for i in range(n)],
            "when": pd.date_range("2024-01-01", periods=n, freq="D"),
        }
    )


@node(id="tt.series")
def series(n: int = 5) -> Any:
    import pandas as pd

    return pd.Series([(i * 7) % n for i in range(n)], name="v")
'''


@pytest.fixture
def worker_config(tmp_path: Path) -> WorkerConfig:
    cfg = config(tmp_path, max_upload_bytes=1000, max_frame_bytes=100_000)
    (cfg.modules_dir / "tablenodes.py").write_text(TABLE_MODULE)
    return cfg


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


@pytest.mark.parametrize(
    ("method", "path"),
    [("GET", "/ws"), ("GET", "/values/x/out"), ("POST", "/files"), ("GET", "/files")],
)
async def test_everything_else_needs_the_token(
    http: TestClient[Any, Any], method: str, path: str
) -> None:
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


# --- tables: sort, filter, page, download --------------------------------------------------------


def values_url(uuid: str, **params: Any) -> str:
    query = {k: json.dumps(v) if k == "filter" else str(v) for k, v in params.items()}
    return str(URL(f"/values/{uuid}/out").with_query(query))


async def test_sorted_filtered_page_of_a_table(http: TestClient[Any, Any]) -> None:
    uuid = await add_node(http, "tt.table", n=100)
    flt = [
        {"column": "x", "op": "notnull"},
        {"column": "name", "op": "contains", "value": "row 0"},
        {"column": "when", "op": ">=", "value": "2024-01-11"},
    ]
    resp = await http.get(
        values_url(uuid, sort="n", descending=1, filter=flt, offset=2, limit=3), headers=AUTH
    )
    assert resp.status == 200
    body = await resp.json()
    # rows 10…99 whose n % 4 != 3: 67 of them; descending from 98
    assert resp.headers["X-Total-Count"] == "67"
    assert body == {
        "offset": 2,
        "limit": 3,
        "total": 67,
        "unfiltered": 100,
        "columns": ["n", "x", "name", "when"],
        "dtypes": ["int64", "float64", "str", "datetime64[us]"],
        "index": [96, 94, 93],
        "rows": [
            [96, 12.0, "Row 096", "2024-04-06T00:00:00"],
            [94, 11.75, "Row 094", "2024-04-04T00:00:00"],
            [93, 11.625, "Row 093", "2024-04-03T00:00:00"],
        ],
    }


async def test_sorted_series_page(http: TestClient[Any, Any]) -> None:
    uuid = await add_node(http, "tt.series", n=5)
    flt = [{"column": "v", "op": ">", "value": 0}]
    resp = await http.get(values_url(uuid, sort="value", filter=flt, limit=10), headers=AUTH)
    assert resp.status == 200
    body = await resp.json()
    assert (body["items"], body["index"], body["total"], body["unfiltered"]) == (
        [1, 2, 3, 4],
        [3, 1, 4, 2],
        4,
        5,
    )


async def test_csv_download_of_the_view(http: TestClient[Any, Any]) -> None:
    pd = pytest.importorskip("pandas")
    uuid = await add_node(http, "tt.table", n=20)
    flt = [{"column": "n", "op": "between", "value": 5, "value2": 9}]
    resp = await http.get(values_url(uuid, sort="x", filter=flt, format="csv"), headers=AUTH)
    assert resp.status == 200
    assert resp.content_type == "text/csv"
    assert resp.headers["Content-Disposition"] == 'attachment; filename="out.csv"'
    assert resp.headers["X-Total-Count"] == "5"
    back = pd.read_csv(io.BytesIO(await resp.read()))
    assert back["n"].tolist() == [5, 6, 8, 9, 7]  # 7 has no x: last
    assert back.columns.tolist() == ["n", "x", "name", "when"]


async def test_parquet_download_of_the_view(http: TestClient[Any, Any]) -> None:
    pd = pytest.importorskip("pandas")
    pytest.importorskip("pyarrow")
    uuid = await add_node(http, "tt.table", n=20)
    resp = await http.get(
        values_url(uuid, sort="n", descending="true", format="parquet"), headers=AUTH
    )
    assert resp.status == 200
    assert resp.content_type == "application/vnd.apache.parquet"
    assert resp.headers["Content-Disposition"] == 'attachment; filename="out.parquet"'
    back = pd.read_parquet(io.BytesIO(await resp.read()))
    assert back["n"].tolist() == list(range(19, -1, -1))
    assert str(back["when"].dtype).startswith("datetime64")


@pytest.mark.parametrize(
    ("params", "code", "message"),
    [
        ({"sort": "nope"}, "invalid_value", "no column 'nope'; the columns are 'n', 'x', 'name'"),
        ({"filter": [{"column": "n", "op": "~", "value": 1}]}, "invalid_value", "unknown op"),
        ({"filter": [{"column": "n", "op": "<", "value": "many"}]}, "invalid_value", "'n'"),
        ({"filter": [{"column": "when", "op": "<", "value": "soon"}]}, "invalid_value", "when"),
        ({"filter": {"column": "n"}}, "invalid_value", "JSON list"),
        ({"descending": "maybe"}, "invalid_arguments", "descending"),
        ({"format": "xlsx"}, "invalid_arguments", "format"),
    ],
)
async def test_bad_table_parameters_are_400(
    http: TestClient[Any, Any], params: dict[str, Any], code: str, message: str
) -> None:
    uuid = await add_node(http, "tt.table", n=10)
    resp = await http.get(values_url(uuid, **params), headers=AUTH)
    assert resp.status == 400
    error = (await resp.json())["error"]
    assert error["code"] == code
    assert message in error["message"]


async def test_bad_filter_json_is_400(http: TestClient[Any, Any]) -> None:
    uuid = await add_node(http, "tt.table", n=10)
    resp = await http.get(f"/values/{uuid}/out", params={"filter": "[{"}, headers=AUTH)
    assert resp.status == 400
    error = (await resp.json())["error"]
    assert (error["code"], error["message"].startswith("filter is not valid JSON")) == (
        "invalid_arguments",
        True,
    )


@pytest.mark.parametrize("params", [{"sort": "a"}, {"format": "csv"}])
async def test_sort_or_download_of_a_list_is_400(
    http: TestClient[Any, Any], params: dict[str, str]
) -> None:
    uuid = await add_node(http, "t.items", n=10)
    resp = await http.get(f"/values/{uuid}/out", params=params, headers=AUTH)
    assert resp.status == 400
    assert (await resp.json())["error"]["code"] == "invalid_value"


async def test_a_new_table_upstream_is_seen_by_the_next_request(
    http: TestClient[Any, Any],
) -> None:
    async with await Client.connect(str(http.make_url("/ws")), TOKEN) as rpc:
        src = (await rpc.call("add_node", node_id="t.add", inputs={"a": 10}))["uuid"]
        uuid = (await rpc.call("add_node", node_id="tt.table"))["uuid"]
        await rpc.call("connect", src=src, src_io="out", dst=uuid, dst_io="n")
        await rpc.next_event("value", lambda d: d["uuid"] == uuid and d["io"] == "out")
        url = values_url(uuid, sort="n", descending=1, limit=2)
        first = await (await http.get(url, headers=AUTH)).json()
        again = await (await http.get(url, headers=AUTH)).json()
        assert first["index"] == again["index"] == [9, 8]
        assert await rpc.call("set_input", uuid=src, io="a", value=30) == {"changed": True}
        await rpc.next_event("value", lambda d: d["uuid"] == uuid and d["io"] == "out")
        resp = await http.get(url, headers=AUTH)
        body = await resp.json()
    assert (body["index"], body["total"], resp.headers["X-Total-Count"]) == ([29, 28], 30, "30")


# --- files: listing and uploads ---------------------------------------------------------------


async def test_files_listing_is_empty_at_first(http: TestClient[Any, Any]) -> None:
    resp = await http.get("/files", headers=AUTH)
    assert resp.status == 200
    assert await resp.json() == {"files": []}


async def test_uploads_show_in_the_listing(
    http: TestClient[Any, Any], worker_config: WorkerConfig
) -> None:
    form = aiohttp.FormData()
    form.add_field("file", b"a,b\n1,2\n", filename="data.csv")
    assert (await http.post("/files", data=form, headers=AUTH)).status == 201
    assert (await http.post("/files?name=sub/deep/z.bin", data=b"xyz", headers=AUTH)).status == 201
    assert (await http.post("/files?name=b.txt", data=b"", headers=AUTH)).status == 201
    files = worker_config.files_dir
    (files / ".hidden").write_text("secret")
    (files / ".data.csv.upload-1-ff").write_text("half")  # an upload in progress
    (files / ".git").mkdir()
    (files / ".git" / "config").write_text("x")
    resp = await http.get("/files", headers=AUTH)
    assert resp.status == 200
    listing = (await resp.json())["files"]
    assert [(f["name"], f["size"]) for f in listing] == [
        ("b.txt", 0),
        ("data.csv", 8),
        ("sub/deep/z.bin", 3),
    ]
    modified = (files / "data.csv").stat().st_mtime
    assert listing[1]["modified"] == pytest.approx(modified)


async def test_files_listing_does_not_follow_links_out(
    http: TestClient[Any, Any], worker_config: WorkerConfig, tmp_path: Path
) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.txt").write_text("s")
    files = worker_config.files_dir
    files.mkdir(parents=True, exist_ok=True)
    (files / "dir-link").symlink_to(outside)
    (files / "file-link.txt").symlink_to(outside / "secret.txt")
    (files / "ok.txt").write_text("ok")
    (files / "inner-link.txt").symlink_to(files / "ok.txt")
    listing = (await (await http.get("/files", headers=AUTH)).json())["files"]
    assert [f["name"] for f in listing] == ["inner-link.txt", "ok.txt"]


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
