"""``nodeweave run WORKFLOW.json [--preset NAME] [--set NODE.INPUT=JSON ...] [--outputs
NODE.OUT,...]``: compute a workflow, no server.

The workflow is a document as ``export_workflow`` writes it, or a worker's ``nodespace.json``
(whose sibling ``modules/`` folder is then loaded too). Exit codes (also in ``--help``):

* 0 — every requested output was computed;
* 1 — a node failed, its type is missing, or the graph did not settle in time;
* 2 — the workflow or the arguments are not usable;
* 3 — a requested output was never computed: its node waits for an input that has no value
  (the message names the node and the input, and what it waits for).

Without ``--outputs`` every node's outputs are requested.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import os
import sys
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, TextIO

import orjson

from nodeweave import bundles
from nodeweave.core.document import node_ids_in
from nodeweave.core.errors import NodeweaveError
from nodeweave.core.events import Status
from nodeweave.core.library import Library
from nodeweave.core.nodespace import NodeSpace, NodeView
from nodeweave.core.preview import make_preview
from nodeweave.core.values import NO_VALUE
from nodeweave.shelves._paths import FILES_DIR_ENV
from nodeweave.state import NODESPACE_FILE

from .config import funcnodes_enabled
from .modules import ModuleLoader, modules_path_from_env
from .views import json_value

EXIT_OK = 0
EXIT_NODE_FAILED = 1
EXIT_INVALID = 2
EXIT_NOT_COMPUTED = 3
FORMATS = ("json", "table")

log = logging.getLogger("nodeweave.worker")


class UsageError(Exception):
    """The workflow or the arguments are unusable (exit 2)."""


@dataclasses.dataclass(frozen=True, slots=True)
class Override:
    node: str
    io: str
    value: Any


def parse_override(text: str) -> Override:
    """``NODE.INPUT=JSON``; NODE is a uuid, a node's name or a node type id used once."""
    target, sep, raw = text.partition("=")
    node, dot, io = target.rpartition(".")
    if not sep or not dot or not node or not io:
        raise UsageError(f"--set {text!r}: expected NODE.INPUT=JSON")
    try:
        value = orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        raise UsageError(f"--set {text!r}: the value is not JSON ({exc}); quote strings") from None
    return Override(node, io, value)


def resolve_node(ns: NodeSpace, ref: str, *, option: str = "--set") -> str:
    if ref in ns:
        return ref
    views = ns.nodes()
    for key in ("name", "node_id"):
        hits = [v.uuid for v in views if _ref_of(v, key) == ref]
        if len(hits) == 1:
            return hits[0]
        if len(hits) > 1:
            raise UsageError(f"{option}: {ref!r} names {len(hits)} nodes; use the node's uuid")
    raise UsageError(f"{option}: no node {ref!r} (give a uuid, a node name or a node type id)")


def apply_preset(ns: NodeSpace, name: str) -> None:
    """Set the workflow's preset ``name`` (before any ``--set``): all its values, or none."""
    if name not in ns.presets():
        known = ", ".join(sorted(ns.presets())) or "none"
        raise UsageError(f"--preset: no preset {name!r} in the workflow (its presets: {known})")
    problems = ns.preset_problems(name)
    if problems:
        raise UsageError(f"--preset {name!r} does not fit the workflow: {'; '.join(problems)}")
    for item in ns.presets()[name]["values"]:
        ns.set_input(item["node"], item["io"], item["value"])


def outputs_table(outputs: Mapping[str, Any]) -> str:
    """The outputs as aligned text: one line per output (node, output, value)."""
    rows: list[tuple[str, str, str]] = []
    for uuid, entry in outputs.items():
        node = str(entry.get("name") or entry.get("node_id") or uuid)
        for io, value in entry["outputs"].items():
            if isinstance(value, dict) and "preview" in value:
                preview = value["preview"]
                text = f"<{preview.get('type', '?')}: {preview.get('kind', '?')}>"
            else:
                text = orjson.dumps(value).decode()
            rows.append((node, io, text if len(text) <= 120 else text[:119] + "…"))
    if not rows:
        return ""
    w1 = max(len(r[0]) for r in rows)
    w2 = max(len(r[1]) for r in rows)
    return "\n".join(f"{a:<{w1}}  {b:<{w2}}  {c}" for a, b, c in rows) + "\n"


