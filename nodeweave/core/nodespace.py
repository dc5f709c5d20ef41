"""``NodeSpace``: the graph of one workflow, reactive, behind a small synchronous API.

Edits (``add_node``, ``connect``, ``set_input`` …) are synchronous and return at once; the
computation they cause runs on the event loop (sync nodes right in the next drain, so a burst of
edits in one tick coalesces into one run). ``await settle()`` returns when nothing is stale or
running. Observers ``subscribe`` to the event stream.
"""

from __future__ import annotations

import concurrent.futures
import dataclasses
import logging
import uuid as uuid_mod
from collections.abc import Callable, Mapping
from typing import Any

import orjson

from . import composite, document
from .annotations import MAX_ANNOTATIONS, check_annotation, check_annotations
from .errors import DocumentError, InvalidValueError, NotFoundError
from .events import (
    AnnotationChanged,
    CompositeChanged,
    Edge,
    Event,
    NodeError,
    PresetChanged,
    Status,
)
from .executors import Executors
from .library import Library, LibraryChange, Shelf
from .options import OptionsTracker
from .presets import MAX_PRESETS, check_preset, check_presets
from .runner import ResultStore, RunBeacon, Runner
from .scheduler import Scheduler
from .spec import NodeSpec
from .values import NO_VALUE

log = logging.getLogger("nodeweave.core")

Subscriber = Callable[[Event], None]


@dataclasses.dataclass(frozen=True, slots=True)
class NodeView:
    """A read-only snapshot of one node (values are the live Python objects)."""

    uuid: str
    node_id: str
    name: str
    status: Status
    placeholder: bool
    inputs: dict[str, Any]
    """Every input's current value (``NO_VALUE`` when it has none)."""
    own_values: dict[str, Any]
    """The values set on the node itself (what a document stores)."""
    connected: frozenset[str]
    outputs: dict[str, Any]
    properties: dict[str, Any]
    error: NodeError | None
    options: dict[str, list[Any]] = dataclasses.field(default_factory=dict)
    """The current choices of inputs declared with ``Input(options_from=…)``."""
    cached: str = ""
    """Its outputs came from a cache, not a run: ``"memory"`` or ``"disk"`` (else empty)."""
    live: bool = False
    """A generator node whose stream is live: its outputs change as it yields."""


def _new_uuid() -> str:
    return uuid_mod.uuid4().hex


