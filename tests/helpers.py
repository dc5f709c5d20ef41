"""Small builders shared by the core tests."""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

from nodeweave import NodeContext, NodeSpace, Shelf, node
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


@node(id="cluster.square", executor="dask")
def cluster_square(x: int) -> tuple[int, int]:
    """Runs on a Dask worker: the square of the input and the pid that computed it."""
    return x * x, os.getpid()


@node(id="cluster.slow", executor="dask")
def cluster_slow(x: int, seconds: float = 0.0) -> int:
    """Sleeps ``seconds`` on a Dask worker, then returns the input."""
    import time

    time.sleep(seconds)
    return x


@node(id="cluster.boom", executor="dask")
def cluster_boom(x: int) -> int:
    """Fails on a Dask worker."""
    raise ValueError(f"cluster says no to {x}")


@node(id="cluster.steps", executor="dask")
def cluster_steps(n: int, ctx: NodeContext) -> int:
    """Reports its progress from the Dask worker."""
    import time

    for i in range(n):
        ctx.progress((i + 1) / n, f"step {i + 1} of {n}")
        time.sleep(0.05)
    return n


@node(id="cluster.make", executor="dask")
def cluster_make(n: int) -> list[int]:
    """A list of ``n`` numbers, made on the cluster (and kept there)."""
    return list(range(n))


@node(id="cluster.total", executor="dask")
def cluster_total(values: list[int]) -> int:
    """Their sum, on the cluster."""
    return sum(values)


@node(id="cluster.split", executor="dask", outputs=["evens", "odds"])
def cluster_split(values: list[int]) -> tuple[list[int], list[int]]:
    """Two outputs, each kept on the cluster."""
    return [v for v in values if v % 2 == 0], [v for v in values if v % 2]


@node(id="local.count")
def local_count(values: list[int]) -> int:
    """Runs in the worker: needs the values themselves."""
    return len(values)
