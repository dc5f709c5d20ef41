"""FuncNodes workflows → nodeweave workflow documents.

FuncNodes keeps a worker's graph in ``nodespace.json`` inside its folder (``workers/worker_<id>/``,
next to ``workers/worker_<id>.json``: name, package dependencies) and exports a worker as a
``.fnw`` file: a zip of ``config`` (that JSON), ``state`` (the nodespace) and ``files/``. All three
are read here, never written. The graph keeps its node uuids, node ids, input values (FuncNodes
saves the ones set as defaults; values JSON cannot hold are left out and counted), edges,
positions (``frontend:pos``), custom names and groups; FuncNodes' package dependencies become the
requirements to install. Pure: bytes and dicts in, a document and a report out.
"""

from __future__ import annotations

import base64
import binascii
import dataclasses
import io
import math
import zipfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Final

import orjson

from nodeweave.bundles import BundleError, safe_relative

SCHEMA_VERSION: Final = 1
"""nodeweave's workflow document version this writes (``nodeweave.core.document``; the hub,
which imports workflows, does not load the engine)."""
MAX_EXPORT_BYTES: Final = 1024 * 2**20
"""A bigger export (or an export that unpacks bigger) is refused."""
MAX_FILES: Final = 10_000
TRIGGER_PORTS: Final = frozenset({"_triggerinput", "_triggeroutput"})


class DocumentError(ValueError):
    """Not a FuncNodes workflow nodeweave can import (the message says why)."""

    code = "invalid_document"


@dataclasses.dataclass
class FuncNodesWorkflow:
    """A FuncNodes worker's graph and what comes with it."""

    name: str
    state: dict[str, Any]
    """The nodespace as FuncNodes saves it (``backend``: nodes, edges, groups)."""
    requirements: list[str] = dataclasses.field(default_factory=list)
    files: dict[str, bytes] = dataclasses.field(default_factory=dict)
    """Data files by relative POSIX path (from an export's ``files/``)."""


@dataclasses.dataclass
class Converted:
    document: dict[str, Any]
    nodes: int
    edges: int
    values: int
    """Input values carried over."""
    dropped_values: list[str]
    """``node_uuid.input`` whose value JSON cannot hold (FuncNodes saved a repr or an object)."""
    node_ids: list[str]
    """The distinct node ids the graph uses (to find placeholders against a library)."""


def read_export(data: bytes, *, fallback_name: str = "FuncNodes workflow") -> FuncNodesWorkflow:
    """A ``.fnw`` export (zip of ``config``, ``state`` and ``files/``), or a ``nodespace.json``."""
    if len(data) > MAX_EXPORT_BYTES:
        raise DocumentError(f"the export is larger than {MAX_EXPORT_BYTES >> 20} MB")
    if not zipfile.is_zipfile(io.BytesIO(data)):
        return FuncNodesWorkflow(fallback_name, _state(_json(data, "the nodespace")))
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            if "state" not in names:
                raise DocumentError("not a FuncNodes export: the archive has no 'state' entry")
            state = _state(_json(_read(archive, "state"), "its state"))
            config = _json(_read(archive, "config"), "its config") if "config" in names else {}
            files: dict[str, bytes] = {}
            total = 0
            for info in archive.infolist():
                if info.is_dir() or not info.filename.startswith("files/"):
                    continue
                rel = _safe_relative(info.filename[len("files/") :])
                total += info.file_size
                if len(files) >= MAX_FILES or total > MAX_EXPORT_BYTES:
                    raise DocumentError("the export's files are too many or too large")
                files[rel] = _read(archive, info.filename)
    except zipfile.BadZipFile as exc:
        raise DocumentError(f"not a readable FuncNodes export: {exc}") from None
    return FuncNodesWorkflow(
        name=_name(config, fallback_name),
        state=state,
        requirements=requirements_of(config),
        files=files,
    )


def read_export_base64(
    text: str, *, fallback_name: str = "FuncNodes workflow"
) -> FuncNodesWorkflow:
    try:
        data = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise DocumentError("the export is not valid base64") from None
    return read_export(data, fallback_name=fallback_name)


