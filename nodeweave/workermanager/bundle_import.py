"""Bundles into and out of the registry: a new worker from a bundle, a bundle of a worker."""

from __future__ import annotations

import dataclasses
import logging
from pathlib import Path
from typing import Any

from nodeweave import bundles
from nodeweave.state import FILES_DIR

from . import packages
from .registry import Registry, WorkerEntry

log = logging.getLogger("nodeweave.workermanager")


@dataclasses.dataclass
class Imported:
    entry: WorkerEntry
    bundle: bundles.Bundle
    installed: bool


def create_worker(
    registry: Registry, bundle: bundles.Bundle, *, name: str | None = None, install: bool = False
) -> Imported:
    """A new worker holding the bundle: graph, modules, files and settings; with ``install``, its
    requirements and exact lock too (its environment is built from the lock at its first start).
    """
    requirements = list(bundle.requirements) if install else []
    entry = registry.create(
        (name or bundle.name).strip()[:200] or "imported workflow",
        requirements=requirements,
        venv=bool(requirements),
    )
    folder = registry.folder(entry.id)
    try:
        bundles.install(bundle, folder)
        if bundle.env:
            entry = entry.model_copy(update={"env": dict(bundle.env)})
            registry.update(entry)
        if requirements and bundle.lock:
            packages.write_lock(folder, bundle.lock, requirements)
    except BaseException:
        registry.delete(entry.id)
        raise
    log.info(
        "imported bundle %r as worker %s (%d modules, %d files)",
        bundle.name,
        entry.id,
        len(bundle.modules),
        len(bundle.files),
    )
    return Imported(entry, bundle, bool(requirements))


def of_worker(registry: Registry, worker_id: str, files: list[str]) -> bundles.Bundle:
    entry = registry.get(worker_id)
    return bundles.from_worker_folder(
        registry.folder(worker_id),
        name=entry.name,
        requirements=entry.requirements,
        env=entry.env,
        files=files,
    )


def available_files(registry: Registry, worker_id: str) -> list[dict[str, Any]]:
    """The worker's data files a bundle could carry: ``{path, size}``."""
    root = registry.folder(worker_id) / FILES_DIR
    if not root.is_dir():
        return []
    found = []
    for path in sorted(root.rglob("*")):
        if path.is_file() and not path.is_symlink():
            found.append({"path": path.relative_to(root).as_posix(), "size": path.stat().st_size})
    return found


def summary(imported: Imported) -> dict[str, Any]:
    b = imported.bundle
    return {
        "nodes": len(b.document.get("nodes", []) or []),
        "modules": sorted(b.modules),
        "files": sorted(b.files),
        "requirements": b.requirements,
        "installed": imported.installed,
        "written_by": str(b.manifest.get("nodeweave", "?")),
    }


def default_output(worker_id: str) -> Path:
    return Path(f"{worker_id}{bundles.SUFFIX}")
