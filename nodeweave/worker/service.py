"""The worker itself: its clients, its commands, and the engine it wakes when there is work.

Transport-free: the aiohttp app (``app.py``) feeds request frames to :attr:`Worker.dispatcher`
and registers each connection's :class:`~nodeweave.protocol.outbox.Outbox` in
:attr:`Worker.clients`; everything the engine does is broadcast to them.

The engine (:class:`~nodeweave.worker.engine.Engine`: the nodespace, the library, the modules,
the saves) is built at start when there is something to load — a saved graph or journal, node
module files, module folders, installed node packages. A new, empty worker has none of that: it
starts *at rest*, without importing the engine, and answers ``hello``, ``ping``, ``shutdown`` and
``/health`` as it is. The first other command (or a module file saved into its folder) wakes the
engine — about what a start with the built-in shelves costs — and is then answered by it; every
later command goes straight to the engine. So a worker nobody has asked for its graph yet costs
little more memory than the libraries it runs on.
"""

from __future__ import annotations

import asyncio
import contextlib
import importlib.metadata
import inspect
import logging
import os
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from nodeweave import __version__
from nodeweave.protocol import PROTOCOL_VERSION, WORKER_COMMANDS, Dispatcher, Handler
from nodeweave.protocol.outbox import Outbox
from nodeweave.state import backup_path

from .config import WorkerConfig
from .module_files import ENTRY_POINT_GROUP, HOOKS_GROUP, is_module_file
from .reload import apply_changes

if TYPE_CHECKING:
    from nodeweave.core.nodespace import NodeSpace

    from .engine import Engine

log = logging.getLogger("nodeweave.worker")

OWN_COMMANDS = ("hello", "ping", "shutdown")
"""Answered by the worker itself; every other command is the engine's (and wakes it)."""
WAKE_WAIT = 10.0
"""Seconds a stopping worker waits for an engine that is waking, before closing it anyway."""


