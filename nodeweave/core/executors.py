"""Where non-inline node functions run: pools behind the ``concurrent.futures`` interface.

The choice is injectable (``NodeSpace(executors=...)``) so that a worker can hand heavy nodes to
something else — a Dask ``Client.get_executor()`` speaks the same interface. The defaults are
created on first use only, so a nodespace that never runs a thread or process node owns no pool.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import time
from collections.abc import Mapping
from typing import Any


class Executors:
    """The pools for ``executor="thread"`` and ``executor="process"`` nodes."""

    def __init__(self, provided: Mapping[str, concurrent.futures.Executor] | None = None) -> None:
        unknown = set(provided or ()) - {"thread", "process"}
        if unknown:
            raise ValueError(f"unknown executor kinds {sorted(unknown)}; use 'thread', 'process'")
        self._pools: dict[str, concurrent.futures.Executor] = dict(provided or {})
        self._owned: set[str] = set()

    def get(self, kind: str) -> concurrent.futures.Executor:
        pool = self._pools.get(kind)
        if pool is None:
            pool = self._create(kind)
            self._pools[kind] = pool
            self._owned.add(kind)
        return pool

    def _create(self, kind: str) -> concurrent.futures.Executor:
        if kind == "thread":
            return concurrent.futures.ThreadPoolExecutor(thread_name_prefix="nodeweave-node")
        if kind == "process":
            # Imported here: most workers never start a process pool (and it costs memory).
            import multiprocessing

            # forkserver: forking a process that runs an event loop and threads is unsafe.
            return concurrent.futures.ProcessPoolExecutor(
                mp_context=multiprocessing.get_context("forkserver")
            )
        raise ValueError(f"unknown executor kind {kind!r}")

    def retire(self, kind: str) -> None:
        """Let the next run of ``kind`` start a fresh pool (this object's own pools only).

        After a module reload the processes of a process pool still hold the old code; runs
        already in them finish (their results are discarded as superseded) and the processes
        then exit.
        """
        if kind in self._owned:
            self._owned.discard(kind)
            self._pools.pop(kind).shutdown(wait=False, cancel_futures=False)

    async def aclose(self, grace: float = 2.0) -> None:
        """Shut down the pools this object created (never the ones it was given).

        Queued work is cancelled. A thread cannot be stopped, so a still-running thread node
        finishes on its own; the processes of a process pool are terminated if they do not
        exit within ``grace`` seconds (a superseded computation may still be running in one).
        """
        for kind in list(self._owned):
            pool = self._pools.pop(kind)
            # ProcessPoolExecutor keeps its processes in a private dict; there is no public way
            # to stop a busy one before Python 3.14's terminate_workers().
            table = getattr(pool, "_processes", None)
            processes = list(table.values()) if isinstance(table, dict) else []
            pool.shutdown(wait=False, cancel_futures=True)
            if processes:
                await asyncio.to_thread(_stop_processes, processes, grace)
        self._owned.clear()


def _stop_processes(processes: list[Any], grace: float) -> None:
    deadline = time.monotonic() + grace
    for proc in processes:
        proc.join(max(0.0, deadline - time.monotonic()))
    for proc in processes:
        if proc.is_alive():
            proc.terminate()
            proc.join(1.0)
        if proc.is_alive():
            proc.kill()
            proc.join(1.0)
