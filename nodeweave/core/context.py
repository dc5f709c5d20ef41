"""What a running node function can ask of the engine."""

from __future__ import annotations

from collections.abc import Callable


class NodeContext:
    """Handed to a node function that declares a parameter annotated ``NodeContext``::

        @node
        async def crunch(n: int, ctx: NodeContext) -> int:
            for i in range(n):
                ctx.progress(i / n, f"step {i}")
                ...

    Safe to call from a worker thread (``executor="thread"``); calls are cheap, and bursts are
    coalesced before they reach clients.
    """

    __slots__ = ("_report", "node")

    def __init__(self, node: str, report: Callable[[float | None, str], None]) -> None:
        self.node = node
        self._report = report

    def progress(self, fraction: float | None = None, message: str = "") -> None:
        """Report progress: ``fraction`` in [0, 1] (``None`` when unknown) and a short message."""
        if fraction is not None:
            fraction = min(1.0, max(0.0, float(fraction)))
        self._report(fraction, str(message))
