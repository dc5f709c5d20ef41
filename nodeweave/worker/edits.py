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

from nodeweave.core import composite as composite_mod
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

    # --- composites ---------------------------------------------------------------------------

    def set_composite(
        self, id: str, composite: dict[str, Any], renamed: dict[str, str] | None = None
    ) -> dict[str, Any]:
        """Create or replace a definition as one step; the instances' edges on ports that were
        renamed follow the new names (edges on ports that are gone are dropped, and come back
        with an undo)."""
        before = self.ns.composites().get(id)
        node_id = composite_mod.node_id_of(id)
        users = [v.uuid for v in self.ns.nodes() if v.node_id == node_id]
        touching = [e for e in self.ns.edges() if e.src in users or e.dst in users]
        renamed = dict(renamed or {})
        label = f"{'add' if before is None else 'edit'} composite {composite.get('name', id)}"
        with self._grouped(label):
            stored = self.ns.set_composite(id, composite)
            if stored == before:
                return stored  # nothing new: no step to undo
            now = {(e.src, e.src_io, e.dst, e.dst_io) for e in self.ns.edges()}
            undo: list[Op] = [
                ("remove_composite", {"id": id})
                if before is None
                else ("set_composite", {"id": id, "composite": before})
            ]
            undo += [  # the edges the new ports dropped come back with the old ports
                ("connect", {**e.to_dict(), "replace": True})
                for e in touching
                if (e.src, e.src_io, e.dst, e.dst_io) not in now
            ]
            self._record(label, undo, [("set_composite", {"id": id, "composite": stored})])
            for e in touching:
                src_io = renamed.get(e.src_io, e.src_io) if e.src in users else e.src_io
                dst_io = renamed.get(e.dst_io, e.dst_io) if e.dst in users else e.dst_io
                if (e.src, src_io, e.dst, dst_io) in now:
                    continue
                with contextlib.suppress(NodeweaveError):  # a port that is gone: dropped
                    self.connect(e.src, src_io, e.dst, dst_io, replace=True)
        return stored

    def remove_composite(self, id: str) -> None:
        before = self.ns.composites().get(id)
        self.ns.remove_composite(id)
        assert before is not None  # remove_composite raised otherwise
        self._record(
            f"delete composite {before['name']}",
            [("set_composite", {"id": id, "composite": before})],
            [("remove_composite", {"id": id})],
        )

    def make_composite(self, nodes: list[str], name: str) -> dict[str, Any]:
        """Fold ``nodes`` into a new composite node in their place, as one step."""
        selected = list(dict.fromkeys(nodes))
        chosen = set(selected)
        views = {u: self.ns.node(u) for u in selected}  # (not_found for an unknown uuid)
        edges = self.ns.edges()
        inside = [e for e in edges if e.src in chosen and e.dst in chosen]
        coming = [e for e in edges if e.dst in chosen and e.src not in chosen]
        going = [e for e in edges if e.src in chosen and e.dst not in chosen]
        driven_inside = {(e.dst, e.dst_io) for e in inside}
        fed = {(e.dst, e.dst_io) for e in coming}
        order = sorted(selected, key=lambda u: _reading_order(views[u].properties))
        inputs: list[dict[str, str]] = []
        outputs: list[dict[str, str]] = []
        taken: set[str] = set()

        def port(uuid: str, io: str) -> str:
            name = io if io not in taken else f"{_slug(views[uuid].name, '_')}_{io}"
            base, n = name, 2
            while name in taken or not name.isidentifier():
                name = f"{base if base.isidentifier() else 'port'}_{n}"
                n += 1
            taken.add(name)
            return name

        for uuid in order:
            spec = self.ns.library.find(views[uuid].node_id)
            names = [i.name for i in spec.inputs] if spec is not None else []
            for io in names:
                key = (uuid, io)
                if key in driven_inside:
                    continue
                required = spec is not None and spec.input_map[io].required
                if key in fed or (required and io not in views[uuid].own_values):
                    inputs.append({"name": port(uuid, io), "node": uuid, "io": io})
        taken.clear()
        read = list(dict.fromkeys((e.src, e.src_io) for e in going))
        if not read:  # nothing outside reads it: the outputs of its last nodes
            ends = [u for u in order if not any(e.src == u for e in inside)]
            for uuid in ends:
                spec = self.ns.library.find(views[uuid].node_id)
                read += [(uuid, o.name) for o in (spec.outputs if spec is not None else ())]
        for uuid, io in read:
            outputs.append({"name": port(uuid, io), "node": uuid, "io": io})
        positions = [p for p in (position_of(v.properties) for v in views.values()) if p]
        if positions:
            left = min(x for x, _ in positions)
            top = min(y for _, y in positions)
            at = {
                "x": sum(x for x, _ in positions) / len(positions),
                "y": sum(y for _, y in positions) / len(positions),
            }
        else:
            left = top = 0.0
            at = None
        inner_nodes = []
        for uuid in order:
            entry = self._restore_ops(uuid)[0][1]
            props = dict(entry["properties"])
            where = position_of(props)
            if where is not None:  # the inside starts near its origin
                props["position"] = {"x": where[0] - left, "y": where[1] - top}
            inner_nodes.append(
                {
                    "uuid": uuid,
                    "node_id": entry["node_id"],
                    "inputs": entry["inputs"],
                    "properties": props,
                }
            )
        definition = {
            "name": name,
            "description": "",
            "nodes": inner_nodes,
            "edges": [e.to_dict() for e in inside],
            "inputs": inputs,
            "outputs": outputs,
        }
        taken_ids = set(self.ns.composites())
        base_id = _slug(name, "-") or "composite"
        cid, n = base_id, 2
        while cid in taken_ids:
            cid = f"{base_id}-{n}"
            n += 1
        instance = uuid_mod.uuid4().hex
        in_port = {(p["node"], p["io"]): p["name"] for p in inputs}
        out_port = {(p["node"], p["io"]): p["name"] for p in outputs}
        with self._grouped(f"make composite {name}"):
            stored = self.set_composite(cid, definition)
            for uuid in order:
                self.remove_node(uuid)
            self.add_node(
                composite_mod.node_id_of(cid),
                uuid=instance,
                properties={"position": at} if at is not None else {},
            )
            for e in coming:
                self.connect(e.src, e.src_io, instance, in_port[(e.dst, e.dst_io)])
            for e in going:
                self.connect(instance, out_port[(e.src, e.src_io)], e.dst, e.dst_io, replace=True)
        return {"id": cid, "uuid": instance, "composite": stored}

    def expand_composite(self, uuid: str) -> dict[str, Any]:
        """Put a composite node's inside in its place (new uuids), as one step."""
        view = self.ns.node(uuid)
        cid = composite_mod.composite_id_of(view.node_id)
        definition = self.ns.composites().get(cid) if cid is not None else None
        if cid is None or definition is None:
            raise EditConflict(
                f"node {uuid!r} ({view.node_id}) is not a composite of this workflow",
                details={"uuid": uuid},
            )
        mapping = {n["uuid"]: uuid_mod.uuid4().hex for n in definition["nodes"]}
        at = position_of(view.properties) or (0.0, 0.0)
        edges = self.ns.edges()
        ins = {p["name"]: p for p in definition["inputs"]}
        outs = {p["name"]: p for p in definition["outputs"]}
        with self._grouped(f"expand {view.name}"):
            for n in definition["nodes"]:
                props = dict(n.get("properties", {}))
                where = position_of(props) or (0.0, 0.0)
                props["position"] = {"x": at[0] + where[0], "y": at[1] + where[1]}
                values = dict(n.get("inputs", {}))
                for p in definition["inputs"]:  # the instance's own values go inside
                    if p["node"] == n["uuid"] and p["name"] in view.own_values:
                        ok, plain = json_value(view.own_values[p["name"]])
                        values[p["io"]] = plain if ok else view.own_values[p["name"]]
                self.add_node(
                    n["node_id"],
                    uuid=mapping[n["uuid"]],
                    inputs=values,
                    properties=props,
                    allow_missing=True,
                )
            for e in definition["edges"]:
                self.connect(mapping[e["src"]], e["src_io"], mapping[e["dst"]], e["dst_io"])
            self.remove_node(uuid)
            for e in edges:
                if e.dst == uuid and e.dst_io in ins:
                    p = ins[e.dst_io]
                    self.connect(e.src, e.src_io, mapping[p["node"]], p["io"], replace=True)
                elif e.src == uuid and e.src_io in outs:
                    p = outs[e.src_io]
                    self.connect(mapping[p["node"]], p["io"], e.dst, e.dst_io, replace=True)
        return {"nodes": mapping}

    def merge_document(
        self, document: Any, offset: tuple[float, float], label: str
    ) -> dict[str, Any]:
        """Add a document's nodes (new uuids, positions moved by ``offset``), edges, groups and
        notes to the graph, as one step (as a paste does); returns ``{nodes: old uuid → new
        uuid, dropped_edges}``. Values and edges that do not fit are left out, types the library
        lacks become placeholders that keep their data. An invalid document changes nothing."""
        from nodeweave.core import document as doc_module

        parsed = doc_module.parse(document)
        raw = document.get("composites") if isinstance(document, dict) else None
        incoming = composite_mod.check_all(raw)
        with self._grouped(label):
            renamed = self._merge_composites(incoming)
            for n in parsed.nodes:
                cid = composite_mod.composite_id_of(n.node_id)
                if cid is not None and cid in renamed:
                    n.node_id = composite_mod.node_id_of(renamed[cid])
            return self._merge_parsed(parsed, document, offset, label)

    def _merge_composites(self, incoming: dict[str, dict[str, Any]]) -> dict[str, str]:
        """Add a document's composite definitions: one equal to a definition here is that one;
        one whose id is taken by another gets a new id (and its users follow)."""
        here = self.ns.composites()
        renamed: dict[str, str] = {}
        for cid in composite_mod.order(incoming):
            definition = dict(incoming[cid])
            definition["nodes"] = [
                {**n, "node_id": composite_mod.node_id_of(renamed[used])}
                if (used := composite_mod.composite_id_of(n["node_id"])) in renamed
                else n
                for n in definition["nodes"]
            ]
            if here.get(cid) == definition:
                renamed[cid] = cid
                continue
            new, k = cid, 2
            while new in here:
                new = f"{cid}-{k}"
                k += 1
            renamed[cid] = new
            here[new] = self.set_composite(new, definition)
        return renamed

    def _merge_parsed(
        self, parsed: Any, document: Any, offset: tuple[float, float], label: str
    ) -> dict[str, Any]:
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
            case "set_composite":
                return self.set_composite(**kwargs)
            case "remove_composite":
                return self.remove_composite(**kwargs)
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


def _reading_order(properties: dict[str, Any]) -> tuple[float, float]:
    """Top to bottom, then left to right (the order ports are listed in)."""
    where = position_of(properties)
    return (where[1], where[0]) if where is not None else (0.0, 0.0)


def _slug(text: str, sep: str) -> str:
    """``Clean table (v2)`` → ``clean-table-v2`` (ids) or ``clean_table_v2`` (port names)."""
    out = "".join(c.lower() if c.isascii() and c.isalnum() else " " for c in text)
    return sep.join(out.split())[:48]


__all__ = ["EditConflict", "GraphEditor"]
