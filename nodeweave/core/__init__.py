"""The pure core: nodes, library, the reactive nodespace, documents and previews.

Nothing here opens files or sockets, reads the environment or starts processes on its own
(the one exception is a process pool, created only when a node asks for ``executor="process"``
and no pool was injected).

The names below are imported from their modules when first used: ``import nodeweave.core.errors``
costs that module only, so a worker at rest (see :mod:`nodeweave.worker.service`) can name the
engine's errors without loading the engine.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .context import NodeContext, RunCancelled
    from .events import Edge, NodeError, Status
    from .hooks import Hook, HookRun, Replace
    from .library import Library, LibraryChange, Shelf
    from .nodespace import NodeSpace, NodeView
    from .schema import Button, Input
    from .spec import InputSpec, NodeSpec, OutputSpec, Replaces, node, spec_of
    from .values import NO_VALUE

_WHERE = {
    "NodeContext": "context",
    "RunCancelled": "context",
    "Edge": "events",
    "NodeError": "events",
    "Status": "events",
    "Hook": "hooks",
    "HookRun": "hooks",
    "Replace": "hooks",
    "Library": "library",
    "LibraryChange": "library",
    "Shelf": "library",
    "NodeSpace": "nodespace",
    "NodeView": "nodespace",
    "Button": "schema",
    "Input": "schema",
    "InputSpec": "spec",
    "NodeSpec": "spec",
    "OutputSpec": "spec",
    "Replaces": "spec",
    "node": "spec",
    "spec_of": "spec",
    "NO_VALUE": "values",
}

__all__ = [
    "NO_VALUE",
    "Button",
    "Edge",
    "Hook",
    "HookRun",
    "Input",
    "InputSpec",
    "Library",
    "LibraryChange",
    "NodeContext",
    "NodeError",
    "NodeSpace",
    "NodeSpec",
    "NodeView",
    "OutputSpec",
    "Replace",
    "Replaces",
    "RunCancelled",
    "Shelf",
    "Status",
    "node",
    "spec_of",
]


def __getattr__(name: str) -> Any:
    where = _WHERE.get(name)
    if where is None:
        raise AttributeError(f"module 'nodeweave.core' has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{where}"), name)
    globals()[name] = value  # once: later lookups are plain attribute reads
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_WHERE))
