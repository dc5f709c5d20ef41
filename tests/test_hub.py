"""The hub in-process with real workers: security, the registry, supervision end to end,
one process per worker, its own stop, re-adoption by a new hub, autostart (ARCHITECTURE §4, §7).
"""

from __future__ import annotations

import asyncio
import dataclasses
import os
import re
import signal
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp
import orjson
import pytest

from nodeweave.client import Client
from nodeweave.state import lock_holder
from nodeweave.workermanager.app import NOT_BUILT
from nodeweave.workermanager.config import STATIC_DIR

from .hub_helpers import (
    FAST,
    TOKEN,
    OpenHub,
    RunningHub,
    alive,
    call,
    error_of,
    hub_opener,
    kill_all,
    make_state,
    status_event,
    wait_gone,
    worker_folder,
    worker_processes,
)
from .worker_helpers import spawn_worker

# Real workers take a moment to start and may be slow on a busy machine: health checks are
# patient here (a false "hung" would make the tests flaky); stops are still quick.
REAL = dataclasses.replace(
    FAST,
    ready_timeout=20.0,
    polite_budget=5.0,
    term_budget=2.0,
    ping_interval=1.0,
    ping_timeout=3.0,
    pings_missed=3,
)


@pytest.fixture
def state(tmp_path: Path) -> Path:
    return make_state(tmp_path)


@pytest.fixture
async def open_hub(state: Path) -> AsyncIterator[OpenHub]:
    async with hub_opener(state, policy=REAL) as open_:
        yield open_


@pytest.fixture
async def hub(open_hub: OpenHub) -> RunningHub:
    return await open_hub()


@pytest.fixture
async def client(hub: RunningHub) -> Client:
    return await hub.connect()


async def create(client: Client, name: str = "flow", **kwargs: Any) -> str:
    record = await call(client, "create_worker", name=name, venv=False, **kwargs)
    return str(record["id"])


async def value_of(worker: Client, uuid: str, io: str = "out", wait: float = 10.0) -> object:
    """The output's value, waiting for it if the worker is still computing."""
    preview = await call(worker, "get_value", uuid=uuid, io=io)
    if preview["kind"] == "empty":
        event = await worker.next_event(
            "value", lambda d: d["uuid"] == uuid and d["io"] == io, wait=wait
        )
        preview = event["data"]["preview"]
    return preview.get("value")


async def raw_get(hub: RunningHub, target: str, *headers: str) -> tuple[int, bytes]:
    """GET ``target`` exactly as written (no client-side normalization of ``..`` or ``%2f``)."""
    host, port = hub.server.host, hub.server.port
    assert port is not None
    reader, writer = await asyncio.open_connection(host, port)
    try:
        lines = [f"GET {target} HTTP/1.1", f"Host: {host}:{port}", "Connection: close", *headers]
        writer.write(("\r\n".join(lines) + "\r\n\r\n").encode())
        await writer.drain()
        async with asyncio.timeout(10):
            data = await reader.read()
    finally:
        writer.close()
        await writer.wait_closed()
    head, _, body = data.partition(b"\r\n\r\n")
    return int(head.split()[1]), body


# --- security (§7) -------------------------------------------------------------------------------


async def test_health_needs_no_token(hub: RunningHub) -> None:
    async with (
        aiohttp.ClientSession() as session,
        session.get(hub.server.make_url("/health")) as resp,
    ):
        assert resp.status == 200
        body = await resp.json()
    assert body["status"] == "ok"
    assert body["pid"] == os.getpid()
    assert body["workers"] == 0


@pytest.mark.parametrize("token", [None, "wrong-token"])
async def test_ws_without_the_token_is_401(hub: RunningHub, token: str | None) -> None:
    with pytest.raises(aiohttp.WSServerHandshakeError) as info:
        await Client.connect(hub.ws_url, token)
    assert info.value.status == 401


async def test_ws_token_in_the_query_is_accepted(hub: RunningHub) -> None:
    async with await Client.connect(f"{hub.ws_url}?token={TOKEN}") as client:
        assert await call(client, "ping") == {"pong": True}


