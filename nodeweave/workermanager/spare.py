"""The hub's warm spare: one process with a worker's imports done, waiting to become a worker.

Most of a worker's cold start is its interpreter starting and importing aiohttp, pydantic and
the engine. A spare (``nodeweave worker spare``, :mod:`nodeweave.worker.spare`) has done that
already; ``start_worker`` for a worker that runs on the hub's interpreter hands it the worker's
identity — arguments, environment, folder, log — and waits for the same ready line a cold start
prints. The hub then starts the next spare in the background.

A spare serves one worker, once: from the hand-over on it *is* that worker (its pid, its
process group, its lock). It is never handed to a second worker and never taken back. An idle
spare ends when its stdin closes — when the hub closes it, and when the hub dies.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import signal
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import orjson

from nodeweave.state.logs import rotate

from .process import SPARE_READY, WorkerProcess

log = logging.getLogger("nodeweave.workermanager")

STARTUP_ENV_PREFIXES = ("PYTHON", "LD_", "MALLOC_")
"""Environment variables read when an interpreter starts (the import path, the hash seed, the
allocator, the dynamic loader): a worker whose environment sets them differently from the
spare's cannot become it — it starts cold."""


def startup_env(env: Mapping[str, str]) -> dict[str, str]:
    return {k: v for k, v in env.items() if k.startswith(STARTUP_ENV_PREFIXES)}


class SpareGone(Exception):
    """The spare ended before it could be handed a worker (the caller starts one cold)."""


class Spare:
    def __init__(self, proc: asyncio.subprocess.Process, python: str, env: Mapping[str, str]):
        self.proc = proc
        self.python = python
        self._startup = startup_env(env)
        self.used = False
        self.warm = asyncio.Event()
        """Set once it has said it is warm (its imports done)."""
        self._watch = asyncio.create_task(self._until_warm(), name=f"spare-{proc.pid}")

    @classmethod
    async def start(cls, python: str, env: Mapping[str, str], cwd: Path) -> Spare:
        proc = await asyncio.create_subprocess_exec(
            python,
            "-m",
            "nodeweave",
            "worker",
            "spare",
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            # Until it is handed a worker it writes nothing, unless it cannot start at all: then
            # its words belong where the hub's own go.
            stderr=None,
            env=dict(env),
            cwd=cwd,
            start_new_session=True,  # as a cold worker: it outlives the hub once it is one
        )
        return cls(proc, python, env)

    @property
    def pid(self) -> int:
        return self.proc.pid

    @property
    def alive(self) -> bool:
        return self.proc.returncode is None

    def fits(self, python: str, env: Mapping[str, str]) -> bool:
        """Whether a worker of this interpreter and environment can be started from it."""
        return (
            not self.used
            and self.alive
            and python == self.python
            and startup_env(env) == self._startup
        )

    def rss_bytes(self) -> int | None:
        try:
            with open(f"/proc/{self.pid}/statm", "rb") as fh:
                return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
        except (OSError, ValueError, IndexError):
            return None

    def view(self) -> dict[str, Any]:
        return {"pid": self.pid, "warm": self.warm.is_set(), "rss_bytes": self.rss_bytes()}

    async def hand_over(
        self,
        argv: Sequence[str],
        *,
        env: Mapping[str, str],
        cwd: Path,
        log_path: Path,
        ready_timeout: float,
    ) -> WorkerProcess:
        """Make it the worker ``nodeweave *argv`` in ``cwd`` would start; return once that
        worker is ready (:class:`StartError` as for a cold start). :class:`SpareGone` when it
        ended before taking the assignment — then nothing has happened to the worker."""
        if self.used:
            raise RuntimeError("a spare serves one worker only")
        self.used = True
        self._watch.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._watch
        stdin = self.proc.stdin
        assert stdin is not None
        if not self.alive:
            raise SpareGone(f"the spare (pid {self.pid}) had ended")
        rotate(log_path)
        job = {"argv": list(argv), "env": dict(env), "cwd": str(cwd), "log": str(log_path)}
        try:
            stdin.write(orjson.dumps(job) + b"\n")
            await stdin.drain()
            stdin.close()
        except (BrokenPipeError, ConnectionResetError) as exc:
            await self.proc.wait()
            raise SpareGone(f"the spare (pid {self.pid}) had ended") from exc
        return await WorkerProcess.ready(self.proc, log_path, ready_timeout)

    async def aclose(self, wait: float = 2.0) -> None:
        """End an idle spare (closing its stdin; killed if that does not end it in time)."""
        if self.used:
            return
        self.used = True
        self._watch.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._watch
        if self.proc.stdin is not None:
            self.proc.stdin.close()
        try:
            async with asyncio.timeout(wait):
                await self.proc.wait()
        except TimeoutError:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(self.pid, signal.SIGKILL)
            await self.proc.wait()

    async def _until_warm(self) -> None:
        assert self.proc.stdout is not None
        while line := await self.proc.stdout.readline():
            if line.rstrip() != SPARE_READY:
                continue
            self.warm.set()
            rss = self.rss_bytes()
            log.info(
                "warm spare ready (pid %d, RSS %s)",
                self.pid,
                f"{rss / 2**20:.1f} MB" if rss is not None else "unknown",
            )
            return
        code = await self.proc.wait()
        log.warning("the warm spare (pid %d) ended before it was warm (status %s)", self.pid, code)
