"""Builders for the browser tests: a real ``nodeweave up`` hub and the system Chromium.

The hub runs as its own process on a free 127.0.0.1 port with a temporary state directory; it is
stopped by pid (SIGTERM, then SIGKILL) and anything left of its workers is killed by pid too.
Chromium is the system one (``apt-get install chromium``), launched by its path: Playwright never
downloads a browser here.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Coroutine, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Locator, Page, sync_playwright

from nodeweave.client import Client

from .hub_helpers import TOKEN, kill_all, make_state

HUB_LINE = "nodeweave hub on "
ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = Path(os.environ.get("NODEWEAVE_ARTIFACTS", ROOT / "test-artifacts")) / "ui"


def chromium_path() -> str | None:
    """The system Chromium: ``NODEWEAVE_CHROMIUM``, else the first one on PATH."""
    explicit = os.environ.get("NODEWEAVE_CHROMIUM")
    if explicit:
        return explicit
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        found = shutil.which(name)
        if found:
            return found
    return None


CHROMIUM_ARGS = [
    "--no-sandbox",  # CI runs as root in a container
    "--disable-dev-shm-usage",
    "--disable-gpu",
    "--disable-extensions",
    "--no-first-run",
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class HubProcess:
    """``nodeweave up`` on a free port with its own state directory (token: ``TOKEN``)."""

    def __init__(
        self, root: Path, env: dict[str, str] | None = None, port: int | None = None
    ) -> None:
        self.root = root
        self.state = make_state(root)
        self.port = port or free_port()
        self.log = root / "hub.log"
        env = {
            **os.environ,
            "FUNCNODES_CONFIG_DIR": str(self.state),
            "NODEWEAVE_LOG_LEVEL": "INFO",
            **(env or {}),
        }
        with self.log.open("ab") as err:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "nodeweave", "up", "--no-browser", "--port", str(self.port)],
                stdout=subprocess.PIPE,
                stderr=err,
                env=env,
                start_new_session=True,
            )
        assert self.proc.stdout is not None
        line = self.proc.stdout.readline().decode()
        if not line.startswith(HUB_LINE):
            self.close()
            raise AssertionError(f"hub did not start: {line!r}\n{self.log.read_text()}")
        self.url = f"http://127.0.0.1:{self.port}/"
        self.ws = f"ws://127.0.0.1:{self.port}/ws"

    def page_url(self, worker: str | None = None, *, token: bool = True) -> str:
        url = self.url + (f"?token={TOKEN}" if token else "")
        return url + (f"#/w/{worker}" if worker else "")

    def call(self, cmd: str, **kwargs: Any) -> Any:
        """One hub command over the RPC."""
        return _run(_call(self.ws, cmd, kwargs))

    def worker_call(self, worker_id: str, cmd: str, **kwargs: Any) -> Any:
        """One command to a running worker, at the URL the hub gives for it."""
        record = self.call("get_worker", id=worker_id)
        assert record["url"], record
        return _run(_call(record["url"], cmd, kwargs))

    def new_worker(self, name: str, *, start: bool = True) -> dict[str, Any]:
        record: dict[str, Any] = self.call("create_worker", name=name)
        if start:
            record = self.call("start_worker", id=record["id"])
        return record

    def close(self) -> None:
        try:
            if self.proc.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(self.proc.pid, signal.SIGTERM)
                try:
                    self.proc.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    with contextlib.suppress(ProcessLookupError):
                        os.kill(self.proc.pid, signal.SIGKILL)
                    self.proc.wait(timeout=5)
            if self.proc.stdout is not None:
                self.proc.stdout.close()
        finally:
            kill_all(self.state)


def _run(coro: Coroutine[Any, Any, Any]) -> Any:
    """Run ``coro`` to completion in a thread of its own (Playwright's sync API owns this one's loop)."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coro).result()


async def _call(url: str, cmd: str, kwargs: dict[str, Any]) -> Any:
    client = await Client.connect(url, token=TOKEN)
    try:
        return await client.call(cmd, **kwargs)
    finally:
        await client.close()


def wait_until(check: Any, timeout: float = 10.0, interval: float = 0.05) -> Any:
    """Poll ``check()`` until it returns something truthy; fail after ``timeout`` s."""
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"condition not met within {timeout} s: {check}")
        time.sleep(interval)


@contextlib.contextmanager
def hub_process(root: Path, env: dict[str, str] | None = None) -> Iterator[HubProcess]:
    hub = HubProcess(root, env)
    try:
        yield hub
    finally:
        hub.close()


def upload_file(hub: HubProcess, worker_id: str, name: str, data: bytes) -> str:
    """Put a file into a running worker's ``files/`` folder (``POST /files?name=``, raw body);
    returns the path the worker gives for it."""
    import json
    import urllib.request

    record = hub.call("get_worker", id=worker_id)
    base = str(record["url"]).replace("ws://", "http://").removesuffix("/ws")
    request = urllib.request.Request(
        f"{base}/files?name={name}",
        data=data,
        method="POST",
        headers={"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/octet-stream"},
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return str(json.loads(response.read())["path"])


# --- the browser and its pages (one copy for every browser test module) ----------------------


@contextlib.contextmanager
def launch_chromium() -> Iterator[Browser]:
    """The system Chromium, launched by path (no browser download), closed at the end."""
    path = chromium_path()
    if path is None:
        pytest.fail(
            "the browser tests need the system Chromium: apt-get install -y chromium "
            "(or point NODEWEAVE_CHROMIUM at a Chromium binary)"
        )
    with sync_playwright() as p:
        launched = p.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
        try:
            yield launched
        finally:
            launched.close()


class PageErrors(list[str]):
    """Uncaught exceptions in the page (console noise such as a refused reconnect is allowed)."""


@contextlib.contextmanager
def open_page(browser: Browser, width: int, height: int, **context: Any) -> Iterator[Page]:
    """A page in a fresh browser context; fails the test if the page raised anything."""
    ctx = browser.new_context(viewport={"width": width, "height": height}, **context)
    opened = ctx.new_page()
    errors = PageErrors()
    opened.on("pageerror", lambda exc: errors.append(str(exc)))
    try:
        yield opened
    finally:
        ctx.close()
    assert not errors, errors


def shot(page: Page, name: str) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path))
    return path


def card(page: Page, uuid: str) -> Locator:
    return page.locator(f'[data-testid="node-card"][data-uuid="{uuid}"]')
