"""Graph edits that can be undone: each one applied to the nodespace with its inverse recorded.

:class:`GraphEditor` is what the worker's edit commands call. Every edit works out, before it
changes anything, the edits that would take it back (see :mod:`nodeweave.worker.history`), so
that undo replays a few small edits instead of reloading the graph. ``apply_edits`` runs a list
of edits as one step, all or nothing: a paste, a multi-selection deleted or moved. Which
commands are edits is said once, by the protocol's ``Edit`` model.
"""

from __future__ import annotations

import contextlib
import uuid as uuid_mod
from collections.abc import Callable, Hashable, Iterator
from typing import Any

from nodeweave.core.errors import NodeweaveError, NotFoundError
from nodeweave.core.nodespace import NodeSpace
from nodeweave.core.placement import free_position, position_of
from nodeweave.core.values import NO_VALUE
from nodeweave.protocol.envelope import ErrorCode

from .history import EditHistory, Op, Step
from .views import json_value


class EditConflict(NodeweaveError):
    code = ErrorCode.INVALID_STATE


class PresetDoesNotFit(NodeweaveError):
    """A preset whose values no longer fit the nodes (``details.problems`` says how)."""

    code = ErrorCode.INVALID_STATE


class GraphEditor:
    def __init__(
        self,
        ns: NodeSpace,
        history: EditHistory,
        on_change: Callable[[], None],
        journal: Callable[[list[Op]], None] | None = None,
    ) -> None:
        self.ns = ns
        self.history = history
        self._on_change = on_change
        self._journal = journal
        """Called with the edits that redo each change as it is applied (undo, redo and
        rollbacks included): see :mod:`nodeweave.worker.journal`."""
        self._group: list[tuple[list[Op], list[Op]]] | None = None

    # --- edits -----------------------------------------------------------------------------

    def add_node(
        self,
        node_id: str,
        *,
        uuid: str | None = None,
        inputs: dict[str, Any] | None = None,
        properties: dict[str, Any] | None = None,
        allow_missing: bool = False,
    ) -> str:
        properties = dict(properties or {})
        if position_of(properties) is None:  # never on top of another card (nor at the origin)
            placed = (position_of(props) for props in self.ns.properties())
            properties["position"] = free_position(p for p in placed if p is not None)
        new = self._add(node_id, uuid, inputs or {}, properties, allow_missing)
        redo = {
            "node_id": node_id,
            "uuid": new,
            "inputs": inputs or {},
            "properties": properties,
            "allow_missing": True,
        }
        self._record(f"add {node_id}", [("remove_node", {"uuid": new})], [("add_node", redo)])
        return new

    def remove_node(self, uuid: str) -> None:
        undo = self._restore_ops(uuid)
        label = f"delete {undo[0][1]['node_id']}"
        with self._grouped(label):
            self.ns.remove_node(uuid)
            self._record(label, undo, [("remove_node", {"uuid": uuid})])
            # The groups that framed it let it go, in the same step (undo puts it back in).
            for annotation_id, annotation in self.ns.annotations().items():
                if uuid in annotation["nodes"]:
                    nodes = [n for n in annotation["nodes"] if n != uuid]
                    self.set_annotation(annotation_id, {**annotation, "nodes": nodes})

    def update_node(self, uuid: str, properties: dict[str, Any], *, merge: bool = True) -> None:
        before = self.ns.node(uuid).properties
        self.ns.set_properties(uuid, properties, merge=merge)
        what = (
            "rename"
            if set(properties) == {"name"}
            else "move"
            if set(properties) == {"position"}
            else "edit"
        )
        self._record(
            f"{what} {self.ns.node(uuid).name}",
            [("update_node", {"uuid": uuid, "properties": before, "merge": False})],
            [("update_node", {"uuid": uuid, "properties": properties, "merge": merge})],
            key=("props", uuid, tuple(sorted(properties))),
        )

    def connect(
        self, src: str, src_io: str, dst: str, dst_io: str, *, replace: bool = False
    ) -> Any:
        old = [e for e in self.ns.edges() if e.dst == dst and e.dst_io == dst_io]
        edge = self.ns.connect(src, src_io, dst, dst_io, replace=replace)
        undo: list[Op] = [("disconnect", edge.to_dict())]
        undo += [("connect", e.to_dict()) for e in old]
        self._record("connect", undo, [("connect", {**edge.to_dict(), "replace": True})])
        return edge

    def disconnect(self, src: str, src_io: str, dst: str, dst_io: str) -> None:
        edge = {"src": src, "src_io": src_io, "dst": dst, "dst_io": dst_io}
        self.ns.disconnect(src, src_io, dst, dst_io)
        self._record("disconnect", [("connect", edge)], [("disconnect", edge)])

    def set_input(self, uuid: str, io: str, value: Any) -> bool:
        view = self.ns.node(uuid)  # once: a dragged slider comes through here many times
        undo = self._input_undo(uuid, io, view.own_values.get(io, NO_VALUE))
        changed = self.ns.set_input(uuid, io, value)
        if changed:
            stored = self.ns.get_input(uuid, io)  # as validated (set_input refuses edge inputs)
            ok, plain = json_value(stored)
            redo = {"uuid": uuid, "io": io, "value": plain if ok else value}
            self._record(
                f"set {view.name}.{io}",
                undo,
                [("set_input", redo)],
                key=("input", uuid, io),
            )
        return changed

    def clear_input(self, uuid: str, io: str) -> bool:
        view = self.ns.node(uuid)
        undo = self._input_undo(uuid, io, view.own_values.get(io, NO_VALUE))
        changed = self.ns.clear_input(uuid, io)
        if changed:
            self._record(
                f"clear {view.name}.{io}",
                undo,
                [("clear_input", {"uuid": uuid, "io": io})],
            )
        return changed

    def set_annotation(self, id: str, annotation: dict[str, Any]) -> dict[str, Any]:
        before = self.ns.annotations().get(id)
        stored = self.ns.set_annotation(id, annotation)
        undo: Op = (
            ("remove_annotation", {"id": id})
            if before is None
            else ("set_annotation", {"id": id, "annotation": before})
        )
        kind = stored["kind"]
        self._record(
            f"{'add' if before is None else 'edit'} {kind}",
            [undo],
            [("set_annotation", {"id": id, "annotation": stored})],
            key=("annotation", id) if before is not None else None,
        )
        return stored

    def remove_annotation(self, id: str) -> None:
        before = self.ns.annotations().get(id)
        self.ns.remove_annotation(id)
        assert before is not None  # remove_annotation raised otherwise
        self._record(
            f"delete {before['kind']}",
            [("set_annotation", {"id": id, "annotation": before})],
            [("remove_annotation", {"id": id})],
        )

    def set_preset(self, name: str, preset: dict[str, Any]) -> dict[str, Any]:
        before = self.ns.presets().get(name)
        stored = self.ns.set_preset(name, preset)
        undo: Op = (
            ("remove_preset", {"name": name})
            if before is None
            else ("set_preset", {"name": name, "preset": before})
        )
        verb = "add" if before is None else "edit"
        self._record(
            f"{verb} preset {name}", [undo], [("set_preset", {"name": name, "preset": stored})]
        )
        return stored

    def remove_preset(self, name: str) -> None:
        before = self.ns.presets().get(name)
        self.ns.remove_preset(name)
        assert before is not None  # remove_preset raised otherwise
        self._record(
            f"delete preset {name}",
            [("set_preset", {"name": name, "preset": before})],
            [("remove_preset", {"name": name})],
        )

    def rename_preset(self, name: str, to: str) -> dict[str, Any]:
        presets = self.ns.presets()
        if name not in presets:
            raise NotFoundError(f"no preset {name!r}", details={"name": name})
        if to in presets:
            raise EditConflict(f"a preset {to!r} exists already", details={"name": to})
        with self._grouped(f"rename preset {name} to {to}"):
            stored = self.set_preset(to, presets[name])
            self.remove_preset(name)
        return stored

    def apply_preset(self, name: str) -> int:
        """Set every value of the preset as one step (so, one recompute), or none of them: a
        preset that does not fit the nodes now is refused with its problems."""
        problems = self.ns.preset_problems(name)
        if problems:
            raise PresetDoesNotFit(
                f"preset {name!r} does not fit the graph now: {'; '.join(problems)}",
                details={"name": name, "problems": problems},
            )
        values = self.ns.presets()[name]["values"]
        edits = [
            ("set_input", {"uuid": v["node"], "io": v["io"], "value": v["value"]}) for v in values
        ]
        return sum(1 for changed in self.apply_edits(f"apply preset {name}", edits) if changed)

    def merge_document(
        self, document: Any, offset: tuple[float, float], label: str
    ) -> dict[str, Any]:
        """Add a document's nodes (new uuids, positions moved by ``offset``), edges, groups and
        notes to the graph, as one step (as a paste does); returns ``{nodes: old uuid → new
        uuid, dropped_edges}``. Values and edges that do not fit are left out, types the library
        lacks become placeholders that keep their data. An invalid document changes nothing."""
        from nodeweave.core import document as doc_module

        parsed = doc_module.parse(document)
        mapping = {n.uuid: uuid_mod.uuid4().hex for n in parsed.nodes}
        dx, dy = offset
        edits: list[tuple[str, dict[str, Any]]] = []
        for n in parsed.nodes:
            props = dict(n.properties)
            where = position_of(props)
            if where is not None:
                props["position"] = {"x": where[0] + dx, "y": where[1] + dy}
            spec = self.ns.library.find(n.node_id)
            inputs = (
                {k: v for k, v in n.inputs.items() if k in spec.input_map}
                if spec is not None
                else dict(n.inputs)
            )
            edits.append(
                (
                    "add_node",
                    {
                        "node_id": n.node_id,
                        "uuid": mapping[n.uuid],
                        "inputs": inputs,
                        "properties": props,
                        "allow_missing": True,
                    },
                )
            )
        dropped: list[dict[str, str]] = []
        specs = {n.uuid: self.ns.library.find(n.node_id) for n in parsed.nodes}
        for e in parsed.edges:
            src, dst = specs[e.src], specs[e.dst]
            if (
                src is None
                or dst is None
                or e.src_io not in src.output_map
                or (e.dst_io not in dst.input_map)
            ):
                dropped.append(e.model_dump())
                continue
            edits.append(
                (
                    "connect",
                    {
                        "src": mapping[e.src],
                        "src_io": e.src_io,
                        "dst": mapping[e.dst],
                        "dst_io": e.dst_io,
                    },
                )
            )
        raw = document.get("annotations") if isinstance(document, dict) else None
        for key, annotation in (raw or {}).items() if isinstance(raw, dict) else ():
            if isinstance(annotation, dict):
                moved = dict(annotation)
                moved["nodes"] = [mapping[u] for u in annotation.get("nodes", []) if u in mapping]
                for axis, delta in (("x", dx), ("y", dy)):
                    if isinstance(moved.get(axis), int | float):
                        moved[axis] = moved[axis] + delta
                edits.append(
                    (
                        "set_annotation",
                        {"id": f"{key}-{uuid_mod.uuid4().hex[:6]}", "annotation": moved},
                    )
                )
        self.apply_edits(label, edits)
        return {"nodes": mapping, "dropped_edges": dropped}

    def load_document(self, document: Any, label: str) -> Any:
        before = self.ns.to_document()
        report = self.ns.load_document(document)
        after = self.ns.to_document()
        self._record(
            label,
            [("load_document", {"document": before})],
            [("load_document", {"document": after})],
        )
        return report

    def apply_edits(self, label: str, edits: list[tuple[str, dict[str, Any]]]) -> list[Any]:
        """Run ``edits`` as one step; if one fails, the ones before it are taken back."""
        results: list[Any] = []
        with self._grouped(label) as group:
            try:
                for cmd, kwargs in edits:
                    results.append(self.apply(cmd, kwargs))
            except Exception:
                self._rollback([op for undo, _ in reversed(group) for op in undo])
                raise
        return results

    # --- undo and redo ----------------------------------------------------------------------

    def undo(self) -> dict[str, Any]:
        step = self.history.take_undo()
        if step is None:
            return {"applied": False, "label": None}
        self._replay(step, step.undo, "undo")
        self.history.undone(step)
        self._on_change()
        return {"applied": True, "label": step.label}

    def redo(self) -> dict[str, Any]:
        step = self.history.take_redo()
        if step is None:
            return {"applied": False, "label": None}
        self._replay(step, step.redo, "redo")
        self.history.redone(step)
        self._on_change()
        return {"applied": True, "label": step.label}

    def apply(self, cmd: str, kwargs: dict[str, Any]) -> Any:
        """One edit by name, recorded (part of the current group, if any)."""
        match cmd:
            case "add_node":
                return self.add_node(**kwargs)
            case "remove_node":
                return self.remove_node(**kwargs)
            case "update_node":
                return self.update_node(**kwargs)
            case "connect":
                return self.connect(**kwargs)
            case "disconnect":
                return self.disconnect(**kwargs)
            case "set_input":
                return self.set_input(**kwargs)
            case "clear_input":
                return self.clear_input(**kwargs)
            case "set_annotation":
                return self.set_annotation(**kwargs)
            case "remove_annotation":
                return self.remove_annotation(**kwargs)
            case "set_preset":
                return self.set_preset(**kwargs)
            case "remove_preset":
                return self.remove_preset(**kwargs)
            case "load_document":
                return self.load_document(kwargs["document"], "load")
        raise NotFoundError(f"{cmd!r} is not an edit", details={"cmd": cmd})

    # --- internals ---------------------------------------------------------------------------

    def _add(
        self,
        node_id: str,
        uuid: str | None,
        inputs: dict[str, Any],
        properties: dict[str, Any],
        allow_missing: bool,
    ) -> str:
        add = self.ns.add_placeholder if allow_missing else self.ns.add_node
        return add(node_id, uuid=uuid, inputs=inputs, properties=properties)

    def _restore_ops(self, uuid: str) -> list[Op]:
        """The edits that bring a node back as it is now: itself, its values, its edges."""
        view = self.ns.node(uuid)
        inputs = {}
        for io, value in view.own_values.items():
            ok, plain = json_value(value)
            inputs[io] = plain if ok else value
        ops: list[Op] = [
            (
                "add_node",
                {
                    "node_id": view.node_id,
                    "uuid": uuid,
                    "inputs": inputs,
                    "properties": view.properties,
                    "allow_missing": True,
                },
            )
        ]
        ops += [("connect", e.to_dict()) for e in self.ns.edges() if uuid in (e.src, e.dst)]
        return ops

    def _input_undo(self, uuid: str, io: str, own: Any) -> list[Op]:
        """The edit that puts back ``own``, the input's own value before (or its absence)."""
        if own is NO_VALUE:
            return [("clear_input", {"uuid": uuid, "io": io})]
        ok, plain = json_value(own)
        return [("set_input", {"uuid": uuid, "io": io, "value": plain if ok else own})]

    def replay(self, ops: list[Op]) -> None:
        """Apply journaled edits again (at start), unrecorded and not journaled again."""
        journal, self._journal = self._journal, None
        group: list[tuple[list[Op], list[Op]]] = []
        self._group = group
        try:
            for cmd, kwargs in ops:
                self.apply(cmd, dict(kwargs))
        finally:
            self._group = None
            self._journal = journal

    def _record(self, label: str, undo: list[Op], redo: list[Op], key: Hashable = None) -> None:
        if self._journal is not None:
            self._journal(redo)
        if self._group is not None:
            self._group.append((undo, redo))
            return
        self.history.record(Step(label, undo, redo, key))
        self._on_change()

    @contextlib.contextmanager
    def _grouped(self, label: str) -> Iterator[list[tuple[list[Op], list[Op]]]]:
        if self._group is not None:  # nested: part of the outer step
            yield self._group
            return
        group: list[tuple[list[Op], list[Op]]] = []
        self._group = group
        try:
            yield group
        finally:
            self._group = None
        if group:
            undo = [op for ops, _ in reversed(group) for op in ops]
            redo = [op for _, ops in group for op in ops]
            self.history.record(Step(label, undo, redo))
            self._on_change()

    def _replay(self, step: Step, ops: list[Op], what: str) -> None:
        """Apply a step's edits unrecorded; on a conflict, put the graph back and say why."""
        group: list[tuple[list[Op], list[Op]]] = []
        self._group = group
        try:
            for cmd, kwargs in ops:
                self.apply(cmd, dict(kwargs))
        except NodeweaveError as exc:
            self._group = None
            self._rollback([op for undo, _ in reversed(group) for op in undo])
            raise EditConflict(
                f"cannot {what} {step.label!r}: the graph has changed since ({exc.message})",
                details={"label": step.label},
            ) from exc
        finally:
            self._group = None

    def _rollback(self, ops: list[Op]) -> None:
        group: list[tuple[list[Op], list[Op]]] = []
        self._group = group  # recorded nowhere
        try:
            for cmd, kwargs in ops:
                self.apply(cmd, dict(kwargs))
        finally:
            self._group = None


__all__ = ["EditConflict", "GraphEditor"]
