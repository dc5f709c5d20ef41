"""Choices that follow the data: an input's options derived from another input's current value.

``column: Annotated[str, Input(options_from="table")]`` makes ``column`` a picker over whatever
``table`` holds right now — the columns of the DataFrame connected to it, the keys of a dict, the
field names of a list of records. :func:`derive_options` is the one rule for all nodes;
:class:`OptionsTracker` keeps each node's current choices and says which changed after an event,
so that clients get them again only when they differ.

Table libraries are only looked up in ``sys.modules``: a value of their type cannot exist before.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, Final

from .events import (
    EdgeAdded,
    EdgeRemoved,
    Event,
    GraphReplaced,
    InputChanged,
    NodeAdded,
    NodeRebound,
    NodeRemoved,
    OptionsChanged,
    ValueChanged,
)
from .graph import Node
from .lazytypes import imported
from .values import NO_VALUE

MAX_OPTIONS: Final = 1000
"""At most this many choices are offered (a table with more columns offers its first ones)."""


def derive_options(value: Any) -> list[Any]:
    """The choices ``value`` offers: columns, keys or field names (``[]`` for anything else)."""
    if value is NO_VALUE or value is None:
        return []
    pd = imported("pandas")
    if pd is not None:
        if isinstance(value, pd.DataFrame):
            return _labels(value.columns)
        if isinstance(value, pd.Series):
            return [] if value.name is None else _labels([value.name])
    pa = imported("pyarrow")
    if pa is not None and isinstance(value, pa.Table | pa.RecordBatch):
        return _labels(value.column_names)
    pl = imported("polars")
    if pl is not None and isinstance(value, pl.DataFrame):
        return _labels(value.columns)
    np = imported("numpy")
    if np is not None and isinstance(value, np.ndarray):
        return _labels(value.dtype.names or ())
    if isinstance(value, Mapping):
        return _labels(value.keys())
    if isinstance(value, Sequence) and not isinstance(value, str | bytes | bytearray):
        first = value[0] if len(value) else None
        if isinstance(first, Mapping):
            return _labels(first.keys())
    return []


def _labels(names: Iterable[Any]) -> list[Any]:
    out: list[Any] = []
    for name in names:
        if len(out) >= MAX_OPTIONS:
            break
        out.append(name if isinstance(name, str | int | float | bool) else str(name))
    return out


class OptionsTracker:
    """The current choices of every option input of one graph, updated from its events.

    ``nodes`` is the scheduler's live node table; ``input_value(node, io)`` reads an input's
    current value. :meth:`follow` returns the :class:`OptionsChanged` events an event causes.
    """

    def __init__(self, nodes: Mapping[str, Node], input_value: Callable[[Node, str], Any]) -> None:
        self._nodes = nodes
        self._input_value = input_value
        self._current: dict[tuple[str, str], list[Any]] = {}
        self._tracked: set[str] = set()  # uuids of nodes that have option inputs

    def options(self, node: Node) -> dict[str, list[Any]]:
        """The choices of each option input of ``node``, computed now."""
        spec = node.spec
        if spec is None or not spec.options_sources:
            return {}
        out: dict[str, list[Any]] = {}
        for source, targets in spec.options_sources.items():
            choices = derive_options(self._input_value(node, source))
            for target in targets:
                out[target] = choices
        return out

    def follow(self, event: Event) -> list[OptionsChanged]:
        match event:
            case ValueChanged(uuid, io, _):
                if not self._tracked:
                    return []
                node = self._nodes.get(uuid)
                if node is None:
                    return []
                changed: list[OptionsChanged] = []
                for edge in node.out_edges:
                    if edge.src_io == io and edge.dst in self._tracked:
                        changed += self._refresh(edge.dst, edge.dst_io)
                return changed
            case InputChanged(uuid, io, _):
                return self._refresh(uuid, io) if uuid in self._tracked else []
            case EdgeAdded(edge) | EdgeRemoved(edge):
                return self._refresh(edge.dst, edge.dst_io) if edge.dst in self._tracked else []
            case NodeAdded(uuid=uuid) | NodeRebound(uuid=uuid):
                self._forget(uuid)
                node = self._nodes.get(uuid)
                if node is not None and node.spec is not None and node.spec.options_sources:
                    self._tracked.add(uuid)
                    for target, choices in self.options(node).items():
                        self._current[uuid, target] = choices  # the node event carries them
                return []
            case NodeRemoved(uuid):
                self._forget(uuid)
                return []
            case GraphReplaced():
                self.reset()
        return []

    def reset(self) -> None:
        """Start over from the graph as it is (after a load, or when events resume)."""
        self._current.clear()
        self._tracked = {
            u for u, n in self._nodes.items() if n.spec is not None and n.spec.options_sources
        }
        for uuid in self._tracked:
            for target, choices in self.options(self._nodes[uuid]).items():
                self._current[uuid, target] = choices

    def _refresh(self, uuid: str, source: str) -> list[OptionsChanged]:
        node = self._nodes.get(uuid)
        if node is None or node.spec is None:
            return []
        targets = node.spec.options_sources.get(source)
        if not targets:
            return []
        choices = derive_options(self._input_value(node, source))
        changed = []
        for target in targets:
            if self._current.get((uuid, target)) != choices:
                self._current[uuid, target] = choices
                changed.append(OptionsChanged(uuid, target, tuple(choices)))
        return changed

    def _forget(self, uuid: str) -> None:
        if uuid in self._tracked:
            self._tracked.discard(uuid)
            for key in [k for k in self._current if k[0] == uuid]:
                del self._current[key]


__all__ = ["MAX_OPTIONS", "OptionsTracker", "derive_options"]
