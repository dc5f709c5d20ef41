"""NodeSpace ⇄ plain dict: the workflow document (``nodespace.json``, exported workflows).

Shape (``schema_version`` 1)::

    {"schema_version": 1,
     "nodes": [{"uuid": "…", "node_id": "text.split", "inputs": {"sep": ";"},
                "properties": {"position": {"x": 10, "y": 20}}}],
     "edges": [{"src": "…", "src_io": "head", "dst": "…", "dst_io": "text"}]}

Only a node's own input values are stored, and only those that JSON can hold. Loading checks the
whole document before touching the nodespace, so an invalid document changes nothing. A node id the
library does not know becomes a placeholder that keeps its data (saving writes it back unchanged);
values and edges that no longer fit a known node are dropped and reported.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Mapping
from typing import Any

import orjson
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from .errors import DocumentError, UnsupportedSchemaVersionError
from .events import Edge, GraphReplaced
from .graph import Node
from .library import Library
from .scheduler import Scheduler

SCHEMA_VERSION = 1
log = logging.getLogger("nodeweave.core")


class _NodeDoc(BaseModel):
    model_config = ConfigDict(extra="ignore", defer_build=True)
    uuid: str = Field(min_length=1)
    node_id: str = Field(min_length=1)
    inputs: dict[str, Any] = Field(default_factory=dict)
    properties: dict[str, Any] = Field(default_factory=dict)
    version: int = Field(default=1, ge=1)


class _EdgeDoc(BaseModel):
    model_config = ConfigDict(extra="ignore", defer_build=True)
    src: str
    src_io: str
    dst: str
    dst_io: str


class _Document(BaseModel):
    model_config = ConfigDict(extra="ignore", defer_build=True)
    schema_version: int
    nodes: list[_NodeDoc] = Field(default_factory=list)
    edges: list[_EdgeDoc] = Field(default_factory=list)


@dataclasses.dataclass
class LoadReport:
    """What loading kept aside: placeholders, and values or edges that no longer fit."""

    placeholders: list[dict[str, str]] = dataclasses.field(default_factory=list)
    dropped_inputs: list[dict[str, str]] = dataclasses.field(default_factory=list)
    dropped_edges: list[dict[str, Any]] = dataclasses.field(default_factory=list)
    migrated: list[dict[str, str]] = dataclasses.field(default_factory=list)
    """Nodes whose saved form was migrated: ``{uuid, from, to}`` (ids, or ``id@vN``)."""

    @property
    def clean(self) -> bool:
        return not (self.placeholders or self.dropped_inputs or self.dropped_edges)

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


def _json_safe(value: Any) -> bool:
    try:
        orjson.dumps(value)
    except TypeError:
        return False
    return True


def dump(scheduler: Scheduler) -> dict[str, Any]:
    nodes = []
    for node in scheduler.nodes.values():
        inputs = {}
        for io, value in node.values.items():
            if _json_safe(value):
                inputs[io] = value
            else:
                log.debug(
                    "not saving input %s.%s: %s is not JSON", node.uuid, io, type(value).__name__
                )
        entry: dict[str, Any] = {
            "uuid": node.uuid,
            "node_id": node.node_id,
            "inputs": inputs,
            "properties": node.props if _json_safe(node.props) else {},
        }
        if node.version != 1:
            entry["version"] = node.version  # what its values are for (migrations start there)
        nodes.append(entry)
    return {
        "schema_version": SCHEMA_VERSION,
        "nodes": nodes,
        "edges": [e.to_dict() for e in scheduler.edges()],
    }


def node_ids_in(document: Any) -> set[str]:
    """Every node type a document uses, its composites' insides included (no validation: for
    deciding which modules it needs before it is loaded)."""
    found: set[str] = set()
    todo = [document]
    while todo:
        value = todo.pop()
        if isinstance(value, dict):
            node_id = value.get("node_id")
            if isinstance(node_id, str):
                found.add(node_id)
            todo.extend(value.values())
        elif isinstance(value, list):
            todo.extend(value)
    return found


def first_error(exc: ValidationError) -> str:
    """``where: what`` of a validation error's first problem (``nodes.0.uuid: Field required``)."""
    first = exc.errors(include_url=False)[0]
    return f"{'.'.join(str(p) for p in first['loc'])}: {first['msg']}"


def parse(document: Any) -> _Document:
    """Check a document's structure (not yet against a library)."""
    if not isinstance(document, dict):
        raise DocumentError(f"a workflow document is a JSON object, got {type(document).__name__}")
    version = document.get("schema_version")
    if not isinstance(version, int) or isinstance(version, bool):
        raise DocumentError("the document has no integer 'schema_version'")
    if version > SCHEMA_VERSION:
        raise UnsupportedSchemaVersionError(
            f"the document has schema_version {version}, but this nodeweave reads up to "
            f"{SCHEMA_VERSION}: upgrade nodeweave to open it",
            details={"schema_version": version, "supported": SCHEMA_VERSION},
        )
    if version < 1:
        raise DocumentError(f"schema_version {version} is not valid")
    try:
        doc = _Document.model_validate(document)
    except ValidationError as exc:
        raise DocumentError(
            f"invalid workflow document at {first_error(exc)}",
            details={
                "errors": exc.errors(include_url=False, include_input=False, include_context=False)
            },
        ) from None
    seen: set[str] = set()
    for n in doc.nodes:
        if n.uuid in seen:
            raise DocumentError(f"the document has two nodes with uuid {n.uuid!r}")
        seen.add(n.uuid)
    driven: set[tuple[str, str]] = set()
    children: dict[str, list[str]] = {u: [] for u in seen}
    for e in doc.edges:
        for end in (e.src, e.dst):
            if end not in seen:
                raise DocumentError(
                    f"edge {e.src}.{e.src_io} → {e.dst}.{e.dst_io} names node {end!r}, which is "
                    "not in the document"
                )
        if (e.dst, e.dst_io) in driven:
            raise DocumentError(f"input {e.dst}.{e.dst_io} has more than one edge")
        driven.add((e.dst, e.dst_io))
        children[e.src].append(e.dst)
    cycle = _find_cycle(children)
    if cycle:
        raise DocumentError(
            f"the document's edges form a cycle: {' → '.join(cycle)}", details={"cycle": cycle}
        )
    return doc


