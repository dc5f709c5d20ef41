"""FuncNodes workers next to nodeweave's, and importing their workflows as nodeweave workers.

FuncNodes keeps its workers in the same state directory: ``workers/worker_<id>.json`` (name,
package dependencies) and the folder ``workers/worker_<id>/`` (``nodespace.json``, ``files/``).
nodeweave's registry only knows folders holding a ``worker.json``, so these never look like
nodeweave workers; :func:`discover` lists them as importable, reading only. An import creates a
new nodeweave worker (a new folder, never FuncNodes'): the graph as its ``nodespace.json``, the
data files in its ``files/``, and — when asked — the FuncNodes package dependencies as its
requirements (its own environment, built by the hub at its first start).
"""

from __future__ import annotations

import dataclasses
import logging
import re
from pathlib import Path
from typing import Any, Final

import orjson

from nodeweave.funcnodes.workflow import (
    Converted,
    DocumentError,
    FuncNodesWorkflow,
    convert,
    read_path,
)
from nodeweave.state import NODESPACE_FILE, atomic_write, workers_dir

from .registry import Registry, WorkerEntry

log = logging.getLogger("nodeweave.workermanager")

FUNCNODES_WORKER: Final = re.compile(r"^worker_([A-Za-z0-9_-]{1,100})\.json$")
FILES_DIR: Final = "files"


@dataclasses.dataclass
class Imported:
    entry: WorkerEntry
    converted: Converted
    requirements: list[str]
    files: int
    packages: list[str] = dataclasses.field(default_factory=list)


def discover(state: Path) -> list[dict[str, Any]]:
    """The FuncNodes workers of a state directory, as importable entries (read only)."""
    root = workers_dir(state)
    if not root.is_dir():
        return []
    found: list[dict[str, Any]] = []
    for config_path in sorted(root.iterdir()):
        match = FUNCNODES_WORKER.match(config_path.name)
        if match is None or not config_path.is_file():
            continue
        worker_id = match.group(1)
        folder = root / f"worker_{worker_id}"
        item: dict[str, Any] = {"id": worker_id, "path": str(folder), "name": worker_id}
        try:
            workflow = read_path(folder)
            converted = convert(workflow.state)
        except (DocumentError, OSError) as exc:
            try:
                config = orjson.loads(config_path.read_bytes())
            except (OSError, orjson.JSONDecodeError):
                config = {}
            name = config.get("name") if isinstance(config, dict) else None
            item.update(name=str(name or worker_id), error=str(exc), nodes=0, edges=0)
            item["requirements"] = []
        else:
            item.update(
                name=workflow.name,
                nodes=converted.nodes,
                edges=converted.edges,
                requirements=workflow.requirements,
            )
        found.append(item)
    return found


def discovered_path(state: Path, funcnodes_id: str) -> Path:
    """The folder of a discovered FuncNodes worker (``not found`` if it is not one)."""
    for item in discover(state):
        if item["id"] == funcnodes_id and "error" not in item:
            return Path(item["path"])
    raise DocumentError(f"no importable FuncNodes worker {funcnodes_id!r}")


def import_workflow(
    registry: Registry,
    workflow: FuncNodesWorkflow,
    *,
    name: str | None = None,
    install: bool = False,
) -> Imported:
    """A new nodeweave worker holding the workflow (see the module docstring)."""
    converted = convert(workflow.state)  # first: an invalid workflow creates nothing
    requirements = list(workflow.requirements) if install else []
    entry = registry.create(
        (name or workflow.name).strip()[:200] or "FuncNodes workflow",
        requirements=requirements,
        venv=bool(requirements),
    )
    folder = registry.folder(entry.id)
    try:
        atomic_write(
            folder / NODESPACE_FILE, orjson.dumps(converted.document, option=orjson.OPT_INDENT_2)
        )
        for rel, data in workflow.files.items():
            target = folder / FILES_DIR / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            atomic_write(target, data)
    except OSError:
        registry.delete(entry.id)
        raise
    log.info(
        "imported FuncNodes workflow %r as worker %s (%d nodes, %d edges)",
        workflow.name,
        entry.id,
        converted.nodes,
        converted.edges,
    )
    return Imported(entry, converted, requirements, len(workflow.files), workflow.requirements)


def summary(imported: Imported) -> dict[str, Any]:
    """What an import made, for clients (the worker's record is added by the caller)."""
    c = imported.converted
    return {
        "nodes": c.nodes,
        "edges": c.edges,
        "values": c.values,
        "dropped_values": c.dropped_values,
        "node_ids": c.node_ids,
        "requirements": imported.requirements,
        "packages": imported.packages,
        "files": imported.files,
    }
