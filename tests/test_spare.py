"""The hub's warm spare: a process with a worker's imports done that ``start_worker`` hands a
worker's identity — its arguments, environment, secrets, folder and log — and never reuses."""

from __future__ import annotations

import asyncio
import dataclasses
import os
import signal
import subprocess
import sys
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import orjson
import pytest

from nodeweave.client import Client
from nodeweave.state.secrets import set_secret
from nodeweave.worker.spare import SPARE_READY
from nodeweave.workermanager import process
from nodeweave.workermanager.spare import Spare, startup_env

from .hub_helpers import (
    FAST,
    TOKEN,
    OpenHub,
    RunningHub,
    alive,
    call,
    hub_opener,
    make_state,
    wait_gone,
    worker_processes,
)

REAL = dataclasses.replace(
    FAST, ready_timeout=20.0, ping_interval=1.0, ping_timeout=3.0, pings_missed=3
)

PROBE = """
import os
import sys

from nodeweave import node


@node(id="probe.where")
def where() -> str:
    return "|".join([os.environ.get("PROBE_ENV", "-"), os.environ.get("PROBE_SECRET", "-"),
                     os.getcwd(), sys.path[0], " ".join(sys.argv[1:])])
"""

QUIET = {"NODEWEAVE_FUNCNODES": "off"}


@pytest.fixture
def state(tmp_path: Path) -> Path:
    return make_state(tmp_path)


@pytest.fixture
async def open_hub(state: Path) -> AsyncIterator[OpenHub]:
    async with hub_opener(state, policy=REAL, warm_spare=True) as open_:
        yield open_


async def warm_spare(hub: RunningHub, not_pid: int | None = None) -> dict[str, Any]:
    """The hub's spare once it is warm (a new one when ``not_pid`` names the last)."""
    async with asyncio.timeout(30):
        while True:
            view = hub.hub.spare_view()
            if view is not None and view["warm"] and view["pid"] != not_pid:
                return view
            await asyncio.sleep(0.02)


async def create(client: Client, name: str, env: dict[str, str]) -> str:
    record = await call(client, "create_worker", name=name, venv=False)
    await call(client, "update_worker", id=record["id"], env=env)
    return str(record["id"])


async def probe(record: dict[str, Any]) -> list[str]:
    async with await Client.connect(record["url"], TOKEN) as worker:
        node = await call(worker, "add_node", node_id="probe.where")
        uuid = node["uuid"]
        preview = await call(worker, "get_value", uuid=uuid, io="out")
        if preview["kind"] == "empty":
            event = await worker.next_event("value", lambda d: d["uuid"] == uuid, wait=10)
            preview = event["data"]["preview"]
        return str(preview["value"]).split("|")


def with_probe(state: Path, worker_id: str) -> Path:
    folder = state / "workers" / worker_id
    (folder / "modules").mkdir(exist_ok=True)
    (folder / "modules" / "probe.py").write_text(PROBE)
    return folder


async def test_start_worker_hands_the_spare_the_workers_identity_and_never_reuses_it(
    open_hub: OpenHub, state: Path
) -> None:
    hub = await open_hub()
    client = await hub.connect()
    spare = await warm_spare(hub)
    assert spare["rss_bytes"] > 10 * 2**20  # what it costs, reported (in /health too)
    wid = await create(client, "first", env={"PROBE_ENV": "hello", **QUIET})
    folder = with_probe(state, wid)
    set_secret(folder, "PROBE_SECRET", "s3cret")

    record = await call(client, "start_worker", id=wid)
    assert record["status"] == "running"
    assert record["pid"] == spare["pid"]  # it became the worker
    env, secret, cwd, path0, argv = await probe(record)
    assert (env, secret) == ("hello", "s3cret")  # its environment and secrets
    assert Path(cwd) == Path(path0) == folder  # its folder, as a cold start's
    assert argv == f"worker run {wid}"
    assert worker_processes(state, wid) == [record["pid"]]  # it shows as that worker
    log = (folder / "worker.log").read_text()
    assert f"worker {wid} ready" in log  # its stderr is the worker's log

    # A new spare, not the one that served: that one is the worker's until it ends.
    second = await warm_spare(hub, not_pid=spare["pid"])
    assert second["pid"] != record["pid"]
    other = await create(client, "second", env=QUIET)
    await call(client, "stop_worker", id=wid)
    assert not alive(record["pid"])
    again = await call(client, "start_worker", id=wid)
    assert again["pid"] == second["pid"]
    third = await warm_spare(hub, not_pid=second["pid"])
    assert third["pid"] not in (spare["pid"], second["pid"])
    # Safe start goes through the spare too.
    safe = await call(client, "start_worker", id=other, safe=True)
    assert safe["pid"] == third["pid"] and safe["safe"] is True

    spare_pid = (await warm_spare(hub, not_pid=third["pid"]))["pid"]
    await hub.close()
    await wait_gone(spare_pid)  # an idle spare ends with the hub
    for pid in (again["pid"], safe["pid"]):
        await wait_gone(pid)


