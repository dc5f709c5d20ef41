"""One worker process as the hub sees it: spawned (its child) or adopted (left by an earlier hub).

Shaped like jupyter_client's provisioner: ``spawn``/``adopt``, ``wait``, ``signal``, plus the
ready handshake. Exits are noticed at once: a child through ``waitpid`` (asyncio's child
watcher), an adopted process through a pidfd the event loop watches — never by polling.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
import os
import signal
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import orjson

from nodeweave.state.logs import rotate
from nodeweave.tasks import TaskGroup

log = logging.getLogger("nodeweave.workermanager")

READY_PREFIX = b"NODEWEAVE_READY "
SPARE_READY = b"NODEWEAVE_SPARE_READY"
"""What a warm spare prints once its imports are done (:mod:`nodeweave.worker.spare`)."""


@dataclasses.dataclass(frozen=True, slots=True)
class ExitInfo:
    code: int | None
    """The exit status; negative: killed by that signal; None: unknown (an adopted process)."""
    oom: bool = False

    def describe(self) -> str:
        if self.code is None:
            return "exited (exit status unknown: the process was adopted)"
        if self.code < 0:
            try:
                name = signal.Signals(-self.code).name
            except ValueError:
                name = f"signal {-self.code}"
            text = f"killed by {name}"
            if self.oom:
                text += " (out of memory)"
            return text
        return f"exited with status {self.code}"


class StartError(Exception):
    """The worker did not become ready: ``reason`` says why, ``log_tail`` shows its last words."""

    def __init__(self, reason: str, log_tail: list[str]) -> None:
        super().__init__(reason)
        self.reason = reason
        self.log_tail = log_tail


def log_tail(path: Path, lines: int = 40) -> list[str]:
    """The last ``lines`` lines of a log, reading only its end."""
    try:
        with path.open("rb") as fh:
            fh.seek(0, os.SEEK_END)
            size = fh.tell()
            fh.seek(max(0, size - 64 * 1024 * max(1, lines // 200 + 1)))
            data = fh.read()
    except FileNotFoundError:
        return []
    return data.decode("utf-8", "replace").splitlines()[-lines:]


def oom_kills() -> int | None:
    """The cgroup's count of out-of-memory kills (cgroup v2), when this system exposes it."""
    try:
        text = Path("/sys/fs/cgroup/memory.events").read_text()
    except OSError:
        return None
    for line in text.splitlines():
        key, _, value = line.partition(" ")
        if key == "oom_kill":
            return int(value)
    return None


