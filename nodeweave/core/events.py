"""What the scheduler says: events (for observers) and instructions (for the runner).

All are small frozen slotted dataclasses so that a busy nodespace can produce many of them
cheaply; ``to_dict`` gives the JSON shape a worker forwards (values stay raw Python objects: the
worker turns them into previews).
"""

from __future__ import annotations

import dataclasses
import enum
from typing import Any

from .spec import NodeSpec


class Status(enum.StrEnum):
    IDLE = "idle"
    WAITING = "waiting"
    STALE = "stale"
    RUNNING = "running"
    DONE = "done"
    ERROR = "error"
    BLOCKED = "blocked"
    CANCELLED = "cancelled"


UNSETTLED: frozenset[Status] = frozenset({Status.STALE, Status.RUNNING})
"""A node in one of these states will still change: observers should wait for it."""

BLOCKING: frozenset[Status] = frozenset({Status.ERROR, Status.BLOCKED, Status.CANCELLED})
"""A parent in one of these states blocks its children (they do not run)."""


@dataclasses.dataclass(frozen=True, slots=True)
class Edge:
    src: str
    src_io: str
    dst: str
    dst_io: str

    def to_dict(self) -> dict[str, str]:
        return {"src": self.src, "src_io": self.src_io, "dst": self.dst, "dst_io": self.dst_io}


@dataclasses.dataclass(frozen=True, slots=True)
class NodeError:
    """A failed run, as data: what a UI shows and what blocks the node's descendants."""

    message: str
    type: str
    traceback: str = ""

    def to_dict(self) -> dict[str, str]:
        return {"message": self.message, "type": self.type, "traceback": self.traceback}


# --- events -------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True, slots=True)
class StatusChanged:
    uuid: str
    status: Status


@dataclasses.dataclass(frozen=True, slots=True)
class ValueChanged:
    """An output got a new value (``NO_VALUE`` when it was cleared)."""

    uuid: str
    io: str
    value: Any


@dataclasses.dataclass(frozen=True, slots=True)
class ProgressReported:
    uuid: str
    fraction: float | None
    message: str


@dataclasses.dataclass(frozen=True, slots=True)
class NodeFailed:
    uuid: str
    error: NodeError


@dataclasses.dataclass(frozen=True, slots=True)
class NodeAdded:
    uuid: str
    node_id: str


@dataclasses.dataclass(frozen=True, slots=True)
class NodeRemoved:
    uuid: str


@dataclasses.dataclass(frozen=True, slots=True)
class EdgeAdded:
    edge: Edge


@dataclasses.dataclass(frozen=True, slots=True)
class EdgeRemoved:
    edge: Edge
    reason: str = ""
    """Empty for a plain disconnect; says why when the engine dropped the edge itself."""


@dataclasses.dataclass(frozen=True, slots=True)
class InputChanged:
    """A node's own value for an input was set (not a value arriving over an edge)."""

    uuid: str
    io: str
    value: Any


@dataclasses.dataclass(frozen=True, slots=True)
class NodeUpdated:
    uuid: str
    properties: dict[str, Any]


@dataclasses.dataclass(frozen=True, slots=True)
class NodeRebound:
    """A node got new code (hot reload), lost it (placeholder) or found it again."""

    uuid: str
    node_id: str
    placeholder: bool
    dropped_inputs: tuple[str, ...] = ()
    dropped_edges: tuple[Edge, ...] = ()
    migrated: str = ""
    """How its saved values were migrated ("old.id → new.id", "v1 → v2"); empty: they were not."""


@dataclasses.dataclass(frozen=True, slots=True)
class OptionsChanged:
    """The choices of an input that follows another input's value changed (a column picker)."""

    uuid: str
    io: str
    options: tuple[Any, ...]


@dataclasses.dataclass(frozen=True, slots=True)
class AnnotationChanged:
    """A group or note was set (``annotation`` its data) or removed (``None``)."""

    id: str
    annotation: dict[str, Any] | None


@dataclasses.dataclass(frozen=True, slots=True)
class CacheHit:
    """A node's outputs came from a cache, so it did not run: ``"memory"`` — its memo of
    inputs it had seen lately; ``"disk"`` — the worker's result cache (a restart, say)."""

    uuid: str
    source: str = "memory"


@dataclasses.dataclass(frozen=True, slots=True)
class StreamChanged:
    """A generator node's stream started (``live``: it yields values as they come) or ended
    (it returned, failed, was stopped by a change of its inputs, or paused)."""

    uuid: str
    live: bool


@dataclasses.dataclass(frozen=True, slots=True)
class HookFailed:
    """A module's hook raised around a node's run (reported, otherwise ignored)."""

    uuid: str
    hook: str
    message: str


@dataclasses.dataclass(frozen=True, slots=True)
class PresetChanged:
    """A preset was set (``preset`` its data) or removed (``None``)."""

    name: str
    preset: dict[str, Any] | None


@dataclasses.dataclass(frozen=True, slots=True)
class CompositeChanged:
    """A composite definition was set (``composite`` its data) or removed (``None``)."""

    id: str
    composite: dict[str, Any] | None


@dataclasses.dataclass(frozen=True, slots=True)
class GraphReplaced:
    """The whole graph was replaced (a document was loaded): observers should resync."""


@dataclasses.dataclass(frozen=True, slots=True)
class StaleRuns:
    """Runs of this node that were superseded or cancelled but have not stopped yet (a thread
    that does not check its context, a process being killed); their results will be dropped.
    ``count`` is how many there are now (0: all have ended)."""

    uuid: str
    count: int


@dataclasses.dataclass(frozen=True, slots=True)
class MovedOffLoop:
    """A sync node type blocked the event loop for ``seconds`` in one run; from now on it runs in
    a thread (its module can say ``executor="thread"``, or ``"inline"`` to keep it on the loop)."""

    node_id: str
    uuid: str
    seconds: float


Event = (
    StatusChanged
    | ValueChanged
    | ProgressReported
    | NodeFailed
    | NodeAdded
    | NodeRemoved
    | EdgeAdded
    | EdgeRemoved
    | InputChanged
    | NodeUpdated
    | NodeRebound
    | OptionsChanged
    | AnnotationChanged
    | PresetChanged
    | CompositeChanged
    | HookFailed
    | CacheHit
    | StreamChanged
    | GraphReplaced
    | StaleRuns
    | MovedOffLoop
)


# --- instructions -------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True, slots=True)
class Run:
    """Call ``spec.func(**kwargs)`` and report back with this generation."""

    uuid: str
    generation: int
    spec: NodeSpec
    kwargs: dict[str, Any]
    key: str | None = None
    """The run's result-cache key (code and inputs), when it has one and a cache is kept."""
    fresh: bool = False
    """Asked for by a trigger: run the code, whatever a cache holds."""


@dataclasses.dataclass(frozen=True, slots=True)
class Cancel:
    """The run of this generation is superseded: cancel it or discard its result."""

    uuid: str
    generation: int


Instruction = Run | Cancel
