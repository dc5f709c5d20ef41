"""The reactive scheduler: a sans-IO state machine.

Stimuli are method calls (``set_input``, ``connect``, ``run_finished`` …); what the scheduler wants
done lands in ``outbox`` as instructions (:class:`Run`, :class:`Cancel`) and events. It never calls
node code, awaits, sleeps or reads a clock, so every rule below is testable as a plain table.

The rules (ARCHITECTURE section 2):

* **Glitch-free.** A change marks its node and every descendant *stale* (the *cone*). Each stale node
  counts its unsettled parents (``pending``) and becomes ready only at zero, so it never runs on a
  mix of old and new values, and runs once per change, diamonds included.
* **Concurrent where independent.** Every ready node is handed out at once; the runner overlaps the
  ones that are not inline.
* **Latest wins.** A running node that goes stale again is cancelled (``Cancel``; its generation
  moves on, so a late result is discarded) and runs again once its parents settle.
* **Readiness.** A required input without a value leaves the node *waiting*.
* **Errors are data.** A failed node records a :class:`NodeError`; its descendants are *blocked*.
* **No work for nothing.** An equal value changes nothing; a node whose inputs did not change
  (its parents re-ran but produced equal outputs) settles without running.
* **Observable.** Every transition and output is an event (only produced while ``observed``).
* **Streams.** A generator node settles (done) with its first value and stays *live*: each
  later value is applied as it is handed in (:meth:`Scheduler.stream_value`), making what
  depends on it stale again; a change of its inputs stops the stream and starts a new one.
  Handing in values only when the cone below has settled (latest wins, never a queue) is the
  runner's part.
* **Paused nodes** (``properties.paused``) do not run: they keep the outputs they have.
"""

from __future__ import annotations

import logging
import weakref
from collections import deque
from collections.abc import Callable, Hashable, Mapping
from typing import Any

from .cachekeys import code_digest, key_of, outputs_digest, value_digest
from .errors import (
    CycleError,
    DuplicateError,
    InputConnectedError,
    NotFoundError,
    PlaceholderError,
    TypeMismatchError,
)
from .events import (
    BLOCKING,
    UNSETTLED,
    CacheHit,
    Cancel,
    Edge,
    EdgeAdded,
    EdgeRemoved,
    Event,
    InputChanged,
    Instruction,
    NodeAdded,
    NodeError,
    NodeFailed,
    NodeRebound,
    NodeRemoved,
    NodeUpdated,
    ProgressReported,
    Run,
    Status,
    StatusChanged,
    StreamChanged,
    ValueChanged,
)
from .graph import Node, cone, find_path
from .schema import compatible
from .spec import NodeSpec, Replaces
from .values import NO_VALUE, values_equal

log = logging.getLogger("nodeweave.core")

STALE = Status.STALE
RUNNING = Status.RUNNING
DONE = Status.DONE


