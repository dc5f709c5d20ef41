"""The hub's supervision (ARCHITECTURE §4) against fake workers that misbehave on purpose.

Every worker here is :mod:`tests.fake_worker`, run through a fake "python" executable; its
``FAKE_WORKER_MODE`` (in ``worker.json``'s ``env``) says how it misbehaves. Budgets are short
(:data:`tests.hub_helpers.FAST`) and every wait is bounded, so no test can hang the suite.
"""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from nodeweave.client import Client, RpcError
from nodeweave.workermanager.process import WorkerProcess, worker_env
from nodeweave.workermanager.supervisor import Supervisor

from .hub_helpers import (
    FAST,
    TOKEN,
    OpenHub,
    RunningHub,
    alive,
    call,
    error_of,
    fake_pids,
    fake_python,
    hub_opener,
    kill_all,
    make_state,
    set_worker_env,
    status_event,
    wait_gone,
    worker_folder,
)


@pytest.fixture
def state(tmp_path: Path) -> Path:
    return make_state(tmp_path)


@pytest.fixture
async def open_hub(tmp_path: Path, state: Path) -> AsyncIterator[OpenHub]:
    async with hub_opener(state, policy=FAST, python=fake_python(tmp_path)) as open_:
        yield open_


@pytest.fixture
async def hub(open_hub: OpenHub) -> RunningHub:
    return await open_hub()


@pytest.fixture
async def client(hub: RunningHub) -> Client:
    return await hub.connect()


async def new_worker(client: Client, state: Path, mode: str, name: str = "fake") -> str:
    record = await call(client, "create_worker", name=name, venv=False)
    set_worker_env(state, record["id"], FAKE_WORKER_MODE=mode)
    return str(record["id"])


async def start_running(client: Client, worker_id: str) -> dict[str, Any]:
    record: dict[str, Any] = await call(client, "start_worker", id=worker_id)
    assert record["status"] == "running", record
    return record


# --- start failures ----------------------------------------------------------------------------


async def test_crash_on_start_is_start_failed_with_exit_status_and_log_tail(
    client: Client, state: Path
) -> None:
    wid = await new_worker(client, state, "crash_on_start")
    err = await error_of(client, "start_worker", id=wid)
    assert err.code == "start_failed"
    assert "exited with status 3" in err.message
    assert any("something went badly wrong" in line for line in err.details["log_tail"])

    await status_event(client, wid, "starting")
    event = await status_event(client, wid, "failed", "running", "stopped")
    assert event["status"] == "failed"
    assert "exited with status 3" in event["error"]
    record = await call(client, "get_worker", id=wid)
    assert record["status"] == "failed"
    assert record["pid"] is None
    assert "exited with status 3" in record["error"]
    assert any("something went badly wrong" in line for line in record["log_tail"])
    # Nobody restarts a worker that never started.
    [pid] = fake_pids(state, wid)
    assert not alive(pid)


async def test_never_ready_is_start_failed_and_the_process_is_killed(
    open_hub: OpenHub, state: Path
) -> None:
    hub = await open_hub(policy=dataclasses.replace(FAST, ready_timeout=1.0))
    client = await hub.connect()
    wid = await new_worker(client, state, "never_ready")
    err = await error_of(client, "start_worker", id=wid)
    assert err.code == "start_failed"
    assert "not ready within 1 s" in err.message
    [pid] = fake_pids(state, wid)
    await wait_gone(pid)
    record = await call(client, "get_worker", id=wid)
    assert record["status"] == "failed"
    assert "not ready within 1 s" in record["error"]


# --- the stop ladder ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("mode", "rung"),
    [
        ("well_behaved", "shutdown command"),
        ("ignore_shutdown", "SIGTERM"),
        ("ignore_term", "SIGKILL"),
    ],
)
async def test_stop_ladder_ends_at_the_rung_that_worked(
    hub: RunningHub, client: Client, state: Path, mode: str, rung: str
) -> None:
    wid = await new_worker(client, state, mode)
    record = await start_running(client, wid)
    assert record["url"] == f"ws://127.0.0.1:{record['port']}/ws"
    assert fake_pids(state, wid) == [record["pid"]]
    stopped = await call(client, "stop_worker", id=wid)
    assert stopped["status"] == "stopped"
    assert stopped["pid"] is None and stopped["url"] is None
    assert hub.hub.supervisors[wid].last_stop_rung == rung
    await wait_gone(record["pid"])


