"""nodeweave: reactive, node-based dataflow for Python with real process isolation.

The names below come from :mod:`nodeweave.core` when first used (``from nodeweave import node``
imports the core then): the hub, the CLI and the protocol never need the engine, and start
without importing it.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

if TYPE_CHECKING:
    from .core import (
        NO_VALUE,
        Button,
        Edge,
        Hook,
        HookRun,
        Input,
        Library,
        NodeContext,
        NodeError,
        NodeSpace,
        NodeSpec,
        Replace,
        Replaces,
        RunCancelled,
        Shelf,
        Status,
        node,
    )

__all__ = [
    "NO_VALUE",
    "Button",
    "Edge",
    "Hook",
    "HookRun",
    "Input",
    "Library",
    "NodeContext",
    "NodeError",
    "NodeSpace",
    "NodeSpec",
    "Replace",
    "Replaces",
    "RunCancelled",
    "Shelf",
    "Status",
    "__version__",
    "node",
]

_FROM_CORE = frozenset(__all__) - {"__version__"}


def __getattr__(name: str) -> Any:
    if name in _FROM_CORE:
        value = getattr(importlib.import_module("nodeweave.core"), name)
        globals()[name] = value  # once: later lookups are plain attribute reads
        return value
    raise AttributeError(f"module 'nodeweave' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | _FROM_CORE)
