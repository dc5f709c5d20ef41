"""Builders for hub tests: a state directory, hubs run in-process, workers found by pid."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import sys
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import orjson
from aiohttp.test_utils import TestServer

from nodeweave.client import Client, RpcError
from nodeweave.state import lock_holder
from nodeweave.workermanager.app import HUB_KEY, create_app
from nodeweave.workermanager.config import HubConfig
from nodeweave.workermanager.service import Hub
from nodeweave.workermanager.supervisor import Policy

TOKEN = "hub-test-token-0123456789"
FAKE_WORKER = Path(__file__).resolve().parent / "fake_worker.py"

FAST = Policy(
    ready_timeout=3.0,
    polite_budget=0.5,
    term_budget=0.5,
    kill_budget=2.0,
    ping_interval=0.1,
    ping_timeout=0.2,
    pings_missed=2,
    backoff_base=0.05,
    max_crashes=3,
    crash_window=30.0,
)
"""Short budgets: every rung of every ladder is reached within a second or two."""


def make_state(root: Path) -> Path:
    """A state directory whose token file holds :data:`TOKEN` (real workers read it there)."""
    state = root / "state"
    state.mkdir(mode=0o700, parents=True, exist_ok=True)
    token = state / "token"
    token.write_text(TOKEN + "\n")
    token.chmod(0o600)
    return state


def fake_python(root: Path) -> str:
    """An executable that the hub takes for python: it runs :mod:`tests.fake_worker`."""
    script = root / "fake-python"
    script.write_text(f'#!/bin/sh\nexec "{sys.executable}" "{FAKE_WORKER}" "$@"\n')
    script.chmod(0o755)
    return str(script)


def worker_folder(state: Path, worker_id: str) -> Path:
    return state / "workers" / worker_id


def set_worker_env(state: Path, worker_id: str, **env: str) -> None:
    """Put variables into ``worker.json``'s ``env`` (read at every launch)."""
    path = worker_folder(state, worker_id) / "worker.json"
    data = orjson.loads(path.read_bytes())
    data["env"] = {**data.get("env", {}), **env}
    path.write_bytes(orjson.dumps(data))


def fake_pids(state: Path, worker_id: str) -> list[int]:
    """Every pid the fake worker of ``worker_id`` had, oldest first."""
    path = worker_folder(state, worker_id) / "fake.pids"
    try:
        return [int(line) for line in path.read_text().split()]
    except FileNotFoundError:
        return []


# --- processes ----------------------------------------------------------------------------------


def alive(pid: int) -> bool:
    """Whether ``pid`` runs (a zombie that nobody reaped yet counts as gone)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except (FileNotFoundError, ProcessLookupError):
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


async def wait_gone(pid: int, wait: float = 10.0) -> None:
    """Return once ``pid`` has exited (watched through a pidfd); fail after ``wait`` s."""
    try:
        fd = os.pidfd_open(pid)
    except ProcessLookupError:
        return
    loop = asyncio.get_running_loop()
    gone = loop.create_future()
    loop.add_reader(fd, lambda: gone.done() or gone.set_result(None))
    try:
        async with asyncio.timeout(wait):
            await gone
    except TimeoutError:
        raise AssertionError(f"pid {pid} still runs after {wait} s") from None
    finally:
        loop.remove_reader(fd)
        os.close(fd)


def state_processes(state: Path) -> list[int]:
    """Live processes started for ``state`` (their environment names it), this test's only."""
    marker = f"FUNCNODES_CONFIG_DIR={state}".encode()
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            environ = (entry / "environ").read_bytes()
        except OSError:
            continue
        if marker in environ.split(b"\0") and alive(int(entry.name)):
            found.append(int(entry.name))
    # A warm spare that became a worker shows its title where its environment was: its lock
    # names it.
    for lock in state.glob("workers/*/worker.lock"):
        pid = lock_holder(lock)
        if pid is not None and pid not in found and pid != os.getpid() and alive(pid):
            found.append(pid)
    return found


