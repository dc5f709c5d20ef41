"""The engine's objects as wire data: nodes, edges and events, with previews for values."""

from __future__ import annotations

import math
from collections.abc import Callable, Hashable
from typing import Any

import orjson

from nodeweave.core import events as ev
from nodeweave.core.nodespace import NodeSpace
from nodeweave.core.preview import make_preview
from nodeweave.core.values import NO_VALUE
from nodeweave.protocol.outbox import Lazy

CONNECTED_INPUT_BUDGET = 1024

WireEvent = tuple[str, Any, Hashable, bool]
"""(event name, data, coalescing key, coalesce only when lagging)."""


def json_value(value: Any) -> tuple[bool, Any]:
    """``(True, value)`` when JSON can hold ``value`` as it is, else ``(False, None)``."""
    if value is NO_VALUE:
        return False, None
    kind = type(value)
    if value is None or kind is bool or kind is int or kind is float or kind is str:
        # (exact types: a numpy float64 is a float that JSON encoders refuse)
        if kind is int and abs(value) > 2**53 - 1:
            return False, None
        if kind is float and not math.isfinite(value):
            return False, None
        return True, value
    try:
        return True, orjson.loads(orjson.dumps(value))
    except (TypeError, orjson.JSONDecodeError):
        return False, None


class Views:
    """Renders nodes and events of one nodespace."""

    def __init__(self, ns: NodeSpace, preview_budget: int, chart_budget: int | None = None) -> None:
        self.ns = ns
        self.budget = preview_budget
        self.chart_budget = chart_budget or preview_budget

    def preview(self, value: Any) -> dict[str, Any]:
        return make_preview(value, self.budget)

    def input_preview(self, value: Any, connected: bool) -> dict[str, Any]:
        """An input's preview; one driven by an edge is a glimpse (its source shows it whole):
        a table input must not repeat the upstream table in every node it feeds."""
        return make_preview(value, CONNECTED_INPUT_BUDGET if connected else self.budget)

    def output_preview(self, value: Any) -> dict[str, Any]:
        """An output's preview: charts may take their larger budget (inputs echo in small)."""
        return make_preview(value, self.budget, rich_budget=self.chart_budget)

    def node(self, uuid: str) -> dict[str, Any]:
        view = self.ns.node(uuid)
        spec = None if view.placeholder else self.ns.library.find(view.node_id)
        inputs = []
        if spec is not None:
            for i in spec.inputs:
                own = view.own_values.get(i.name, NO_VALUE)
                ok, value = json_value(own)
                inputs.append(
                    {
                        "name": i.name,
                        "type": i.type_name,
                        "schema": i.schema,
                        "required": i.required,
                        "connected": i.name in view.connected,
                        "preview": self.input_preview(
                            view.inputs.get(i.name, NO_VALUE), i.name in view.connected
                        ),
                        "value": value if ok else None,
                        "has_value": own is not NO_VALUE,
                        **({"description": i.description} if i.description else {}),
                        **({"options": view.options.get(i.name, [])} if i.options_from else {}),
                    }
                )
            outputs = [
                {
                    "name": o.name,
                    "type": o.type_name,
                    "schema": o.schema,
                    "preview": self.output_preview(view.outputs.get(o.name, NO_VALUE)),
                }
                for o in spec.outputs
            ]
        else:  # a placeholder: show what it keeps
            for name, own in view.own_values.items():
                ok, value = json_value(own)
                inputs.append(
                    {
                        "name": name,
                        "type": "?",
                        "schema": {},
                        "required": False,
                        "connected": name in view.connected,
                        "preview": self.preview(own),
                        "value": value if ok else None,
                        "has_value": True,
                    }
                )
            outputs = []
        return {
            "uuid": view.uuid,
            "node_id": view.node_id,
            "name": view.name,
            "status": str(view.status),
            "placeholder": view.placeholder,
            "inputs": inputs,
            "outputs": outputs,
            "properties": view.properties,
            "error": view.error.to_dict() if view.error is not None else None,
            "description": spec.description if spec is not None else "",
            **({"cached": view.cached} if view.cached else {}),
            **({"live": True} if view.live else {}),
        }

    def state(self) -> dict[str, Any]:
        return {
            "nodes": [self.node(u) for u in self.ns.node_uuids()],
            "edges": [e.to_dict() for e in self.ns.edges()],
            "annotations": [{"id": k, **v} for k, v in self.ns.annotations().items()],
            "composites": self.ns.composites(),
        }

    def event(self, event: ev.Event) -> WireEvent | None:
        """The wire form of an engine event (``None`` for those clients do not need)."""
        match event:
            case ev.StatusChanged(uuid, status):
                # Latest wins while unsent: a client sees each node's current state, and a
                # chain of inline nodes costs one status frame a node, not three.
                return "node_status", {"uuid": uuid, "status": str(status)}, ("s", uuid), False
            case ev.ValueChanged(uuid, io, value):
                render = self.output_preview
                return (
                    "value",
                    Lazy(lambda: {"uuid": uuid, "io": io, "preview": render(value)}),
                    ("v", uuid, io),
                    False,
                )
            case ev.ProgressReported(uuid, fraction, message):
                progress = {"uuid": uuid, "fraction": fraction, "message": message}
                return "progress", progress, ("p", uuid), False
            case ev.StaleRuns(uuid, count):
                return "stale_runs", {"uuid": uuid, "count": count}, ("stale", uuid), False
            case ev.MovedOffLoop(node_id, uuid, seconds):
                moved = {"node_id": node_id, "uuid": uuid, "seconds": seconds}
                return "moved_off_loop", moved, None, False
            case ev.NodeFailed(uuid, error):
                return "node_error", {"uuid": uuid, **error.to_dict()}, None, False
            case ev.NodeAdded(uuid, _):
                # Rendered now, not when sent: a client must see the node as it was added,
                # followed by the events that changed it (or removed it).
                return "node_added", self._node_now(uuid), None, False
            case ev.NodeRemoved(uuid):
                return "node_removed", {"uuid": uuid}, None, False
            case ev.EdgeAdded(edge):
                return "edge_added", edge.to_dict(), None, False
            case ev.EdgeRemoved(edge, reason):
                return "edge_removed", {**edge.to_dict(), "reason": reason}, None, False
            case ev.InputChanged(uuid, io, value):
                ok, plain = json_value(value)
                budget = self.budget
                return (
                    "input_changed",
                    Lazy(
                        lambda: {
                            "uuid": uuid,
                            "io": io,
                            "preview": make_preview(value, budget),
                            "value": plain if ok else None,
                            "has_value": value is not NO_VALUE,
                        }
                    ),
                    ("i", uuid, io),
                    False,
                )
            case ev.NodeUpdated(uuid, properties):
                return "node_updated", {"uuid": uuid, "properties": properties}, ("u", uuid), False
            case ev.NodeRebound(
                uuid, node_id, placeholder, dropped_inputs, dropped_edges, migrated
            ):
                data: dict[str, Any] = {
                    "uuid": uuid,
                    "node_id": node_id,
                    "placeholder": placeholder,
                    "dropped_inputs": list(dropped_inputs),
                    "dropped_edges": [e.to_dict() for e in dropped_edges],
                    "node": self._node_now(uuid),
                }
                if migrated:
                    data["migrated"] = migrated
                return "node_rebound", data, None, False
            case ev.OptionsChanged(uuid, io, options):
                choices = {"uuid": uuid, "io": io, "options": list(options)}
                return "input_options", choices, ("o", uuid, io), False
            case ev.StreamChanged(uuid, live):
                return "stream", {"uuid": uuid, "live": live}, ("live", uuid), False
            case ev.CacheHit(uuid, source):
                return "cache_hit", {"uuid": uuid, "source": source}, ("c", uuid), True
            case ev.HookFailed(uuid, hook, message):
                text = f"hook {hook} failed on node {uuid}: {message}"
                return "problem", {"message": text}, None, False
            case ev.CompositeChanged(composite_id, composite):
                data = {"id": composite_id, "composite": composite}
                return "composite_changed", data, ("cp", composite_id), False
            case ev.PresetChanged(name, preset):
                return "preset_changed", {"name": name, "preset": preset}, ("preset", name), False
            case ev.AnnotationChanged(annotation_id, annotation):
                data = {"id": annotation_id, "annotation": annotation}
                return "annotation_changed", data, ("a", annotation_id), False
            case ev.GraphReplaced():
                return "graph_replaced", {}, None, False
        return None

    def _node_now(self, uuid: str) -> dict[str, Any] | None:
        return self.node(uuid) if uuid in self.ns else None


MUTATIONS: tuple[type[Any], ...] = (
    ev.NodeAdded,
    ev.NodeRemoved,
    ev.EdgeAdded,
    ev.EdgeRemoved,
    ev.InputChanged,
    ev.NodeUpdated,
    ev.NodeRebound,
    ev.AnnotationChanged,
    ev.PresetChanged,
    ev.CompositeChanged,
    ev.GraphReplaced,
)
"""Events that change what nodespace.json holds: each marks the autosave dirty."""

Translate = Callable[[ev.Event], WireEvent | None]
