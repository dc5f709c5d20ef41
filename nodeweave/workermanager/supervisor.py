"""Keeps one worker in the state the user asked for: running (restarted after crashes, with
backoff and a crash-loop limit; killed and restarted when it hangs) or stopped (by a ladder:
the ``shutdown`` command, then SIGTERM, then SIGKILL, each with a time budget).

Every transition goes through one lock, so concurrent ``start`` calls start one process, and
any start/stop/restart in any state ends in a clear state or a clear error.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import dataclasses
import enum
import logging
import signal
import time
from collections.abc import Callable, Coroutine
from typing import Any, Final

import aiohttp
import orjson

from nodeweave.client import Client
from nodeweave.protocol import ErrorCode, ProtocolError
from nodeweave.tasks import TaskGroup

from .process import ExitInfo, StartError, WorkerProcess

log = logging.getLogger("nodeweave.workermanager")


class Status(enum.StrEnum):
    """A supervised worker's state (the protocol's ``WorkerStatus``)."""

    STOPPED = "stopped"
    STARTING = "starting"
    """Being started, or waiting to be restarted after a crash."""
    RUNNING = "running"
    STOPPING = "stopping"
    FAILED = "failed"
    """It did not start, or crashed or hung too often: it stays down until started by hand."""


TRANSITIONS: Final[dict[Status, frozenset[Status]]] = {
    # started by hand or by its autostart; adopted (it ran before this hub); failed before
    # this hub (kept in worker.json)
    Status.STOPPED: frozenset({Status.STARTING, Status.RUNNING, Status.FAILED}),
    # up; did not start (or crashed too often before it could); its start cancelled by a stop
    Status.STARTING: frozenset({Status.RUNNING, Status.FAILED, Status.STOPPED}),
    # stopped by hand; crashed or hung (to be restarted); crashed or hung too often; its
    # process already gone (a crash) when a stop arrived
    Status.RUNNING: frozenset({Status.STOPPING, Status.STARTING, Status.FAILED, Status.STOPPED}),
    Status.STOPPING: frozenset({Status.STOPPED}),
    # started again, or cleared, by hand; found running (started by hand without the hub)
    Status.FAILED: frozenset({Status.STARTING, Status.STOPPED, Status.RUNNING}),
}
"""Every change of state a supervisor may make; any other is a bug (:class:`TransitionError`)."""


class TransitionError(RuntimeError):
    """A supervisor tried a change of state that :data:`TRANSITIONS` does not allow."""


Launcher = Callable[[bool], Coroutine[Any, Any, WorkerProcess]]
"""Starts the worker's process (``True``: in safe start) and returns it once ready."""


@dataclasses.dataclass(frozen=True, slots=True)
class Policy:
    ready_timeout: float = 30.0
    polite_budget: float = 1.5
    """``shutdown`` over the protocol → exit (the worker saves)."""
    term_budget: float = 1.0
    kill_budget: float = 2.0
    max_crashes: int = 5
    """More crashes than this within ``crash_window`` seconds: the worker is marked failed."""
    crash_window: float = 60.0
    backoff_base: float = 0.1
    backoff_max: float = 10.0
    ping_interval: float = 2.0
    ping_timeout: float = 2.0
    pings_missed: int = 3
    """Consecutive unanswered health checks after which a worker counts as hung."""
    max_hangs: int = 3
    """This many hangs within ``hang_window`` seconds: the worker is marked failed. A hang takes
    a restart period or more to detect (``pings_missed`` health checks), far longer than a crash,
    so hangs are counted over their own, longer window: a graph that hangs on every start (it
    was saved with the culprit) fails at its third attempt and offers safe start."""
    hang_window: float = 600.0


@dataclasses.dataclass(frozen=True, slots=True)
class Verdict:
    """What to do after a worker that should run has exited (:func:`after_exit`)."""

    crashes: collections.deque[float]
    """The crash times still within the crash window, this one included."""
    hangs: collections.deque[float]
    fail: str | None
    """Mark it failed, with this reason; ``None``: restart it after ``delay`` seconds."""
    delay: float = 0.0


