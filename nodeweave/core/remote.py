"""Values that live elsewhere (on a Dask cluster): the engine passes a handle, not the data.

An ``executor="dask"`` node's output stays on the cluster: its nodespace holds a
:class:`RemoteValue` — a handle with the value's preview, computed where the value lives. A
node on the same cluster receives the handle and its executor passes the cluster's own reference,
so the data moves between cluster workers, never through the nodeweave worker. Any other node
gets the value itself: the runner fetches it (in a thread) before the run. So does an explicit
full-value request.
"""

from __future__ import annotations

from typing import Any


class RemoteValue:
    """A handle on a value kept elsewhere. Subclasses say how to fetch it."""

    __slots__ = ("preview", "ref")

    def __init__(self, ref: Any, preview: dict[str, Any]) -> None:
        self.ref = ref
        """What the executor that made it passes on (a Dask future)."""
        self.preview = preview
        """Its preview, computed where the value lives (within the worker's budget)."""

    def fetch(self) -> Any:
        """The value itself (blocking: call it off the event loop)."""
        raise NotImplementedError

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.preview.get('type', '?')}>"


def has_remote(kwargs: dict[str, Any]) -> bool:
    return any(isinstance(value, RemoteValue) for value in kwargs.values())


def fetch_all(kwargs: dict[str, Any]) -> dict[str, Any]:
    """``kwargs`` with every remote value fetched (blocking)."""
    return {k: v.fetch() if isinstance(v, RemoteValue) else v for k, v in kwargs.items()}


def local(value: Any) -> Any:
    """The value itself: a remote one fetched (blocking), any other as it is."""
    return value.fetch() if isinstance(value, RemoteValue) else value
