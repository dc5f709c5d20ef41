"""``nodeweave up``: the hub in the foreground, from its lock to a clean stop of its workers.

One hub per state directory (``hub.lock``); ``hub.json`` says where it listens, for the CLI and
for a second ``up`` that has to say where the running one is.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import signal
import socket
import sys
import time
import webbrowser

import orjson
from aiohttp import web

from nodeweave.state import FileLock, LockHeldError, atomic_write

from .app import create_app
from .config import HubConfig
from .hubfile import HUB_FILE, HUB_LOCK, hub_info

log = logging.getLogger("nodeweave.workermanager")


def ui_url(host: str, port: int, token: str | None) -> str:
    shown = "127.0.0.1" if host in ("0.0.0.0", "", "::") else host
    return f"http://{shown}:{port}/" + (f"?token={token}" if token else "")


async def serve(config: HubConfig, *, open_browser: bool) -> int:
    config.state.mkdir(parents=True, exist_ok=True)
    lock = FileLock(config.state / HUB_LOCK, what="the hub")
    try:
        lock.acquire()
    except LockHeldError as exc:
        info = hub_info(config.state) or {}
        where = f" at {info['url']}" if "url" in info else ""
        pid = f" (pid {exc.pid})" if exc.pid else ""
        print(
            f"nodeweave up: a hub is already running for {config.state}{pid}{where}",
            file=sys.stderr,
        )
        return 1
    runner: web.AppRunner | None = None
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    try:
        # The port first: an `up` that cannot listen must not adopt, start or stop any worker.
        try:
            sock = _listen(config.host, config.port)
        except OSError as exc:
            print(
                f"nodeweave up: cannot listen on {config.host}:{config.port}: {exc}",
                file=sys.stderr,
            )
            return 1
        app = create_app(config)
        runner = web.AppRunner(
            app,
            handle_signals=False,
            access_log=None,
            shutdown_timeout=0.5,
            keepalive_timeout=config.idle_timeout,  # also bounds a handshake that never comes
        )
        await runner.setup()
        await web.SockSite(runner, sock).start()
        url = ui_url(config.host, config.port, config.token)
        info = {
            "pid": os.getpid(),
            "host": config.host,
            "port": config.port,
            "url": ui_url(config.host, config.port, None),
            "ws": f"ws://127.0.0.1:{config.port}/ws",
            "started": time.time(),
        }
        atomic_write(config.state / HUB_FILE, orjson.dumps(info, option=orjson.OPT_INDENT_2))
        print(f"nodeweave hub on {url}", flush=True)
        if open_browser:
            with contextlib.suppress(Exception):
                await asyncio.to_thread(webbrowser.open, url)
        await stop.wait()
        started = time.perf_counter()
        log.info("hub stopping: stopping its workers")
        await runner.cleanup()
        runner = None
        log.info("hub stopped in %.0f ms", 1e3 * (time.perf_counter() - started))
        return 0
    finally:
        if runner is not None:
            await runner.cleanup()
        (config.state / HUB_FILE).unlink(missing_ok=True)
        lock.release()


def _listen(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
        sock.listen(128)
        sock.setblocking(False)
    except OSError:
        sock.close()
        raise
    return sock


def run(config: HubConfig, *, open_browser: bool) -> int:
    logging.basicConfig(
        level=os.environ.get("NODEWEAVE_LOG_LEVEL", "INFO").upper(),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    return asyncio.run(serve(config, open_browser=open_browser))