async def test_a_worker_that_sets_startup_variables_starts_cold(
    open_hub: OpenHub, state: Path
) -> None:
    hub = await open_hub()
    client = await hub.connect()
    spare = await warm_spare(hub)
    wid = await create(client, "seeded", env={"PYTHONHASHSEED": "7", **QUIET})
    record = await call(client, "start_worker", id=wid)
    assert record["status"] == "running" and record["pid"] != spare["pid"]
    assert hub.hub.spare_view() == {**spare, "rss_bytes": hub.hub.spare_view()["rss_bytes"]}


async def test_a_spare_that_died_is_replaced_and_the_worker_starts_cold(
    open_hub: OpenHub, state: Path
) -> None:
    hub = await open_hub()
    client = await hub.connect()
    spare = await warm_spare(hub)
    os.killpg(spare["pid"], signal.SIGKILL)
    await wait_gone(spare["pid"])
    wid = await create(client, "after", env=QUIET)
    record = await call(client, "start_worker", id=wid)
    assert record["status"] == "running" and record["pid"] != spare["pid"]
    await warm_spare(hub, not_pid=spare["pid"])


async def test_no_spare_when_turned_off(state: Path) -> None:
    async with hub_opener(state, policy=REAL, warm_spare=False) as open_:
        hub = await open_()
        await asyncio.sleep(0.2)
        assert hub.hub.spare_view() is None