def after_exit(
    policy: Policy,
    crashes: collections.deque[float],
    hangs: collections.deque[float],
    now: float,
    *,
    hung: bool,
    reason: str,
) -> Verdict:
    """The restart policy, as a pure function of the exits so far and the clock.

    A hang counts toward ``max_hangs`` within ``hang_window`` (its own, longer window: a hang
    takes health checks to notice) and, like every exit, toward ``max_crashes`` within
    ``crash_window``. A restart waits ``backoff_base`` doubled per recent crash, at most
    ``backoff_max``. The inputs are not changed: the verdict carries the new counts.
    """
    crashes, hangs = collections.deque(crashes), collections.deque(hangs)
    if hung:
        hangs.append(now)
        while hangs and now - hangs[0] > policy.hang_window:
            hangs.popleft()
        if len(hangs) >= policy.max_hangs:
            return Verdict(
                crashes,
                hangs,
                f"hung {len(hangs)} times within {policy.hang_window:g} s; last: {reason}. "
                "Start it in safe start to remove or fix that node",
            )
    crashes.append(now)
    while crashes and now - crashes[0] > policy.crash_window:
        crashes.popleft()
    if len(crashes) > policy.max_crashes:
        return Verdict(
            crashes,
            hangs,
            f"crashed {len(crashes)} times within {policy.crash_window:g} s; last: {reason}",
        )
    delay = min(policy.backoff_max, policy.backoff_base * 2 ** (len(crashes) - 1))
    return Verdict(crashes, hangs, None, delay)


def _resumed(health: bytes) -> bool:
    """Whether a worker's /health says its graph runs (``paused`` false)."""
    try:
        data = orjson.loads(health)
    except orjson.JSONDecodeError:
        return False
    return isinstance(data, dict) and data.get("paused") is False