async def test_ws_from_a_foreign_origin_is_403_even_with_the_token(hub: RunningHub) -> None:
    with pytest.raises(aiohttp.WSServerHandshakeError) as info:
        await Client.connect(hub.ws_url, TOKEN, headers={"Origin": "http://evil.example"})
    assert info.value.status == 403
    # The hub's own pages may.
    own = f"http://127.0.0.1:{hub.server.port}"
    async with await Client.connect(hub.ws_url, TOKEN, headers={"Origin": own}) as client:
        assert await call(client, "ping") == {"pong": True}


async def test_index_is_served_without_a_token(hub: RunningHub) -> None:
    status, body = await raw_get(hub, "/")
    assert status == 200
    built = STATIC_DIR / "index.html"
    expected = built.read_bytes() if built.is_file() else NOT_BUILT.encode()
    assert body == expected


async def test_the_shipped_ui_is_complete_and_public(hub: RunningHub) -> None:
    """The committed build loads without a token: index, every asset it references, and every
    asset those load on demand (the chart library is fetched when the first chart appears)."""
    index = (STATIC_DIR / "index.html").read_text()
    assets = re.findall(r'(?:src|href)="/(assets/[^"]+)"', index)
    assert any(a.endswith(".js") for a in assets), index
    seen: set[str] = set()
    while assets:
        asset = assets.pop()
        if asset in seen:
            continue
        seen.add(asset)
        status, body = await raw_get(hub, "/" + asset)
        assert status == 200, asset
        assert body == (STATIC_DIR / asset).read_bytes()
        if asset.endswith(".js"):  # lazy chunks are named in the code that loads them
            names = re.findall(r"[\w.-]+\.(?:js|css)", body.decode("utf-8", "replace"))
            assets += [f"assets/{n}" for n in names if (STATIC_DIR / "assets" / n).is_file()]
    # Nothing in the package that the page would not load (no stale build left behind).
    shipped = {str(p.relative_to(STATIC_DIR)) for p in (STATIC_DIR / "assets").iterdir()}
    assert shipped == seen


async def test_built_ui_files_and_what_needs_the_token(open_hub: OpenHub, tmp_path: Path) -> None:
    static = tmp_path / "site" / "static"
    (static / "assets").mkdir(parents=True)
    (static / "index.html").write_text("<!doctype html><title>built ui</title>")
    (static / "assets" / "app.js").write_text("console.log('ui')")
    (static / "favicon.svg").write_text("<svg/>")
    hub = await open_hub(static_dir=static)
    assert await raw_get(hub, "/") == (200, b"<!doctype html><title>built ui</title>")
    assert await raw_get(hub, "/assets/app.js") == (200, b"console.log('ui')")
    assert (await raw_get(hub, "/favicon.svg"))[0] == 401
    assert await raw_get(hub, "/favicon.svg", f"Authorization: Bearer {TOKEN}") == (200, b"<svg/>")
    assert (await raw_get(hub, "/nothing-here.js", f"Authorization: Bearer {TOKEN}"))[0] == 404


TRAVERSALS = [
    "/../secret.txt",
    "/..%2fsecret.txt",
    "/..%2Fsecret.txt",
    "/%2e%2e/secret.txt",
    "/%2e%2e%2fsecret.txt",
    "/assets/../../secret.txt",
    "/assets/..%2f..%2fsecret.txt",
    "/assets/%2e%2e/%2e%2e/secret.txt",
    "/..%5csecret.txt",
    "/..%2f..%2f..%2f..%2f..%2f..%2f..%2f..%2fetc/passwd",
    "/%2e%2e/%2e%2e/%2e%2e/%2e%2e/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
    "/%2fetc%2fpasswd",
    "//etc/passwd",
    "/assets/%2fetc%2fpasswd",
    "/leak.txt",
    "/assets/passwd",
    "/.hidden",
]