class WorkerProcess:
    def __init__(
        self,
        pid: int,
        info: dict[str, Any],
        proc: asyncio.subprocess.Process | None,
        log_path: Path | None = None,
    ) -> None:
        self.pid = pid
        self._log_path = log_path if log_path is not None else Path(os.devnull)
        self.info = info
        self._proc = proc
        self._oom_at_start = oom_kills()
        self._exit: asyncio.Future[ExitInfo] = asyncio.get_running_loop().create_future()
        self._tasks = TaskGroup(log)
        self._pidfd: int | None = None
        if proc is not None:
            self._own(self._reap_child(proc), "reap")
        else:
            self._watch_pidfd()

    @property
    def adopted(self) -> bool:
        return self._proc is None

    @property
    def port(self) -> int:
        return int(self.info["port"])

    @property
    def url(self) -> str:
        return str(self.info["url"])

    @property
    def exited(self) -> bool:
        return self._exit.done()

    # --- creation -----------------------------------------------------------------------

    @classmethod
    async def spawn(
        cls,
        python: Path | str,
        argv: Sequence[str],
        *,
        log_path: Path,
        env: Mapping[str, str],
        ready_timeout: float,
        cwd: Path | None = None,
    ) -> WorkerProcess:
        """Start ``nodeweave *argv`` (``worker run ID …``) in its own process group; return once
        it is ready."""
        rotate(log_path)
        with log_path.open("ab") as log_file:
            proc = await asyncio.create_subprocess_exec(
                str(python),
                "-m",
                "nodeweave",
                *argv,
                stdin=asyncio.subprocess.DEVNULL,
                stdout=asyncio.subprocess.PIPE,
                stderr=log_file,
                env=dict(env),
                cwd=cwd,
                start_new_session=True,  # its own process group: signals to the hub's group
                # (Ctrl-C in the terminal) do not reach it, and it outlives the hub
            )
        return await cls.ready(proc, log_path, ready_timeout)

    @classmethod
    async def ready(
        cls, proc: asyncio.subprocess.Process, log_path: Path, ready_timeout: float
    ) -> WorkerProcess:
        """Wait for the handshake of a process that is becoming a worker (spawned for it, or a
        warm spare handed its identity); it is killed if it does not come in time."""
        assert proc.stdout is not None
        try:
            async with asyncio.timeout(ready_timeout):
                info = await _read_handshake(proc.stdout, log_path)
        except TimeoutError:
            _kill_group(proc.pid)
            await proc.wait()
            raise StartError(
                f"not ready within {ready_timeout:g} s (killed)", log_tail(log_path)
            ) from None
        except EOFError:
            code = await proc.wait()
            raise StartError(
                f"exited before it was ready: {ExitInfo(code).describe()}", log_tail(log_path)
            ) from None
        except BaseException:
            _kill_group(proc.pid)
            await proc.wait()
            raise
        return cls(proc.pid, info, proc, log_path)

    @classmethod
    def adopt(cls, pid: int, info: dict[str, Any]) -> WorkerProcess:
        """Take over a worker that an earlier hub started and left running."""
        return cls(pid, info, None)

    # --- control ------------------------------------------------------------------------

    async def wait(self) -> ExitInfo:
        return await asyncio.shield(self._exit)

    def signal(self, sig: int) -> None:
        """Signal the worker's process group (it leads it), if it is still there."""
        if not self._exit.done():
            _signal_group(self.pid, sig)

    async def aclose(self) -> None:
        """Stop watching (the process itself is left alone)."""
        if self._pidfd is not None:
            asyncio.get_running_loop().remove_reader(self._pidfd)
            os.close(self._pidfd)
            self._pidfd = None
        await self._tasks.aclose()

    # --- internals ----------------------------------------------------------------------

    def _own(self, coro: Any, name: str) -> None:
        self._tasks.spawn(coro, f"worker-{self.pid}-{name}")

    async def _reap_child(self, proc: asyncio.subprocess.Process) -> None:
        drain = asyncio.create_task(
            _drain(proc.stdout, self._log_path), name=f"worker-{self.pid}-stdout"
        )
        try:
            code = await proc.wait()
        finally:
            drain.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await drain
        self._finish(code)

    def _watch_pidfd(self) -> None:
        loop = asyncio.get_running_loop()
        if not USE_PIDFD:
            self._own(self._poll_exit(), "poll-exit")
            return
        try:
            fd = os.pidfd_open(self.pid)
        except ProcessLookupError:
            self._finish(None)
            return
        except OSError:  # pidfds refused here (an old kernel, a sandbox): poll instead
            self._own(self._poll_exit(), "poll-exit")
            return

        def gone() -> None:
            loop.remove_reader(fd)
            os.close(fd)
            self._pidfd = None
            self._finish(None)

        loop.add_reader(fd, gone)
        self._pidfd = fd

    async def _poll_exit(self) -> None:
        """Where there are no pidfds (macOS): look every ``POLL_EXIT`` seconds whether the
        process (not our child: adopted) is still there."""
        while _alive(self.pid):  # noqa: ASYNC110 - no event to wait for: the process is not ours
            await asyncio.sleep(POLL_EXIT)
        self._finish(None)

    def _finish(self, code: int | None) -> None:
        if self._exit.done():
            return
        oom = False
        if code == -signal.SIGKILL:
            now = oom_kills()
            oom = now is not None and self._oom_at_start is not None and now > self._oom_at_start
        self._exit.set_result(ExitInfo(code, oom))


async def _read_handshake(stream: asyncio.StreamReader, log_path: Path) -> dict[str, Any]:
    while True:
        line = await stream.readline()
        if not line:
            raise EOFError
        if line.startswith(READY_PREFIX):
            info: dict[str, Any] = orjson.loads(line[len(READY_PREFIX) :])
            return info
        if line.rstrip() == SPARE_READY:  # a spare handed over before it said it was warm
            continue
        with log_path.open("ab") as fh:  # anything else printed before ready: keep it
            fh.write(line)


async def _drain(stream: asyncio.StreamReader | None, log_path: Path) -> None:
    """Whatever reaches the worker's stdout after the handshake (its Python output goes to
    stderr; this is for native code writing to fd 1) goes to its log too."""
    if stream is None:
        return
    while chunk := await stream.read(65536):
        with log_path.open("ab") as fh:
            fh.write(chunk)


USE_PIDFD = hasattr(os, "pidfd_open")
"""Watch an adopted worker's exit through a pidfd (Linux); elsewhere poll (``POLL_EXIT``)."""
POLL_EXIT = 0.5


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # there, but not ours to signal
    return True


def _signal_group(pid: int, sig: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pid, sig)


def _kill_group(pid: int) -> None:
    _signal_group(pid, signal.SIGKILL)


def worker_env(
    state: Path, hub_port: int, extra: Mapping[str, str], token: str | None = None
) -> dict[str, str]:
    env = dict(os.environ)
    env.update(extra)
    env["FUNCNODES_CONFIG_DIR"] = str(state)
    env["NODEWEAVE_HUB_PORT"] = str(hub_port)
    if token is not None:
        env["NODEWEAVE_TOKEN"] = token  # the hub's: its clients reach the workers with it
    env.setdefault("PYTHONUNBUFFERED", "1")
    return env


def default_python() -> str:
    return sys.executable