async def test_health_checks_do_not_kill_a_worker_that_is_saving_on_stop(
    open_hub: OpenHub, state: Path
) -> None:
    hub = await open_hub(policy=dataclasses.replace(FAST, polite_budget=5.0))
    client = await hub.connect()
    wid = await new_worker(client, state, "slow_save")
    record = await start_running(client, wid)
    stopped = await call(client, "stop_worker", id=wid)
    assert stopped["status"] == "stopped"
    await wait_gone(record["pid"])
    assert (worker_folder(state, wid) / "saved").is_file(), "killed while saving"
    assert hub.hub.supervisors[wid].last_stop_rung == "shutdown command"


# --- crashes and hangs while running -----------------------------------------------------------


async def test_hung_worker_is_killed_and_restarted(client: Client, state: Path) -> None:
    wid = await new_worker(client, state, "hang_after_ready")
    first = await start_running(client, wid)
    restarting = await status_event(client, wid, "starting", where=lambda d: bool(d["error"]))
    assert "hung" in restarting["error"]
    again = await status_event(client, wid, "running")
    assert again["pid"] != first["pid"]
    await wait_gone(first["pid"])
    stopped = await call(client, "stop_worker", id=wid)
    assert stopped["status"] == "stopped"
    for pid in fake_pids(state, wid):
        await wait_gone(pid)


async def test_a_graph_that_hangs_every_start_fails_at_the_third_naming_the_node(
    client: Client, state: Path
) -> None:
    wid = await new_worker(client, state, "hang_in_a_node")
    await start_running(client, wid)
    restarting = await status_event(client, wid, "starting", where=lambda d: bool(d["error"]))
    assert "hung while running node n-spin (type demo.spin)" in restarting["error"]
    failed = await status_event(client, wid, "failed")
    assert len(fake_pids(state, wid)) == FAST.max_hangs  # three attempts, no more
    assert f"hung {FAST.max_hangs} times" in failed["error"]
    assert "hung while running node n-spin (type demo.spin)" in failed["error"]
    assert "safe start" in failed["error"]
    assert failed["hung_node"] == {"uuid": "n-spin", "node_id": "demo.spin"}
    for pid in fake_pids(state, wid):
        await wait_gone(pid)
    # Safe start: the worker is started with --safe, and the record says so.
    set_worker_env(state, wid, FAKE_WORKER_MODE="well_behaved")
    record = await call(client, "start_worker", id=wid, safe=True)
    assert record["status"] == "running" and record["safe"] is True
    assert record["hung_node"] is None
    log = (worker_folder(state, wid) / "worker.log").read_text()
    assert "--safe" in log
    await call(client, "stop_worker", id=wid)


async def test_crash_loop_ends_failed_with_the_count_and_the_reason_until_a_start(
    hub: RunningHub, client: Client, state: Path
) -> None:
    wid = await new_worker(client, state, "crash_after_ready")
    await start_running(client, wid)
    failed = await status_event(client, wid, "failed")
    crashes = FAST.max_crashes + 1
    assert f"crashed {crashes} times" in failed["error"]
    assert "exited with status 1" in failed["error"]
    assert any("crashing after ready" in line for line in failed["log_tail"])
    pids = fake_pids(state, wid)
    assert len(pids) == crashes
    for pid in pids:
        await wait_gone(pid)
    # No restart comes any more: nothing is left pending that could start one.
    async with asyncio.timeout(10):
        await hub.hub.supervisor(wid).settled()
    assert fake_pids(state, wid) == pids
    record = await call(client, "get_worker", id=wid)
    assert record["status"] == "failed"
    assert f"crashed {crashes} times" in record["error"]
    # A start by hand gives it a fresh chance.
    set_worker_env(state, wid, FAKE_WORKER_MODE="well_behaved")
    await start_running(client, wid)
    await call(client, "stop_worker", id=wid)


