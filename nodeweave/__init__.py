"""nodeweave: reactive, node-based dataflow for Python with real process isolation."""

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

__version__ = "0.1.0"

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