class Scheduler:
    def __init__(self) -> None:
        self.nodes: dict[str, Node] = {}
        self.outbox: list[Instruction | Event] = []
        self.ready: deque[Node] = deque()
        self.unsettled = 0
        self.observed = False
        """Produce events; off while nobody listens (instructions are always produced)."""
        self.keyed = False
        """Give runs their result-cache key (a runner with a result cache sets it)."""
        self.module_digest: Callable[[str], str | None] | None = None
        """The digest of a module's source, by module name (the loader knows those it read)."""
        self._codes: weakref.WeakKeyDictionary[NodeSpec, str] = weakref.WeakKeyDictionary()

    # --- lookups -------------------------------------------------------------------------

    def node(self, uuid: str) -> Node:
        try:
            return self.nodes[uuid]
        except KeyError:
            raise NotFoundError(f"no node {uuid!r}", details={"uuid": uuid}) from None

    def _spec(self, node: Node) -> NodeSpec:
        if node.spec is None:
            raise PlaceholderError(
                f"node {node.uuid!r} is a placeholder: its type {node.node_id!r} is not in the "
                "library",
                details={"uuid": node.uuid, "node_id": node.node_id},
            )
        return node.spec

    def edges(self) -> list[Edge]:
        return [e for n in self.nodes.values() for e in n.conn.values()]

    def input_value(self, node: Node, io: str) -> Any:
        """The value the input has now: from its edge if connected, else own/default."""
        edge = node.conn.get(io)
        if edge is not None:
            return self.nodes[edge.src].outputs.get(edge.src_io, NO_VALUE)
        return node.own_value(io)

    # --- graph stimuli -------------------------------------------------------------------

    def add_node(
        self,
        uuid: str,
        node_id: str,
        spec: NodeSpec | None,
        values: Mapping[str, Any] | None = None,
        props: Mapping[str, Any] | None = None,
        *,
        validate: bool = True,
    ) -> Node:
        """Add a node (``spec=None`` for a placeholder) and schedule its first evaluation."""
        if uuid in self.nodes:
            raise DuplicateError(f"a node {uuid!r} already exists", details={"uuid": uuid})
        own: dict[str, Any] = {}
        if values:
            if spec is None or not validate:
                own = dict(values)
            else:
                for io, value in values.items():
                    ispec = spec.input_map.get(io)
                    if ispec is None:
                        raise NotFoundError(
                            f"node {node_id!r} has no input {io!r}",
                            details={"node_id": node_id, "io": io},
                        )
                    own[io] = ispec.validate(value)
        node = Node(uuid, node_id, spec, own, dict(props) if props else {})
        self.nodes[uuid] = node
        if self.observed:
            self.outbox.append(NodeAdded(uuid, node_id))
        self._mark_stale((node,))
        return node

    def remove_node(self, uuid: str) -> None:
        node = self.node(uuid)
        for edge in list(node.conn.values()):
            self._drop_edge(edge, "")
        for edge in list(node.out_edges):
            old = self.input_value(self.nodes[edge.dst], edge.dst_io)
            self._drop_edge(edge, "")
            self._input_source_changed(self.nodes[edge.dst], edge.dst_io, old)
        if node.status is RUNNING or node.streaming:
            self.outbox.append(Cancel(uuid, node.generation))
        if node.status in UNSETTLED:
            self.unsettled -= 1
        node.generation += 1
        node.status = Status.IDLE
        del self.nodes[uuid]
        if self.observed:
            self.outbox.append(NodeRemoved(uuid))

    def connect(
        self,
        src: str,
        src_io: str,
        dst: str,
        dst_io: str,
        *,
        replace: bool = False,
        check_types: bool = True,
    ) -> Edge:
        s, d = self.node(src), self.node(dst)
        out_spec = in_spec = None
        if s.spec is not None:
            out_spec = s.spec.output_map.get(src_io)
            if out_spec is None:
                raise NotFoundError(
                    f"node {src!r} ({s.node_id}) has no output {src_io!r}",
                    details={"uuid": src, "io": src_io},
                )
        if d.spec is not None:
            in_spec = d.spec.input_map.get(dst_io)
            if in_spec is None:
                raise NotFoundError(
                    f"node {dst!r} ({d.node_id}) has no input {dst_io!r}",
                    details={"uuid": dst, "io": dst_io},
                )
        edge = Edge(src, src_io, dst, dst_io)
        existing = d.conn.get(dst_io)
        if existing == edge:
            raise DuplicateError(
                f"{_edge_text(edge)} is already connected", details={"edge": edge.to_dict()}
            )
        if existing is not None and not replace:
            raise InputConnectedError(
                f"input {dst_io!r} of node {dst!r} is already driven by "
                f"{existing.src}.{existing.src_io}; an input takes one connection",
                details={"edge": existing.to_dict()},
            )
        path = find_path(self.nodes, dst, src)
        if path is not None:
            names = " → ".join(self._label(u) for u in [*path, dst])
            raise CycleError(
                f"connecting {_edge_text(edge)} would close a cycle: {names}",
                details={"path": [*path, dst]},
            )
        if (
            check_types
            and out_spec is not None
            and in_spec is not None
            and not compatible(out_spec.annotation, in_spec.annotation)
        ):
            raise TypeMismatchError(
                f"output {src_io!r} ({out_spec.type_name}) cannot feed input {dst_io!r} "
                f"({in_spec.type_name})",
                details={"src_type": out_spec.type_name, "dst_type": in_spec.type_name},
            )
        old = self.input_value(d, dst_io)
        if existing is not None:
            self._drop_edge(existing, "")
        self._add_edge(edge)
        self._input_source_changed(d, dst_io, old)
        return edge

    def disconnect(self, src: str, src_io: str, dst: str, dst_io: str) -> None:
        d = self.node(dst)
        edge = Edge(src, src_io, dst, dst_io)
        if d.conn.get(dst_io) != edge:
            raise NotFoundError(
                f"there is no edge {_edge_text(edge)}", details={"edge": edge.to_dict()}
            )
        old = self.input_value(d, dst_io)
        self._drop_edge(edge, "")
        self._input_source_changed(d, dst_io, old)

    def set_input(self, uuid: str, io: str, value: Any) -> bool:
        """Set a node's own input value; False (and nothing happens) when it is equal."""
        node = self.node(uuid)
        ispec = self._spec(node).input_map.get(io)
        if ispec is None:
            raise NotFoundError(
                f"node {uuid!r} ({node.node_id}) has no input {io!r}",
                details={"uuid": uuid, "io": io},
            )
        if io in node.conn:
            edge = node.conn[io]
            raise InputConnectedError(
                f"input {io!r} of node {uuid!r} is driven by {edge.src}.{edge.src_io}; "
                "disconnect it to set a value",
                details={"edge": edge.to_dict()},
            )
        value = ispec.validate(value)
        if values_equal(node.own_value(io), value):
            return False
        node.values[io] = value
        if self.observed:
            self.outbox.append(InputChanged(uuid, io, value))
        self._mark_stale((node,))
        return True

    def clear_input(self, uuid: str, io: str) -> bool:
        """Drop a node's own value for an input (back to its default); False if it had none."""
        node = self.node(uuid)
        if io not in node.values:
            if node.spec is not None and io not in node.spec.input_map:
                raise NotFoundError(
                    f"node {uuid!r} ({node.node_id}) has no input {io!r}",
                    details={"uuid": uuid, "io": io},
                )
            return False
        old = self.input_value(node, io)
        del node.values[io]
        if self.observed:
            self.outbox.append(InputChanged(uuid, io, NO_VALUE))
        if io not in node.conn and not values_equal(old, node.own_value(io)):
            self._mark_stale((node,))
        return True

    def set_properties(self, uuid: str, props: Mapping[str, Any], *, merge: bool = True) -> None:
        node = self.node(uuid)
        was_paused = bool(node.props.get("paused"))
        node.props = {**node.props, **props} if merge else dict(props)
        if self.observed:
            self.outbox.append(NodeUpdated(uuid, dict(node.props)))
        paused = bool(node.props.get("paused"))
        if paused and not was_paused and node.streaming:
            self._stop_stream(node)  # its last value stays
        elif was_paused and not paused:
            node.last_inputs = None  # run again (a source starts its stream again)
            self._mark_stale((node,))

    def trigger(self, uuid: str) -> None:
        """Run a node again (and whatever its new outputs affect), even with unchanged inputs."""
        node = self.node(uuid)
        node.last_inputs = None
        node.forced = True
        self._mark_stale((node,))

    def cancel_all(self) -> list[str]:
        """Stop everything running or about to run; those nodes become *cancelled*."""
        hit = [n for n in self.nodes.values() if n.status in UNSETTLED]
        for node in self.nodes.values():
            if node.streaming:  # a stream stops; its last value stays
                self._stop_stream(node)
        for node in hit:
            if node.status is RUNNING:
                self.outbox.append(Cancel(node.uuid, node.generation))
            node.generation += 1
            node.last_inputs = None
            self._clear_outputs(node)
            self._set_status(node, Status.CANCELLED)
        for node in self.ready:
            node.queued = False
        self.ready.clear()
        return [n.uuid for n in hit]

    def cancel(self, uuid: str) -> bool:
        """Stop one node's run (or its run about to start); it becomes *cancelled* and what
        depends on it is blocked. False when it was not running or about to."""
        node = self.node(uuid)
        if node.streaming:
            self._stop_stream(node)
            return True
        about_to = node.status is STALE and node.queued
        if node.status is not RUNNING and not about_to:
            return False
        if node.status is RUNNING:
            self.outbox.append(Cancel(node.uuid, node.generation))
        if node.queued:
            node.queued = False
            self.ready.remove(node)
        node.generation += 1
        node.last_inputs = None
        self._clear_outputs(node)
        self._set_status(node, Status.CANCELLED)
        self._settle_children(node)
        return True

    def replace_with(self, uuid: str, spec: NodeSpec, rep: Replaces) -> NodeRebound:
        """Turn a node of a replaced id into ``spec``'s node: its values and edges renamed as
        ``rep`` says (and migrated), then bound to ``spec``."""
        node = self.node(uuid)
        old_id = node.node_id
        values = {rep.inputs.get(io, io): v for io, v in node.values.items()}
        if rep.migrate is not None:
            values = dict(rep.migrate(dict(values)))
        node.values = values
        for edge in list(node.conn.values()):
            if edge.dst_io in rep.inputs:
                self._drop_edge(edge, "")
                self._add_edge(Edge(edge.src, edge.src_io, uuid, rep.inputs[edge.dst_io]))
        for edge in list(node.out_edges):
            if edge.src_io in rep.outputs:
                self._drop_edge(edge, "")
                self._add_edge(Edge(uuid, rep.outputs[edge.src_io], edge.dst, edge.dst_io))
        node.node_id = spec.id
        node.version = spec.version  # a replacement's values are for the current version
        return self.rebind(uuid, spec, migrated=f"{old_id} → {spec.id}")

    def rebind(self, uuid: str, spec: NodeSpec | None, *, migrated: str = "") -> NodeRebound:
        """Give a node new code (or none: it becomes a placeholder), keeping what still fits;
        values saved for an older version of the node are migrated first."""
        node = self.node(uuid)
        dropped_inputs: list[str] = []
        dropped_edges: list[Edge] = []
        if spec is not None and node.version < spec.version:
            try:
                node.values = spec.migrate_values(node.values, node.version)
                migrated = migrated or f"v{node.version} → v{spec.version}"
            except Exception:
                log.exception("migrating node %s to %s v%d failed", uuid, spec.id, spec.version)
            node.version = spec.version
        if spec is not None:
            for io in list(node.values):
                ispec = spec.input_map.get(io)
                try:
                    if ispec is None:
                        raise KeyError(io)
                    node.values[io] = ispec.validate(node.values[io])
                except Exception:  # noqa: BLE001 - a value the new code rejects is dropped
                    del node.values[io]
                    dropped_inputs.append(io)
            for edge in list(node.conn.values()):
                if edge.dst_io not in spec.input_map:
                    self._drop_edge(edge, f"node {node.node_id} has no input {edge.dst_io!r} now")
                    dropped_edges.append(edge)
            for edge in list(node.out_edges):
                if edge.src_io not in spec.output_map:
                    child = self.nodes[edge.dst]
                    old = self.input_value(child, edge.dst_io)
                    self._drop_edge(edge, f"node {node.node_id} has no output {edge.src_io!r} now")
                    dropped_edges.append(edge)
                    self._input_source_changed(child, edge.dst_io, old)
        node.spec = spec
        node.memo = None  # its results were the old code's
        node.last_inputs = None
        if spec is not None:
            node.error = None  # "not in the library" no longer holds; a new run tells the rest
        event = NodeRebound(
            uuid, node.node_id, spec is None, tuple(dropped_inputs), tuple(dropped_edges), migrated
        )
        if self.observed:
            self.outbox.append(event)
        self._mark_stale((node,))
        return event

    # --- run stimuli (from the runner) ---------------------------------------------------

    def run_finished(
        self,
        uuid: str,
        generation: int,
        result: Any,
        seconds: float | None = None,
        ident: str | None = None,
    ) -> bool:
        """A run's result (``seconds``: how long it took; a run that took at least
        :data:`MEMO_MIN_SECONDS` is remembered by its inputs, see :func:`_memo_key`; ``ident``:
        what the outputs are when they are too big to digest — the run's cache key)."""
        node = self.nodes.get(uuid)
        if node is None or node.generation != generation or node.status is not RUNNING:
            return False  # superseded: discard
        new = self._outputs_of(node, result)
        if isinstance(new, str):
            return self.run_failed(uuid, generation, NodeError(new, "OutputError"))
        ident = (outputs_digest(new) or ident) if self.keyed else None
        if (
            node.spec is not None
            and node.spec.cache
            and (node.memo is not None or seconds is None or seconds >= MEMO_MIN_SECONDS)
        ):
            key = _memo_key(node.running_inputs)
            if key is not None:
                memo = node.memo if node.memo is not None else {}
                memo.pop(key, None)
                memo[key] = (new, ident)  # the newest last: the oldest goes first
                if len(memo) > MEMO_SIZE:
                    del memo[next(iter(memo))]
                node.memo = memo
        self._apply_outputs(node, new, ident)
        return True

    def run_cached(
        self, uuid: str, generation: int, outputs: dict[str, Any], ident: str | None
    ) -> bool:
        """The run's outputs were found in the result cache (the code did not run)."""
        node = self.nodes.get(uuid)
        if node is None or node.generation != generation or node.status is not RUNNING:
            return False
        self._apply_outputs(node, outputs, ident)
        node.cached = "disk"
        if self.observed:
            self.outbox.append(CacheHit(uuid, "disk"))
        return True

    def _apply_outputs(self, node: Node, new: dict[str, Any], ident: str | None) -> None:
        """The node has these outputs now (a finished run, a memo, a cache): settle it."""
        if self.observed:
            old = node.outputs
            for io, v in new.items():
                if not values_equal(old.get(io, NO_VALUE), v):
                    self.outbox.append(ValueChanged(node.uuid, io, v))
        node.outputs = new
        node.ident = ident
        node.cached = ""
        node.error = None
        node.outcome = DONE
        node.last_inputs = node.running_inputs
        self._set_status(node, DONE)
        self._settle_children(node)

    # --- streams (generator nodes) --------------------------------------------------------

    def stream_value(self, uuid: str, generation: int, result: Any) -> bool:
        """A value a generator node yielded: its outputs now (its first settles the node and
        makes the stream live; later ones make what depends on them stale again)."""
        node = self.nodes.get(uuid)
        if node is None or node.generation != generation:
            return False
        first = node.status is RUNNING
        if not first and not (node.streaming and node.status is DONE):
            return False
        new = self._outputs_of(node, result)
        if isinstance(new, str):
            return self.run_failed(uuid, generation, NodeError(new, "OutputError"))
        if first:
            node.streaming = True
            if self.observed:
                self.outbox.append(StreamChanged(uuid, True))
            self._apply_outputs(node, new, None)
            return True
        old = node.outputs
        changed = [io for io, v in new.items() if not values_equal(old.get(io, NO_VALUE), v)]
        if not changed:
            return True
        if self.observed:
            for io in changed:
                self.outbox.append(ValueChanged(uuid, io, new[io]))
        node.outputs = new
        if node.children:
            self._mark_stale([self.nodes[c] for c in node.children])
        return True

    def stream_ended(self, uuid: str, generation: int) -> bool:
        """The generator returned: its last value stays (none at all: its outputs are empty)."""
        node = self.nodes.get(uuid)
        if node is None or node.generation != generation:
            return False
        if node.status is RUNNING:
            self._apply_outputs(node, {}, None)
            return True
        if not node.streaming:
            return False
        node.streaming = False
        if self.observed:
            self.outbox.append(StreamChanged(uuid, False))
        return True

    def cone_settled(self, uuid: str) -> bool:
        """Whether nothing below the node is stale or running (a stream may hand in its next
        value: the one before has been taken up)."""
        nodes = self.nodes
        todo = list(nodes[uuid].children) if uuid in nodes else []
        seen: set[str] = set()
        while todo:
            child = nodes[todo.pop()]
            if child.status is STALE or child.status is RUNNING:
                return False
            for grandchild in child.children:
                if grandchild not in seen:
                    seen.add(grandchild)
                    todo.append(grandchild)
        return True

    def _stop_stream(self, node: Node) -> None:
        self.outbox.append(Cancel(node.uuid, node.generation))
        node.generation += 1
        node.streaming = False
        if self.observed:
            self.outbox.append(StreamChanged(node.uuid, False))

    def _outputs_of(self, node: Node, result: Any) -> dict[str, Any] | str:
        outs = node.spec.outputs if node.spec is not None else ()
        if len(outs) == 1:
            return {outs[0].name: result}
        if not outs:
            return {}
        return _unpack(result, [o.name for o in outs])

    def run_failed(self, uuid: str, generation: int, error: NodeError) -> bool:
        node = self.nodes.get(uuid)
        if node is None or node.generation != generation:
            return False
        streaming = node.streaming
        if node.status is not RUNNING and not streaming:
            return False
        if streaming:
            node.streaming = False
            if self.observed:
                self.outbox.append(StreamChanged(uuid, False))
        node.error = error
        node.outcome = Status.ERROR
        node.last_inputs = node.running_inputs
        if self.observed:
            self.outbox.append(NodeFailed(uuid, error))
        self._clear_outputs(node)
        self._set_status(node, Status.ERROR)
        if streaming:  # its children had settled on its values: they are blocked now
            if node.children:
                self._mark_stale([self.nodes[c] for c in node.children])
        else:
            self._settle_children(node)
        return True

    def run_cancelled(self, uuid: str, generation: int) -> bool:
        """The run ended by cancellation that the scheduler did not ask for."""
        node = self.nodes.get(uuid)
        if node is None or node.generation != generation or node.status is not RUNNING:
            return False
        node.last_inputs = None
        self._clear_outputs(node)
        self._set_status(node, Status.CANCELLED)
        self._settle_children(node)
        return True

    def progress(self, uuid: str, generation: int, fraction: float | None, message: str) -> None:
        node = self.nodes.get(uuid)
        if (
            self.observed
            and node is not None
            and node.generation == generation
            and node.status is RUNNING
        ):
            self.outbox.append(ProgressReported(uuid, fraction, message))

    # --- the ready queue -----------------------------------------------------------------

    def pump(self) -> None:
        """Decide every ready node: run it, or settle it as blocked / waiting / unchanged."""
        ready = self.ready
        while ready:
            node = ready.popleft()
            node.queued = False
            if node.status is STALE and node.pending == 0 and node.uuid in self.nodes:
                self._evaluate(node)

    def _evaluate(self, node: Node) -> None:
        nodes = self.nodes
        spec = node.spec
        if spec is None:
            node.error = NodeError(
                f"node type {node.node_id!r} is not in the library", "MissingNode"
            )
            node.outcome = Status.ERROR
            node.last_inputs = None
            if self.observed:  # clients show it on the card, as any other failure
                self.outbox.append(NodeFailed(node.uuid, node.error))
            self._set_status(node, Status.ERROR)
            self._clear_outputs(node)
            self._settle_children(node)
            return
        for parent in node.parents:
            if nodes[parent].status in BLOCKING:
                node.last_inputs = None
                node.error = None  # its own last failure is not why it does not run now
                self._clear_outputs(node)
                self._set_status(node, Status.BLOCKED)
                self._settle_children(node)
                return
        if node.props.get("paused"):
            # Paused: it keeps what it has (its children compute from that), and does not run.
            self._set_status(node, node.outcome if node.outputs else Status.WAITING)
            self._settle_children(node)
            return
        kwargs: dict[str, Any] = {}
        conn = node.conn
        values = node.values
        for ispec in spec.inputs:
            name = ispec.name
            edge = conn.get(name)
            if edge is not None:
                value = nodes[edge.src].outputs.get(edge.src_io, NO_VALUE)
            else:
                value = values.get(name, ispec.default)
            if value is NO_VALUE:
                node.last_inputs = None
                node.error = None
                self._clear_outputs(node)
                self._set_status(node, Status.WAITING)
                self._settle_children(node)
                return
            kwargs[name] = value
        last = node.last_inputs
        if last is not None and _same_inputs(last, kwargs):
            # Nothing it depends on changed (or it changed back): keep the last outcome.
            self._set_status(node, node.outcome)
            self._settle_children(node)
            return
        fresh = node.forced
        if fresh:
            node.forced = False
        elif node.memo is not None and spec.cache and spec.cache_stamp is None:
            key = _memo_key(kwargs)
            hit = node.memo.get(key) if key is not None else None
            if hit is not None:  # inputs it saw lately (2 → 3 → 2): those outputs, no run
                node.running_inputs = kwargs
                self._apply_outputs(node, hit[0], hit[1])
                node.cached = "memory"
                if self.observed:
                    self.outbox.append(CacheHit(node.uuid))
                return
        node.generation += 1
        node.running_inputs = kwargs
        self._set_status(node, RUNNING)
        key = self._run_key(node, spec, kwargs) if self.keyed and spec.cache else None
        self.outbox.append(Run(node.uuid, node.generation, spec, kwargs, key, fresh))

    def _run_key(self, node: Node, spec: NodeSpec, kwargs: dict[str, Any]) -> str | None:
        """The result-cache key of this run (None: its inputs cannot be named exactly); see
        :func:`.cachekeys.key_of`: the code digest, then each input's name and part."""
        code = self._codes.get(spec)
        if code is None:
            digest = self.module_digest(spec.module) if self.module_digest else None
            code = self._codes[spec] = code_digest(spec, digest)
        nodes = self.nodes
        conn = node.conn
        parts = [code]
        for name, value in kwargs.items():
            edge = conn.get(name)
            if edge is None:
                part = value_digest(value)
            else:
                ident = nodes[edge.src].ident
                part = None if ident is None else ident + "." + edge.src_io
            if part is None:
                return None
            parts.append(name)
            parts.append(part)
        return key_of(parts)

    # --- internals -----------------------------------------------------------------------

    def _set_status(self, node: Node, status: Status) -> None:
        old = node.status
        if old is status:
            return
        was = old is STALE or old is RUNNING
        now = status is STALE or status is RUNNING
        if was is not now:
            self.unsettled += 1 if now else -1
        node.status = status
        if self.observed:
            self.outbox.append(StatusChanged(node.uuid, status))

    def _mark_stale(self, roots: tuple[Node, ...] | list[Node]) -> None:
        affected = cone(self.nodes, roots) if any(r.children for r in roots) else list(roots)
        outbox = self.outbox
        for node in affected:
            status = node.status
            if status is RUNNING:
                # The superseded run never wrote outputs, so last_inputs still describes them.
                outbox.append(Cancel(node.uuid, node.generation))
                node.generation += 1
                self._set_status(node, STALE)
            elif node.streaming:  # its inputs changed: this stream ends, a new one will start
                self._stop_stream(node)
                self._set_status(node, STALE)
            elif status is not STALE:
                self._set_status(node, STALE)
        for node in affected:
            self._recount(node)

    def _recount(self, node: Node) -> None:
        nodes = self.nodes
        pending = 0
        for parent in node.parents:
            status = nodes[parent].status
            if status is STALE or status is RUNNING:
                pending += 1
        node.pending = pending
        if pending == 0 and not node.queued:
            node.queued = True
            self.ready.append(node)

    def _settle_children(self, node: Node) -> None:
        """The node settled: its stale children have one unsettled parent less."""
        nodes = self.nodes
        for child_id in node.children:
            child = nodes[child_id]
            if child.status is STALE:
                child.pending -= 1
                if child.pending <= 0 and not child.queued:
                    child.queued = True
                    self.ready.append(child)

    def _clear_outputs(self, node: Node) -> None:
        node.ident = None
        node.cached = ""
        if not node.outputs:
            return
        if self.observed:
            for io in node.outputs:
                self.outbox.append(ValueChanged(node.uuid, io, NO_VALUE))
        node.outputs = {}

    def _add_edge(self, edge: Edge) -> None:
        s, d = self.nodes[edge.src], self.nodes[edge.dst]
        d.conn[edge.dst_io] = edge
        s.out_edges.append(edge)
        s.children[edge.dst] = s.children.get(edge.dst, 0) + 1
        d.parents[edge.src] = d.parents.get(edge.src, 0) + 1
        if self.observed:
            self.outbox.append(EdgeAdded(edge))

    def _drop_edge(self, edge: Edge, reason: str) -> None:
        s, d = self.nodes[edge.src], self.nodes[edge.dst]
        del d.conn[edge.dst_io]
        s.out_edges.remove(edge)
        for table, key in ((s.children, edge.dst), (d.parents, edge.src)):
            left = table[key] - 1
            if left:
                table[key] = left
            else:
                del table[key]
        if self.observed:
            self.outbox.append(EdgeRemoved(edge, reason))

    def _input_source_changed(self, node: Node, io: str, old: Any) -> None:
        """After an edge into ``node.io`` appeared or vanished: re-run it if the value moved."""
        edge = node.conn.get(io)
        upstream_busy = edge is not None and self.nodes[edge.src].status in UNSETTLED
        if upstream_busy or not values_equal(old, self.input_value(node, io)):
            self._mark_stale((node,))
        elif node.status is STALE:
            self._recount(node)

    def _label(self, uuid: str) -> str:
        node = self.nodes[uuid]
        name = node.props.get("name") or (node.spec.name if node.spec else node.node_id)
        return f"{name} ({uuid})"


