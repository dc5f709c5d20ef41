"""Composite nodes: a part of a graph folded into one reusable node.

A *definition* lives in the workflow document under ``composites`` (its id → the definition)::

    {"name": "Clean table", "description": "…",
     "nodes": [...], "edges": [...],              # the inside: a graph, as in a document
     "inputs":  [{"name": "table", "node": "<inner uuid>", "io": "table"}, ...],
     "outputs": [{"name": "clean", "node": "<inner uuid>", "io": "out"}, ...]}

Each definition is a node type ``composite.<id>`` on the library's ``composites`` shelf; its
ports are the inner ports the definition names, in order, with their types, and their defaults
taken from the inner nodes. Every use of it (an *instance*) keeps an inside of its own: a
nodespace built from the definition, whose nodes keep their values between runs, so a change of
one input of the composite re-runs only the inner nodes it affects. A run of the composite sets
its inputs inside and waits for the inside to settle — the engine's rules hold inside (glitch-
free, one run per change) and across the boundary (the composite is one node outside: its
outputs change together, once per change). A failure inside fails the composite, naming the
inner node.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

import orjson
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from .cachekeys import key_of
from .context import NodeContext
from .errors import DocumentError, NodeweaveError
from .events import Event, Status, StatusChanged, ValueChanged
from .runner import Named
from .spec import InputSpec, NodeSpec, OutputSpec
from .values import NO_VALUE, values_equal

if TYPE_CHECKING:
    from .nodespace import NodeSpace

log = logging.getLogger("nodeweave.core")

PREFIX = "composite."
SHELF = "composites"
ID_RE = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_-]{0,63}$")
MAX_COMPOSITES = 200


class CompositeError(NodeweaveError):
    """Something inside a composite went wrong (a node failed, or waits for a value)."""

    code = "composite_failed"


class CompositeInUse(NodeweaveError):
    code = "invalid_state"


class _Port(BaseModel):
    model_config = ConfigDict(extra="forbid", defer_build=True)
    name: str = Field(min_length=1, max_length=64)
    node: str = Field(min_length=1)
    io: str = Field(min_length=1)


class _Definition(BaseModel):
    model_config = ConfigDict(extra="ignore", defer_build=True)
    name: str = Field(min_length=1, max_length=100)
    description: str = Field(default="", max_length=10_000)
    nodes: list[dict[str, Any]] = Field(default_factory=list)
    edges: list[dict[str, Any]] = Field(default_factory=list)
    inputs: list[_Port] = Field(default_factory=list)
    outputs: list[_Port] = Field(default_factory=list)


def node_id_of(composite_id: str) -> str:
    return PREFIX + composite_id


def composite_id_of(node_id: str) -> str | None:
    return node_id[len(PREFIX) :] if node_id.startswith(PREFIX) else None


def check_definition(composite_id: str, data: Any) -> dict[str, Any]:
    """The definition, checked and in its stored form (raises :class:`DocumentError`)."""
    from . import document

    if not isinstance(composite_id, str) or not ID_RE.match(composite_id):
        raise DocumentError(
            f"composite id {composite_id!r}: letters, digits, '_' and '-', at most 64",
            details={"id": composite_id},
        )
    try:
        d = _Definition.model_validate(data)
    except ValidationError as exc:
        raise DocumentError(
            f"composite {composite_id!r}: invalid at {document.first_error(exc)}",
            details={"id": composite_id},
        ) from None
    try:
        graph = document.parse({"schema_version": 1, "nodes": d.nodes, "edges": d.edges})
    except DocumentError as exc:
        raise DocumentError(
            f"composite {composite_id!r}: its inside: {exc.message}", details={"id": composite_id}
        ) from None
    uuids = {n.uuid for n in graph.nodes}
    driven = {(e.dst, e.dst_io) for e in graph.edges}
    for kind, ports in (("input", d.inputs), ("output", d.outputs)):
        names: set[str] = set()
        targets: set[tuple[str, str]] = set()
        for port in ports:
            where = f"composite {composite_id!r}, {kind} {port.name!r}"
            if not port.name.isidentifier():
                raise DocumentError(f"{where}: a port name is an identifier (letters, _, digits)")
            if port.name in names:
                raise DocumentError(f"{where}: two {kind}s have this name")
            names.add(port.name)
            if port.node not in uuids:
                raise DocumentError(f"{where}: names node {port.node!r}, which is not inside")
            if kind == "input":
                if (port.node, port.io) in driven:
                    raise DocumentError(f"{where}: {port.node}.{port.io} is driven inside")
                if (port.node, port.io) in targets:
                    raise DocumentError(f"{where}: {port.node}.{port.io} is another input's")
                targets.add((port.node, port.io))
    return {
        "name": d.name,
        "description": d.description,
        "nodes": [n.model_dump(exclude_defaults=True) | {"inputs": n.inputs} for n in graph.nodes],
        "edges": [e.model_dump() for e in graph.edges],
        "inputs": [p.model_dump() for p in d.inputs],
        "outputs": [p.model_dump() for p in d.outputs],
    }


def check_all(raw: Any) -> dict[str, dict[str, Any]]:
    """A document's ``composites``: every definition checked, and none that uses itself."""
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        raise DocumentError("composites is an object: id → definition")
    if len(raw) > MAX_COMPOSITES:
        raise DocumentError(f"at most {MAX_COMPOSITES} composites")
    checked = {cid: check_definition(cid, d) for cid, d in raw.items()}
    order(checked)  # raises on a definition that contains itself
    return checked


