"""The hub's aiohttp app: the UI at ``/``, the API at ``/ws``, ``/health``."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from pathlib import Path

from aiohttp import web

from nodeweave.protocol import PROTOCOL_VERSION, ErrorCode
from nodeweave.web import RpcEndpoint, error_response, security_middleware

from .config import HubConfig
from .service import Hub

HUB_KEY = web.AppKey("hub", Hub)
RPC_KEY = web.AppKey("hub_rpc", RpcEndpoint)

NOT_BUILT = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>nodeweave</title></head>
<body style="font-family: sans-serif; max-width: 40em; margin: 4em auto">
<h1>nodeweave</h1>
<p>The hub is running, but its web UI has not been built into <code>nodeweave/static/</code>.
The API is at <code>/ws</code>; the <code>nodeweave worker</code> commands use it.</p>
</body></html>
"""


def create_app(config: HubConfig) -> web.Application:
    own = {f"http://{h}:{config.port}" for h in ("127.0.0.1", "localhost", "[::1]", config.host)}
    app = web.Application(
        client_max_size=1024**2,
        middlewares=[
            security_middleware(
                config.token,
                own | config.allowed_origins,
                config.host,
                public={"/health", "/", "/index.html"},
                public_prefixes=("/assets/",),
            )
        ],
    )
    hub = Hub(config)
    rpc = RpcEndpoint(
        hub.dispatcher,
        hello=hub.hello,
        max_frame_bytes=config.max_frame_bytes,
        client_queue=config.client_queue,
        clients=hub.clients,
        concurrent=True,
    )
    app[HUB_KEY] = hub
    app[RPC_KEY] = rpc
    app.router.add_get("/health", _health)
    app.router.add_get("/ws", rpc.handle)
    app.router.add_get("/", _index)
    app.router.add_get("/{path:.+}", _static)
    app.cleanup_ctx.append(_hub_ctx)
    app.on_shutdown.append(_close_connections)
    return app


async def _hub_ctx(app: web.Application) -> AsyncIterator[None]:
    hub = app[HUB_KEY]
    await hub.start()
    try:
        yield
    finally:
        await hub.aclose(stop_workers=hub.stop_workers_on_close)


async def _close_connections(app: web.Application) -> None:
    await app[RPC_KEY].close_all("the hub is stopping")


async def _health(request: web.Request) -> web.Response:
    hub = request.app[HUB_KEY]
    return web.json_response(
        {
            "status": "ok",
            "pid": os.getpid(),
            "protocol_version": PROTOCOL_VERSION,
            "workers": len(hub.registry.ids()),
            "spare": hub.spare_view(),
        }
    )


async def _index(request: web.Request) -> web.StreamResponse:
    index = request.app[HUB_KEY].config.static_dir / "index.html"
    if index.is_file():
        return web.FileResponse(index, headers={"Cache-Control": "no-cache"})
    return web.Response(text=NOT_BUILT, content_type="text/html")


async def _static(request: web.Request) -> web.StreamResponse:
    """A file of the built UI; nothing outside its folder (no ``..``, no symlinks out)."""
    root = request.app[HUB_KEY].config.static_dir.resolve()
    rel = request.match_info["path"]
    parts = rel.split("/")
    if len(rel) > MAX_STATIC_PATH or any(
        p in ("", ".", "..") or p.startswith(".") or "\\" in p or "\x00" in p for p in parts
    ):
        return error_response(404, ErrorCode.NOT_FOUND, "no such file")
    path = _inside(root, parts)
    if path is None:
        return error_response(404, ErrorCode.NOT_FOUND, "no such file")
    return web.FileResponse(path)


MAX_STATIC_PATH = 512
"""Longer paths name no file of the UI (and would only reach the file system's limits)."""


def _inside(root: Path, parts: list[str]) -> Path | None:
    try:
        path = Path(root, *parts).resolve()
        return path if path.is_relative_to(root) and path.is_file() else None
    except (OSError, ValueError):  # a name the file system refuses: no such file either
        return None
