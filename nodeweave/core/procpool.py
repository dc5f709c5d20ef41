"""Process nodes that can be stopped: each run in a child process the pool can kill.

``concurrent.futures.ProcessPoolExecutor`` cannot stop a running call: a superseded or
cancelled run of an ``executor="process"`` node would keep its process (and a CPU) busy until
it ends — forever for a ``while True`` — and hold a slot the newest run needs. This pool keeps
one child per slot instead, each driven over a pipe by a thread of the parent, so that:

- cancelling the future of a *running* call kills the child running it (the asyncio side of
  ``loop.run_in_executor`` cancels the concurrent future when its task is cancelled, which is
  what the scheduler's ``Cancel`` does); the slot is free again at once and the next call gets
  a fresh child;
- a child that dies (killed from outside, out of memory, ``os._exit``) fails only its call, with
  a clear error; the pool goes on;
- :meth:`ProcessExecutor.recycle` (after a module reload) replaces the children, which hold the
  old code: idle ones now, busy ones when their call ends.

Children come from the ``forkserver`` start method (forking a process that runs an event loop
and threads is unsafe), with :mod:`nodeweave` preloaded in the server so a new child only
imports the node's own module. Functions and arguments travel pickled (by reference for
functions, as with the standard pool); an exception comes back with the child's traceback as
its ``__cause__``.
"""

from __future__ import annotations

import collections
import concurrent.futures
import logging
import multiprocessing
import multiprocessing.connection
import pickle
import threading
import traceback
from collections.abc import Callable
from multiprocessing.context import BaseContext
from typing import Any

log = logging.getLogger("nodeweave.core")

PRELOAD = ["nodeweave"]
"""Imported once by the fork server, so that children start with the engine already loaded."""


class RemoteTraceback(Exception):
    """The traceback of an exception raised in a child, attached as the ``__cause__``."""

    def __init__(self, text: str) -> None:
        super().__init__(text)
        self.text = text

    def __str__(self) -> str:
        return self.text


class ProcessDied(Exception):
    """The child running a call ended before answering (killed, crashed or out of memory)."""


class _Child:
    __slots__ = ("conn", "generation", "killed", "process")

    def __init__(self, process: Any, conn: multiprocessing.connection.Connection, generation: int):
        self.process = process
        self.conn = conn
        self.generation = generation
        self.killed = False

    def stop(self) -> None:
        """End the child now (it may be computing) and close the parent's end of its pipe."""
        if self.process.is_alive():
            self.process.kill()
        self.process.join(5.0)
        self.conn.close()


class _Future(concurrent.futures.Future[Any]):
    """A future whose ``cancel()`` also stops a call that is already running."""

    def __init__(self, pool: ProcessExecutor) -> None:
        super().__init__()
        self._pool = pool

    def cancel(self) -> bool:
        if super().cancel():
            return True  # it had not started
        return self._pool._kill(self)


_Job = tuple[_Future, Callable[..., Any], tuple[Any, ...], dict[str, Any]]


