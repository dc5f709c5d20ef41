"""Shared by the test modules: the Hypothesis profiles; every received frame checked against its
protocol model; a worker app in this process with an RPC
client (a module may define its own ``worker_config`` or ``http``); for the browser tests one
Chromium per module and a fresh page per test.

(Each module starts its own hub, with the environment its tests need.)
"""

from __future__ import annotations

import atexit
import logging
import os
import tempfile
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestClient
from hypothesis import settings
from playwright.sync_api import Browser, Page

from nodeweave.client import Client
from nodeweave.tasks import FAILED_TASK
from nodeweave.worker.app import create_app
from nodeweave.worker.config import WorkerConfig

from .protocol_check import check_frame
from .ui_helpers import launch_chromium, open_page
from .worker_helpers import TOKEN, config

# FuncNodes writes its config and logs into FUNCNODES_CONFIG_DIR (default ~/.funcnodes) when
# funcnodes_core is imported: in this process, that is a folder of the test session's own.
_FUNCNODES_HOME = tempfile.TemporaryDirectory(prefix="nodeweave-test-funcnodes-")
os.environ["FUNCNODES_CONFIG_DIR"] = _FUNCNODES_HOME.name
atexit.register(_FUNCNODES_HOME.cleanup)
# uv (worker packages) keeps its cache in the session's folder too, not in ~/.cache/uv.
os.environ.setdefault("UV_CACHE_DIR", os.path.join(_FUNCNODES_HOME.name, "uv-cache"))
# Workers the tests start leave installed FuncNodes modules out unless a test asks for them
# (tests/test_funcnodes_worker.py): importing numpy, pandas and plotly in every worker is slow.
os.environ["NODEWEAVE_FUNCNODES"] = "off"

# Property tests: bounded in CI (the protocol fuzzer sends about 2,000 frames);
# `pytest --hypothesis-profile=long` runs longer campaigns.
settings.register_profile("ci", max_examples=20)
settings.register_profile("long", max_examples=400)
settings.load_profile("ci")


@pytest.fixture(autouse=True)
def protocol_frames_checked() -> Iterator[None]:
    """Every result and event a test receives through ``Client`` is checked against its
    protocol model: a bad result fails its call, a bad event fails the test at its end."""
    problems: list[str] = []

    def check(frame: dict[str, Any], cmd: str | None, hello: dict[str, Any] | None) -> str | None:
        problem = check_frame(frame, cmd, hello)
        if problem is not None:
            problems.append(problem)
        return problem

    Client.frame_check = check
    try:
        yield
    finally:
        Client.frame_check = None
    assert not problems, "frames that do not match the protocol:\n" + "\n".join(problems[:10])


class _FailedTasks(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.failures: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        if record.msg == FAILED_TASK:
            self.failures.append(self.format(record))


@pytest.fixture(autouse=True)
def no_background_task_fails() -> Iterator[None]:
    """A background task of a TaskGroup that fails (e.g. a supervisor's invalid change of
    state, :class:`~nodeweave.workermanager.supervisor.TransitionError`) fails the test."""
    handler = _FailedTasks()
    logger = logging.getLogger("nodeweave")
    logger.addHandler(handler)
    try:
        yield
    finally:
        logger.removeHandler(handler)
    assert not handler.failures, "\n".join(handler.failures)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with launch_chromium() as launched:
        yield launched


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    with open_page(browser, 1440, 900) as opened:
        yield opened


@pytest.fixture
def worker_config(tmp_path: Path) -> WorkerConfig:
    return config(tmp_path)


@pytest.fixture
async def http(aiohttp_client: Any, worker_config: WorkerConfig) -> TestClient[Any, Any]:
    """A worker app (``create_app``) served in this process."""
    client: TestClient[Any, Any] = await aiohttp_client(create_app(worker_config))
    return client


@pytest.fixture
async def rpc(http: TestClient[Any, Any]) -> AsyncIterator[Client]:
    """An RPC client of that worker, past its ``hello``."""
    client = await Client.connect(str(http.make_url("/ws")), TOKEN)
    await client.next_event("hello")
    yield client
    await client.close()
