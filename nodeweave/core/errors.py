"""The error tree of the core.

Every error the core raises for bad input carries a stable ``code`` (snake_case) that the worker
puts on the wire unchanged, a human message, and optional structured ``details``::

    NodeweaveError
    ├── DefinitionError        code "invalid_definition"  a @node function that cannot be a node
    ├── LibraryError           code "library_error"       shelf/spec bookkeeping (duplicate ids …)
    ├── NotFoundError          code "not_found"           unknown node uuid, node id, input or output
    ├── GraphError             code "graph_error"         base of the connection errors below
    │   ├── CycleError         code "cycle"               the edge would close a cycle
    │   ├── TypeMismatchError  code "type_mismatch"       output type cannot feed the input type
    │   ├── InputConnectedError code "input_connected"    input already driven by an edge
    │   ├── DuplicateError     code "duplicate"           uuid or edge already exists
    │   └── PlaceholderError   code "placeholder"         editing a node whose type is missing
    ├── InvalidValueError      code "invalid_value"       a value the input's type rejects
    └── DocumentError          code "invalid_document" / "unsupported_schema_version"
"""

from __future__ import annotations

from typing import Any, ClassVar


class NodeweaveError(Exception):
    """Base of every error the core raises on purpose."""

    code: ClassVar[str] = "error"

    def __init__(self, message: str, *, details: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.details: dict[str, Any] = details or {}

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"code": self.code, "message": self.message}
        if self.details:
            out["details"] = self.details
        return out


class DefinitionError(NodeweaveError, TypeError):
    code = "invalid_definition"


class LibraryError(NodeweaveError):
    code = "library_error"


class NotFoundError(NodeweaveError, LookupError):
    code = "not_found"


class GraphError(NodeweaveError):
    code = "graph_error"


class CycleError(GraphError):
    code = "cycle"


class TypeMismatchError(GraphError):
    code = "type_mismatch"


class InputConnectedError(GraphError):
    code = "input_connected"


class DuplicateError(GraphError):
    code = "duplicate"


class PlaceholderError(GraphError):
    code = "placeholder"


class InvalidValueError(NodeweaveError, ValueError):
    code = "invalid_value"


class DocumentError(NodeweaveError, ValueError):
    code = "invalid_document"


class UnsupportedSchemaVersionError(DocumentError):
    code = "unsupported_schema_version"
