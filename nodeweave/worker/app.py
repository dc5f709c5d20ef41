"""The worker's aiohttp app: ``/ws`` (RPC), ``/values/{uuid}/{io}``, ``/files``, ``/health``.

``GET /values/{uuid}/{io}`` serves an output's full value (:func:`encode_full`); tables can be
sorted (``sort``, ``descending=1``), filtered (``filter``: a JSON list of conditions, see
:mod:`nodeweave.core.tableview`), paged (``offset``, ``limit``) and downloaded whole
(``format=csv|parquet``). ``GET /files`` lists the ``files/`` folder, ``POST /files`` uploads.

``create_app(config)`` builds it; the worker's engine, module watcher and autosave live in one
``cleanup_ctx`` generator, so an ``aiohttp_client(create_app(...))`` test gets the whole worker
without a process.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import re
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import orjson
from aiohttp import BodyPartReader, web

from nodeweave.core.errors import NodeweaveError
from nodeweave.protocol import PROTOCOL_VERSION, ErrorCode
from nodeweave.shelves._paths import FILES_DIR_ENV
from nodeweave.web import RpcEndpoint, error_response, security_middleware

from .config import WorkerConfig
from .reload import watch_modules
from .service import Worker

if TYPE_CHECKING:
    from nodeweave.core.tableview import TableQuery

log = logging.getLogger("nodeweave.worker")

WORKER_KEY = web.AppKey("worker", Worker)
RPC_KEY = web.AppKey("rpc", RpcEndpoint)
COMPUTE_LATER_KEY = web.AppKey("compute_later", bool)
"""Set by ``nodeweave worker run``: the restored graph starts computing only once the worker has
said it is ready (:meth:`Worker.begin`), so a graph that hangs never makes it look unstartable."""


def create_app(config: WorkerConfig) -> web.Application:
    app = web.Application(
        client_max_size=config.max_request_bytes,
        middlewares=[security_middleware(config.token, config.allowed_origins, config.host)],
    )
    worker = Worker(config)
    rpc = RpcEndpoint(
        worker.dispatcher,
        hello=worker.hello,
        max_frame_bytes=config.max_frame_bytes,
        client_queue=config.client_queue,
        clients=worker.clients,
    )
    app[WORKER_KEY] = worker
    app[RPC_KEY] = rpc
    app.router.add_get("/health", _health)
    app.router.add_get("/ws", rpc.handle)
    app.router.add_get("/values/{uuid}/{io}", _values)
    app.router.add_get("/files", _list_files)
    app.router.add_post("/files", _upload)
    app.cleanup_ctx.append(_files_dir_env)
    app.cleanup_ctx.append(_worker_ctx)
    app.on_shutdown.append(_close_connections)
    return app


async def _files_dir_env(app: web.Application) -> AsyncIterator[None]:
    """Announce the worker's files/ folder to its file nodes (and the pools, which inherit it).

    Set before the graph is restored, since its nodes may read files as they run.
    """
    previous = os.environ.get(FILES_DIR_ENV)
    os.environ[FILES_DIR_ENV] = str(app[WORKER_KEY].config.files_dir.absolute())
    yield
    if previous is None:
        os.environ.pop(FILES_DIR_ENV, None)
    else:
        os.environ[FILES_DIR_ENV] = previous


async def _worker_ctx(app: web.Application) -> AsyncIterator[None]:
    worker = app[WORKER_KEY]
    worker.start()
    if not app.get(COMPUTE_LATER_KEY, False):
        await worker.begin()
    stop_watch = asyncio.Event()
    watcher: asyncio.Task[None] | None = None
    if worker.config.watch:
        dirs = [worker.config.modules_dir, *worker.config.module_paths]
        ready = asyncio.Event()
        watcher = asyncio.create_task(
            watch_modules(
                worker.modules_changed,
                dirs,
                stop_event=stop_watch,
                debounce_ms=worker.config.debounce_ms,
                ready=ready,
            ),
            name=f"watch-modules-{worker.config.worker_id}",
        )
        watcher.add_done_callback(_log_crash)
        # Bounded: an edit made after the worker is ready must be seen, but a watcher that
        # cannot start must not keep the worker from serving.
        waiting = asyncio.ensure_future(ready.wait())
        done, _ = await asyncio.wait(
            {watcher, waiting}, timeout=2, return_when=asyncio.FIRST_COMPLETED
        )
        waiting.cancel()
        if watcher in done:
            log.error("the module watcher stopped at once; hot reload is off")
        elif not done:
            log.warning("the module watcher is slow to start; edits right now may be missed")
    try:
        yield
    finally:
        stop_watch.set()
        if watcher is not None:
            watcher.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await watcher
        await worker.aclose()


def _log_crash(task: asyncio.Task[None]) -> None:
    if not task.cancelled() and task.exception() is not None:
        log.error("background task %s failed", task.get_name(), exc_info=task.exception())


# --- endpoints ---------------------------------------------------------------------------


async def _health(request: web.Request) -> web.Response:
    worker = request.app[WORKER_KEY]
    return web.json_response(
        {
            "status": "stopping" if worker.stopping else "ok",
            "worker_id": worker.config.worker_id,
            "pid": os.getpid(),
            "protocol_version": PROTOCOL_VERSION,
            "paused": worker.paused,
            "engine": "awake" if worker.awake else "rest",
        }
    )


async def _close_connections(app: web.Application) -> None:
    app[WORKER_KEY].stopping = True
    await app[RPC_KEY].close_all("the worker is stopping")


async def _values(request: web.Request) -> web.Response:
    worker = request.app[WORKER_KEY]
    uuid, io = request.match_info["uuid"], request.match_info["io"]
    engine = worker.engine
    if engine is None or not worker.awake:  # at rest, the worker has no nodes
        return error_response(404, ErrorCode.NOT_FOUND, f"no node {uuid!r}")
    from nodeweave.core.fullvalue import EXPORT_FORMATS, encode_full, export_table
    from nodeweave.core.remote import RemoteValue, local
    from nodeweave.core.values import NO_VALUE

    try:
        offset = _int_param(request, "offset")
        limit = _int_param(request, "limit")
        fmt = request.query.get("format") or "json"
        if fmt != "json" and fmt not in EXPORT_FORMATS:
            raise _BadRequest(f"format must be json, csv or parquet, got {fmt!r}")
        query = _table_query(request)
        if uuid not in engine.ns:
            return error_response(404, ErrorCode.NOT_FOUND, f"no node {uuid!r}")
        value = engine.ns.get_value(uuid, io, NO_VALUE)  # not_found for an unknown output
        if value is NO_VALUE:
            return error_response(
                404, ErrorCode.NOT_FOUND, f"output {io!r} of {uuid!r} has no value"
            )
        # Sorting, filtering and encoding a big table can take a while: not on the event loop.
        # The thread only reads the value object (outputs are replaced, never edited, by the
        # engine); it never touches the nodespace.
        views = engine.table_views
        if isinstance(value, RemoteValue):  # kept on a cluster: the full value comes here now
            value = await asyncio.to_thread(local, value)
        if fmt == "json":
            full = await asyncio.to_thread(
                encode_full, value, offset=offset, limit=limit, query=query, views=views
            )
        else:
            full = await asyncio.to_thread(export_table, value, fmt, query=query, views=views)
    except NodeweaveError as exc:
        status = 404 if exc.code == ErrorCode.NOT_FOUND else 400
        return error_response(status, exc.code, exc.message)
    headers = {"Content-Type": full.mime, "Cache-Control": "no-store"}
    if full.total is not None:
        headers["X-Total-Count"] = str(full.total)
    if fmt != "json":
        filename = re.sub(r"[^A-Za-z0-9_.-]", "_", io) or "table"
        headers["Content-Disposition"] = f'attachment; filename="{filename}.{fmt}"'
    return web.Response(body=full.data, headers=headers)


def _table_query(request: web.Request) -> TableQuery:
    """``sort``, ``descending`` and ``filter`` (a JSON list) as a checked query."""
    from nodeweave.core.tableview import parse_query

    raw_desc = request.query.get("descending", "").strip().lower()
    if raw_desc not in _FLAGS:
        raise _BadRequest(f"descending must be 1/0 or true/false, got {raw_desc!r}")
    raw_filter = request.query.get("filter")
    filters: Any = None
    if raw_filter:
        try:
            filters = orjson.loads(raw_filter)
        except orjson.JSONDecodeError as exc:
            raise _BadRequest(f"filter is not valid JSON: {exc}") from None
    return parse_query(request.query.get("sort") or None, _FLAGS[raw_desc], filters)


_FLAGS = {"": False, "0": False, "false": False, "no": False, "1": True, "true": True, "yes": True}


def _int_param(request: web.Request, name: str) -> int | None:
    raw = request.query.get(name)
    if raw is None or raw == "":
        return None
    try:
        value = int(raw)
    except ValueError:
        raise _BadRequest(f"{name} must be an integer, got {raw!r}") from None
    if value < 0:
        raise _BadRequest(f"{name} must not be negative")
    if value > _MAX_INT_PARAM:
        raise _BadRequest(f"{name} must be at most {_MAX_INT_PARAM}")
    return value


_MAX_INT_PARAM = 2**53 - 1


class _BadRequest(NodeweaveError):
    code = ErrorCode.INVALID_ARGUMENTS


async def _list_files(request: web.Request) -> web.Response:
    """``GET /files``: ``{"files": [{"name", "size", "modified"}]}``, sorted by name."""
    root = request.app[WORKER_KEY].config.files_dir
    return web.json_response({"files": await asyncio.to_thread(list_files, root)})


def list_files(root: Path) -> list[dict[str, Any]]:
    """The files under ``root``, recursively: names with ``/``, size in bytes, modified (epoch s).

    Hidden files and folders (a leading dot, which covers unfinished uploads) are skipped, as are
    symlinks that lead outside ``root``; symlinked folders are not followed.
    """
    if not root.is_dir():
        return []
    base = root.resolve()
    found: list[dict[str, Any]] = []
    for folder, dirs, names in os.walk(base):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        for name in names:
            if name.startswith("."):
                continue
            path = Path(folder, name)
            try:
                if path.is_symlink() and not path.resolve().is_relative_to(base):
                    continue
                stat = path.stat()
            except OSError:  # removed meanwhile, or a dangling link
                continue
            found.append(
                {
                    "name": path.relative_to(base).as_posix(),
                    "size": stat.st_size,
                    "modified": stat.st_mtime,
                }
            )
    found.sort(key=lambda f: f["name"])
    return found


async def _upload(request: web.Request) -> web.Response:
    """``POST /files``: multipart (field ``file``; ``name`` optional) or a raw body with ``?name=``.

    The name may hold sub-folders but must stay inside ``files/``: no ``..``, no absolute path,
    no backslashes, no symlinked folder leading out. Written to a temporary file and renamed, so
    a failed upload leaves nothing behind.
    """
    worker = request.app[WORKER_KEY]
    root = worker.config.files_dir
    limit = worker.config.max_upload_bytes
    try:
        if request.content_type.startswith("multipart/"):
            reader = await request.multipart()
            part = await reader.next()
            while part is not None and not (
                isinstance(part, BodyPartReader) and part.name == "file"
            ):
                part = await reader.next()
            if part is None or not isinstance(part, BodyPartReader):
                return error_response(
                    400, ErrorCode.INVALID_ARGUMENTS, "multipart upload needs a 'file' field"
                )
            name = request.query.get("name") or part.filename or ""
            target = safe_path(root, name)
            size = await _write_stream(target, part.read_chunk, limit)
        else:
            target = safe_path(root, request.query.get("name", ""))
            size = await _write_stream(target, request.content.readany, limit)
    except _PathError as exc:
        return error_response(400, ErrorCode.INVALID_PATH, str(exc))
    except _TooLarge:
        return error_response(
            413, ErrorCode.PAYLOAD_TOO_LARGE, f"uploads are limited to {limit} bytes"
        )
    rel = target.relative_to(root.resolve()).as_posix()
    return web.json_response({"path": rel, "size": size}, status=201)


class _PathError(ValueError):
    pass


class _TooLarge(Exception):
    pass


MAX_SEGMENT_BYTES = 200
"""A file or folder name in an upload (the file system allows 255; the temporary name of the
upload adds a prefix)."""
MAX_NAME_BYTES = 1024


def safe_path(root: Path, name: str) -> Path:
    """``root / name`` if it stays inside ``root`` (symlinks resolved), else ``_PathError``."""
    if not name or "\x00" in name or "\\" in name:
        raise _PathError(f"invalid file name {name!r}")
    if len(name.encode()) > MAX_NAME_BYTES:
        raise _PathError(
            f"the name is too long ({len(name.encode())} bytes; at most {MAX_NAME_BYTES})"
        )
    segments = name.split("/")
    if any(s in ("", ".", "..") or s.startswith(".") for s in segments):
        raise _PathError(f"the name {name!r} must be a relative path inside files/")
    if any(len(s.encode()) > MAX_SEGMENT_BYTES for s in segments):
        raise _PathError(
            f"a file or folder name is longer than {MAX_SEGMENT_BYTES} bytes (the file system's "
            "limit, with room for the upload's temporary name)"
        )
    root.mkdir(parents=True, exist_ok=True)
    base = root.resolve()
    try:
        target = base.joinpath(*segments).resolve()
    except OSError as exc:
        raise _PathError(f"the name {name!r} cannot be used: {exc.strerror}") from None
    if not target.is_relative_to(base) or target == base:
        raise _PathError(f"the name {name!r} leads outside files/")
    return target


async def _write_stream(target: Path, read: Callable[..., Awaitable[bytes]], limit: int) -> int:
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.upload-{os.getpid()}-{id(target):x}")
    size = 0
    try:
        with tmp.open("wb") as fh:
            while chunk := await read():
                size += len(chunk)
                if size > limit:
                    raise _TooLarge
                fh.write(chunk)
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return size