def read_path(path: Path) -> FuncNodesWorkflow:
    """An export file, a ``nodespace.json``, or a FuncNodes worker folder (its sibling
    ``worker_<id>.json`` gives the name and the package dependencies)."""
    if path.is_dir():
        nodespace = path / "nodespace.json"
        if not nodespace.is_file():
            raise DocumentError(f"{path} is not a FuncNodes worker folder (no nodespace.json)")
        config_path = path.parent / f"{path.name}.json"
        config: dict[str, Any] = {}
        if config_path.is_file():
            loaded = _json(config_path.read_bytes(), str(config_path))
            config = loaded if isinstance(loaded, dict) else {}
        state = _state(_json(nodespace.read_bytes(), str(nodespace)))
        files: dict[str, bytes] = {}
        folder = path / "files"
        if folder.is_dir():
            for file in sorted(folder.rglob("*")):
                if file.is_file() and not file.is_symlink():
                    files[file.relative_to(folder).as_posix()] = file.read_bytes()
        return FuncNodesWorkflow(_name(config, path.name), state, requirements_of(config), files)
    if not path.is_file():
        raise DocumentError(f"no such file or folder: {path}")
    if path.stat().st_size > MAX_EXPORT_BYTES:
        raise DocumentError(f"{path} is larger than {MAX_EXPORT_BYTES >> 20} MB")
    return read_export(path.read_bytes(), fallback_name=path.stem)


def requirements_of(config: Mapping[str, Any]) -> list[str]:
    """FuncNodes' ``package_dependencies`` as requirement strings (``name==version`` when
    pinned)."""
    deps = config.get("package_dependencies")
    out: list[str] = []
    if isinstance(deps, Mapping):
        for key, dep in deps.items():
            name = dep.get("package", key) if isinstance(dep, Mapping) else key
            version = dep.get("version") if isinstance(dep, Mapping) else None
            if isinstance(name, str) and name.strip():
                out.append(
                    f"{name.strip()}=={version}"
                    if isinstance(version, str) and version
                    else name.strip()
                )
    return out


def convert(state: Mapping[str, Any]) -> Converted:
    """The nodeweave document of a FuncNodes nodespace (raises ``DocumentError`` if it is not
    one). Node ids are kept: FuncNodes modules load under their own ids."""
    backend = state.get("backend", state)
    if not isinstance(backend, Mapping):
        raise DocumentError("not a FuncNodes nodespace: 'backend' is not an object")
    raw_nodes = backend.get("nodes", [])
    raw_edges = backend.get("edges", [])
    if not isinstance(raw_nodes, list) or not isinstance(raw_edges, list):
        raise DocumentError("not a FuncNodes nodespace: 'nodes' and 'edges' must be lists")
    nodes: list[dict[str, Any]] = []
    dropped: list[str] = []
    values = 0
    seen: set[str] = set()
    for i, raw in enumerate(raw_nodes):
        if not isinstance(raw, Mapping):
            raise DocumentError(f"node {i} is not an object")
        uuid, node_id = raw.get("id"), raw.get("node_id")
        if not isinstance(uuid, str) or not uuid or not isinstance(node_id, str) or not node_id:
            raise DocumentError(f"node {i} lacks its 'id' or 'node_id'")
        if uuid in seen:
            raise DocumentError(f"two nodes have the id {uuid!r}")
        seen.add(uuid)
        inputs: dict[str, Any] = {}
        ios = raw.get("io", {})
        for io_name, io_data in ios.items() if isinstance(ios, Mapping) else ():
            if io_name in TRIGGER_PORTS or not isinstance(io_data, Mapping):
                continue
            if not io_data.get("is_input", False):
                continue
            for key in ("value", "default"):
                if key not in io_data:
                    continue
                value = io_data[key]
                if _plain_json(value):
                    inputs[io_name] = value
                    values += 1
                else:
                    dropped.append(f"{uuid}.{io_name}")
                break
        nodes.append(
            {
                "uuid": uuid,
                "node_id": node_id,
                "inputs": inputs,
                "properties": _properties(raw),
            }
        )
    edges: list[dict[str, str]] = []
    for i, raw_edge in enumerate(raw_edges):
        if isinstance(raw_edge, Mapping):
            parts = [raw_edge.get(k) for k in ("src", "src_io", "dst", "dst_io")]
        elif isinstance(raw_edge, list | tuple) and len(raw_edge) == 4:
            parts = list(raw_edge)
        else:
            raise DocumentError(f"edge {i} is not [src, src_io, dst, dst_io]")
        names = [p for p in parts if isinstance(p, str) and p]
        if len(names) != 4:
            raise DocumentError(f"edge {i} is not [src, src_io, dst, dst_io]")
        if names[1] in TRIGGER_PORTS or names[3] in TRIGGER_PORTS:
            continue  # trigger wiring: nodeweave runs a node when its inputs change
        edges.append(dict(zip(("src", "src_io", "dst", "dst_io"), names, strict=True)))
    document: dict[str, Any] = {"schema_version": SCHEMA_VERSION, "nodes": nodes, "edges": edges}
    annotations = _groups(backend.get("groups"), seen)
    if annotations:
        document["annotations"] = annotations
    return Converted(
        document=document,
        nodes=len(nodes),
        edges=len(edges),
        values=values,
        dropped_values=dropped,
        node_ids=sorted({n["node_id"] for n in nodes}),
    )


