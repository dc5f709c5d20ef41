"""The thin async layer that carries out the scheduler's instructions.

Inline (sync) nodes are called right inside :meth:`Runner.drain`, which loops until nothing is
ready — the fast path, one Python call per node and no task. Async, thread and process nodes run
as named asyncio tasks that the runner owns (never fire-and-forget); when one ends it reports to
the scheduler and drains again. A long drain yields to the event loop after ``budget`` seconds so
that RPC and new changes (which supersede work) are never starved by a big graph.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import functools
import logging
import secrets
import threading
import time
import traceback
import types
from collections.abc import Callable, Coroutine
from typing import Any, Protocol

from .cachekeys import stamp_digest
from .context import NodeContext
from .events import (
    Cancel,
    Event,
    HookFailed,
    Instruction,
    MovedOffLoop,
    NodeError,
    Run,
    StaleRuns,
)
from .executors import Executors
from .hooks import Hook, HookRun, HookSet
from .remote import RemoteValue, fetch_all, has_remote
from .scheduler import Scheduler

log = logging.getLogger("nodeweave.core")


def _folder(path: str | None) -> str:
    """The folder part of a module's file name, separator included (no os.path in the core)."""
    text = path or ""
    return text[: max(text.rfind("/"), text.rfind("\\")) + 1] or "\0"


_ENGINE_DIRS = (
    _folder(__file__),  # nodeweave/core: the engine itself
    _folder(asyncio.__file__),
    _folder(concurrent.futures.__file__),
)


def _user_frames(tb: types.TracebackType | None) -> types.TracebackType | None:
    """The traceback from the first frame that is not the engine's own (the node's code first);
    the whole of it when every frame is the engine's (a bug of ours should show where)."""
    first = tb
    while tb is not None and tb.tb_frame.f_code.co_filename.startswith(_ENGINE_DIRS):
        tb = tb.tb_next
    return tb if tb is not None else first


def error_from(exc: BaseException) -> NodeError:
    tb = "".join(traceback.format_exception(type(exc), exc, _user_frames(exc.__traceback__)))
    if isinstance(exc, KeyError) and len(exc.args) == 1 and isinstance(exc.args[0], str):
        message = exc.args[0]  # str(KeyError) would wrap a whole sentence in quotes
    else:
        message = str(exc) or type(exc).__name__
    return NodeError(message=message, type=type(exc).__name__, traceback=tb)


def _is_remote(result: object) -> bool:
    if isinstance(result, RemoteValue):
        return True
    if isinstance(result, tuple | list):
        return any(isinstance(r, RemoteValue) for r in result)
    if isinstance(result, dict):
        return any(isinstance(r, RemoteValue) for r in result.values())
    return False


class RunBeacon(Protocol):
    """Told which node runs on the loop right now (a worker maps it into a file the hub reads
    when the loop hangs: see ``nodeweave.state.beacon``). Called for every run on the loop: it
    must be a matter of nanoseconds."""

    def enter(self, uuid: str, node_id: str) -> None: ...

    def leave(self) -> None: ...


class Named:
    """A run's result with what names it for the result cache (see ``core/composite.py``)."""

    __slots__ = ("ident", "value")

    def __init__(self, value: object, ident: str | None) -> None:
        self.value = value
        self.ident = ident


class ResultStore(Protocol):
    """Where results outlive the process (the worker's result cache): found by run key."""

    min_seconds: float
    """Results of runs that took at least this long are kept (``@node(cache=True)``: all)."""

    def has(self, key: str) -> bool:
        """Whether an entry is there (in memory: called on the loop)."""
        ...

    def load(self, key: str) -> tuple[dict[str, Any], str | None] | None:
        """The outputs and their identity (``None``: gone or unreadable). Called in a thread."""
        ...

    def put(self, key: str, outputs: dict[str, Any], ident: str | None) -> None:
        """Keep these outputs; returns at once (the writing happens off the loop)."""
        ...


