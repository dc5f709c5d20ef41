"""``nodeweave run WORKFLOW.json [--set NODE.INPUT=JSON ...]``: compute a workflow, no server.

The workflow is a document as ``export_workflow`` writes it, or a worker's ``nodespace.json``
(whose sibling ``modules/`` folder is then loaded too). Exit codes: 0 every node computed, 1 a
node failed (or its type is missing), 2 the workflow or the arguments are not usable.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import os
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, TextIO

import orjson

from nodeweave.core.errors import NodeweaveError
from nodeweave.core.events import Status
from nodeweave.core.library import Library
from nodeweave.core.nodespace import NodeSpace, NodeView
from nodeweave.core.preview import make_preview
from nodeweave.core.values import NO_VALUE
from nodeweave.shelves._paths import FILES_DIR_ENV

from .modules import ModuleLoader, modules_path_from_env
from .views import json_value

EXIT_OK = 0
EXIT_NODE_FAILED = 1
EXIT_INVALID = 2

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


def resolve_node(ns: NodeSpace, ref: str) -> str:
    if ref in ns:
        return ref
    views = ns.nodes()
    for key in ("name", "node_id"):
        hits = [v.uuid for v in views if _ref_of(v, key) == ref]
        if len(hits) == 1:
            return hits[0]
        if len(hits) > 1:
            raise UsageError(f"--set: {ref!r} names {len(hits)} nodes; use the node's uuid")
    raise UsageError(f"--set: no node {ref!r} (give a uuid, a node name or a node type id)")


def _ref_of(view: NodeView, key: str) -> str:
    return view.node_id if key == "node_id" else str(view.properties.get("name") or "")


def outputs_json(ns: NodeSpace) -> dict[str, Any]:
    """Every node's outputs: JSON values as they are, other values as their preview."""
    out: dict[str, Any] = {}
    for view in ns.nodes():
        values: dict[str, Any] = {}
        for io, value in view.outputs.items():
            if value is NO_VALUE:
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
) -> int:
    out = sys.stdout if out is None else out
    err = sys.stderr if err is None else err
    env = os.environ if environ is None else environ
    try:
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
    loader = ModuleLoader(library, module_dirs=folders)
    ns = NodeSpace(library)
    try:
        for event in loader.load_all():
            if event.kind == "failed":
                print(f"nodeweave run: module {event.module} failed: {event.message}", file=err)
        try:
            report = ns.load_document(document)
            for o in parsed:
                ns.set_input(resolve_node(ns, o.node), o.io, o.value)
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
        out.write(orjson.dumps(outputs_json(ns), option=orjson.OPT_INDENT_2).decode() + "\n")
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
        return EXIT_NODE_FAILED if failed else EXIT_OK
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
