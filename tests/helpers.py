"""Small builders shared by the core tests."""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

from nodeweave import NodeSpace, Shelf, node
from nodeweave.core.events import Event, StatusChanged


def space(*fns: Callable[..., Any]) -> NodeSpace:
    """A nodespace whose library holds the given @node functions."""
    ns = NodeSpace()
    ns.library.add_shelf(Shelf(name="test", nodes=list(fns)))
    return ns


class Recorder:
    """Collects events; answers questions about them."""

    def __init__(self, ns: NodeSpace) -> None:
        self.events: list[Event] = []
        self.unsubscribe = ns.subscribe(self.events.append)

    def statuses(self, uuid: str) -> list[str]:
        return [
            e.status.value for e in self.events if isinstance(e, StatusChanged) and e.uuid == uuid
        ]

    def of(self, kind: type[Any]) -> list[Any]:
        return [e for e in self.events if isinstance(e, kind)]

    def clear(self) -> None:
        self.events.clear()


@node(id="proc.pid", executor="process")
def process_pid(x: int) -> tuple[int, int]:
    """Runs in a process pool: returns the input and the pid that computed it."""
    return x, os.getpid()


@node(id="proc.spin", executor="process")
def process_spin(x: int) -> int:
    """Never returns (a user's ``while True``): only killing its process stops it."""
    while True:
        pass


@node(id="proc.slow", executor="process")
def process_slow(x: int, seconds: float = 0.5) -> tuple[int, int]:
    """Takes ``seconds``, then returns the input and the pid that computed it."""
    import time

    time.sleep(seconds)
    return x, os.getpid()


@node(id="proc.boom", executor="process")
def process_boom(x: int) -> int:
    """Fails in its process."""
    raise ValueError(f"no good: {x}")