def load(scheduler: Scheduler, library: Library, document: Any) -> LoadReport:
    """Replace the scheduler's graph by the document's (checked first: nothing changes if bad)."""
    doc = parse(document)
    report = LoadReport()
    observed = scheduler.observed
    scheduler.observed = False  # one GraphReplaced instead of an event per item
    try:
        for uuid in list(scheduler.nodes):
            scheduler.remove_node(uuid)
        renamed_in: dict[str, Mapping[str, str]] = {}
        renamed_out: dict[str, Mapping[str, str]] = {}
        for n in doc.nodes:
            node_id, saved, version = n.node_id, dict(n.inputs), n.version
            spec = library.find(node_id)
            found = library.replacement(node_id) if spec is None else None
            if found is not None:
                spec, rep = found
                try:
                    saved = {rep.inputs.get(io, io): v for io, v in saved.items()}
                    if rep.migrate is not None:
                        saved = dict(rep.migrate(dict(saved)))
                except Exception as exc:  # noqa: BLE001 - reported; the node stays as saved
                    report.dropped_inputs.append(
                        {"uuid": n.uuid, "io": "*", "reason": f"migrating to {spec.id}: {exc}"}
                    )
                    spec, saved = None, dict(n.inputs)
                else:
                    renamed_in[n.uuid], renamed_out[n.uuid] = rep.inputs, rep.outputs
                    report.migrated.append({"uuid": n.uuid, "from": node_id, "to": spec.id})
                    node_id, version = spec.id, spec.version
            elif spec is not None and version < spec.version:
                try:
                    saved = spec.migrate_values(saved, version)
                except Exception as exc:  # noqa: BLE001 - reported; values kept as saved
                    report.dropped_inputs.append(
                        {"uuid": n.uuid, "io": "*", "reason": f"migrating from v{version}: {exc}"}
                    )
                report.migrated.append(
                    {
                        "uuid": n.uuid,
                        "from": f"{node_id}@v{version}",
                        "to": f"{node_id}@v{spec.version}",
                    }
                )
            values: dict[str, Any] = {}
            if spec is None:
                values = saved
                report.placeholders.append({"uuid": n.uuid, "node_id": node_id})
            else:
                for io, value in saved.items():
                    ispec = spec.input_map.get(io)
                    if ispec is None:
                        report.dropped_inputs.append(
                            {"uuid": n.uuid, "io": io, "reason": f"{n.node_id} has no input {io!r}"}
                        )
                        continue
                    try:
                        values[io] = ispec.validate(value)
                    except Exception as exc:  # noqa: BLE001 - reported, not fatal
                        report.dropped_inputs.append({"uuid": n.uuid, "io": io, "reason": str(exc)})
            added = scheduler.add_node(n.uuid, node_id, spec, values, n.properties, validate=False)
            if spec is None:
                added.version = version  # kept for when its module comes back
        for e in doc.edges:
            if e.src in renamed_out or e.dst in renamed_in:
                e = e.model_copy(
                    update={
                        "src_io": renamed_out.get(e.src, {}).get(e.src_io, e.src_io),
                        "dst_io": renamed_in.get(e.dst, {}).get(e.dst_io, e.dst_io),
                    }
                )
            reason = _edge_problem(scheduler.nodes, e)
            if reason:
                report.dropped_edges.append({"edge": e.model_dump(), "reason": reason})
                continue
            # Types were checked when the edge was made; a library change since then should not
            # silently cut the user's graph apart, so load as saved.
            scheduler.connect(e.src, e.src_io, e.dst, e.dst_io, check_types=False)
    finally:
        scheduler.observed = observed
    if observed:
        scheduler.outbox.append(GraphReplaced())
    return report


def _edge_problem(nodes: dict[str, Node], e: _EdgeDoc) -> str:
    src, dst = nodes[e.src], nodes[e.dst]
    if src.spec is not None and e.src_io not in src.spec.output_map:
        return f"{src.node_id} has no output {e.src_io!r}"
    if dst.spec is not None and e.dst_io not in dst.spec.input_map:
        return f"{dst.node_id} has no input {e.dst_io!r}"
    return ""


def _find_cycle(children: dict[str, list[str]]) -> list[str] | None:
    """One cycle as a list of uuids (first repeated at the end), or None. Iterative."""
    WHITE, GREY, BLACK = 0, 1, 2
    color = dict.fromkeys(children, WHITE)
    for root in children:
        if color[root] != WHITE:
            continue
        stack: list[tuple[str, int]] = [(root, 0)]
        path: list[str] = []
        while stack:
            node, i = stack.pop()
            if i == 0:
                color[node] = GREY
                path.append(node)
            kids = children[node]
            if i < len(kids):
                stack.append((node, i + 1))
                kid = kids[i]
                if color[kid] == GREY:
                    return [*path[path.index(kid) :], kid]
                if color[kid] == WHITE:
                    stack.append((kid, 0))
            else:
                color[node] = BLACK
                path.pop()
    return None


__all__ = ["SCHEMA_VERSION", "Edge", "LoadReport", "dump", "load", "parse"]