@pytest.mark.parametrize("token", [False, True])
async def test_no_path_escapes_the_static_folder(
    open_hub: OpenHub, tmp_path: Path, token: bool
) -> None:
    site = tmp_path / "site"
    static = site / "static"
    (static / "assets").mkdir(parents=True)
    (static / "index.html").write_text("<!doctype html>")
    (site / "secret.txt").write_text("TOP-SECRET")
    (static / ".hidden").write_text("TOP-SECRET")
    (static / "leak.txt").symlink_to(site / "secret.txt")
    (static / "assets" / "passwd").symlink_to("/etc/passwd")
    hub = await open_hub(static_dir=static)
    headers = [f"Authorization: Bearer {TOKEN}"] if token else []
    for target in TRAVERSALS:
        status, body = await raw_get(hub, target, *headers)
        assert b"TOP-SECRET" not in body and b"root:" not in body, target
        if token or target.startswith("/assets/"):
            assert status == 404, (target, status, body[:200])
        else:
            assert status in (401, 404), (target, status, body[:200])


# --- the registry ----------------------------------------------------------------------------


async def test_create_worker_without_venv(client: Client, state: Path) -> None:
    record = await call(client, "create_worker", name="My Flow", venv=False)
    assert record["id"] == "my-flow"
    assert record["name"] == "My Flow"
    assert record["status"] == "stopped"
    assert record["venv"] is False
    assert record["requirements"] == []
    assert record["autostart"] == "never"
    assert record["pid"] is None and record["url"] is None and record["error"] is None
    assert record["created"]
    event = await status_event(client, "my-flow")
    assert event["status"] == "stopped"

    second = await call(client, "create_worker", name="My Flow", venv=False)
    assert second["id"] == "my-flow-2"
    saved = orjson.loads((worker_folder(state, "my-flow") / "worker.json").read_bytes())
    assert saved["name"] == "My Flow" and saved["venv"] is False
    assert (worker_folder(state, "my-flow-2") / "worker.json").is_file()

    listed = await call(client, "list_workers")
    assert [(r["id"], r["status"]) for r in listed] == [
        ("my-flow", "stopped"),
        ("my-flow-2", "stopped"),
    ]
    assert await call(client, "get_worker", id="my-flow-2") == listed[1]


async def test_odd_names_give_readable_ids(client: Client) -> None:
    assert await create(client, "  ../../Étude: plots!  ") == "tude-plots"
    assert await create(client, "!!!") == "worker"
    assert await create(client, "x" * 200) == "x" * 40


@pytest.mark.parametrize(
    "kwargs",
    [
        {},
        {"name": ""},
        {"name": 42},
        {"name": "x", "autostart": "sometimes"},
        {"name": "x", "venv": "maybe"},
        {"name": "x", "colour": "blue"},
        {"name": "x", "requirements": ["numpy"], "venv": False},
    ],
)
async def test_create_with_bad_arguments_is_invalid_arguments(
    client: Client, state: Path, kwargs: dict[str, Any]
) -> None:
    err = await error_of(client, "create_worker", **kwargs)
    assert err.code == "invalid_arguments", err
    assert await call(client, "list_workers") == []


@pytest.mark.parametrize(
    "cmd",
    ["get_worker", "start_worker", "stop_worker", "restart_worker", "delete_worker", "worker_logs"],
)
@pytest.mark.parametrize("worker_id", ["nope", "../workers", "a/b", ""])
async def test_unknown_worker_is_not_found(
    client: Client, state: Path, cmd: str, worker_id: str
) -> None:
    err = await error_of(client, cmd, id=worker_id)
    assert err.code == "not_found", err
    assert not (state / "workers" / "nope").exists()


async def test_concurrent_creates_get_distinct_ids(client: Client) -> None:
    records = await asyncio.gather(
        *(call(client, "create_worker", name="Same", venv=False) for _ in range(5))
    )
    assert sorted(r["id"] for r in records) == ["same", "same-2", "same-3", "same-4", "same-5"]
    assert len(await call(client, "list_workers")) == 5


async def test_update_worker_renames_and_sets_autostart(client: Client, state: Path) -> None:
    wid = await create(client, "Old name")
    record = await call(client, "update_worker", id=wid, name="New name", autostart="always")
    assert record["id"] == wid
    assert record["name"] == "New name" and record["autostart"] == "always"
    event = await status_event(client, wid, where=lambda d: d["name"] == "New name")
    assert event["autostart"] == "always"
    saved = orjson.loads((worker_folder(state, wid) / "worker.json").read_bytes())
    assert saved["name"] == "New name" and saved["autostart"] == "always"
    assert (await error_of(client, "update_worker", id="nope", name="x")).code == "not_found"
    assert (await error_of(client, "update_worker", id=wid, name="")).code == "invalid_arguments"


