"""Everything a hub is told from outside, in one frozen object."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from .supervisor import Policy

STATIC_DIR = Path(__file__).resolve().parent.parent / "static"


@dataclasses.dataclass(frozen=True, slots=True)
class HubConfig:
    state: Path
    """The state directory (``$FUNCNODES_CONFIG_DIR``, default ``~/.funcnodes``)."""
    token: str | None
    host: str = "127.0.0.1"
    port: int = 9380
    static_dir: Path = STATIC_DIR
    policy: Policy = dataclasses.field(default_factory=Policy)
    allowed_origins: frozenset[str] = frozenset()
    """Origins besides the hub's own whose pages may use the API (e.g. a UI dev server)."""
    python: str | None = None
    """The interpreter for workers without their own environment (default: the hub's)."""
    autostart: bool = True
    """Apply each worker's ``autostart`` policy and re-adopt running workers at start."""
    idle_timeout: float = 10.0
    """Seconds a connection may sit without a request before it is closed (see the worker's)."""
    warm_spare: bool = True
    """Keep one process with a worker's imports done, to start workers on the hub's interpreter
    from (``nodeweave up --no-spare``: off). It costs one idle process; ``/health`` reports it."""
    max_frame_bytes: int = 4 * 2**20
    client_queue: int = 4096
