"""The registry: a worker is a folder ``workers/<id>/`` holding ``worker.json``.

Creating and deleting are atomic against crashes: a new worker is assembled in a hidden
``.new-*`` folder and renamed into place; a deleted one is renamed to a hidden ``.trash-*``
folder first and removed after. Hidden leftovers of a crash are swept when the hub starts.
"""

from __future__ import annotations

import datetime
import logging
import os
import re
import secrets
import shutil
from pathlib import Path
from typing import Any, Literal

import orjson
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from nodeweave.protocol import ErrorCode, ProtocolError
from nodeweave.state import WORKER_FILE, atomic_write, check_worker_id, workers_dir
from nodeweave.state.paths import InvalidWorkerIdError

log = logging.getLogger("nodeweave.workermanager")

_SLUG = re.compile(r"[^a-z0-9]+")


class WorkerEntry(BaseModel):
    """What ``worker.json`` holds."""

    model_config = ConfigDict(extra="allow")

    id: str
    name: str
    requirements: list[str] = Field(default_factory=list)
    venv: bool = False
    autostart: Literal["never", "always"] = "never"
    env: dict[str, str] = Field(default_factory=dict)
    created: str = ""
    failure: str | None = None
    """Why the worker ended ``failed`` (kept across hub restarts until it runs again)."""


def slug(name: str) -> str:
    text = _SLUG.sub("-", name.lower()).strip("-")[:40].strip("-")
    return text or "worker"


class Registry:
    def __init__(self, state: Path) -> None:
        self.root = workers_dir(state)

    def sweep(self) -> None:
        """Remove what a crash left half-made or half-deleted."""
        if not self.root.is_dir():
            return
        for child in self.root.iterdir():
            if child.name.startswith((".new-", ".trash-")):
                log.info("removing leftover %s", child)
                shutil.rmtree(child, ignore_errors=True)

    def ids(self) -> list[str]:
        if not self.root.is_dir():
            return []
        return sorted(
            c.name
            for c in self.root.iterdir()
            if not c.name.startswith(".") and (c / WORKER_FILE).is_file()
        )

    def folder(self, worker_id: str) -> Path:
        try:
            check_worker_id(worker_id)
        except InvalidWorkerIdError:
            raise ProtocolError(ErrorCode.NOT_FOUND, f"no worker {worker_id!r}") from None
        return self.root / worker_id

    def get(self, worker_id: str) -> WorkerEntry:
        path = self.folder(worker_id) / WORKER_FILE
        try:
            data = orjson.loads(path.read_bytes())
            return WorkerEntry.model_validate({**data, "id": worker_id})
        except FileNotFoundError:
            raise ProtocolError(ErrorCode.NOT_FOUND, f"no worker {worker_id!r}") from None
        except (orjson.JSONDecodeError, ValidationError) as exc:
            log.error("%s is not valid: %s", path, exc)
            return WorkerEntry(id=worker_id, name=worker_id)

    def entries(self) -> list[WorkerEntry]:
        return [self.get(i) for i in self.ids()]

    def create(
        self,
        name: str,
        *,
        requirements: list[str],
        venv: bool,
        autostart: Literal["never", "always"] = "never",
    ) -> WorkerEntry:
        self.root.mkdir(parents=True, exist_ok=True)
        base = slug(name)
        staging = self.root / f".new-{secrets.token_hex(4)}"
        staging.mkdir()
        try:
            for n in range(1, 10_000):
                worker_id = base if n == 1 else f"{base}-{n}"
                entry = WorkerEntry(
                    id=worker_id,
                    name=name,
                    requirements=requirements,
                    venv=venv,
                    autostart=autostart,
                    created=datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
                )
                _write(staging / WORKER_FILE, entry)
                try:
                    # rename() refuses an existing non-empty folder: ids never collide, even
                    # with another hub process creating at the same moment.
                    os.rename(staging, self.root / worker_id)
                except OSError:
                    if (self.root / worker_id).exists():
                        continue
                    raise
                return entry
            raise ProtocolError(ErrorCode.INVALID_STATE, f"no free id for {name!r}")
        finally:
            if staging.exists():
                shutil.rmtree(staging, ignore_errors=True)

    def update(self, entry: WorkerEntry) -> None:
        _write(self.folder(entry.id) / WORKER_FILE, entry)

    def delete(self, worker_id: str) -> None:
        folder = self.folder(worker_id)
        if not (folder / WORKER_FILE).is_file():
            raise ProtocolError(ErrorCode.NOT_FOUND, f"no worker {worker_id!r}")
        trash = self.root / f".trash-{worker_id}-{secrets.token_hex(4)}"
        os.rename(folder, trash)
        shutil.rmtree(trash, ignore_errors=True)


def _write(path: Path, entry: WorkerEntry) -> None:
    data: dict[str, Any] = entry.model_dump()
    atomic_write(path, orjson.dumps(data, option=orjson.OPT_INDENT_2))