async def test_update_worker_sets_the_environment_of_its_process(
    client: Client, state: Path
) -> None:
    wid = await create(client, "With env")
    dask = {"NODEWEAVE_DASK_SCHEDULER": "tcp://127.0.0.1:8786"}
    await call(client, "update_worker", id=wid, env=dask)
    saved = orjson.loads((worker_folder(state, wid) / "worker.json").read_bytes())
    assert saved["env"] == dask
    await call(client, "update_worker", id=wid, env={})
    saved = orjson.loads((worker_folder(state, wid) / "worker.json").read_bytes())
    assert saved["env"] == {}
    bad = await error_of(client, "update_worker", id=wid, env={"X": 1})
    assert bad.code == "invalid_arguments"


async def test_wrong_argument_types_are_invalid_arguments(client: Client) -> None:
    for cmd in ("get_worker", "start_worker", "stop_worker", "worker_logs"):
        assert (await error_of(client, cmd)).code == "invalid_arguments"
        assert (await error_of(client, cmd, id=7)).code == "invalid_arguments"
    wid = await create(client)
    assert (await error_of(client, "worker_logs", id=wid, lines=0)).code == "invalid_arguments"


# --- supervision with real workers ------------------------------------------------------------


async def test_a_safe_start_runs_nothing_until_resume_and_then_is_a_safe_start_no_more(
    client: Client, state: Path
) -> None:
    wid = await create(client, "Safe")
    record = await call(client, "start_worker", id=wid, safe=True)
    assert record["status"] == "running" and record["safe"] is True
    async with await Client.connect(record["url"], TOKEN) as worker:
        hello = await worker.next_event("hello")
        assert hello["data"]["paused"] is True
        node = await call(worker, "add_node", node_id="numbers.add", inputs={"a": 1, "b": 2})
        assert (await call(worker, "get_node", uuid=node["uuid"]))["status"] == "stale"
        await call(worker, "resume")
        assert await value_of(worker, node["uuid"]) == 3
    # the hub learns it from the worker's health checks
    cleared = await status_event(client, wid, "running", where=lambda d: not d["safe"], wait=15)
    assert cleared["pid"] == record["pid"]
    await call(client, "stop_worker", id=wid)


async def test_a_worker_started_by_hand_is_seen_running_and_supervised(
    client: Client, state: Path
) -> None:
    wid = await create(client, "By hand")
    assert (await call(client, "get_worker", id=wid))["status"] == "stopped"
    by_hand = await spawn_worker(state, wid, env={"NODEWEAVE_TOKEN": TOKEN})
    try:
        info = await by_hand.ready()
        record = await call(client, "get_worker", id=wid)
        assert record["status"] == "running" and record["pid"] == info["pid"]
        listed = {r["id"]: r for r in await call(client, "list_workers")}
        assert listed[wid]["url"] == info["url"]
        stopped = await call(client, "stop_worker", id=wid)  # the hub can stop it, too
        assert stopped["status"] == "stopped"
        assert await by_hand.wait() == 0
    finally:
        await by_hand.kill()