def worker_processes(state: Path, worker_id: str) -> list[int]:
    """Live ``… worker run <worker_id>`` processes of ``state``."""
    out = []
    for pid in state_processes(state):
        try:
            # (a warm spare that became a worker has its title set: one string, words in it)
            argv = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").split()
        except OSError:
            continue
        if any(
            argv[i : i + 3] == [b"worker", b"run", worker_id.encode()] for i in range(len(argv))
        ):
            out.append(pid)
    return out


def kill_all(state: Path) -> list[int]:
    """SIGKILL whatever still runs for ``state`` (a test's safety net); returns their pids."""
    pids = state_processes(state)
    for pid in pids:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    return pids


# --- hubs in this process -----------------------------------------------------------------------


class RunningHub:
    """A hub app served on a free port in this process, with RPC clients that close with it."""

    def __init__(self, config: HubConfig) -> None:
        self.config = config
        self.app = create_app(config)
        self.server = TestServer(self.app)
        self.clients: list[Client] = []
        self.closed = False

    @property
    def hub(self) -> Hub:
        return self.app[HUB_KEY]

    @property
    def ws_url(self) -> str:
        return str(self.server.make_url("/ws"))

    async def start(self) -> RunningHub:
        await self.server.start_server()
        return self

    async def connect(self, token: str | None = TOKEN, **kwargs: Any) -> Client:
        client = await Client.connect(self.ws_url, token, **kwargs)
        self.clients.append(client)
        await client.next_event("hello")
        return client

    async def close(self, *, stop_workers: bool = True) -> None:
        if self.closed:
            return
        self.closed = True
        if not stop_workers:
            self.app[HUB_KEY].stop_workers_on_close = False
        for client in self.clients:
            await client.close()
        await self.server.close()


async def call(client: Client, cmd: str, wait: float = 20.0, **kwargs: Any) -> Any:
    """One hub command, bounded: a hub that never replies fails the test instead of hanging it."""
    async with asyncio.timeout(wait):
        return await client.call(cmd, **kwargs)


async def error_of(client: Client, cmd: str, wait: float = 20.0, **kwargs: Any) -> RpcError:
    try:
        await call(client, cmd, wait, **kwargs)
    except RpcError as exc:
        return exc
    raise AssertionError(f"{cmd} {kwargs} succeeded")


async def status_event(
    client: Client,
    worker_id: str,
    *statuses: str,
    where: Callable[[dict[str, Any]], bool] | None = None,
    wait: float = 20.0,
) -> dict[str, Any]:
    """The next ``worker_status`` of ``worker_id`` in one of ``statuses`` (and matching
    ``where``): its record. Events before it are skipped."""
    event = await client.next_event(
        "worker_status",
        lambda d: (
            d["id"] == worker_id
            and (not statuses or d["status"] in statuses)
            and (where is None or where(d))
        ),
        wait=wait,
    )
    record: dict[str, Any] = event["data"]
    return record


OpenHub = Callable[..., Awaitable[RunningHub]]


@contextlib.asynccontextmanager
async def hub_opener(state: Path, **defaults: Any) -> AsyncIterator[OpenHub]:
    """Opens hubs on ``state`` (``HubConfig`` fields: ``defaults``, overridden per call), closes
    them all afterwards, and fails the test when a worker process outlives them."""
    hubs: list[RunningHub] = []

    async def open_(**overrides: Any) -> RunningHub:
        # No warm spare unless a test asks for one: most start workers on a fake interpreter.
        config = HubConfig(
            state=state, token=TOKEN, **{"warm_spare": False, **defaults, **overrides}
        )
        hub = await RunningHub(config).start()
        hubs.append(hub)
        return hub

    try:
        yield open_
    finally:
        try:
            for hub in hubs:
                await hub.close()
        finally:
            leftovers = kill_all(state)
    assert not leftovers, f"processes left running: {leftovers}"