def _ref_of(view: NodeView, key: str) -> str:
    return view.node_id if key == "node_id" else str(view.properties.get("name") or "")


Selection = dict[str, set[str]]
"""Requested outputs: node uuid → output names (``--outputs``)."""


def parse_outputs(ns: NodeSpace, texts: Sequence[str]) -> Selection | None:
    """``--outputs A.out,B.sum`` (repeatable) as uuids and names; ``None``: every output."""
    items = [t.strip() for text in texts for t in text.split(",") if t.strip()]
    if not items:
        return None
    selected: Selection = {}
    for item in items:
        node, dot, io = item.rpartition(".")
        if not dot or not node or not io:
            raise UsageError(f"--outputs {item!r}: expected NODE.OUTPUT")
        uuid = resolve_node(ns, node, option="--outputs")
        spec = ns.library.find(ns.node(uuid).node_id)
        if spec is not None and io not in spec.output_map:
            known = ", ".join(spec.output_map) or "none"
            raise UsageError(f"--outputs {item!r}: the node has no output {io!r} ({known})")
        selected.setdefault(uuid, set()).add(io)
    return selected


def not_computed(ns: NodeSpace, selected: Selection | None) -> list[str]:
    """Why each requested output has no value (empty: all computed). A waiting node names the
    inputs it waits for, and what each one waits for."""
    edges = {(e.dst, e.dst_io): e for e in ns.edges()}
    problems: list[str] = []
    for view in ns.nodes():
        wanted = selected.get(view.uuid) if selected is not None else None
        if selected is not None and wanted is None:
            continue
        if view.status in (Status.ERROR, Status.BLOCKED) or view.placeholder:
            continue  # reported as failures
        label = f"node {view.uuid} ({view.node_id})"
        if view.status is Status.WAITING:
            for io, value in view.inputs.items():
                if value is not NO_VALUE:
                    continue
                edge = edges.get((view.uuid, io))
                if edge is None:
                    problems.append(f"{label} did not run: its input {io!r} has no value")
                else:
                    problems.append(
                        f"{label} did not run: its input {io!r} waits for node {edge.src}'s "
                        f"output {edge.src_io!r}, which has no value"
                    )
            continue
        for io in sorted(wanted or ()):
            if view.outputs.get(io, NO_VALUE) is NO_VALUE:
                problems.append(f"{label}: its output {io!r} has no value")
    return problems


def outputs_json(ns: NodeSpace, selected: Selection | None = None) -> dict[str, Any]:
    """The requested outputs (every node's without a selection): JSON values as they are, other
    values as their preview."""
    out: dict[str, Any] = {}
    for view in ns.nodes():
        if selected is not None and view.uuid not in selected:
            continue
        values: dict[str, Any] = {}
        for io, value in view.outputs.items():
            if value is NO_VALUE or (selected is not None and io not in selected[view.uuid]):
                continue
            ok, plain = json_value(value)
            values[io] = plain if ok else {"preview": make_preview(value, 4096)}
        entry: dict[str, Any] = {
            "node_id": view.node_id,
            "status": str(view.status),
            "outputs": values,
        }
        if view.properties.get("name"):
            entry["name"] = view.properties["name"]
        if view.error is not None:
            entry["error"] = view.error.message
        out[view.uuid] = entry
    return out


