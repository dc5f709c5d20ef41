"""``nodeweave worker run ID``: one worker in the foreground, from lock to clean exit.

Start-up order matters for the hub: take the lock (a second instance stops here), build the app
and load the modules and the saved graph, bind the port, and only then announce readiness — a
line ``NODEWEAVE_READY {json}`` on stdout and ``runtime.json`` in the worker's folder — so whoever
reads the handshake can send requests at once. Stop (SIGTERM, SIGINT or the ``shutdown``
command): close the clients, save, remove ``runtime.json``, release the lock, exit 0.
"""

from __future__ import annotations

import asyncio
import gc
import logging
import os
import signal
import sys
import time
from typing import Any, TextIO

import orjson
from aiohttp import web

from nodeweave.protocol import PROTOCOL_VERSION
from nodeweave.state import LOCK_FILE, LOG_FILE, FileLock, LockHeldError, atomic_write
from nodeweave.state.logs import LogCap

from .app import COMPUTE_LATER_KEY, WORKER_KEY, create_app
from .config import WorkerConfig

log = logging.getLogger("nodeweave.worker")

READY_PREFIX = "NODEWEAVE_READY "
EXIT_OK = 0
EXIT_FAILED = 1


def handshake(config: WorkerConfig, port: int) -> dict[str, Any]:
    host = "127.0.0.1" if config.host in ("0.0.0.0", "") else config.host
    return {
        "worker_id": config.worker_id,
        "pid": os.getpid(),
        "host": host,
        "port": port,
        "url": f"ws://{host}:{port}/ws",
        "protocol_version": PROTOCOL_VERSION,
        "started": time.time(),
    }


async def serve(config: WorkerConfig, *, out: TextIO | None = None) -> int:
    """Run the worker until it is asked to stop; returns the exit code."""
    out = sys.stdout if out is None else out
    config.directory.mkdir(parents=True, exist_ok=True)
    lock = FileLock(config.directory / LOCK_FILE)
    try:
        lock.acquire()
    except LockHeldError as exc:
        holder = f" (pid {exc.pid})" if exc.pid is not None else ""
        print(
            f"nodeweave worker: worker {config.worker_id} is already running{holder}; "
            f"its lock is {exc.path}",
            file=sys.stderr,
        )
        return EXIT_FAILED
    runner: web.AppRunner | None = None
    try:
        app = create_app(config)
        app[COMPUTE_LATER_KEY] = True  # begun below, once the hub has read that we are ready
        worker = app[WORKER_KEY]
        # Before anything slow: a SIGTERM during start-up must still end in a clean stop.
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, worker.stop_requested.set)
        runner = web.AppRunner(
            app,
            handle_signals=False,
            access_log=None,
            shutdown_timeout=0.5,
            keepalive_timeout=config.idle_timeout,  # also bounds a handshake that never comes
        )
        await runner.setup()
        site = web.TCPSite(runner, config.host, config.port)
        try:
            await site.start()
        except OSError as exc:
            print(
                f"nodeweave worker: cannot listen on {config.host}:{config.port}: {exc}",
                file=sys.stderr,
            )
            return EXIT_FAILED
        port = int(runner.addresses[0][1])
        # Everything imported so far lives as long as the process: keep it out of every later
        # garbage collection (and out of the final one at exit, which makes stopping faster).
        gc.collect()
        gc.freeze()
        info = handshake(config, port)
        atomic_write(config.runtime_path, orjson.dumps(info, option=orjson.OPT_INDENT_2))
        out.write(READY_PREFIX + orjson.dumps(info).decode() + "\n")
        out.flush()
        log.info("worker %s ready on %s (pid %d)", config.worker_id, info["url"], os.getpid())
        await worker.begin()
        await worker.stop_requested.wait()
        log.info("worker %s stopping", config.worker_id)
        started = time.perf_counter()
        await runner.cleanup()
        runner = None
        log.info(
            "worker %s stopped in %.0f ms", config.worker_id, 1e3 * (time.perf_counter() - started)
        )
        return EXIT_FAILED if worker.wake_failed else EXIT_OK
    finally:
        if runner is not None:
            await runner.cleanup()
        config.runtime_path.unlink(missing_ok=True)
        lock.release()


SWITCH_INTERVAL = 0.0005
"""Seconds a thread may hold the GIL while another waits (see :func:`run`)."""


FUNCNODES_HOME = "funcnodes"
"""In a worker's folder: the config and logs of the FuncNodes code it runs."""


def run(config: WorkerConfig) -> int:
    logging.basicConfig(
        level=os.environ.get("NODEWEAVE_LOG_LEVEL", "INFO").upper(),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    # stdout carries the handshake only: whatever node modules print goes to stderr (the log).
    handshake_out, sys.stdout = sys.stdout, sys.stderr
    # A worker started by the hub writes its stderr into its folder's log: kept bounded.
    cap = LogCap(config.directory / LOG_FILE)
    cap.start()
    # A thread node computing in pure Python holds the GIL for up to the switch interval each
    # time the event loop wants it back (5 ms by default, several times per request): a shorter
    # interval keeps RPC answers within a few milliseconds while such a node runs.
    sys.setswitchinterval(SWITCH_INTERVAL)
    if config.funcnodes and "funcnodes_core" not in sys.modules:
        # FuncNodes writes its config and logs into FUNCNODES_CONFIG_DIR, which is also this
        # state directory (FuncNodes' own workers live there): FuncNodes code running in this
        # worker keeps them in the worker's folder instead, and FuncNodes' files stay as they
        # are. (The state directory was read above; nothing here reads it again.)
        os.environ["FUNCNODES_CONFIG_DIR"] = str(config.directory / FUNCNODES_HOME)
    try:
        return asyncio.run(serve(config, out=handshake_out))
    finally:
        cap.stop()
        sys.stdout = handshake_out
