"""The pure core: nodes, library, the reactive nodespace, documents and previews.

Nothing here opens files or sockets, reads the environment or starts processes on its own
(the one exception is a process pool, created only when a node asks for ``executor="process"``
and no pool was injected).
"""

from .context import NodeContext, RunCancelled
from .events import Edge, NodeError, Status
from .hooks import Hook, HookRun, Replace
from .library import Library, LibraryChange, Shelf
from .nodespace import NodeSpace, NodeView
from .schema import Button, Input
from .spec import InputSpec, NodeSpec, OutputSpec, Replaces, node, spec_of
from .values import NO_VALUE

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
