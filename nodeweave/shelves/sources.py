"""Sources: nodes whose values come by themselves — a clock that ticks, a file that changes.

They are generator nodes (see ``@node`` on a generator): each value flows through what depends on
it as it comes; a slow consumer skips values rather than queueing them. Pausing the node (its
``paused`` property, the pause button on its card) stops the source and keeps its last value; a
worker in safe start runs none of them until it is resumed.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Iterator
from typing import Annotated

from nodeweave.core.context import NodeContext
from nodeweave.core.library import Shelf
from nodeweave.core.schema import Input
from nodeweave.core.spec import node

from . import _paths

MIN_PERIOD = 0.01
"""The shortest period an interval ticks at (100 values a second)."""


@node(id="sources.interval", name="Interval", outputs=["tick", "time"])
async def interval(
    period: Annotated[
        float, Input(min=MIN_PERIOD, max=86_400, step=0.1, description="seconds between ticks")
    ] = 1.0,
    count: Annotated[
        int, Input(min=0, description="stop after this many ticks (0: never stop)")
    ] = 0,
) -> AsyncIterator[tuple[int, float]]:
    """Tick every period seconds: the tick number (from 1) and the time of the tick.

    Pause the node to stop the clock; a change of its inputs starts it again from 1."""
    if not period >= MIN_PERIOD:
        raise ValueError(f"the period must be at least {MIN_PERIOD} s, got {period!r}")
    if count < 0:
        raise ValueError(f"count must be 0 (never stop) or more, got {count!r}")
    loop = asyncio.get_running_loop()
    start = loop.time()
    tick = 0
    while not count or tick < count:
        tick += 1
        yield tick, time.time()
        # Ticks keep to the clock (no drift from slow consumers or a busy loop): the next
        # tick is due at start + tick * period, or now if that has passed.
        await asyncio.sleep(max(0.0, start + tick * period - loop.time()))


class _Stop:
    """The stop signal watchfiles polls: the node's run was cancelled (an input change, a pause,
    the worker stopping)."""

    def __init__(self, ctx: NodeContext) -> None:
        self._ctx = ctx

    def is_set(self) -> bool:
        return self._ctx.cancelled


@node(id="sources.watch_file", name="Watch File", outputs=["path", "version"])
def watch_file(
    path: Annotated[str, Input(widget="file", description="a file in the files folder")],
    ctx: NodeContext,
) -> Iterator[tuple[str, int]]:
    """Emit the path and a new version each time the file is saved (0 while it does not exist).

    The version is the file's modification time in nanoseconds. Connect it to the ``refresh``
    input of a reader (Read CSV, Read JSON, …) to read the file again whenever it is saved."""
    from watchfiles import watch

    target = _paths.resolve(path)

    def version() -> int:
        try:
            return target.stat().st_mtime_ns
        except FileNotFoundError:
            return 0

    last = version()
    yield path, last
    folder = target.parent
    while not folder.is_dir():  # the folder may come later (an upload creates it)
        if ctx.wait(0.5):
            return
    for changes in watch(
        folder,
        debounce=50,
        step=20,
        stop_event=_Stop(ctx),
        rust_timeout=500,
        yield_on_timeout=False,
    ):
        if not any(changed == str(target) for _, changed in changes):
            continue
        now = version()
        if now != last:
            last = now
            yield path, now


NODE_SHELF = Shelf(
    name="sources",
    description="Values that come by themselves: a clock that ticks, a file that changes.",
    nodes=[interval, watch_file],
)
