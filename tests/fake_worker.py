"""A misbehaving stand-in for ``nodeweave worker run ID``, for the hub's supervision tests.

The hub runs ``<python> -m nodeweave worker run ID``; the tests point ``HubConfig.python`` at a
shell script (:func:`tests.hub_helpers.fake_python`) that runs this file with those arguments.
``FAKE_WORKER_MODE`` (set in the worker's ``worker.json`` ``env``) picks the misbehaviour:

- ``crash_on_start``: a few words on stderr, exit 3 before any handshake.
- ``never_ready``: sleeps forever, no handshake.
- ``well_behaved``: ready; ``shutdown`` or SIGTERM end it with status 0.
- ``ignore_shutdown``: ready; answers ``shutdown`` without exiting; SIGTERM ends it.
- ``ignore_term``: ready; answers ``shutdown`` without exiting, ignores SIGTERM.
- ``slow_save``: ready; on ``shutdown`` or SIGTERM it closes its port (no more health checks),
  takes a second to "save", writes ``saved`` into its folder and exits with status 0.
- ``hang_after_ready``: ready, answers health checks for a moment, then blocks its event loop.
- ``crash_after_ready``: ready, then exits with status 1 a moment later.

Every start appends its pid to ``<worker folder>/fake.pids``, so tests can count incarnations
and check that each one is gone.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import sys
import time
from pathlib import Path

PIDS_FILE = "fake.pids"


def _worker_id(argv: list[str]) -> str:
    # argv: -m nodeweave worker run ID
    return argv[argv.index("run") + 1] if "run" in argv else argv[-1]


def _folder(worker_id: str) -> Path:
    return Path(os.environ["FUNCNODES_CONFIG_DIR"]) / "workers" / worker_id


async def _serve(worker_id: str, mode: str) -> None:
    from aiohttp import WSMsgType, web

    stop = asyncio.Event()

    async def health(_: web.Request) -> web.Response:
        return web.json_response({"status": "ok", "pid": os.getpid()})

    async def ws_handler(request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        async for msg in ws:
            if msg.type is not WSMsgType.TEXT:
                continue
            frame = json.loads(msg.data)
            result = {"pong": True} if frame.get("cmd") == "ping" else None
            await ws.send_str(
                json.dumps({"type": "result", "id": frame.get("id"), "result": result})
            )
            if frame.get("cmd") == "shutdown" and mode not in ("ignore_shutdown", "ignore_term"):
                stop.set()
        return ws

    app = web.Application()
    app.router.add_get("/health", health)
    app.router.add_get("/ws", ws_handler)
    runner = web.AppRunner(app, handle_signals=False, access_log=None, shutdown_timeout=0.1)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = int(runner.addresses[0][1])
    loop = asyncio.get_running_loop()
    if mode == "ignore_term":
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
    else:
        loop.add_signal_handler(signal.SIGTERM, stop.set)
    info = {
        "worker_id": worker_id,
        "pid": os.getpid(),
        "host": "127.0.0.1",
        "port": port,
        "url": f"ws://127.0.0.1:{port}/ws",
        "protocol_version": 1,
    }
    sys.stdout.write("NODEWEAVE_READY " + json.dumps(info) + "\n")
    sys.stdout.flush()
    print(f"fake worker {worker_id} ({mode}) ready on port {port}", file=sys.stderr, flush=True)
    if mode == "hang_after_ready":
        loop.call_later(0.3, time.sleep, 10_000)  # the whole event loop stops: no more answers
    elif mode == "hang_in_a_node":
        loop.call_later(0.3, _hang_in_a_node, worker_id)
    elif mode == "crash_after_ready":
        loop.call_later(0.2, _crash)
    await stop.wait()
    if mode == "slow_save":
        await site.stop()
        await asyncio.sleep(1.0)
        (_folder(worker_id) / "saved").write_text("saved")
    await runner.cleanup()


def _hang_in_a_node(worker_id: str) -> None:
    """As a worker whose loop runs a node that never returns: its beacon names the node."""
    from nodeweave.state.beacon import Beacon

    beacon = Beacon(_folder(worker_id) / "running.beacon")
    beacon.enter("n-spin", "demo.spin")
    time.sleep(10_000)


def _crash() -> None:
    print("fake worker: crashing after ready", file=sys.stderr, flush=True)
    os._exit(1)


def main() -> int:
    worker_id = _worker_id(sys.argv[1:])
    mode = os.environ.get("FAKE_WORKER_MODE", "well_behaved")
    folder = _folder(worker_id)
    with (folder / PIDS_FILE).open("a") as fh:
        fh.write(f"{os.getpid()}\n")
    print(
        f"fake worker {worker_id} starting in mode {mode}; args {sys.argv[1:]}",
        file=sys.stderr,
        flush=True,
    )
    if mode == "crash_on_start":
        print("fake worker: something went badly wrong", file=sys.stderr, flush=True)
        return 3
    if mode == "never_ready":
        while True:
            time.sleep(3600)
    asyncio.run(_serve(worker_id, mode))
    return 0


if __name__ == "__main__":
    sys.exit(main())