class Runner:
    def __init__(
        self,
        scheduler: Scheduler,
        executors: Executors,
        dispatch: Callable[[Event], None],
        *,
        budget: float = 0.02,
        slow_inline: float = 0.1,
    ) -> None:
        self.scheduler = scheduler
        self.executors = executors
        self.dispatch = dispatch
        self.budget = budget
        self.hooks_of: Callable[[str], list[Hook]] | None = None
        """Where the hooks of a node type come from (the library); None: no hooks at all."""
        self._hook_sets: dict[str, HookSet | None] = {}
        self._draining = False
        self._flushing = False
        self._scheduled = False
        self._tasks: dict[str, tuple[int, asyncio.Task[None]]] = {}
        self._all_tasks: set[asyncio.Task[None]] = set()
        self._cancelling: set[asyncio.Task[None]] = set()
        self._idle_waiters: list[asyncio.Future[None]] = []
        self._thread_progress: dict[str, tuple[int, float | None, str]] = {}
        self._progress_flush_scheduled = False
        self._flags: dict[str, tuple[int, threading.Event]] = {}  # a running node's cancel flag
        self._stale: dict[str, int] = {}  # superseded runs still going, per node
        self.beacon: RunBeacon | None = None
        self.remote_seen = False
        """A run returned a value kept elsewhere (see :mod:`.remote`): from now on, runs whose
        inputs hold one fetch them first (unless they run where those values live)."""
        self.paused = False
        """Nothing runs while set (stale nodes stay stale); edits and events go on as usual."""
        self.slow_inline = slow_inline
        """A sync inline run longer than this (seconds) moves its node type off the loop."""
        self.off_loop: set[str] = set()
        """Ids of sync node types that run in a thread because they once blocked the loop."""
        self.store: ResultStore | None = None
        """The result cache (see :meth:`set_store`)."""
        self.scope: object = None
        """Handed to every run's context (:attr:`NodeContext.scope`)."""
        self._held: dict[str, tuple[int, object]] = {}
        """Per live stream, its newest value not yet handed in (the cone below was busy)."""
        self._thread_values: dict[str, tuple[int, object]] = {}
        self._thread_values_scheduled = False
        self._thread_values_lock = threading.Lock()
        self._stream_threads: dict[str, tuple[int, threading.Event]] = {}

    # --- scheduling drains ---------------------------------------------------------------

    def kick(self) -> None:
        """Ask for a drain on the next loop iteration (coalescing bursts of changes)."""
        if self._scheduled or self._draining:
            return
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            return  # no loop yet: the next settle() drains
        self._scheduled = True
        loop.call_soon(self._scheduled_drain)

    def _scheduled_drain(self) -> None:
        self._scheduled = False
        self.drain()

    @property
    def busy(self) -> bool:
        """Work is left: a node is stale or running, or a cancelled task is still unwinding."""
        s = self.scheduler
        return bool(s.unsettled or s.outbox or s.ready or self._cancelling)

    def flush(self) -> None:
        """Hand out what an edit produced — events and cancellations — right away.

        Edits never produce runs (only a drain does), so observers see an edit's events before
        the edit returns, in order, while the computation it causes still waits for the drain.
        """
        sched = self.scheduler
        if self._draining or self._flushing or not sched.outbox:
            return
        self._flushing = True  # an observer that edits again appends; the loop below sends it
        runs: list[Instruction | Event] = []
        try:
            while sched.outbox:
                out, sched.outbox = sched.outbox, []
                for item in out:
                    kind = type(item)
                    if kind is Run:
                        runs.append(item)
                    elif kind is Cancel:
                        self._cancel(item)  # type: ignore[arg-type]
                    else:
                        self.dispatch(item)  # type: ignore[arg-type]
        finally:
            sched.outbox[:0] = runs
            self._flushing = False

    def _maybe_idle(self) -> None:
        if self.busy and not self.paused:
            return
        waiters, self._idle_waiters = self._idle_waiters, []
        for fut in waiters:
            if not fut.done():
                fut.set_result(None)

    def drain(self) -> None:
        """Carry out instructions until nothing is ready (or the time budget is spent)."""
        if self._draining:
            return
        if self.paused:
            self.flush()  # an edit's events still go out; its runs wait for resume
            return
        self._draining = True
        sched = self.scheduler
        try:
            deadline = time.perf_counter() + self.budget
            while True:
                sched.pump()
                out = sched.outbox
                if not out and not (self._held and self._release_held()):
                    break
                out = sched.outbox
                sched.outbox = []
                for item in out:
                    kind = type(item)
                    if kind is Run:
                        self._run(item)  # type: ignore[arg-type]
                    elif kind is Cancel:
                        self._cancel(item)  # type: ignore[arg-type]
                    else:
                        self.dispatch(item)  # type: ignore[arg-type]
                if (sched.ready or sched.outbox) and time.perf_counter() > deadline:
                    self._draining = False
                    self.kick()
                    return
        finally:
            self._draining = False
        self._maybe_idle()

    async def wait_idle(self) -> None:
        """Return when no node is stale or running."""
        loop = asyncio.get_running_loop()
        self.drain()
        while self.busy and not self.paused:
            fut: asyncio.Future[None] = loop.create_future()
            self._idle_waiters.append(fut)
            if not self._draining and not self._scheduled:
                self.kick()
            await fut

    # --- running nodes -------------------------------------------------------------------

    def set_store(self, store: ResultStore | None) -> None:
        """Keep results in ``store`` and serve runs from it (``None``: no result cache)."""
        self.store = store
        self.scheduler.keyed = store is not None

    def _store_key(self, run: Run) -> str | None:
        """The key the run's result is kept under: its run key and, for a node whose result
        depends on more than its inputs, its stamp (a stamp that fails: no key)."""
        key = run.key
        stamp = run.spec.cache_stamp
        if key is None or stamp is None:
            return key
        try:
            digest = stamp_digest(stamp(dict(run.kwargs)))
        except Exception:  # an unreadable stamp only means "do not cache"
            log.debug("cache stamp of %s failed", run.spec.id, exc_info=True)
            return None
        return None if digest is None else f"{key}/{digest}"

    def _keep(self, run: Run, key: str, seconds: float | None) -> None:
        """After a run was applied: put its outputs in the store if they are worth keeping."""
        store = self.store
        if store is None:
            return
        if not run.spec.persist and (seconds is None or seconds < store.min_seconds):
            return
        node = self.scheduler.nodes.get(run.uuid)
        if node is None or node.generation != run.generation or node.ident is None:
            return
        if any(_is_remote(v) for v in node.outputs.values()):
            return  # a value kept elsewhere (a cluster's): not this worker's to keep
        store.put(key, node.outputs, node.ident)

    def set_hooks(self, hooks_of: Callable[[str], list[Hook]] | None) -> None:
        """Use these hooks from now on (called again whenever the library changes)."""
        self.hooks_of = hooks_of
        self._hook_sets.clear()

    def _hook_set(self, spec_id: str) -> HookSet | None:
        try:
            return self._hook_sets[spec_id]
        except KeyError:
            found = self.hooks_of(spec_id) if self.hooks_of is not None else []
            hooks = HookSet(found, self._hook_failed) if found else None
            self._hook_sets[spec_id] = hooks
            return hooks

    def _hook_failed(self, uuid: str, hook: str, message: str) -> None:
        self.dispatch(HookFailed(uuid, hook, message))

    def _finished(
        self,
        run: Run,
        result: object,
        view: HookRun | None = None,
        seconds: float | None = None,
        key: str | None = None,
    ) -> None:
        named: str | None = None
        if type(result) is Named:  # a composite: its outputs named by its inside's
            named, result = result.ident, result.value
        if self.hooks_of is not None:
            hooks = self._hook_set(run.spec.id)
            if hooks is not None and hooks.after:
                view = view or HookRun(run.uuid, run.spec.id, run.kwargs)
                result = hooks.result(view, result)
                named = None  # (a hook may have replaced them)
        if key is None:
            self.scheduler.run_finished(run.uuid, run.generation, result, seconds, named)
            return
        # A triggered run may give other outputs for the same inputs (it reads the world):
        # its outputs are named anew, so what depends on them is not served old results.
        ident = f"{key}#{secrets.token_hex(6)}" if run.fresh else key
        if self.scheduler.run_finished(run.uuid, run.generation, result, seconds, ident):
            self._keep(run, key, seconds)

    def _hooks_before(self, run: Run) -> tuple[bool, HookRun | None]:
        """The before_run hooks of the run's node type: (vetoed — the node has failed with the
        reason —, the view the after_run hooks get)."""
        hooks = self._hook_set(run.spec.id)
        if hooks is None:
            return False, None
        view = HookRun(run.uuid, run.spec.id, run.kwargs)
        reason = hooks.veto(view) if hooks.before else None
        if reason is None:
            return False, view
        self._failed(run, NodeError(message=reason, type="Vetoed"))
        return True, view

    def _failed(self, run: Run, error: NodeError) -> None:
        if self.scheduler.run_failed(run.uuid, run.generation, error):
            hooks = self._hook_set(run.spec.id) if self.hooks_of is not None else None
            if hooks is not None and hooks.errors:
                hooks.failed(HookRun(run.uuid, run.spec.id, run.kwargs), error)

    def _run(self, run: Run) -> None:
        if run.spec.stream:
            self._start_stream(run)
            return
        key: str | None = None
        if run.key is not None and self.store is not None:
            key = self._store_key(run)
            if key is not None and not run.fresh and self.store.has(key):
                self._start_task(run, key, load=True)
                return
        self._execute(run, key)

    def _execute(self, run: Run, key: str | None) -> None:
        spec = run.spec
        sched = self.scheduler
        view: HookRun | None = None
        if self.hooks_of is not None:
            vetoed, view = self._hooks_before(run)
            if vetoed:
                return
        if self.remote_seen and spec.executor != "dask" and has_remote(run.kwargs):
            self._start_task(run, key)  # its inputs are fetched first, off the loop
            return
        if spec.executor == "inline" and spec.id not in self.off_loop:
            kwargs = run.kwargs
            if spec.context_param is not None:
                kwargs = {**kwargs}  # run.kwargs is the scheduler's record of the inputs
                kwargs[spec.context_param] = self._context(run, threaded=False)
            beacon = self.beacon
            if beacon is not None:
                beacon.enter(run.uuid, spec.id)
            started = time.perf_counter()
            try:
                result = spec.func(**kwargs)
            except asyncio.CancelledError:
                sched.run_cancelled(run.uuid, run.generation)
            except (KeyboardInterrupt, GeneratorExit):
                raise
            except BaseException as exc:  # noqa: BLE001 - SystemExit in node code is the node's error
                self._failed(run, error_from(exc))
            else:
                self._finished(run, result, view, time.perf_counter() - started, key)
            finally:
                if beacon is not None:
                    beacon.leave()
            took = time.perf_counter() - started
            if took > self.slow_inline and not spec.pinned:
                self._move_off_loop(run, took)
            return
        self._start_task(run, key)

    def _start_task(self, run: Run, key: str | None = None, *, load: bool = False) -> None:
        work = self._load_task(run, key) if load and key is not None else self._run_task(run, key)
        self._own(run, work, "node")

    def _own(self, run: Run, work: Coroutine[Any, Any, None], what: str) -> None:
        """Run ``work`` as the run's task, owned (cancelled by a newer generation, awaited at
        close). Always the running loop: a nodespace may outlive one asyncio.run()."""
        task = asyncio.get_running_loop().create_task(work, name=f"nodeweave {what} {run.uuid}")
        self._tasks[run.uuid] = (run.generation, task)
        self._all_tasks.add(task)
        task.add_done_callback(functools.partial(self._task_done, run.uuid))

    async def _load_task(self, run: Run, key: str) -> None:
        """Serve the run from the result cache, read in a thread; run the code if the entry
        turns out to be gone or unreadable."""
        store = self.store
        entry = await asyncio.to_thread(store.load, key) if store is not None else None
        if entry is None:
            self._execute(run, key)
        else:
            self.scheduler.run_cached(run.uuid, run.generation, entry[0], entry[1])
        self.drain()

    async def _run_task(self, run: Run, key: str | None = None) -> None:
        spec = run.spec
        sched = self.scheduler
        kwargs = dict(run.kwargs)  # run.kwargs is the scheduler's record of the inputs
        started = time.perf_counter()
        try:
            if self.remote_seen and spec.executor != "dask" and has_remote(kwargs):
                kwargs = await asyncio.to_thread(fetch_all, kwargs)
            if spec.executor == "inline" and spec.id not in self.off_loop:
                result = self._call_inline(run, kwargs)  # its remote inputs just arrived
            elif spec.executor == "async":
                if spec.context_param is not None:
                    kwargs[spec.context_param] = self._context(run, threaded=False)
                result = await spec.func(**kwargs)
            else:
                kind = "thread" if spec.executor == "inline" else spec.executor  # moved off
                pool = self.executors.get(kind)
                if spec.context_param is not None:
                    kwargs[spec.context_param] = self._context(run, threaded=True, pool=pool)
                future = pool.submit(spec.func, **kwargs)
                try:
                    result = await asyncio.wrap_future(future)
                except asyncio.CancelledError:
                    if not future.done():  # a thread goes on; a process is being killed
                        self._stale_started(run.uuid, future)
                    raise
        except asyncio.CancelledError:
            # Superseded runs were already moved on by the scheduler; this only acts when the
            # cancellation came from elsewhere (the node itself, or shutdown).
            if sched.run_cancelled(run.uuid, run.generation):
                self.kick()
            raise
        except (KeyboardInterrupt, GeneratorExit):
            raise
        except BaseException as exc:  # noqa: BLE001 - any failure of node code is data
            self._failed(run, error_from(exc))
        else:
            if not self.remote_seen and _is_remote(result):
                self.remote_seen = True
            self._finished(run, result, seconds=time.perf_counter() - started, key=key)
        self.drain()

    def _call_inline(self, run: Run, kwargs: dict[str, object]) -> object:
        """An inline node's call from a task (its remote inputs were fetched first); the common
        case, straight from :meth:`_run`, inlines the same steps to stay one call per node."""
        spec = run.spec
        if spec.context_param is not None:
            kwargs[spec.context_param] = self._context(run, threaded=False)
        beacon = self.beacon
        if beacon is not None:
            beacon.enter(run.uuid, spec.id)
        try:
            return spec.func(**kwargs)
        finally:
            if beacon is not None:
                beacon.leave()

    def _task_done(self, uuid: str, task: asyncio.Task[None]) -> None:
        self._all_tasks.discard(task)
        if task in self._cancelling:
            self._cancelling.discard(task)
            self._maybe_idle()
        current = self._tasks.get(uuid)
        if current is not None and current[1] is task:  # (a newer run keeps its own)
            del self._tasks[uuid]
            self._flags.pop(uuid, None)
        if not task.cancelled() and task.exception() is not None:
            log.error("node task %s failed inside the runner", uuid, exc_info=task.exception())

    def _cancel(self, cancel: Cancel) -> None:
        flag = self._flags.get(cancel.uuid)
        if flag is not None and flag[0] == cancel.generation:
            flag[1].set()  # ctx.check() and ctx.progress() raise in that run from now on
        current = self._tasks.get(cancel.uuid)
        if current is not None and current[0] == cancel.generation and not current[1].done():
            current[1].cancel()
            self._cancelling.add(current[1])

    # --- streams: generator nodes -------------------------------------------------------

    def _start_stream(self, run: Run) -> None:
        if self.hooks_of is not None and self._hooks_before(run)[0]:
            return
        self._own(run, self._stream_task(run), "stream")

    async def _stream_task(self, run: Run) -> None:
        spec = run.spec
        sched = self.scheduler
        kwargs = dict(run.kwargs)
        try:
            if spec.executor == "async":
                if spec.context_param is not None:
                    kwargs[spec.context_param] = self._context(run, threaded=False)
                agen = spec.func(**kwargs)
                try:
                    async for value in agen:
                        self._stream_value(run.uuid, run.generation, value)
                finally:
                    await agen.aclose()
            else:
                await self._stream_thread(run, kwargs)
        except asyncio.CancelledError:
            self._held.pop(run.uuid, None)
            if sched.run_cancelled(run.uuid, run.generation):
                self.kick()
            raise
        except (KeyboardInterrupt, GeneratorExit):
            raise
        except BaseException as exc:  # noqa: BLE001 - any failure of node code is data
            self._held.pop(run.uuid, None)
            self._failed(run, error_from(exc))
        else:
            held = self._held.pop(run.uuid, None)
            if held is not None and held[0] == run.generation:
                sched.stream_value(run.uuid, run.generation, held[1])  # the last value, always
            sched.stream_ended(run.uuid, run.generation)
        self.drain()

    async def _stream_thread(self, run: Run, kwargs: dict[str, object]) -> None:
        """A sync generator, iterated in a thread of its own (a stream may last for hours: it
        must not hold a pool's thread); its values reach the loop through one slot."""
        loop = asyncio.get_running_loop()
        done: asyncio.Future[None] = loop.create_future()
        stop = threading.Event()
        uuid, generation = run.uuid, run.generation
        if run.spec.context_param is not None:
            kwargs[run.spec.context_param] = self._context(run, threaded=True)
        self._stream_threads[uuid] = (generation, stop)

        def settle(exc: BaseException | None) -> None:
            if done.done():
                return
            if exc is None:
                done.set_result(None)
            else:
                done.set_exception(exc)

        def iterate() -> None:
            error: BaseException | None = None
            try:
                gen = run.spec.func(**kwargs)
                try:
                    for value in gen:
                        if stop.is_set():
                            break
                        with self._thread_values_lock:  # one slot a stream, one wake-up a burst
                            self._thread_values[uuid] = (generation, value)
                            wake = not self._thread_values_scheduled
                            self._thread_values_scheduled = True
                        if wake:
                            loop.call_soon_threadsafe(self._take_thread_values)
                finally:
                    gen.close()
            except BaseException as exc:  # noqa: BLE001 - handed to the loop, raised there
                error = exc
            with contextlib.suppress(RuntimeError):  # a closed loop: nobody is left to tell
                loop.call_soon_threadsafe(self._take_thread_values)
                loop.call_soon_threadsafe(settle, error)

        thread = threading.Thread(target=iterate, name=f"nodeweave stream {uuid}", daemon=True)
        thread.start()
        try:
            await done
        finally:
            stop.set()  # (cancelled: the generator stops at its next value)
            flag = self._flags.get(uuid)
            if flag is not None and flag[0] == generation:
                flag[1].set()  # and a generator waiting on its context wakes up
            current = self._stream_threads.get(uuid)
            if current is not None and current[0] == generation:
                del self._stream_threads[uuid]

    def _take_thread_values(self) -> None:
        with self._thread_values_lock:
            self._thread_values_scheduled = False
            values, self._thread_values = self._thread_values, {}
        for uuid, (generation, value) in values.items():
            self._stream_value(uuid, generation, value)

    def _stream_value(self, uuid: str, generation: int, value: object) -> None:
        """A value a stream yielded: handed in now if what it feeds has settled, else held
        (replacing any held before it: a slow consumer skips values, it never queues them)."""
        sched = self.scheduler
        node = sched.nodes.get(uuid)
        if node is None or node.generation != generation:
            return
        if node.streaming and not sched.cone_settled(uuid):
            self._held[uuid] = (generation, value)
            return
        self._held.pop(uuid, None)
        if sched.stream_value(uuid, generation, value):
            self.kick()

    def _release_held(self) -> bool:
        """Hand in held stream values whose cone has settled; whether any was."""
        sched = self.scheduler
        released = False
        for uuid, (generation, value) in list(self._held.items()):
            if sched.cone_settled(uuid):
                del self._held[uuid]
                if sched.stream_value(uuid, generation, value):
                    released = True
        return released

    # --- runs that do not stop at once, and sync nodes that are slow ---------------------

    def _stale_started(self, uuid: str, future: concurrent.futures.Future[object]) -> None:
        """A superseded run goes on (until its thread checks, or its process is killed)."""
        self._stale[uuid] = count = self._stale.get(uuid, 0) + 1
        self.dispatch(StaleRuns(uuid, count))
        loop = asyncio.get_running_loop()

        def ended(_: concurrent.futures.Future[object]) -> None:
            with contextlib.suppress(RuntimeError):  # a closed loop: nobody is left to tell
                loop.call_soon_threadsafe(self._stale_ended, uuid)

        future.add_done_callback(ended)

    def _stale_ended(self, uuid: str) -> None:
        count = self._stale.get(uuid, 0) - 1
        if count > 0:
            self._stale[uuid] = count
        else:
            self._stale.pop(uuid, None)
        self.dispatch(StaleRuns(uuid, max(count, 0)))

    def stale_runs(self, uuid: str) -> int:
        """Superseded or cancelled runs of the node that have not stopped yet."""
        return self._stale.get(uuid, 0)

    def _move_off_loop(self, run: Run, took: float) -> None:
        spec = run.spec
        self.off_loop.add(spec.id)
        log.warning(
            "node type %s blocked the event loop for %.2f s (node %s); it runs in a thread from "
            'now on. Declare it with @node(executor="thread") (or "process" to make it '
            'stoppable), or executor="inline" to keep it on the loop',
            spec.id,
            took,
            run.uuid,
        )
        self.dispatch(MovedOffLoop(spec.id, run.uuid, round(took, 3)))

    # --- progress ------------------------------------------------------------------------

    def _context(
        self, run: Run, *, threaded: bool, pool: concurrent.futures.Executor | None = None
    ) -> NodeContext:
        uuid, generation = run.uuid, run.generation
        if not threaded:

            def report(fraction: float | None, message: str) -> None:
                self.scheduler.progress(uuid, generation, fraction, message)
                self.kick()

            if run.spec.executor == "inline" and run.spec.id not in self.off_loop:
                return NodeContext(uuid, report, scope=self.scope)  # runs to its end right here
            flag = threading.Event()
            self._flags[uuid] = (generation, flag)
            return NodeContext(uuid, report, flag, self.scope)
        loop = asyncio.get_running_loop()

        def report_threaded(fraction: float | None, message: str) -> None:
            # Keep only the latest report per node; one loop callback per burst.
            self._thread_progress[uuid] = (generation, fraction, message)
            if not self._progress_flush_scheduled:
                self._progress_flush_scheduled = True
                loop.call_soon_threadsafe(self._flush_progress)

        make = getattr(pool, "context", None)
        if callable(make):  # a pool elsewhere (a Dask cluster): its context travels there
            context: NodeContext = make(uuid, report_threaded)
            return context
        flag = threading.Event()
        self._flags[uuid] = (generation, flag)
        return NodeContext(uuid, report_threaded, flag)

    def _flush_progress(self) -> None:
        self._progress_flush_scheduled = False
        pending, self._thread_progress = self._thread_progress, {}
        for uuid, (generation, fraction, message) in pending.items():
            self.scheduler.progress(uuid, generation, fraction, message)
        self.kick()

    # --- shutdown ------------------------------------------------------------------------

    async def aclose(self) -> None:
        """Cancel every running node task and wait for them to end."""
        tasks = list(self._all_tasks)
        for task in tasks:
            task.cancel()
        if tasks:
            await asyncio.gather(*tasks, return_exceptions=True)
        for fut in self._idle_waiters:
            if not fut.done():
                fut.cancel()
        self._idle_waiters.clear()