def uses(definition: Mapping[str, Any]) -> set[str]:
    """The composites a definition's inside uses directly."""
    found = {composite_id_of(n["node_id"]) for n in definition["nodes"]}
    return {c for c in found if c is not None}


def order(defs: Mapping[str, Mapping[str, Any]]) -> list[str]:
    """The ids, each after the ones its inside uses (refuses cycles: a composite in itself)."""
    done: list[str] = []
    state: dict[str, int] = {}

    def visit(cid: str, path: list[str]) -> None:
        if state.get(cid) == 2:
            return
        if state.get(cid) == 1:
            loop = " → ".join([*path[path.index(cid) :], cid])
            raise DocumentError(
                f"composite {cid!r} contains itself ({loop})", details={"cycle": loop}
            )
        state[cid] = 1
        for used in sorted(uses(defs[cid])):
            if used in defs:
                visit(used, [*path, cid])
        state[cid] = 2
        done.append(cid)

    for cid in sorted(defs):
        visit(cid, [])
    return done


COSMETIC = frozenset({"position", "name", "size", "width", "height", "collapsed", "color"})
"""Inner node properties that change how the inside looks, not what it computes."""


def _semantic(definition: Mapping[str, Any]) -> dict[str, Any]:
    nodes = [
        {
            **n,
            "properties": {k: v for k, v in n.get("properties", {}).items() if k not in COSMETIC},
        }
        for n in definition["nodes"]
    ]
    return {**definition, "nodes": nodes}


def digest(definition: Mapping[str, Any]) -> bytes:
    """What the definition computes and shows as a node type — not where its inner nodes sit
    or what they are called (moving one inside re-runs nothing)."""
    return orjson.dumps(_semantic(definition), option=orjson.OPT_SORT_KEYS)


def _shape(definition: Mapping[str, Any]) -> bytes:
    """The inside's graph without its values: equal shapes are updated value by value."""
    nodes = [(n["uuid"], n["node_id"]) for n in definition["nodes"]]
    return orjson.dumps({"nodes": nodes, "edges": definition["edges"]}, option=orjson.OPT_SORT_KEYS)


def _identity(value: Any) -> Any:
    return value


