"""What a worker's installed FuncNodes modules put in its library, kept from their last load.

Installed FuncNodes modules load only when something needs them (``defer_funcnodes``). Listing
the library is not such a need when this cache is current: ``get_library`` shows their shelves
and ``list_modules`` their entries (status ``deferred``) as they were when they last loaded, and
nothing is imported until one of their node types is used. The cache is one file in the worker's
folder (``library.json``), written after each load of the deferred modules, and current while
the loader's fingerprint of them (versions, entry points, package file times) is the same; any
other content — a different fingerprint, a damaged or foreign file — is no cache.
"""

from __future__ import annotations

import contextlib
import logging
from pathlib import Path
from typing import Any

import orjson

from nodeweave.state import atomic_write

log = logging.getLogger("nodeweave.worker")

FORMAT = 1


def read(path: Path, fingerprint: str | None) -> dict[str, Any] | None:
    """``{"shelves": [...], "modules": [...]}`` if the file holds a cache for ``fingerprint``."""
    if fingerprint is None:
        return None
    try:
        data = orjson.loads(path.read_bytes())
    except FileNotFoundError:
        return None
    except (OSError, orjson.JSONDecodeError) as exc:
        log.warning("the library cache %s cannot be read (%s): not used", path, exc)
        return None
    if (
        not isinstance(data, dict)
        or data.get("format") != FORMAT
        or data.get("fingerprint") != fingerprint
        or not isinstance(data.get("shelves"), list)
        or not isinstance(data.get("modules"), list)
        or not all(isinstance(m, dict) and isinstance(m.get("name"), str) for m in data["modules"])
        or not all(isinstance(s, dict) and isinstance(s.get("name"), str) for s in data["shelves"])
    ):
        return None
    return {"shelves": data["shelves"], "modules": data["modules"]}


def write(path: Path, fingerprint: str, snapshot: dict[str, Any]) -> None:
    """Keep ``snapshot`` for ``fingerprint`` (atomically; a failure only costs the cache)."""
    body = {"format": FORMAT, "fingerprint": fingerprint, **snapshot}
    try:
        atomic_write(path, orjson.dumps(body))
    except (OSError, TypeError) as exc:
        log.warning("the library cache %s cannot be written: %s", path, exc)
        with contextlib.suppress(OSError):
            path.unlink()
