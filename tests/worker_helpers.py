"""Builders for worker tests: a worker folder with test node modules, in-process or real."""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import os
import signal
import sys
from pathlib import Path
from typing import Any

import orjson

from nodeweave.worker.config import WorkerConfig

TOKEN = "test-token-0123456789"

TEST_MODULE = '''
"""Nodes for worker tests."""
import asyncio

from nodeweave import node
from nodeweave.core.context import NodeContext


@node(id="t.add1")
def add1(a: int) -> int:
    return a + 1


@node(id="t.add")
def add(a: int, b: int = 0) -> int:
    return a + b


@node(id="t.text")
def text(n: int = 10, char: str = "x") -> str:
    return char * n


@node(id="t.items")
def items(n: int = 10) -> list[int]:
    return list(range(n))


@node(id="t.fail")
def fail(a: int = 0) -> int:
    raise ValueError(f"boom {a}")


@node(id="t.slow")
async def slow(a: int = 0, seconds: float = 5.0, ctx: NodeContext = None) -> int:  # type: ignore
    for i in range(10):
        ctx.progress(i / 10, f"step {i}")
        await asyncio.sleep(seconds / 10)
    return a
'''


def make_worker_dir(root: Path, worker_id: str = "w1", module: str = TEST_MODULE) -> Path:
    directory = root / "workers" / worker_id
    (directory / "modules").mkdir(parents=True, exist_ok=True)
    (directory / "modules" / "testnodes.py").write_text(module)
    return directory


def config(root: Path, **overrides: Any) -> WorkerConfig:
    directory = make_worker_dir(root, overrides.pop("worker_id", "w1"))
    base = WorkerConfig(
        worker_id=directory.name,
        directory=directory,
        token=TOKEN,
        watch=False,
        entry_points=False,
        autosave_delay=0.02,
        autosave_max_delay=0.2,
        allowed_origins=frozenset({"http://127.0.0.1:9380"}),
    )
    return dataclasses.replace(base, **overrides)


# --- real worker processes --------------------------------------------------------------------

READY = "NODEWEAVE_READY "


class WorkerProcess:
    """A ``nodeweave worker run`` child: started, handshake read, always reaped."""

    def __init__(self, proc: asyncio.subprocess.Process, log: Path) -> None:
        self.proc = proc
        self.log = log
        self.info: dict[str, Any] = {}

    @property
    def pid(self) -> int:
        return self.proc.pid

    @property
    def url(self) -> str:
        return str(self.info["url"])

    async def ready(self, wait: float = 20.0) -> dict[str, Any]:
        assert self.proc.stdout is not None
        async with asyncio.timeout(wait):
            while True:
                line = await self.proc.stdout.readline()
                if not line:
                    raise AssertionError(f"worker exited before ready: {self.log.read_text()}")
                text = line.decode()
                if text.startswith(READY):
                    self.info = orjson.loads(text[len(READY) :])
                    return self.info

    async def wait(self, wait: float = 20.0) -> int:
        async with asyncio.timeout(wait):
            return await self.proc.wait()

    def signal(self, sig: int) -> None:
        # (reaped already but its return code not yet delivered to the loop: nothing to signal)
        if self.proc.returncode is None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.proc.pid, sig)

    async def kill(self) -> None:
        if self.proc.returncode is None:
            self.signal(signal.SIGKILL)
        await self.proc.wait()


def _new_log(state: Path, worker_id: str) -> Path:
    state.mkdir(parents=True, exist_ok=True)
    return state / f"{worker_id}-{len(list(state.glob('*.log')))}.log"


async def spawn_worker(
    state: Path,
    worker_id: str = "w1",
    *args: str,
    env: dict[str, str] | None = None,
    python: str | Path = sys.executable,
) -> WorkerProcess:
    """``nodeweave worker run`` with ``python`` (another environment's, e.g. a worker's own)."""
    log = _new_log(state, worker_id)
    full_env = {
        **os.environ,
        "FUNCNODES_CONFIG_DIR": str(state),
        "NODEWEAVE_LOG_LEVEL": "INFO",
        **(env or {}),
    }
    with log.open("ab") as err:
        proc = await asyncio.create_subprocess_exec(
            str(python),
            "-m",
            "nodeweave",
            "worker",
            "run",
            worker_id,
            *args,
            stdout=asyncio.subprocess.PIPE,
            stderr=err,
            env=full_env,
        )
    return WorkerProcess(proc, log)