def build_spec(
    composite_id: str, definition: Mapping[str, Any], find: Callable[[str], NodeSpec | None]
) -> NodeSpec:
    """The node type of a definition (``find`` looks up the inner node types)."""
    nodes = {n["uuid"]: n for n in definition["nodes"]}
    inputs: list[InputSpec] = []
    for port in definition["inputs"]:
        inner = nodes[port["node"]]
        spec = find(inner["node_id"])
        ispec = spec.input_map.get(port["io"]) if spec is not None else None
        own = inner.get("inputs", {}).get(port["io"], NO_VALUE)
        if ispec is None:
            inputs.append(InputSpec(port["name"], "any", Any, {}, own, _identity))
            continue
        default = ispec.default
        if own is not NO_VALUE:
            try:
                default = ispec.validate(own)
            except Exception:  # noqa: BLE001 - a saved value that no longer fits: no default
                default = ispec.default
        inputs.append(
            InputSpec(
                port["name"],
                ispec.type_name,
                ispec.annotation,
                ispec.schema,
                default,
                ispec.validate,
                ispec.description,
            )
        )
    outputs: list[OutputSpec] = []
    for port in definition["outputs"]:
        spec = find(nodes[port["node"]]["node_id"])
        ospec = spec.output_map.get(port["io"]) if spec is not None else None
        if ospec is None:
            outputs.append(OutputSpec(port["name"], "any", Any, {}))
        else:
            outputs.append(
                OutputSpec(
                    port["name"], ospec.type_name, ospec.annotation, ospec.schema, ospec.description
                )
            )
    names = [o.name for o in outputs]

    async def run_composite(ctx: NodeContext, **values: Any) -> Any:
        runtime = ctx.scope
        if not isinstance(runtime, CompositeRuntime):
            raise CompositeError("a composite runs inside a nodespace")
        found, ident = await runtime.run(composite_id, ctx, values)
        # Its outputs are named by the inner outputs' names: what depends on the composite can
        # be served from the result cache exactly when what it reads inside could be.
        return Named(found[names[0]] if len(names) == 1 else found, ident)

    return NodeSpec(
        id=node_id_of(composite_id),
        name=definition["name"],
        description=definition["description"]
        or f"A composite of {len(nodes)} nodes (open it to see inside).",
        func=run_composite,
        inputs=tuple(inputs),
        outputs=tuple(outputs),
        executor="async",
        context_param="ctx",
        module="composites",
        cache=False,  # its inner nodes cache themselves; the definition may change under its id
    )


class _Inside:
    __slots__ = ("ctx", "digest", "nodes", "shape", "space", "unsettled", "unsubscribe")

    def __init__(self, shape: bytes, space: NodeSpace, nodes: list[dict[str, Any]]) -> None:
        self.shape = shape
        self.digest = b""
        self.space = space
        self.nodes = {n["uuid"]: n for n in nodes}  # as last applied: own values, properties
        self.ctx: NodeContext | None = None  # the composite's run under way, if any
        self.unsettled = -1
        self.unsubscribe: Callable[[], None] | None = None

    @property
    def running(self) -> bool:
        return self.ctx is not None