# --- helpers -------------------------------------------------------------------------------------


def _read(archive: zipfile.ZipFile, name: str) -> bytes:
    info = archive.getinfo(name)
    if info.file_size > MAX_EXPORT_BYTES:
        raise DocumentError(f"the export's {name!r} is too large")
    return archive.read(name)


def _json(data: bytes, what: str) -> Any:
    try:
        return orjson.loads(data)
    except orjson.JSONDecodeError as exc:
        raise DocumentError(f"{what} is not valid JSON: {exc}") from None


def _state(value: Any) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise DocumentError("not a FuncNodes nodespace: expected an object")
    backend = value.get("backend", value)
    if not isinstance(backend, dict) or "nodes" not in backend:
        raise DocumentError("not a FuncNodes nodespace: it has no nodes")
    return value


def _name(config: Any, fallback: str) -> str:
    name = config.get("name") if isinstance(config, Mapping) else None
    text = name.strip() if isinstance(name, str) else ""
    return (text or fallback)[:200]


def _safe_relative(name: str) -> str:
    """The bundle reader's path check, reported as this importer's error."""
    try:
        return safe_relative(name)
    except BundleError:
        raise DocumentError(f"the export holds a file with an unsafe path: {name!r}") from None


def _plain_json(value: Any) -> bool:
    if isinstance(value, float) and not math.isfinite(value):
        return False
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) > 2**53 - 1:
        return False
    try:
        orjson.dumps(value)
    except (TypeError, orjson.JSONEncodeError):
        return False
    return True


def _properties(raw: Mapping[str, Any]) -> dict[str, Any]:
    props: dict[str, Any] = {}
    source = raw.get("properties")
    source = source if isinstance(source, Mapping) else {}
    pos = source.get("frontend:pos")
    if (
        isinstance(pos, list | tuple)
        and len(pos) == 2
        and all(isinstance(c, int | float) and math.isfinite(c) for c in pos)
    ):
        props["position"] = {"x": float(pos[0]), "y": float(pos[1])}
    name = source.get("frontend:name")
    if isinstance(name, str) and name.strip():
        props["name"] = name.strip()[:200]
    return props


def _groups(groups: Any, uuids: set[str]) -> dict[str, dict[str, Any]]:
    """FuncNodes' groups as nodeweave group annotations (titled frames around their nodes)."""
    out: dict[str, dict[str, Any]] = {}
    if not isinstance(groups, Mapping):
        return out
    for group_id, group in groups.items():
        if not isinstance(group, Mapping) or not isinstance(group_id, str):
            continue
        members = [n for n in group.get("node_ids", []) or [] if isinstance(n, str) and n in uuids]
        if not members:
            continue
        found = group.get("meta")
        meta: Mapping[str, Any] = found if isinstance(found, Mapping) else {}
        title = meta.get("label") or meta.get("name") or meta.get("title") or ""
        out[f"funcnodes-{group_id}"[:200]] = {
            "kind": "group",
            "title": str(title)[:200],
            "nodes": members,
        }
    return out