async def test_end_to_end_sigkill_restarts_with_the_saved_graph(
    client: Client, state: Path
) -> None:
    wid = await create(client, "E2E")
    record = await call(client, "start_worker", id=wid)
    assert record["status"] == "running"
    pid, port = record["pid"], record["port"]
    assert isinstance(pid, int) and alive(pid)
    assert record["url"] == f"ws://127.0.0.1:{port}/ws"
    assert (await status_event(client, wid, "starting", "running"))["status"] == "starting"
    assert (await status_event(client, wid))["status"] == "running"
    assert lock_holder(worker_folder(state, wid) / "worker.lock") == pid

    async with await Client.connect(record["url"], TOKEN) as worker:
        node = await call(worker, "add_node", node_id="numbers.add", inputs={"a": 1, "b": 2})
        uuid = node["uuid"]
        await call(worker, "set_input", uuid=uuid, io="b", value=40)
        assert await value_of(worker, uuid) == 41
        await call(worker, "save")

    os.kill(pid, signal.SIGKILL)
    down = await status_event(client, wid, "starting", "failed", "stopped")
    assert down["status"] == "starting"
    assert "killed by SIGKILL" in down["error"]
    up = await status_event(client, wid, "running", "failed", "stopped")
    assert up["status"] == "running", up
    assert up["pid"] != pid
    await wait_gone(pid)

    async with await Client.connect(up["url"], TOKEN) as worker:
        nodes = (await call(worker, "get_state"))["nodes"]
        assert [n["uuid"] for n in nodes] == [uuid]
        assert await value_of(worker, uuid) == 41

    stopped = await call(client, "stop_worker", id=wid)
    assert stopped["status"] == "stopped"
    statuses = [e["data"]["status"] for e in client.drain_events() if e["event"] == "worker_status"]
    assert statuses[-2:] == ["stopping", "stopped"]
    await wait_gone(up["pid"])
    assert worker_processes(state, wid) == []
    saved = orjson.loads((worker_folder(state, wid) / "nodespace.json").read_bytes())
    assert [n["uuid"] for n in saved["nodes"]] == [uuid]
    assert saved["nodes"][0]["inputs"] == {"a": 1, "b": 40}
    assert not (worker_folder(state, wid) / "runtime.json").exists()


async def test_concurrent_starts_start_one_process(
    hub: RunningHub, client: Client, state: Path
) -> None:
    wid = await create(client)
    records = await asyncio.gather(*(call(client, "start_worker", id=wid) for _ in range(5)))
    assert [r["status"] for r in records] == ["running"] * 5
    pids = {r["pid"] for r in records}
    assert len(pids) == 1
    [pid] = pids
    assert worker_processes(state, wid) == [pid]
    statuses = [e["data"]["status"] for e in client.drain_events() if e["event"] == "worker_status"]
    assert statuses == ["stopped", "starting", "running"]  # created, then one start
    assert lock_holder(worker_folder(state, wid) / "worker.lock") == pid
    assert hub.hub.supervisors[wid].process is not None
    await call(client, "stop_worker", id=wid)
    await wait_gone(pid)


async def test_a_worker_run_by_hand_is_adopted_not_doubled(client: Client, state: Path) -> None:
    wid = await create(client, "w1")
    by_hand = await spawn_worker(state, wid)
    try:
        await by_hand.ready()
        record = await call(client, "start_worker", id=wid)
        assert record["status"] == "running"
        assert record["pid"] == by_hand.pid
        assert worker_processes(state, wid) == [by_hand.pid]
        async with await Client.connect(by_hand.url, TOKEN) as worker:
            assert await call(worker, "ping") == {"pong": True}
        record = await call(client, "stop_worker", id=wid)  # and the hub can stop it
        assert record["status"] == "stopped"
        assert await by_hand.wait() == 0
    finally:
        await by_hand.kill()


async def test_delete_a_running_worker(client: Client, state: Path) -> None:
    wid = await create(client)
    pid = (await call(client, "start_worker", id=wid))["pid"]
    assert await call(client, "delete_worker", id=wid) is None
    event = await client.next_event("worker_deleted")
    assert event["data"] == {"id": wid}
    await wait_gone(pid)
    assert not worker_folder(state, wid).exists()
    assert [p.name for p in (state / "workers").iterdir()] == []
    assert await call(client, "list_workers") == []
    assert (await error_of(client, "get_worker", id=wid)).code == "not_found"
    # Its id is free again.
    assert await create(client) == wid


async def test_worker_logs_are_the_lines_of_worker_log(client: Client, state: Path) -> None:
    wid = await create(client)
    assert (await call(client, "worker_logs", id=wid)) == {"id": wid, "lines": []}
    pid = (await call(client, "start_worker", id=wid))["pid"]
    await call(client, "stop_worker", id=wid)
    logs = await call(client, "worker_logs", id=wid)
    text = (worker_folder(state, wid) / "worker.log").read_text().splitlines()
    assert logs["id"] == wid
    assert logs["lines"] == text[-200:]
    assert any("ready on ws://127.0.0.1:" in line and f"pid {pid}" in line for line in text)
    assert (await call(client, "worker_logs", id=wid, lines=1))["lines"] == text[-1:]