class NodeSpace:
    """One reactive graph. See the module docstring and ARCHITECTURE section 2."""

    def __init__(
        self,
        library: Library | None = None,
        *,
        executors: Mapping[str, concurrent.futures.Executor] | None = None,
        executor_factories: Mapping[str, Callable[[], concurrent.futures.Executor]] | None = None,
        new_uuid: Callable[[], str] = _new_uuid,
        drain_budget: float = 0.02,
    ) -> None:
        self.library = library if library is not None else Library()
        self._scheduler = Scheduler()
        self._executors = Executors(executors, executor_factories)
        self._subscribers: list[Subscriber] = []
        self._runner = Runner(self._scheduler, self._executors, self._dispatch, budget=drain_budget)
        self._new_uuid = new_uuid
        self._unsubscribe_library = self.library.subscribe(self._library_changed)
        self._sync_hooks()
        self._options = OptionsTracker(self._scheduler.nodes, self._scheduler.input_value)
        self._annotations: dict[str, dict[str, Any]] = {}
        self._presets: dict[str, dict[str, Any]] = {}
        self._definitions: dict[str, dict[str, Any]] = {}
        self._composite_specs: dict[str, tuple[bytes, NodeSpec]] = {}
        self._outer: NodeSpace | None = None
        self._composites = composite.CompositeRuntime(self, self._definitions)
        self._runner.scope = self._composites

    # --- the fixed surface ---------------------------------------------------------------

    def add_node(
        self,
        node_id: str,
        *,
        uuid: str | None = None,
        inputs: Mapping[str, Any] | None = None,
        properties: Mapping[str, Any] | None = None,
    ) -> str:
        """Add a node of library type ``node_id``; returns its uuid."""
        return self._add(node_id, self.library.get(node_id), uuid, inputs, properties)

    def add_placeholder(
        self,
        node_id: str,
        *,
        uuid: str | None = None,
        inputs: Mapping[str, Any] | None = None,
        properties: Mapping[str, Any] | None = None,
    ) -> str:
        """Like :meth:`add_node`, but a type the library does not know gives a placeholder that
        keeps its data (as a loaded document's would) and comes to life when a module provides
        the type."""
        return self._add(node_id, self.library.find(node_id), uuid, inputs, properties)

    def _add(
        self,
        node_id: str,
        spec: NodeSpec | None,
        uuid: str | None,
        inputs: Mapping[str, Any] | None,
        properties: Mapping[str, Any] | None,
    ) -> str:
        node_uuid = uuid if uuid is not None else self._new_uuid()
        self._scheduler.add_node(node_uuid, node_id, spec, inputs, properties)
        self._edited()
        return node_uuid

    def remove_node(self, uuid: str) -> None:
        self._scheduler.remove_node(uuid)
        self._composites.forget(uuid)
        self._edited()

    def connect(
        self, src: str, src_io: str, dst: str, dst_io: str, *, replace: bool = False
    ) -> Edge:
        """Connect output ``src_io`` of ``src`` to input ``dst_io`` of ``dst``.

        Refused (with the reason) for a cycle, incompatible types, an unknown port, or an input
        that already has a connection (unless ``replace``). The current upstream value flows at
        once.
        """
        edge = self._scheduler.connect(src, src_io, dst, dst_io, replace=replace)
        self._edited()
        return edge

    def disconnect(self, src: str, src_io: str, dst: str, dst_io: str) -> None:
        """Remove an edge; the input falls back to its own value or default."""
        self._scheduler.disconnect(src, src_io, dst, dst_io)
        self._edited()

    def set_input(self, uuid: str, io: str, value: Any) -> bool:
        """Set an input's own value (validated against its type). False when nothing changed."""
        changed = self._scheduler.set_input(uuid, io, value)
        self._edited()
        return changed

    def clear_input(self, uuid: str, io: str) -> bool:
        """Drop an input's own value (back to its default). False when it had none."""
        changed = self._scheduler.clear_input(uuid, io)
        self._edited()
        return changed

    def get_value(self, uuid: str, io: str, default: Any = None) -> Any:
        """The current value of output ``io`` (``default`` while it has none)."""
        node = self._scheduler.node(uuid)
        if node.spec is not None and io not in node.spec.output_map:
            raise NotFoundError(
                f"node {uuid!r} ({node.node_id}) has no output {io!r}",
                details={"uuid": uuid, "io": io},
            )
        value = node.outputs.get(io, NO_VALUE)
        return default if value is NO_VALUE else value

    async def settle(self) -> None:
        """Return when no node is stale, pending or running (bound it with ``asyncio.timeout``)."""
        await self._runner.wait_idle()

    # --- more of what a worker needs -----------------------------------------------------

    def get_input(self, uuid: str, io: str) -> Any:
        """The input's current value (from its edge, its own value or its default)."""
        node = self._scheduler.node(uuid)
        return self._scheduler.input_value(node, io)

    def status(self, uuid: str) -> Status:
        return self._scheduler.node(uuid).status

    def error(self, uuid: str) -> NodeError | None:
        return self._scheduler.node(uuid).error

    def node(self, uuid: str) -> NodeView:
        n = self._scheduler.node(uuid)
        sched = self._scheduler
        names = list(n.spec.input_map) if n.spec is not None else list(n.values)
        return NodeView(
            uuid=n.uuid,
            node_id=n.node_id,
            name=str(n.props.get("name") or (n.spec.name if n.spec else n.node_id)),
            status=n.status,
            placeholder=n.spec is None,
            inputs={io: sched.input_value(n, io) for io in names},
            own_values=dict(n.values),
            connected=frozenset(n.conn),
            outputs=dict(n.outputs),
            properties=dict(n.props),
            error=n.error,
            options=self._options.options(n),
            cached=n.cached,
            live=n.streaming,
        )

    def nodes(self) -> list[NodeView]:
        return [self.node(u) for u in self._scheduler.nodes]

    def properties(self) -> list[dict[str, Any]]:
        """Every node's free properties, in the order the nodes were added (no copies: read only)."""
        return [n.props for n in self._scheduler.nodes.values()]

    def node_uuids(self) -> list[str]:
        return list(self._scheduler.nodes)

    def edges(self) -> list[Edge]:
        return self._scheduler.edges()

    def __len__(self) -> int:
        return len(self._scheduler.nodes)

    def __contains__(self, uuid: object) -> bool:
        return uuid in self._scheduler.nodes

    def set_properties(
        self, uuid: str, properties: Mapping[str, Any], *, merge: bool = True
    ) -> None:
        """Update a node's free JSON properties (canvas position, display name, …);
        ``paused: true`` keeps the node from running (a source stops; its last value stays)."""
        self._scheduler.set_properties(uuid, properties, merge=merge)
        self._edited()

    def trigger(self, uuid: str) -> None:
        """Re-run a node even though its inputs did not change."""
        self._scheduler.trigger(uuid)
        self._edited()

    def set_result_store(
        self,
        store: ResultStore | None,
        module_digest: Callable[[str], str | None] | None = None,
    ) -> None:
        """Keep results in ``store`` and serve runs from it (a worker's result cache on disk);
        ``module_digest`` names a module's source, part of each node's code key."""
        self._scheduler.module_digest = module_digest
        self._runner.set_store(store)

    def set_beacon(self, beacon: RunBeacon | None) -> None:
        """Tell ``beacon`` which node runs on the loop, before and after each such run."""
        self._runner.beacon = beacon

    @property
    def paused(self) -> bool:
        """Whether computing is paused (see :meth:`pause`)."""
        return self._runner.paused

    def pause(self) -> None:
        """Run nothing until :meth:`resume`: changes mark nodes stale as usual, events go out,
        but no node starts (runs already going finish). ``settle()`` returns at once meanwhile.
        A worker loads its saved graph paused, to answer before computing it (and stays paused
        in safe start)."""
        self._runner.paused = True

    def resume(self) -> None:
        """Compute again: every stale node runs (see :meth:`pause`)."""
        if self._runner.paused:
            self._runner.paused = False
            self._runner.kick()

    def cancel(self, uuid: str | None = None) -> list[str]:
        """Cancel one node's run, or everything running or about to run; returns the uuids hit."""
        hit = (
            self._scheduler.cancel_all()
            if uuid is None
            else ([uuid] if self._scheduler.cancel(uuid) else [])
        )
        self._edited()
        return hit

    def to_document(self) -> dict[str, Any]:
        """The graph as a plain, JSON-ready dict (see :mod:`nodeweave.core.document`)."""
        doc = document.dump(self._scheduler)
        if self._annotations:
            doc["annotations"] = {k: dict(v) for k, v in self._annotations.items()}
        if self._presets:
            doc["presets"] = self.presets()
        if self._definitions and self._outer is None:
            doc["composites"] = self.composites()
        return doc

    def load_document(self, doc: Any) -> document.LoadReport:
        """Replace the graph by a document's; an invalid document raises and changes nothing."""
        raw = doc.get("annotations", {}) if isinstance(doc, dict) else {}
        try:
            annotations = check_annotations(raw)
        except InvalidValueError as exc:
            raise DocumentError(f"invalid annotations: {exc.message}") from None
        try:
            presets = check_presets(doc.get("presets", {}) if isinstance(doc, dict) else {})
        except InvalidValueError as exc:
            raise DocumentError(f"invalid presets: {exc.message}") from None
        if self._outer is None:  # (an inside has its workflow's definitions)
            definitions = composite.check_all(
                doc.get("composites") if isinstance(doc, dict) else None
            )
            document.parse(doc)  # all checked before anything changes
            self._composites.forget_all()
            self._definitions.clear()
            self._definitions.update(definitions)
            self._sync_composites()
        report = document.load(self._scheduler, self.library, doc)
        self._annotations = annotations
        self._presets = presets
        self._edited()
        return report

    # --- composites (a part of the graph folded into one reusable node) -----------------

    def composites(self) -> dict[str, dict[str, Any]]:
        """The workflow's composite definitions, by id (see :mod:`nodeweave.core.composite`)."""
        return {k: orjson_copy(v) for k, v in self._definitions.items()}

    def set_composite(self, composite_id: str, data: Any) -> dict[str, Any]:
        """Create or replace a definition (checked; one that would contain itself is refused).
        Its instances take the new inside on their next run, which this starts."""
        if self._outer is not None:
            raise composite.CompositeError("an inside cannot define composites")
        checked = composite.check_definition(composite_id, data)
        if self._definitions.get(composite_id) == checked:
            return self.composites()[composite_id]  # nothing new: no event, nothing runs
        trial = {**self._definitions, composite_id: checked}
        if len(trial) > composite.MAX_COMPOSITES:
            raise InvalidValueError(f"at most {composite.MAX_COMPOSITES} composites")
        composite.order(trial)
        self._definitions[composite_id] = checked
        self._sync_composites()
        self._dispatch(CompositeChanged(composite_id, self.composites()[composite_id]))
        self._edited()
        return self.composites()[composite_id]

    def remove_composite(self, composite_id: str) -> None:
        """Remove a definition no node and no other definition uses."""
        if composite_id not in self._definitions:
            raise NotFoundError(f"no composite {composite_id!r}", details={"id": composite_id})
        node_id = composite.node_id_of(composite_id)
        nodes = [u for u, n in self._scheduler.nodes.items() if n.node_id == node_id]
        defs = [c for c, d in self._definitions.items() if composite_id in composite.uses(d)]
        if nodes or defs:
            names = [self.node(u).name for u in nodes]
            names += [f"composite {self._definitions[c]['name']}" for c in defs]
            more = f" and {len(names) - 5} more" if len(names) > 5 else ""
            raise composite.CompositeInUse(
                f"composite {composite_id!r} is in use by {', '.join(names[:5])}{more}: remove "
                "those uses first",
                details={"id": composite_id, "used_by": nodes + defs},
            )
        del self._definitions[composite_id]
        self._sync_composites()
        self._dispatch(CompositeChanged(composite_id, None))
        self._edited()

    def unsettled(self) -> int:
        """How many nodes are stale or running now."""
        return self._scheduler.unsettled

    def ident_of(self, uuid: str) -> str | None:
        """What names the node's outputs for the result cache (``None``: nothing exact)."""
        return self._scheduler.node(uuid).ident

    def inside(self, uuid: str) -> NodeSpace | None:
        """The inside of a composite node (``None`` until its first run)."""
        return self._composites.inside(uuid)

    def make_inside(self) -> NodeSpace:
        """A nodespace for the inside of a composite: this space's library, definitions, pools
        and result cache."""
        inner = NodeSpace(self.library)
        inner._outer = self
        inner._definitions = self._definitions
        inner._composites = composite.CompositeRuntime(inner, self._definitions)
        inner._runner.scope = inner._composites
        borrowed = _Borrowed(self._executors)
        inner._executors = borrowed
        inner._runner.executors = borrowed
        inner._runner.beacon = self._runner.beacon
        inner.set_result_store(self._runner.store, self._scheduler.module_digest)
        return inner

    def _sync_composites(self) -> None:
        """The library's ``composites`` shelf: a node type per definition (an unchanged
        definition keeps its type, so its instances do not run again)."""
        specs: dict[str, NodeSpec] = {}
        kept: dict[str, tuple[bytes, NodeSpec]] = {}

        def find(node_id: str) -> NodeSpec | None:
            cid = composite.composite_id_of(node_id)
            if cid is not None and cid in specs:
                return specs[cid]
            return self.library.find(node_id)

        for cid in composite.order(self._definitions):
            definition = self._definitions[cid]
            key = composite.digest(definition)
            old = self._composite_specs.get(cid)
            spec = old[1] if old is not None and old[0] == key else None
            if spec is None:
                spec = composite.build_spec(cid, definition, find)
            specs[cid] = spec
            kept[cid] = (key, spec)
        self._composite_specs = kept
        if specs:
            shelf = Shelf(
                name=composite.SHELF,
                description="This workflow's composite nodes (parts of the graph made into one).",
                nodes=list(specs.values()),
            )
            self.library.add_shelf(shelf, replace=True)
        elif composite.SHELF in {s.name for s in self.library.shelves()}:
            self.library.remove_shelf(composite.SHELF)

    # --- presets (named sets of input values) --------------------------------------------

    def presets(self) -> dict[str, dict[str, Any]]:
        return {k: {"values": [dict(v) for v in p["values"]]} for k, p in self._presets.items()}

    def set_preset(self, name: str, data: Any) -> dict[str, Any]:
        """Create or replace a preset (its structure checked; see :meth:`preset_problems`)."""
        checked = check_preset(name, data)
        if name not in self._presets and len(self._presets) >= MAX_PRESETS:
            raise InvalidValueError(f"at most {MAX_PRESETS} presets")
        self._presets[name] = checked
        self._dispatch(PresetChanged(name, self.presets()[name]))
        return self.presets()[name]

    def remove_preset(self, name: str) -> None:
        if self._presets.pop(name, None) is None:
            raise NotFoundError(f"no preset {name!r}", details={"name": name})
        self._dispatch(PresetChanged(name, None))

    def preset_problems(self, name: str) -> list[str]:
        """Why the preset cannot be applied now (empty: it can): a missing node or input, a
        placeholder, an input an edge drives, a value the input's type refuses."""
        preset = self._presets.get(name)
        if preset is None:
            raise NotFoundError(f"no preset {name!r}", details={"name": name})
        problems = []
        for item in preset["values"]:
            where = f"{item['node']}.{item['io']}"
            node = self._scheduler.nodes.get(item["node"])
            if node is None:
                problems.append(f"{where}: no such node")
                continue
            if node.spec is None:
                problems.append(f"{where}: the node's type {node.node_id!r} is missing")
                continue
            ispec = node.spec.input_map.get(item["io"])
            if ispec is None:
                problems.append(f"{where}: {node.node_id} has no input {item['io']!r}")
            elif item["io"] in node.conn:
                problems.append(f"{where}: an edge drives that input")
            else:
                try:
                    ispec.validate(item["value"])
                except InvalidValueError as exc:
                    problems.append(f"{where}: {exc.message}")
        return problems

    # --- annotations (groups and notes on the canvas) --------------------------------------

    def annotations(self) -> dict[str, dict[str, Any]]:
        return {k: dict(v) for k, v in self._annotations.items()}

    def set_annotation(self, annotation_id: str, data: Any) -> dict[str, Any]:
        """Create or replace a group or note (validated); returns it as stored."""
        checked = check_annotation(annotation_id, data)
        if annotation_id not in self._annotations and len(self._annotations) >= MAX_ANNOTATIONS:
            raise InvalidValueError(f"at most {MAX_ANNOTATIONS} annotations")
        self._annotations[annotation_id] = checked
        self._dispatch(AnnotationChanged(annotation_id, dict(checked)))
        return dict(checked)

    def remove_annotation(self, annotation_id: str) -> None:
        if self._annotations.pop(annotation_id, None) is None:
            raise NotFoundError(f"no annotation {annotation_id!r}", details={"id": annotation_id})
        self._dispatch(AnnotationChanged(annotation_id, None))

    @classmethod
    def from_document(cls, doc: Any, library: Library | None = None) -> NodeSpace:
        ns = cls(library)
        ns.load_document(doc)
        return ns

    @property
    def busy(self) -> bool:
        return self._runner.busy

    def subscribe(self, subscriber: Subscriber) -> Callable[[], None]:
        """Receive every event; returns a function that unsubscribes."""
        self._subscribers.append(subscriber)
        if not self._scheduler.observed:
            self._options.reset()  # nodes added unobserved made no events to follow
        self._scheduler.observed = True

        def unsubscribe() -> None:
            if subscriber in self._subscribers:
                self._subscribers.remove(subscriber)
            self._scheduler.observed = bool(self._subscribers)

        return unsubscribe

    async def aclose(self) -> None:
        """Cancel running nodes, wait for them, and shut down the pools this space created."""
        self._scheduler.cancel_all()
        self._runner.drain()
        await self._runner.aclose()
        await self._composites.aclose()
        await self._executors.aclose()
        self._unsubscribe_library()

    # --- internals -----------------------------------------------------------------------

    def _edited(self) -> None:
        self._runner.flush()
        self._runner.kick()

    def _dispatch(self, event: Event) -> None:
        for subscriber in list(self._subscribers):
            try:
                subscriber(event)
            except Exception:
                log.exception("event subscriber %r failed on %r", subscriber, event)
        for follow_up in self._options.follow(event):
            self._dispatch(follow_up)

    def _sync_hooks(self) -> None:
        """Hooks cost nothing until a shelf brings one (then they are looked up per node type)."""
        self._runner.set_hooks(self.library.hooks_for if self.library.has_hooks() else None)

    def _library_changed(self, change: LibraryChange) -> None:
        """Rebind nodes to new code; nodes whose type vanished become placeholders."""
        self._sync_hooks()
        sched = self._scheduler
        by_id: dict[str, list[str]] = {}
        for n in sched.nodes.values():
            by_id.setdefault(n.node_id, []).append(n.uuid)
        if any(spec.executor == "process" for spec in change.replaced):
            self._executors.retire("process")  # its processes imported the old code
        rebound = False
        for spec in (*change.added, *change.replaced):
            for node_uuid in by_id.get(spec.id, ()):
                sched.rebind(node_uuid, spec)
                rebound = True
        for spec in change.removed:
            if spec.id in self.library:
                continue
            for node_uuid in by_id.get(spec.id, ()):
                sched.rebind(node_uuid, None)
                rebound = True
        # placeholders whose type a new node now declares it replaces become that node
        for node_uuid in [u for u, n in sched.nodes.items() if n.spec is None]:
            found = self.library.replacement(sched.nodes[node_uuid].node_id)
            if found is not None:
                sched.replace_with(node_uuid, *found)
                rebound = True
        if rebound:
            self._edited()


class _Borrowed(Executors):
    """The pools of another nodespace (an inside uses its workflow's): never shut down here."""

    def __init__(self, lender: Executors) -> None:
        super().__init__()
        self._lender = lender

    def get(self, kind: str) -> concurrent.futures.Executor:
        return self._lender.get(kind)

    def retire(self, kind: str) -> None:
        self._lender.retire(kind)

    async def aclose(self) -> None:
        return None


def orjson_copy(value: dict[str, Any]) -> dict[str, Any]:
    copied: dict[str, Any] = orjson.loads(orjson.dumps(value))
    return copied