class Supervisor:
    def __init__(
        self,
        worker_id: str,
        *,
        launch: Launcher,
        token: str,
        policy: Policy,
        on_change: Callable[[Supervisor], None],
        http: Callable[[], aiohttp.ClientSession],
        tail: Callable[[], list[str]],
        beacon: Callable[[], dict[str, str] | None] = lambda: None,
    ) -> None:
        self.worker_id = worker_id
        self.status = Status.STOPPED
        self.error: str | None = None
        self.log_tail: list[str] | None = None
        self.last_stop_rung: str | None = None
        self._launch_process = launch
        self._token = token
        self._policy = policy
        self._on_change = on_change
        self._http = http
        self._tail = tail
        self._beacon = beacon
        self._hangs: collections.deque[float] = collections.deque()
        self.hung_node: dict[str, str] | None = None
        """The node the worker's loop was running when it last hung (its beacon), kept until a
        start by hand."""
        self._proc: WorkerProcess | None = None
        self._wanted = False
        self._lock = asyncio.Lock()
        self._crashes: collections.deque[float] = collections.deque()
        self._tasks = TaskGroup(log)
        """Every background task: the process watcher, the pinger, a pending restart."""
        self._restarter: asyncio.Task[None] | None = None
        self._spawning: asyncio.Task[WorkerProcess] | None = None
        self._stopping: set[WorkerProcess] = set()
        self.closed = False
        """Set by :meth:`aclose`: no start any more (the worker is being deleted)."""
        self._pinger: asyncio.Task[None] | None = None
        self._hung = False
        self.safe = False
        """The worker runs (or is to run) in safe start: its graph loaded, nothing computed."""

    # --- what clients see -----------------------------------------------------------------

    @property
    def process(self) -> WorkerProcess | None:
        return self._proc

    def view(self) -> dict[str, Any]:
        proc = self._proc if self.status is Status.RUNNING else None
        out: dict[str, Any] = {
            "status": str(self.status),
            "pid": proc.pid if proc else None,
            "port": proc.port if proc else None,
            "url": proc.url if proc else None,
            "error": self.error,
            "safe": self.safe and self.status in (Status.STARTING, Status.RUNNING),
            "hung_node": self.hung_node,
        }
        if self.status is Status.FAILED and self.log_tail:
            out["log_tail"] = self.log_tail
        return out

    # --- commands -----------------------------------------------------------------------

    async def start(self, *, safe: bool = False) -> None:
        """Start the worker (no-op when it runs); raises ``start_failed`` when it cannot.

        ``safe``: in safe start (its restarts after a crash too, until a start without it)."""
        if self.closed:
            raise ProtocolError(ErrorCode.NOT_FOUND, f"worker {self.worker_id} is being deleted")
        self._wanted = True
        self._cancel_restart()
        async with self._lock:
            if self.closed:
                raise ProtocolError(
                    ErrorCode.NOT_FOUND, f"worker {self.worker_id} is being deleted"
                )
            if self._proc is not None and not self._proc.exited:
                return
            self._crashes.clear()  # a start by hand gives a failed worker a fresh chance
            self._hangs.clear()
            self.hung_node = None
            self.safe = safe
            await self._launch()

    async def stop(self) -> None:
        """Stop the worker (no-op when it is stopped); a failed worker becomes stopped.

        A start in progress is cancelled (its process killed) rather than waited for.
        """
        self._wanted = False
        self._cancel_restart()
        if self._spawning is not None:
            self._spawning.cancel()
        async with self._lock:
            proc = self._proc
            if proc is None:
                if self.status is not Status.STOPPED:
                    self._set(Status.STOPPED, error=None)
                return
            self._set(Status.STOPPING)
            # No health checks while it stops: it closes its port first, then saves.
            await self._stop_pinger()
            started = time.monotonic()
            # Its exit is ours, not a crash — even if a start() is already waiting to run.
            self._stopping.add(proc)
            try:
                rung = await self._ladder(proc)
            finally:
                self._stopping.discard(proc)
            self.last_stop_rung = rung
            log.info(
                "worker %s stopped by %s in %.0f ms",
                self.worker_id,
                rung,
                1e3 * (time.monotonic() - started),
            )
            await self._forget(proc)
            self._set(Status.STOPPED, error=None)

    async def restart(self) -> None:
        await self.stop()
        await self.start()

    def mark_failed(self, reason: str) -> None:
        """Show a failure that happened before this hub (kept in worker.json)."""
        self._set(Status.FAILED, error=reason)

    def adopt(self, proc: WorkerProcess) -> None:
        """Supervise a worker that was already running when the hub started."""
        self._wanted = True
        self._attach(proc)
        log.info("worker %s: adopted (pid %d, %s)", self.worker_id, proc.pid, proc.url)
        self._set(Status.RUNNING, error=None)

    async def settled(self) -> None:
        """Wait until none of its background tasks is left: no crash being handled, no restart
        pending. (Only ends once it is stopped or failed: a running worker is health-checked.)"""
        await self._tasks.join()

    async def aclose(self) -> None:
        """Stop supervising; a running worker is left running (the next hub adopts it)."""
        self.closed = True
        self._wanted = False
        self._cancel_restart()
        await self._tasks.aclose()  # the watcher, the pinger and a pending restart
        if self._proc is not None:
            await self._proc.aclose()

    # --- internals ----------------------------------------------------------------------

    def _set(self, status: Status, **fields: Any) -> None:
        """Change state (raises :class:`TransitionError` for one :data:`TRANSITIONS` lacks)."""
        if status is not self.status and status not in TRANSITIONS[self.status]:
            raise TransitionError(f"worker {self.worker_id}: {self.status} → {status}")
        self.status = status
        for key, value in fields.items():
            setattr(self, key, value)
        if status is not Status.FAILED:
            self.log_tail = None
        self._on_change(self)

    async def _launch(self) -> None:
        """Under the lock: spawn, wait for the handshake, watch."""
        if self.status is not Status.STARTING:  # a restart after a crash said so, with why
            self._set(Status.STARTING)
        spawning = asyncio.create_task(
            self._launch_process(self.safe), name=f"spawn-{self.worker_id}"
        )
        self._spawning = spawning
        try:
            await asyncio.wait({spawning})
        finally:
            if not spawning.done():  # we were cancelled: so is the start
                spawning.cancel()
                with contextlib.suppress(BaseException):
                    await spawning
            self._spawning = None
        try:
            if spawning.cancelled():
                raise ProtocolError(
                    ErrorCode.INVALID_STATE,
                    f"the start of worker {self.worker_id} was cancelled by a stop",
                )
            proc = spawning.result()
        except StartError as exc:
            log.error("worker %s did not start: %s", self.worker_id, exc.reason)
            self._wanted = False
            self._set(Status.FAILED, error=exc.reason, log_tail=exc.log_tail)
            raise ProtocolError(
                ErrorCode.START_FAILED,
                f"worker {self.worker_id} did not start: {exc.reason}",
                {"log_tail": exc.log_tail},
            ) from None
        except BaseException:
            self._set(Status.STOPPED, error=None)
            raise
        self._attach(proc)
        log.info("worker %s running (pid %d, %s)", self.worker_id, proc.pid, proc.url)
        self._set(Status.RUNNING, error=None)

    def _attach(self, proc: WorkerProcess) -> None:
        self._proc = proc
        self._hung = False
        self._own(self._watch(proc), "watch")
        self._pinger = self._tasks.spawn(self._ping(proc), f"ping-{self.worker_id}")

    async def _forget(self, proc: WorkerProcess) -> None:
        if self._proc is proc:
            self._proc = None
        await self._stop_pinger()
        await proc.aclose()

    async def _stop_pinger(self) -> None:
        pinger, self._pinger = self._pinger, None
        if pinger is not None:
            pinger.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await pinger

    async def _ladder(self, proc: WorkerProcess) -> str:
        """Ask, then SIGTERM, then SIGKILL; returns the rung that ended it."""
        p = self._policy
        with contextlib.suppress(TimeoutError, OSError, aiohttp.ClientError, ConnectionError):
            async with asyncio.timeout(p.polite_budget):
                client = await Client.connect(proc.url, self._token)
                try:
                    await client.call("shutdown")
                finally:
                    await client.close()
                await proc.wait()
        if proc.exited:
            return "shutdown command"
        log.warning("worker %s: no exit after the shutdown command; SIGTERM", self.worker_id)
        proc.signal(signal.SIGTERM)
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(p.term_budget):
                await proc.wait()
                return "SIGTERM"
        log.warning("worker %s ignored SIGTERM; SIGKILL", self.worker_id)
        proc.signal(signal.SIGKILL)
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(p.kill_budget):
                await proc.wait()
                return "SIGKILL"
        log.error("worker %s (pid %d) survived SIGKILL", self.worker_id, proc.pid)
        return "unkillable"

    async def _watch(self, proc: WorkerProcess) -> None:
        info = await proc.wait()
        if self._proc is not proc or not self._wanted or proc in self._stopping:
            return  # a stop we asked for, or a process we already replaced
        await self._crashed(proc, info)

    def _hang_reason(self) -> str:
        node = self.hung_node
        if node is None:
            return "hung (no answer to health checks); killed"
        return f"hung while running node {node['uuid']} (type {node['node_id']}); killed"

    async def _crashed(self, proc: WorkerProcess, info: ExitInfo) -> None:
        hung = self._hung
        reason = self._hang_reason() if hung else info.describe()
        folder_tail = self._tail()
        log.error("worker %s (pid %d) %s", self.worker_id, proc.pid, reason)
        await self._forget(proc)
        if not self._wanted:
            return  # a stop arrived meanwhile and has set the status
        verdict = after_exit(
            self._policy, self._crashes, self._hangs, time.monotonic(), hung=hung, reason=reason
        )
        self._crashes, self._hangs = verdict.crashes, verdict.hangs
        if verdict.fail is not None:
            self._wanted = False
            self._set(Status.FAILED, error=verdict.fail, log_tail=folder_tail)
            return
        self._set(Status.STARTING, error=f"restarting after: {reason}")
        self._restarter = self._tasks.spawn(
            self._restart_after(verdict.delay), f"restart-{self.worker_id}"
        )

    async def _restart_after(self, delay: float) -> None:
        await asyncio.sleep(delay)
        async with self._lock:
            if not self._wanted or self._proc is not None:
                return
            with contextlib.suppress(ProtocolError):  # reported as status "failed"
                await self._launch()

    def _cancel_restart(self) -> None:
        if self._restarter is not None and not self._restarter.done():
            self._restarter.cancel()
        self._restarter = None

    async def _ping(self, proc: WorkerProcess) -> None:
        """Health checks; a worker that stops answering (its loop is stuck) is killed."""
        p = self._policy
        missed = 0
        url = f"http://127.0.0.1:{proc.port}/health"
        while not proc.exited:
            await asyncio.sleep(p.ping_interval)
            try:
                async with asyncio.timeout(p.ping_timeout), self._http().get(url) as resp:
                    body = await resp.read()
                    missed = 0 if resp.status == 200 else missed + 1
                if self.safe and resp.status == 200 and _resumed(body):
                    self.safe = (
                        False  # its graph was run (the resume command): a safe start no more
                    )
                    self._on_change(self)
            except (TimeoutError, aiohttp.ClientError, OSError):
                missed += 1
            if missed >= p.pings_missed and not proc.exited:
                self.hung_node = self._beacon()
                running = (
                    f" (its loop is running node {self.hung_node['uuid']}, "
                    f"type {self.hung_node['node_id']})"
                    if self.hung_node
                    else ""
                )
                log.error("worker %s does not answer%s; killing it", self.worker_id, running)
                self._hung = True
                proc.signal(signal.SIGKILL)
                return

    def _own(self, coro: Any, name: str) -> None:
        self._tasks.spawn(coro, f"{name}-{self.worker_id}")