async def test_a_crash_restarts_after_backoff_and_start_cuts_the_backoff_short(
    open_hub: OpenHub, state: Path
) -> None:
    hub = await open_hub(policy=dataclasses.replace(FAST, backoff_base=30.0))
    client = await hub.connect()
    wid = await new_worker(client, state, "crash_after_ready")
    first = await start_running(client, wid)
    waiting = await status_event(client, wid, "starting", where=lambda d: bool(d["error"]))
    assert "exited with status 1" in waiting["error"]
    # A start by hand does not wait out the 30 s backoff.
    set_worker_env(state, wid, FAKE_WORKER_MODE="well_behaved")
    again = await call(client, "start_worker", id=wid, wait=10.0)
    assert again["status"] == "running"
    assert again["pid"] != first["pid"]
    await call(client, "stop_worker", id=wid)


async def test_stop_during_the_backoff_cancels_the_restart(open_hub: OpenHub, state: Path) -> None:
    hub = await open_hub(policy=dataclasses.replace(FAST, backoff_base=1.0))
    client = await hub.connect()
    wid = await new_worker(client, state, "crash_after_ready")
    await start_running(client, wid)
    await status_event(client, wid, "starting", where=lambda d: bool(d["error"]))
    stopped = await call(client, "stop_worker", id=wid, wait=5.0)
    assert stopped["status"] == "stopped"
    assert stopped["error"] is None
    async with asyncio.timeout(10):  # the pending restart is gone, not merely not due yet
        await hub.hub.supervisor(wid).settled()
    assert len(fake_pids(state, wid)) == 1
    assert (await call(client, "get_worker", id=wid))["status"] == "stopped"


# --- every command in every state replies -----------------------------------------------------


async def test_start_gives_a_failed_worker_a_fresh_chance(client: Client, state: Path) -> None:
    wid = await new_worker(client, state, "crash_on_start")
    assert (await error_of(client, "start_worker", id=wid)).code == "start_failed"
    set_worker_env(state, wid, FAKE_WORKER_MODE="well_behaved")
    record = await start_running(client, wid)
    assert record["error"] is None
    assert "log_tail" not in record or record["log_tail"] is None
    await call(client, "stop_worker", id=wid)


async def test_stop_a_failed_worker_makes_it_stopped(client: Client, state: Path) -> None:
    wid = await new_worker(client, state, "crash_on_start")
    await error_of(client, "start_worker", id=wid)
    record = await call(client, "stop_worker", id=wid, wait=5.0)
    assert record["status"] == "stopped"
    assert record["error"] is None


async def test_stop_a_stopped_worker_replies_stopped(client: Client, state: Path) -> None:
    wid = await new_worker(client, state, "well_behaved")
    assert (await call(client, "stop_worker", id=wid, wait=5.0))["status"] == "stopped"
    assert (await call(client, "stop_worker", id=wid, wait=5.0))["status"] == "stopped"
    assert fake_pids(state, wid) == []


async def test_start_a_running_worker_keeps_its_process(client: Client, state: Path) -> None:
    wid = await new_worker(client, state, "well_behaved")
    first = await start_running(client, wid)
    second = await start_running(client, wid)
    assert second["pid"] == first["pid"]
    assert fake_pids(state, wid) == [first["pid"]]
    await call(client, "stop_worker", id=wid)


async def test_restart_a_stopped_worker_starts_it(client: Client, state: Path) -> None:
    wid = await new_worker(client, state, "well_behaved")
    record = await call(client, "restart_worker", id=wid)
    assert record["status"] == "running"
    await call(client, "stop_worker", id=wid)


async def test_restart_a_running_worker_gives_a_new_process(client: Client, state: Path) -> None:
    wid = await new_worker(client, state, "well_behaved")
    first = await start_running(client, wid)
    again = await call(client, "restart_worker", id=wid)
    assert again["status"] == "running"
    assert again["pid"] != first["pid"]
    await wait_gone(first["pid"])
    await call(client, "stop_worker", id=wid)


async def test_restart_a_failed_worker_starts_it(client: Client, state: Path) -> None:
    wid = await new_worker(client, state, "crash_on_start")
    await error_of(client, "start_worker", id=wid)
    set_worker_env(state, wid, FAKE_WORKER_MODE="well_behaved")
    assert (await call(client, "restart_worker", id=wid))["status"] == "running"
    await call(client, "stop_worker", id=wid)


