"""Where non-inline node functions run: pools behind the ``concurrent.futures`` interface.

The choice is injectable (``NodeSpace(executors=...)``) so that a worker can hand heavy nodes to
something else — a Dask ``Client.get_executor()`` speaks the same interface. The defaults are
created on first use only, so a nodespace that never runs a thread or process node owns no pool.
"""

from __future__ import annotations

import concurrent.futures
import multiprocessing
from collections.abc import Mapping


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
            # forkserver: forking a process that runs an event loop and threads is unsafe.
            return concurrent.futures.ProcessPoolExecutor(
                mp_context=multiprocessing.get_context("forkserver")
            )
        raise ValueError(f"unknown executor kind {kind!r}")

    def shutdown(self) -> None:
        """Shut down the pools this object created (never the ones it was given)."""
        for kind in list(self._owned):
            self._pools.pop(kind).shutdown(wait=False, cancel_futures=True)
        self._owned.clear()