async def run_workflow(
    path: Path,
    overrides: Sequence[str] = (),
    *,
    module_dirs: Sequence[Path] = (),
    environ: Mapping[str, str] | None = None,
    settle_within: float | None = None,
    out: TextIO | None = None,
    err: TextIO | None = None,
    outputs: Sequence[str] = (),
    output_format: str = "json",
    preset: str | None = None,
) -> int:
    out = sys.stdout if out is None else out
    err = sys.stderr if err is None else err
    env = os.environ if environ is None else environ
    if path.suffix == bundles.SUFFIX:
        # a bundle runs from a temporary worker folder: its graph, modules and files
        try:
            bundle = bundles.read(await asyncio.to_thread(path.read_bytes))
        except (OSError, bundles.BundleError) as exc:
            print(f"nodeweave run: {path}: {exc}", file=err)
            return EXIT_INVALID
        with tempfile.TemporaryDirectory(prefix="nodeweave-run-") as tmp:
            await asyncio.to_thread(bundles.install, bundle, Path(tmp))
            return await run_workflow(
                Path(tmp) / NODESPACE_FILE,
                overrides,
                module_dirs=module_dirs,
                environ=environ,
                settle_within=settle_within,
                out=out,
                err=err,
                outputs=outputs,
                output_format=output_format,
                preset=preset,
            )
    try:
        if output_format not in FORMATS:
            raise UsageError(f"--format {output_format!r}: one of {', '.join(FORMATS)}")
        parsed = [parse_override(o) for o in overrides]
        document = _read(path)
    except UsageError as exc:
        print(f"nodeweave run: {exc}", file=err)
        return EXIT_INVALID
    # The file nodes read and write the "files" folder next to the workflow (unless told).
    files_env = FILES_DIR_ENV
    own_files_dir = files_env not in os.environ
    if own_files_dir:
        os.environ[files_env] = str((path.parent / "files").absolute())
    library = Library()
    folders = [*module_dirs, *modules_path_from_env(env)]
    if (path.parent / "modules").is_dir():
        folders.insert(0, path.parent / "modules")
    loader = ModuleLoader(
        library, module_dirs=folders, funcnodes=funcnodes_enabled(env), defer_funcnodes=True
    )
    ns = NodeSpace(library)
    try:
        events = loader.load_all()
        if loader.deferred and any(i not in library for i in node_ids_in(document)):
            events += loader.load_deferred_now()  # installed FuncNodes modules: only if used
        for event in events:
            if event.kind == "failed":
                print(f"nodeweave run: module {event.module} failed: {event.message}", file=err)
        try:
            report = ns.load_document(document)
            if preset is not None:
                apply_preset(ns, preset)
            for o in parsed:
                ns.set_input(resolve_node(ns, o.node), o.io, o.value)
            selected = parse_outputs(ns, outputs)
        except NodeweaveError as exc:
            print(f"nodeweave run: {path}: {exc.message}", file=err)
            return EXIT_INVALID
        except UsageError as exc:
            print(f"nodeweave run: {exc}", file=err)
            return EXIT_INVALID
        try:
            async with asyncio.timeout(settle_within):
                await ns.settle()
        except TimeoutError:
            print(f"nodeweave run: not settled after {settle_within} s", file=err)
            ns.cancel()
            return EXIT_NODE_FAILED
        for item in report.migrated:
            print(
                f"nodeweave run: node {item['uuid']}: migrated {item['from']} → {item['to']}",
                file=err,
            )
        printed = outputs_json(ns, selected)
        if output_format == "table":
            out.write(outputs_table(printed))
        else:
            out.write(orjson.dumps(printed, option=orjson.OPT_INDENT_2).decode() + "\n")
        failed = False
        for placeholder in report.placeholders:
            failed = True
            print(
                f"nodeweave run: node {placeholder.get('uuid')}: no module provides type "
                f"{placeholder.get('node_id')!r}",
                file=err,
            )
        for view in ns.nodes():
            if view.status is Status.ERROR and view.error is not None:
                failed = True
                print(
                    f"nodeweave run: node {view.uuid} ({view.node_id}) failed: "
                    f"{view.error.type}: {view.error.message}\n{view.error.traceback}",
                    file=err,
                )
        if failed:
            return EXIT_NODE_FAILED
        missing = not_computed(ns, selected)
        for line in missing:
            print(f"nodeweave run: {line}", file=err)
        return EXIT_NOT_COMPUTED if missing else EXIT_OK
    finally:
        await ns.aclose()
        loader.close()
        if own_files_dir:
            os.environ.pop(files_env, None)


def _read(path: Path) -> Any:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise UsageError(f"cannot read {path}: {exc.strerror or exc}") from None
    try:
        return orjson.loads(data)
    except orjson.JSONDecodeError as exc:
        raise UsageError(f"{path} is not valid JSON: {exc}") from None