async def test_closing_the_hub_stops_its_workers_after_they_saved(
    open_hub: OpenHub, state: Path
) -> None:
    hub = await open_hub()
    client = await hub.connect()
    ids = [await create(client, f"w{i}") for i in range(3)]
    records = await asyncio.gather(*(call(client, "start_worker", id=i) for i in ids))
    for record in records:
        async with await Client.connect(record["url"], TOKEN) as worker:
            await call(worker, "add_node", node_id="numbers.add", inputs={"a": 1})
    await hub.close()
    for record in records:
        await wait_gone(record["pid"])
    for wid in ids:
        saved = orjson.loads((worker_folder(state, wid) / "nodespace.json").read_bytes())
        assert len(saved["nodes"]) == 1
    assert kill_all(state) == []


async def test_a_new_hub_adopts_running_workers(open_hub: OpenHub, state: Path) -> None:
    first = await open_hub()
    client = await first.connect()
    wid = await create(client)
    pid = (await call(client, "start_worker", id=wid))["pid"]
    await first.close(stop_workers=False)  # as if the hub had died
    assert alive(pid)

    second = await open_hub()
    client = await second.connect()
    [record] = await call(client, "list_workers")
    assert record["status"] == "running"
    assert record["pid"] == pid
    assert worker_processes(state, wid) == [pid]
    async with await Client.connect(record["url"], TOKEN) as worker:
        assert await call(worker, "ping") == {"pong": True}

    # The new hub notices the death of a process it did not spawn, and restarts it.
    os.kill(pid, signal.SIGKILL)
    down = await status_event(client, wid, "starting", "failed", "stopped")
    assert down["status"] == "starting"
    assert "adopted" in down["error"]  # no exit status for a process that is not our child
    up = await status_event(client, wid, "running", "failed", "stopped")
    assert up["status"] == "running", up
    assert up["pid"] != pid
    await wait_gone(pid)
    assert worker_processes(state, wid) == [up["pid"]]

    stopped = await call(client, "stop_worker", id=wid)
    assert stopped["status"] == "stopped"
    await wait_gone(up["pid"])


async def test_adopted_worker_stops_by_the_ladder(open_hub: OpenHub, state: Path) -> None:
    first = await open_hub()
    client = await first.connect()
    wid = await create(client)
    record = await call(client, "start_worker", id=wid)
    async with await Client.connect(record["url"], TOKEN) as worker:
        await call(worker, "add_node", node_id="numbers.add", inputs={"a": 5})
    await first.close(stop_workers=False)

    second = await open_hub()
    client = await second.connect()
    stopped = await call(client, "stop_worker", id=wid)
    assert stopped["status"] == "stopped"
    assert second.hub.supervisors[wid].last_stop_rung == "shutdown command"
    await wait_gone(record["pid"])
    saved = orjson.loads((worker_folder(state, wid) / "nodespace.json").read_bytes())
    assert saved["nodes"][0]["inputs"] == {"a": 5}


async def test_autostart_always_starts_with_the_hub(open_hub: OpenHub, state: Path) -> None:
    first = await open_hub()
    client = await first.connect()
    wid = await create(client, "auto", autostart="always")
    other = await create(client, "manual")
    assert (await call(client, "get_worker", id=wid))["autostart"] == "always"
    await first.close()
    assert worker_processes(state, wid) == []

    second = await open_hub()
    client = await second.connect()
    record = await call(client, "get_worker", id=wid)
    if record["status"] != "running":
        record = await status_event(client, wid, "running", "failed")
    assert record["status"] == "running", record
    assert worker_processes(state, wid) == [record["pid"]]
    assert (await call(client, "get_worker", id=other))["status"] == "stopped"
    await call(client, "stop_worker", id=wid)
    await wait_gone(record["pid"])


async def test_hub_without_autostart_neither_adopts_nor_starts(
    open_hub: OpenHub, state: Path
) -> None:
    first = await open_hub()
    client = await first.connect()
    wid = await create(client, "auto", autostart="always")
    await first.close()
    second = await open_hub(autostart=False)
    client = await second.connect()
    assert (await call(client, "get_worker", id=wid))["status"] == "stopped"
    assert worker_processes(state, wid) == []