MEMO_SIZE = 4
"""Results a node keeps by input values (the most recent ones)."""
MEMO_MIN_SECONDS = 0.0005
"""Runs quicker than this are not remembered: running them again costs less than the memo."""
_MEMO_TYPES = frozenset({int, float, str, bool, type(None), bytes})


def _memo_key(kwargs: dict[str, Any]) -> Hashable | None:
    """A key for inputs that are all small scalars (others: ``None``, the node is not memoized
    for them — never a wrong hit, never a large value kept alive by the key)."""
    for value in kwargs.values():
        if type(value) not in _MEMO_TYPES or (type(value) in (str, bytes) and len(value) > 4096):
            return None
    # type in the key: 1, 1.0 and True are equal in Python but not the same input
    return tuple((k, type(v), v) for k, v in kwargs.items())


def _same_inputs(last: dict[str, Any], now: dict[str, Any]) -> bool:
    if len(last) != len(now):
        return False
    return all(values_equal(last.get(name, NO_VALUE), value) for name, value in now.items())


def _unpack(result: Any, names: list[str]) -> dict[str, Any] | str:
    """Outputs from a multi-output node's return value, or a message saying why not."""
    if isinstance(result, Mapping):
        missing = [n for n in names if n not in result]
        if missing:
            return f"the returned mapping lacks the outputs {missing}"
        return {n: result[n] for n in names}
    if isinstance(result, tuple | list):
        if len(result) != len(names):
            return f"returned {len(result)} values for the {len(names)} outputs {names}"
        return dict(zip(names, result, strict=True))
    return f"returned a {type(result).__name__}, expected a tuple of the outputs {names}"


def _edge_text(edge: Edge) -> str:
    return f"{edge.src}.{edge.src_io} → {edge.dst}.{edge.dst_io}"