def spare_process(env: dict[str, str] | None = None) -> subprocess.Popen[bytes]:
    proc = subprocess.Popen(
        [sys.executable, "-m", "nodeweave", "worker", "spare"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={**os.environ, **(env or {})},
    )
    assert proc.stdout is not None
    assert proc.stdout.readline().rstrip() == SPARE_READY.encode()
    return proc


def test_a_spare_ends_quietly_when_its_input_closes_and_refuses_a_bad_assignment() -> None:
    proc = spare_process()
    _, err = proc.communicate(b"", timeout=20)
    assert proc.returncode == 0 and err == b""
    proc = spare_process()
    _, err = proc.communicate(b'{"argv": "worker run x"}\n', timeout=20)
    assert proc.returncode == 2
    assert b"not an assignment" in err
    assert SPARE_READY.encode() == process.SPARE_READY  # the hub's copy of the line


def test_a_spare_imports_no_node_library_before_it_is_assigned() -> None:
    """FuncNodes reads where to keep its files when first imported: a spare must leave that
    to the worker it becomes (and heavy libraries to the workers that use them)."""
    code = (
        "import sys; from nodeweave.worker.spare import preload; preload(); "
        "print(sorted(m for m in ('funcnodes_core', 'pandas', 'numpy', 'plotly', 'duckdb')"
        " if m in sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, check=True, timeout=30
    ).stdout
    assert orjson.loads(out.replace(b"'", b'"')) == []


async def test_a_spare_fits_only_its_interpreter_and_startup_environment(tmp_path: Path) -> None:
    env = {"PATH": os.environ.get("PATH", ""), "PYTHONUNBUFFERED": "1"}
    spare = await Spare.start(sys.executable, env, tmp_path)
    try:
        await asyncio.wait_for(spare.warm.wait(), 30)
        assert spare.fits(sys.executable, {**env, "OTHER": "x"})
        assert not spare.fits("/elsewhere/python", env)
        assert not spare.fits(sys.executable, {**env, "PYTHONPATH": "/x"})
        assert startup_env({"PYTHONPATH": "a", "LD_PRELOAD": "b", "HOME": "c"}) == {
            "PYTHONPATH": "a",
            "LD_PRELOAD": "b",
        }
    finally:
        await spare.aclose()
    assert spare.proc.returncode == 0  # ended by its closed input, not killed
    assert not spare.fits(sys.executable, env)


async def test_a_worker_from_the_spare_outlives_its_hub_and_the_next_hub_adopts_it(
    open_hub: OpenHub, state: Path
) -> None:
    first = await open_hub()
    client = await first.connect()
    spare = await warm_spare(first)
    wid = await create(client, "kept", env=QUIET)
    record = await call(client, "start_worker", id=wid)
    assert record["pid"] == spare["pid"]
    idle = (await warm_spare(first, not_pid=spare["pid"]))["pid"]
    await first.close(stop_workers=False)  # as if the hub had died
    await wait_gone(idle)  # the idle spare goes with its hub …
    assert alive(record["pid"])  # … the worker it became does not
    second = await open_hub()
    client = await second.connect()
    [adopted] = await call(client, "list_workers")
    assert adopted["status"] == "running" and adopted["pid"] == record["pid"]
    await call(client, "stop_worker", id=wid)
    await wait_gone(record["pid"])


def test_an_idle_spare_ends_when_its_hub_is_killed(tmp_path: Path) -> None:
    """A hub killed with SIGKILL closes nothing: the spare sees its stdin end and exits."""
    hub = (
        "import os, signal, subprocess, sys\n"
        "spare = subprocess.Popen([sys.executable, '-m', 'nodeweave', 'worker', 'spare'],"
        " stdin=subprocess.PIPE, stdout=subprocess.PIPE, start_new_session=True)\n"
        "assert spare.stdout.readline().strip() == b'NODEWEAVE_SPARE_READY'\n"
        "print(spare.pid, flush=True)\n"
        "os.kill(os.getpid(), signal.SIGKILL)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", hub], capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == -signal.SIGKILL
    pid = int(done.stdout.strip())
    try:
        asyncio.run(wait_gone(pid, wait=10))
    finally:
        if alive(pid):
            os.kill(pid, signal.SIGKILL)


async def test_a_spare_handed_a_worker_before_it_is_warm_becomes_it_all_the_same(
    tmp_path: Path,
) -> None:
    """The assignment waits in the pipe while the spare still imports; the hub reads past its
    warm line to the worker's ready line."""
    state = make_state(tmp_path)
    folder = state / "workers" / "early"
    folder.mkdir(parents=True)
    env = {**os.environ, "FUNCNODES_CONFIG_DIR": str(state), "NODEWEAVE_TOKEN": TOKEN, **QUIET}
    spare = await Spare.start(sys.executable, env, state)
    assert not spare.warm.is_set()
    worker = await spare.hand_over(
        ("worker", "run", "early"),
        env=env,
        cwd=folder,
        log_path=folder / "worker.log",
        ready_timeout=30,
    )
    try:
        assert worker.pid == spare.pid and worker.info["worker_id"] == "early"
        async with await Client.connect(worker.url, TOKEN) as client:
            assert await call(client, "ping") == {"pong": True}
        with pytest.raises(RuntimeError):  # one worker only
            await spare.hand_over(
                ("worker", "run", "other"),
                env=env,
                cwd=folder,
                log_path=folder / "worker.log",
                ready_timeout=30,
            )
    finally:
        worker.signal(signal.SIGTERM)
        await worker.wait()
        await worker.aclose()
