"""Background tasks with an owner: named, tracked, their failures logged, ended together.

A fire-and-forget ``asyncio.create_task`` can be garbage-collected mid-run, and its exception is
only reported (if ever) when it is. The hub's supervisors, its service and the worker processes
it watches each own their background tasks through a :class:`TaskGroup` instead: every task is
referenced until it ends, a failure is logged with its traceback when it happens, and
:meth:`TaskGroup.aclose` cancels and awaits them all.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Coroutine, Iterator
from typing import Any, Final

FAILED_TASK: Final = "background task %s failed"
"""The message a task's failure is logged with (its traceback attached)."""


class TaskGroup:
    def __init__(self, log: logging.Logger) -> None:
        self._log = log
        self._tasks: set[asyncio.Task[Any]] = set()

    def spawn(self, coro: Coroutine[Any, Any, Any], name: str) -> asyncio.Task[Any]:
        task = asyncio.get_running_loop().create_task(coro, name=name)
        self._tasks.add(task)
        task.add_done_callback(self._done)
        return task

    def _done(self, task: asyncio.Task[Any]) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            self._log.error(FAILED_TASK, task.get_name(), exc_info=task.exception())

    def __iter__(self) -> Iterator[asyncio.Task[Any]]:
        return iter(list(self._tasks))

    def __len__(self) -> int:
        return len(self._tasks)

    async def join(self) -> None:
        """Wait until every task has ended, including tasks spawned meanwhile (none is cancelled)."""
        while self._tasks:
            await asyncio.wait(list(self._tasks))  # unlike gather, cancels none of them

    async def aclose(self) -> None:
        """Cancel every task still running and wait until all have ended."""
        tasks = list(self._tasks)
        for task in tasks:
            task.cancel()
        if tasks:
            await asyncio.gather(*tasks, return_exceptions=True)