class CompositeRuntime:
    """The insides of one nodespace's composite instances (one nodespace each, made on their
    first run, rebuilt when their definition changes, dropped with their node)."""

    def __init__(self, owner: NodeSpace, definitions: dict[str, dict[str, Any]]) -> None:
        self.owner = owner
        self.definitions = definitions  # shared with every inside: one workflow's definitions
        self.insides: dict[str, _Inside] = {}

    def inside(self, uuid: str) -> NodeSpace | None:
        found = self.insides.get(uuid)
        return found.space if found is not None else None

    async def run(
        self, composite_id: str, ctx: NodeContext, values: dict[str, Any]
    ) -> tuple[dict[str, Any], str | None]:
        definition = self.definitions.get(composite_id)
        if definition is None:
            raise CompositeError(f"composite {composite_id!r} is not defined in this workflow")
        key = digest(definition)
        shape = _shape(definition)
        found = self.insides.get(ctx.node)
        if found is None or found.shape != shape:
            if found is not None:
                self.forget(ctx.node)
            space = self.owner.make_inside()
            space.load_document(
                {"schema_version": 1, "nodes": definition["nodes"], "edges": definition["edges"]}
            )
            found = self.insides[ctx.node] = _Inside(shape, space, definition["nodes"])
            found.unsubscribe = space.subscribe(self._watch(ctx.node, found, composite_id))
        elif found.digest != key:
            _update(found, definition)  # the same graph, other values: only those change
        found.digest = key
        space = found.space
        found.ctx = ctx
        found.unsettled = -1
        try:
            for port in definition["inputs"]:
                value = values.get(port["name"], NO_VALUE)
                if value is NO_VALUE:
                    space.clear_input(port["node"], port["io"])
                else:
                    space.set_input(port["node"], port["io"], value)
            await space.settle()
        finally:
            found.ctx = None
        out: dict[str, Any] = {}
        parts: list[str] | None = [composite_id]
        for port in definition["outputs"]:
            node = space.node(port["node"])
            if node.status is not Status.DONE:
                raise CompositeError(_why(space, port["node"], node.status), details={"port": port})
            out[port["name"]] = node.outputs.get(port["io"])
            inner = space.ident_of(port["node"])
            if inner is None:
                parts = None
            elif parts is not None:
                parts += [port["name"], f"{inner}.{port['io']}"]
        return out, key_of(parts) if parts is not None else None

    def _watch(self, uuid: str, found: _Inside, composite_id: str) -> Callable[[Event], None]:
        """While the composite runs, its progress is the share of its inside that has settled.
        Between runs, an output port's value can still change: a source inside yields. The
        composite then runs again (its inputs unchanged, it takes the new outputs)."""
        owner = self.owner

        def changed(event: Event) -> None:
            ctx = found.ctx
            if ctx is not None:
                if isinstance(event, StatusChanged):
                    _report(found, ctx)
                return
            if not isinstance(event, ValueChanged):
                return
            definition = self.definitions.get(composite_id)
            if (
                definition is not None
                and any(
                    p["node"] == event.uuid and p["io"] == event.io for p in definition["outputs"]
                )
                and self.insides.get(uuid) is found
                and uuid in owner
            ):
                owner.trigger(uuid)

        return changed

    def forget(self, uuid: str) -> None:
        found = self.insides.pop(uuid, None)
        if found is not None:
            if found.unsubscribe is not None:
                found.unsubscribe()
            found.space.cancel()

    def forget_all(self) -> None:
        for uuid in list(self.insides):
            self.forget(uuid)

    async def aclose(self) -> None:
        insides, self.insides = self.insides, {}
        for found in insides.values():
            await found.space.aclose()


def _report(found: _Inside, ctx: NodeContext) -> None:
    """Progress of a composite's run: its inner nodes settled, of all of them."""
    unsettled = found.space.unsettled()
    if unsettled == found.unsettled:
        return
    found.unsettled = unsettled
    total = max(1, len(found.space))
    with contextlib.suppress(NodeweaveError, asyncio.CancelledError):
        ctx.progress((total - unsettled) / total, f"{total - unsettled} of {total} inside")


def _update(found: _Inside, definition: Mapping[str, Any]) -> None:
    """Bring an inside of the same shape to the definition's values and pauses (each change
    re-runs what it affects, nothing else)."""
    space = found.space
    for n in definition["nodes"]:
        uuid = n["uuid"]
        old = found.nodes.get(uuid, {})
        before, after = old.get("inputs", {}), n.get("inputs", {})
        for io in {*before, *after}:
            try:
                if io in after:
                    if io not in before or not values_equal(before[io], after[io]):
                        space.set_input(uuid, io, after[io])
                else:
                    space.clear_input(uuid, io)
            except NodeweaveError as exc:  # an input connected inside, a value that no longer fits
                log.debug("composite inside: %s.%s not set: %s", uuid, io, exc)
        paused = bool(n.get("properties", {}).get("paused"))
        if paused != bool(old.get("properties", {}).get("paused")):
            space.set_properties(uuid, {"paused": paused})
    found.nodes = {n["uuid"]: n for n in definition["nodes"]}


def _why(space: NodeSpace, uuid: str, status: Status) -> str:
    """Why an inner node has no value: its failure, or what it waits for."""
    view = space.node(uuid)
    if view.error is not None:
        return f"inside: {view.name} failed: {view.error.message}"
    if status is Status.BLOCKED:
        for other in space.nodes():
            if other.error is not None:
                return f"inside: {other.name} failed: {other.error.message}"
        return f"inside: {view.name} is blocked"
    if status is Status.WAITING:
        missing = [io for io, v in view.inputs.items() if v is NO_VALUE]
        return f"inside: {view.name} waits for {', '.join(missing) or 'a value'}"
    return f"inside: {view.name} is {status.value}"