async def pending_start(
    open_hub: OpenHub, state: Path
) -> tuple[RunningHub, Client, str, asyncio.Future[Any]]:
    """A worker that never gets ready, its start in flight; the ready timeout is long (30 s)
    so that whatever interrupts the start must not wait it out."""
    hub = await open_hub(policy=dataclasses.replace(FAST, ready_timeout=30.0))
    client = await hub.connect()
    wid = await new_worker(client, state, "never_ready")
    start = asyncio.ensure_future(call(client, "start_worker", id=wid, wait=40.0))
    await status_event(client, wid, "starting")
    return hub, client, wid, start


async def test_stop_while_starting_cancels_the_start(open_hub: OpenHub, state: Path) -> None:
    _hub, client, wid, start = await pending_start(open_hub, state)
    try:
        stopped = await call(client, "stop_worker", id=wid, wait=5.0)
    except TimeoutError:
        kill_all(state)  # so that the pending start gives up now rather than in 30 s
        await asyncio.gather(start, return_exceptions=True)
        raise
    assert stopped["status"] == "stopped"
    with pytest.raises(RpcError) as info:
        await start
    assert info.value.code in ("invalid_state", "start_failed")
    for pid in fake_pids(state, wid):
        await wait_gone(pid)
    assert (await call(client, "get_worker", id=wid))["status"] == "stopped"


async def test_hub_close_while_a_worker_starts_does_not_wait_out_the_ready_timeout(
    open_hub: OpenHub, state: Path
) -> None:
    hub, _client, wid, start = await pending_start(open_hub, state)
    try:
        async with asyncio.timeout(5.0):
            await hub.close()
    except TimeoutError:
        kill_all(state)
        raise
    finally:
        await asyncio.gather(start, return_exceptions=True)
    for pid in fake_pids(state, wid):
        await wait_gone(pid)


async def test_delete_while_starting_cancels_the_start(open_hub: OpenHub, state: Path) -> None:
    _hub, client, wid, start = await pending_start(open_hub, state)
    try:
        assert await call(client, "delete_worker", id=wid, wait=5.0) is None
    except TimeoutError:
        kill_all(state)
        await asyncio.gather(start, return_exceptions=True)
        raise
    with pytest.raises(RpcError):
        await start
    assert (await client.next_event("worker_deleted"))["data"] == {"id": wid}
    assert not worker_folder(state, wid).exists()
    assert kill_all(state) == []
    assert await call(client, "list_workers") == []


async def test_start_during_delete_leaves_no_process_behind(client: Client, state: Path) -> None:
    wid = await new_worker(client, state, "ignore_term")  # its stop takes ~1 s (SIGKILL rung)
    first = await start_running(client, wid)
    delete = asyncio.ensure_future(call(client, "delete_worker", id=wid))
    await status_event(client, wid, "stopping")
    set_worker_env(state, wid, FAKE_WORKER_MODE="well_behaved")
    start = asyncio.ensure_future(call(client, "start_worker", id=wid))
    results = await asyncio.gather(delete, start, return_exceptions=True)
    await wait_gone(first["pid"])
    leftovers = kill_all(state)
    # Either the delete won (no worker, no process) or the start did (the worker still exists
    # and is supervised): never a process of a deleted worker that nobody supervises.
    if worker_folder(state, wid).exists():
        assert (await call(client, "get_worker", id=wid))["pid"] in leftovers
    else:
        assert leftovers == [], (results, leftovers)


async def test_start_while_stopping_ends_running_without_a_phantom_crash(
    client: Client, state: Path
) -> None:
    wid = await new_worker(client, state, "ignore_term")  # its stop takes ~1 s (SIGKILL rung)
    first = await start_running(client, wid)
    stop = asyncio.ensure_future(call(client, "stop_worker", id=wid))
    await status_event(client, wid, "stopping")
    set_worker_env(state, wid, FAKE_WORKER_MODE="well_behaved")
    started = await call(client, "start_worker", id=wid)
    await stop
    assert started["status"] == "running"
    assert started["pid"] != first["pid"]
    await wait_gone(first["pid"])
    seen = [e["data"] for e in client.drain_events() if e["event"] == "worker_status"]
    record = await call(client, "get_worker", id=wid)
    assert record["status"] == "running", record
    # The stopped process was stopped on request: not a crash to restart from.
    phantom = [(d["status"], d["error"]) for d in seen if d["error"] and "restarting" in d["error"]]
    assert not phantom
    await call(client, "stop_worker", id=wid)


