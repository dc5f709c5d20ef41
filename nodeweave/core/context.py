"""What a running node function can ask of the engine."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable


class RunCancelled(asyncio.CancelledError):
    """Raised by :meth:`NodeContext.check` (and :meth:`NodeContext.progress`) in a run that was
    superseded by newer inputs or cancelled: the run should stop, its result would be dropped.

    A ``CancelledError``, so ``except Exception`` in node code does not swallow it.
    """


class NodeContext:
    """Handed to a node function that declares a parameter annotated ``NodeContext``::

        @node(executor="thread")
        def crunch(n: int, ctx: NodeContext) -> int:
            for i in range(n):
                ctx.progress(i / n, f"step {i}")  # also stops the run once it is superseded
                ...

    A thread cannot be killed, so a thread node that runs for long should call
    :meth:`check` (or :meth:`progress`) now and then: once newer inputs supersede the run, or
    the user cancels it, those raise :class:`RunCancelled` and the thread is free for the newest
    run. Async nodes are cancelled at their next ``await`` and process nodes are killed, so they
    need no checks (but may make them).

    Safe to call from a worker thread (``executor="thread"``); calls are cheap, and bursts are
    coalesced before they reach clients.
    """

    __slots__ = ("_flag", "_report", "node", "scope")

    def __init__(
        self,
        node: str,
        report: Callable[[float | None, str], None],
        flag: threading.Event | None = None,
        scope: object = None,
    ) -> None:
        self.node = node
        self._report = report
        self._flag = flag if flag is not None else threading.Event()
        self.scope = scope
        """What the nodespace running the node lends it (composites find their insides)."""

    @property
    def cancelled(self) -> bool:
        """The run was superseded or cancelled: whatever it returns now is dropped."""
        return self._flag.is_set()

    def wait(self, timeout: float | None = None) -> bool:
        """Block up to ``timeout`` seconds until the run is superseded or cancelled; whether it
        is. For a helper thread that stops what cannot check by itself (a database query)."""
        return self._flag.wait(timeout)

    def check(self) -> None:
        """Raise :class:`RunCancelled` if the run was superseded or cancelled."""
        if self._flag.is_set():
            raise RunCancelled(f"node {self.node}: superseded by a newer run, or cancelled")

    def progress(self, fraction: float | None = None, message: str = "") -> None:
        """Report progress: ``fraction`` in [0, 1] (``None`` when unknown) and a short message.

        Raises :class:`RunCancelled` when the run was superseded or cancelled (see
        :meth:`check`)."""
        self.check()
        if fraction is not None:
            fraction = min(1.0, max(0.0, float(fraction)))
        self._report(fraction, str(message))
