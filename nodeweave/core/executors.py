"""Where non-inline node functions run: pools behind the ``concurrent.futures`` interface.

The choice is injectable (``NodeSpace(executors=...)``) so that a worker can hand heavy nodes to
something else — a Dask ``Client.get_executor()`` speaks the same interface. The defaults are
created on first use only, so a nodespace that never runs a thread or process node owns no pool.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
from collections.abc import Callable, Mapping

KINDS = frozenset({"thread", "process", "dask"})


class Executors:
    """The pools for ``executor="thread"`` and ``executor="process"`` nodes."""

    def __init__(
        self,
        provided: Mapping[str, concurrent.futures.Executor] | None = None,
        factories: Mapping[str, Callable[[], concurrent.futures.Executor]] | None = None,
    ) -> None:
        unknown = (set(provided or ()) | set(factories or ())) - KINDS
        if unknown:
            raise ValueError(f"unknown executor kinds {sorted(unknown)}; use {sorted(KINDS)}")
        self._pools: dict[str, concurrent.futures.Executor] = dict(provided or {})
        self._factories = dict(factories or {})
        self._owned: set[str] = set()

    def get(self, kind: str) -> concurrent.futures.Executor:
        pool = self._pools.get(kind)
        if pool is None:
            factory = self._factories.get(kind)
            pool = factory() if factory is not None else self._create(kind)
            self._pools[kind] = pool
            self._owned.add(kind)
        return pool

    def _create(self, kind: str) -> concurrent.futures.Executor:
        if kind == "thread":
            return concurrent.futures.ThreadPoolExecutor(thread_name_prefix="nodeweave-node")
        if kind == "process":
            # Imported here: most workers never start a process (and children cost memory).
            from .procpool import ProcessExecutor

            return ProcessExecutor()
        if kind == "dask":
            raise ValueError(
                "executor='dask' runs on a Dask cluster, which only a nodeweave worker provides "
                "(with the Dask extra: pip install 'nodeweave[dask]')"
            )
        raise ValueError(f"unknown executor kind {kind!r}")

    def retire(self, kind: str) -> None:
        """Let the next run of ``kind`` start in fresh processes (this object's own pools only).

        After a module reload the children of the process pool still hold the old code: idle
        ones are replaced now, busy ones when their run ends (its result is discarded as
        superseded — and the run itself is usually killed, as the rebound node runs again).
        """
        if kind in self._owned:
            pool = self._pools[kind]
            recycle = getattr(pool, "recycle", None)
            if callable(recycle):
                recycle()
            else:
                self._owned.discard(kind)
                self._pools.pop(kind).shutdown(wait=False, cancel_futures=False)

    async def aclose(self) -> None:
        """Shut down the pools this object created (never the ones it was given).

        Queued work is cancelled and process runs are killed. A thread cannot be stopped, so a
        still-running thread node finishes on its own (its result is dropped).
        """
        for kind in list(self._owned):
            pool = self._pools.pop(kind)
            if kind in ("process", "dask"):
                # joins the threads that drive the children (which the kills end at once), or
                # closes the Dask client and its LocalCluster
                await asyncio.to_thread(pool.shutdown, True, cancel_futures=True)
            else:
                pool.shutdown(wait=False, cancel_futures=True)
        self._owned.clear()