async def test_concurrent_starts_of_a_fake_start_one_process(client: Client, state: Path) -> None:
    wid = await new_worker(client, state, "well_behaved")
    records = await asyncio.gather(*(call(client, "start_worker", id=wid) for _ in range(5)))
    assert {r["status"] for r in records} == {"running"}
    assert len({r["pid"] for r in records}) == 1
    assert len(fake_pids(state, wid)) == 1
    await call(client, "stop_worker", id=wid)


# --- the supervisor alone -----------------------------------------------------------------------


async def test_a_stop_that_races_a_crash_ends_stopped(tmp_path: Path, state: Path) -> None:
    """A stop that arrives while the supervisor is still handling a crash must win.

    The crash handler looks at the log tail first (``tail``); the test sends the stop right
    then, so it runs while the crash handler awaits the end of the health checker (which sleeps
    for its long ``ping_interval``) in ``_forget``.
    """
    worker_id = "w1"
    folder = worker_folder(state, worker_id)
    folder.mkdir(parents=True)
    python = fake_python(tmp_path)
    env = worker_env(state, 9380, {"FAKE_WORKER_MODE": "crash_after_ready"})
    stops: list[asyncio.Task[None]] = []
    asked = asyncio.Event()
    session = aiohttp.ClientSession()

    async def launch(safe: bool) -> WorkerProcess:
        return await WorkerProcess.spawn(
            python,
            ("worker", "run", worker_id),
            log_path=folder / "worker.log",
            env=env,
            ready_timeout=FAST.ready_timeout,
            cwd=folder,
        )

    def tail() -> list[str]:
        stops.append(asyncio.ensure_future(sup.stop()))
        asked.set()
        return []

    sup = Supervisor(
        worker_id,
        launch=launch,
        token=TOKEN,
        policy=dataclasses.replace(FAST, ping_interval=60.0),
        on_change=lambda _: None,
        http=lambda: session,
        tail=tail,
    )
    try:
        await sup.start()
        assert sup.status == "running"
        async with asyncio.timeout(10):
            await asked.wait()
            await stops[0]
        async with asyncio.timeout(10):  # the crash handled, and no restart pending
            await sup.settled()
        assert sup.status == "stopped"
        assert sup.process is None
        assert len(fake_pids(state, worker_id)) == 1
    finally:
        await sup.stop()
        await sup.aclose()
        await session.close()


async def test_a_failed_worker_is_still_failed_with_its_reason_after_a_hub_restart(
    open_hub: OpenHub, state: Path
) -> None:
    hub = await open_hub()
    client = await hub.connect()
    wid = await new_worker(client, state, "crash_after_ready")
    await start_running(client, wid)
    failed = await status_event(client, wid, "failed")
    await hub.close()
    again = await open_hub()
    record = await call(await again.connect(), "get_worker", id=wid)
    assert record["status"] == "failed"
    assert record["error"] == failed["error"]
    # a start that succeeds clears it, for good
    set_worker_env(state, wid, FAKE_WORKER_MODE="well_behaved")
    client = await again.connect()
    await start_running(client, wid)
    await call(client, "stop_worker", id=wid)
    await again.close()
    third = await open_hub()
    assert (await call(await third.connect(), "get_worker", id=wid))["status"] == "stopped"


async def test_a_crash_restart_says_starting_once(client: Client, state: Path) -> None:
    wid = await new_worker(client, state, "crash_after_ready")
    await start_running(client, wid)
    # from the crash (0.2 s after ready) on: the statuses until it runs again
    crashed = await status_event(client, wid, "starting", where=lambda d: bool(d["error"]))
    statuses: list[str] = [crashed["status"]]
    while True:
        event = await status_event(client, wid)
        statuses.append(event["status"])
        if event["status"] == "running" or event["status"] == "failed":
            break
    assert statuses == ["starting", "running"], statuses
    await call(client, "stop_worker", id=wid)