class ProcessExecutor(concurrent.futures.Executor):
    """Up to ``max_workers`` child processes, each running one call at a time; see the module
    docstring. Drop-in for ``ProcessPoolExecutor`` where ``loop.run_in_executor`` is used."""

    def __init__(self, max_workers: int | None = None, mp_context: BaseContext | None = None):
        if mp_context is None:
            mp_context = multiprocessing.get_context("forkserver")
            set_preload = getattr(mp_context, "set_forkserver_preload", None)
            if set_preload is not None:
                set_preload(PRELOAD)
        self._ctx = mp_context
        self._max = max_workers or multiprocessing.cpu_count()
        if self._max < 1:
            raise ValueError("max_workers must be at least 1")
        self._lock = threading.Lock()
        self._queue: collections.deque[_Job] = collections.deque()
        self._idle: list[_Child] = []
        self._busy: dict[_Future, _Child | None] = {}  # None: its child is being started
        self._kill_requested: set[_Future] = set()  # cancelled while their child was starting
        self._threads: set[threading.Thread] = set()
        self._slots = 0  # children alive or being started
        self._generation = 0
        self._shutdown = False
        self.started = 0
        """Children started so far (for tests and benchmarks)."""

    # --- the Executor interface -----------------------------------------------------------

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> _Future:
        future = _Future(self)
        with self._lock:
            if self._shutdown:
                raise RuntimeError("cannot schedule new calls after shutdown")
            self._queue.append((future, fn, args, kwargs))
        self._dispatch()
        return future

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        """Accept no more calls. Queued calls are cancelled when ``cancel_futures``; running
        ones are then killed too (their results could no longer be used), otherwise they
        finish and their children exit. ``wait`` joins the threads that drive them."""
        with self._lock:
            self._shutdown = True
            idle, self._idle = self._idle, []
            queued = list(self._queue) if cancel_futures else []
            if cancel_futures:
                self._queue.clear()
            running = [f for f in self._busy if cancel_futures]
            threads = list(self._threads)
        for future, *_ in queued:
            future.cancel()
        for child in idle:
            self._retire(child)
        for future in running:
            self._kill(future)
        if wait:
            for thread in threads:
                thread.join()

    # --- management ------------------------------------------------------------------------

    def recycle(self) -> None:
        """Replace the children (they imported code that has since changed): idle ones now,
        busy ones once their call ends."""
        with self._lock:
            self._generation += 1
            idle, self._idle = self._idle, []
        for child in idle:
            self._retire(child)

    @property
    def processes(self) -> list[int]:
        """The pids of the children alive now."""
        with self._lock:
            children = [*self._idle, *(c for c in self._busy.values() if c is not None)]
        return [c.process.pid for c in children if c.process.is_alive()]

    # --- internals -------------------------------------------------------------------------

    def _dispatch(self) -> None:
        """Start queued calls while there is a free slot (an idle child, or room for one)."""
        while True:
            with self._lock:
                if not self._queue:
                    return
                if not self._idle and self._slots >= self._max:
                    return
                job = self._queue.popleft()
                future = job[0]
                if not future.set_running_or_notify_cancel():
                    continue  # cancelled while it waited
                child = self._idle.pop() if self._idle else None
                if child is None:
                    self._slots += 1
                self._busy[future] = child
                thread = threading.Thread(
                    target=self._drive, args=(job, child), name="nodeweave-process", daemon=True
                )
                self._threads.add(thread)
            thread.start()

    def _start_child(self, generation: int) -> _Child:
        parent, child_end = self._ctx.Pipe(duplex=True)
        process = self._ctx.Process(  # type: ignore[attr-defined]
            target=_child_main, args=(child_end,), name="nodeweave-node", daemon=True
        )
        process.start()
        child_end.close()
        self.started += 1
        return _Child(process, parent, generation)

    def _drive(self, job: _Job, child: _Child | None) -> None:
        future, fn, args, kwargs = job
        try:
            if child is None:
                with self._lock:
                    generation = self._generation
                child = self._start_child(generation)
                with self._lock:
                    self._busy[future] = child
                    killed_early = future in self._kill_requested
                if killed_early:
                    child.killed = True
                    child.process.kill()
            self._call(child, future, fn, args, kwargs)
        except BaseException as exc:  # noqa: BLE001 - the call fails, never the pool
            if not future.done():
                future.set_exception(exc)
        finally:
            with self._lock:
                self._busy.pop(future, None)
                self._kill_requested.discard(future)
                keep = (
                    child is not None
                    and not child.killed
                    and not self._shutdown
                    and child.generation == self._generation
                    and child.process.is_alive()
                )
                if keep:
                    assert child is not None
                    self._idle.append(child)
                else:
                    self._slots -= 1
                self._threads.discard(threading.current_thread())
            if not keep and child is not None:
                self._retire(child)
            self._dispatch()

    def _call(
        self,
        child: _Child,
        future: _Future,
        fn: Callable[..., Any],
        args: tuple[Any, ...],
        kwargs: dict[str, Any],
    ) -> None:
        try:
            payload = pickle.dumps((fn, args, kwargs), protocol=pickle.HIGHEST_PROTOCOL)
        except Exception as exc:  # noqa: BLE001 - an argument that cannot travel is the call's error
            future.set_exception(TypeError(f"cannot send the call to a process: {exc}"))
            return
        try:
            child.conn.send_bytes(payload)
            ready = multiprocessing.connection.wait([child.conn, child.process.sentinel])
            answer = child.conn.recv_bytes() if child.conn in ready else None
        except (EOFError, OSError):
            answer = None
        if answer is None:
            child.process.join(5.0)
            if child.killed:
                future.set_exception(concurrent.futures.CancelledError())
            else:
                code = child.process.exitcode
                future.set_exception(
                    ProcessDied(f"the process running the node ended (exit code {code})")
                )
            child.killed = True  # not reused
            return
        kind, value, text = pickle.loads(answer)
        if kind == "ok":
            future.set_result(value)
        else:
            if text:
                value.__cause__ = RemoteTraceback(text)
            future.set_exception(value)

    def _kill(self, future: _Future) -> bool:
        """Stop the child running ``future`` (or the one about to start for it)."""
        with self._lock:
            if future not in self._busy:
                return False
            child = self._busy[future]
            if child is None:
                self._kill_requested.add(future)  # killed as soon as it has started
                return True
            child.killed = True
        if child.process.is_alive():
            child.process.kill()
        return True

    def _retire(self, child: _Child) -> None:
        try:
            if child.process.is_alive() and not child.killed:
                child.conn.send_bytes(pickle.dumps(None))  # asks it to exit
                child.process.join(1.0)
        except (OSError, ValueError):
            pass
        child.stop()


def _child_main(conn: multiprocessing.connection.Connection) -> None:
    """A child's loop: run the calls it is sent until told to stop or its pipe closes."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl+C belongs to the worker, which stops us
    while True:
        try:
            message = conn.recv_bytes()
        except (EOFError, OSError):
            return
        try:
            call = pickle.loads(message)
            if call is None:
                return
            fn, args, kwargs = call
            answer = ("ok", fn(*args, **kwargs), "")
        except BaseException as exc:  # noqa: BLE001 - sent back as the call's error
            answer = ("err", exc, "".join(traceback.format_exception(exc)))
        try:
            data = pickle.dumps(answer, protocol=pickle.HIGHEST_PROTOCOL)
        except Exception as exc:  # noqa: BLE001 - the result (or error) cannot travel back
            what = "result" if answer[0] == "ok" else f"error ({type(answer[1]).__name__})"
            problem = TypeError(f"the node's {what} cannot be sent back from its process: {exc}")
            data = pickle.dumps(("err", problem, answer[2]))
        conn.send_bytes(data)
