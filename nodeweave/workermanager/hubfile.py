"""Where the running hub of a state directory is: ``hub.json`` (read by the CLI; cheap to import)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson

HUB_LOCK = "hub.lock"
HUB_FILE = "hub.json"


def hub_info(state: Path) -> dict[str, Any] | None:
    """What the running hub of ``state`` wrote about itself (None when none runs)."""
    try:
        info = orjson.loads((state / HUB_FILE).read_bytes())
    except (OSError, orjson.JSONDecodeError):
        return None
    return info if isinstance(info, dict) else None