class Worker:
    def __init__(self, config: WorkerConfig) -> None:
        self.config = config
        self.engine: Engine | None = None
        """Built at start (something to load) or by :meth:`wake`; ``None`` while at rest."""
        self.clients: set[Outbox] = set()
        self.restore_problems: list[str] = []
        self.cluster: dict[str, Any] | None = None
        """The Dask cluster of this worker's Dask nodes, once connected (see cluster.py)."""
        self.stop_requested = asyncio.Event()
        self.stopping = False
        own: dict[str, Handler] = {
            "hello": lambda _: self.hello(),
            "ping": lambda _: {"pong": True},
            "shutdown": self._shutdown,
        }
        self.dispatcher = Dispatcher(
            WORKER_COMMANDS,
            {name: own.get(name) or self._engine_command(name) for name in WORKER_COMMANDS},
        )
        self.modules_loaded = asyncio.Event()
        """Set once :meth:`begin` has loaded the node modules; until then commands wait for it
        (all but ``ping`` and ``shutdown``), so that a client never sees a half-filled library."""
        self.dispatcher.hold(self.modules_loaded, except_for=("ping", "shutdown"))
        self._waking: asyncio.Future[Engine] | None = None
        self.wake_failed = False
        """The engine could not be woken (a bug): the worker stops, with a failing exit status,
        for its supervisor to see — as when the engine fails at start."""

    # --- life cycle -----------------------------------------------------------------------

    def start(self) -> None:
        """Make the worker's folders; build the engine now if there is something to load (it
        loads the built-in shelves and restores the saved graph, paused: :meth:`begin` goes on)."""
        for folder in (self.config.directory, self.config.modules_dir, self.config.files_dir):
            folder.mkdir(parents=True, exist_ok=True)
        reason = self.work_waiting()
        if reason is None:
            log.info("worker %s: nothing to load; at rest until a command", self.config.worker_id)
            return
        log.debug("worker %s: the engine starts now (%s)", self.config.worker_id, reason)
        self.start_engine()

    async def begin(self) -> None:
        """Load the node modules, then compute the restored graph (see :meth:`Engine.begin`);
        at rest, there is nothing to do."""
        if self.engine is None:
            self.modules_loaded.set()
            return
        await self.engine.begin()

    def work_waiting(self) -> str | None:
        """Why the engine must start with the worker (``None``: nothing for it to load yet)."""
        config = self.config
        if config.module_paths:
            return "module folders"
        if any(is_module_file(path) for path in config.modules_dir.iterdir()):
            return "node module files"
        saved = config.nodespace_path
        if saved.exists() or backup_path(saved).exists():
            return "a saved graph"
        with contextlib.suppress(OSError):
            if config.journal_path.stat().st_size > 0:
                return "journaled edits"
        if config.entry_points:
            groups = [ENTRY_POINT_GROUP, HOOKS_GROUP]
            if config.funcnodes and not config.defer_funcnodes:
                groups.append("funcnodes.module")
            for group in groups:
                if importlib.metadata.entry_points(group=group):
                    return f"installed {group} entry points"
        return None

    async def wake(self) -> Engine:
        """The engine, built, with its modules loaded and its graph computing: once, whoever
        asks first (a command, a module file saved into the folder)."""
        if self.engine is not None and self._waking is None:
            return self.engine  # built at start
        if self._waking is None:
            self._waking = asyncio.ensure_future(self._wake())
        return await asyncio.shield(self._waking)

    async def _wake(self) -> Engine:
        await self.modules_loaded.wait()  # started: after the ready line, as at a start
        try:
            engine = self._build_engine()
            await engine.begin()
        except Exception as exc:
            log.exception("worker %s: waking the engine failed", self.config.worker_id)
            self.problem(f"the worker's engine failed to start, so the worker stops: {exc}")
            self.wake_failed = True
            self.stop_requested.set()
            raise
        log.info("worker %s: engine woken", self.config.worker_id)
        self.dispatcher.replace(engine.handlers)
        return engine

    def start_engine(self) -> Engine:
        """Build the engine now, before :meth:`begin` (which goes on with it): it loads the
        built-in shelves and restores the saved graph, paused. (After :meth:`begin`: :meth:`wake`.)
        """
        if self.engine is None:
            self.dispatcher.replace(self._build_engine().handlers)
        assert self.engine is not None
        return self.engine

    def _build_engine(self) -> Engine:
        from .engine import Engine

        self.engine = Engine(self)
        self.engine.start()
        return self.engine

    def _engine_command(self, name: str) -> Handler:
        """Until the engine is awake: wake it, then let it answer."""

        async def run(args: Any) -> Any:
            engine = await self.wake()
            result = engine.handlers[name](args)
            return await result if inspect.isawaitable(result) else result

        return run

    async def modules_changed(self, paths: Iterable[str]) -> None:
        """Module files saved, added or removed (the watcher): into the engine, woken for them."""
        await self.modules_loaded.wait()
        engine = await self.wake()
        await apply_changes(engine.loader, paths)

    async def aclose(self) -> None:
        """Save, stop computing, release the engine (if it was ever woken)."""
        self.stopping = True
        if self._waking is not None and not self._waking.done():
            await asyncio.wait({self._waking}, timeout=WAKE_WAIT)
        if self.engine is None:
            return
        try:
            await self.engine.aclose()
        except Exception:
            if not self.wake_failed:
                raise
            log.exception(
                "worker %s: closing the engine that failed to wake", self.config.worker_id
            )

    @property
    def awake(self) -> bool:
        """Whether the engine is built and has loaded its modules."""
        return self.engine is not None and (self._waking is None or self._waking.done())

    @property
    def paused(self) -> bool:
        """Whether the graph waits (safe start, or restored and not yet computing)."""
        if self.engine is not None and self.awake:
            return self.engine.ns.paused
        return self.config.safe_start

    def hello(self) -> dict[str, Any]:
        engine = self.engine if self.awake else None
        return {
            "protocol_version": PROTOCOL_VERSION,
            "worker_id": self.config.worker_id,
            "pid": os.getpid(),
            "version": __version__,
            "paused": self.paused,
            "cluster": self.cluster,
            "problems": [
                *self.restore_problems,
                *(engine.failed_modules() if engine is not None else ()),
            ],
        }

    def broadcast(self, name: str, data: Any, key: Any = None, lag_only: bool = False) -> None:
        for client in self.clients:
            client.event(name, data, key, lag_only=lag_only)

    def problem(self, message: str) -> None:
        """Something the user should know (logged, kept for ``hello``, broadcast)."""
        log.warning("%s", message)
        self.restore_problems.append(message)
        self.broadcast("problem", {"message": message})

    def _shutdown(self, _: Any) -> None:
        log.info("shutdown requested over the protocol")
        self.stop_requested.set()

    @property
    def ns(self) -> NodeSpace:
        """The engine's nodespace (for code that drives a worker in process: tests, tools)."""
        if self.engine is None:
            raise RuntimeError("the worker's engine is at rest: await worker.wake() first")
        return self.engine.ns
