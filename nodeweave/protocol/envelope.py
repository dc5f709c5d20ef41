"""The envelope every frame travels in, for hub and worker alike (ARCHITECTURE section 9)::

    request  {"type": "cmd", "id": "<client id>", "cmd": "<name>", "kwargs": {...}}
    result   {"type": "result", "id": "<same id>", "result": <any>}
    error    {"type": "error", "id": "<same id or null>",
              "error": {"code": "<snake_case>", "message": "<text>", "details": {...}?}}
    event    {"type": "event", "event": "<name>", "seq": <int>, "data": {...}}
    batch    {"type": "batch", "events": [<event>, ...]}   (only to clients that ask: ?batch=1)

Frames are JSON text. Parsing a request is done by hand (it is on the hot path and the checks are
few); the pydantic models below describe the same shapes for the JSON Schema and the docs.
"""

from __future__ import annotations

import enum
import re
from typing import Any, Final, Literal

import orjson
from pydantic import BaseModel, ConfigDict, Field

PROTOCOL_VERSION: Final = 1
"""Bumped on any change a client could notice; sent in the ``hello`` event."""

RequestId = str | int


class ErrorCode(enum.StrEnum):
    """Stable error codes. Clients branch on these, never on messages."""

    INVALID_JSON = "invalid_json"
    """The frame is not valid JSON (or not text)."""
    INVALID_REQUEST = "invalid_request"
    """Valid JSON, but not a request envelope (not an object, no ``cmd``, bad ``id`` …)."""
    UNKNOWN_COMMAND = "unknown_command"
    INVALID_ARGUMENTS = "invalid_arguments"
    """``kwargs`` missing a required argument, with one of the wrong type, or an unknown one."""
    NOT_FOUND = "not_found"
    """An unknown node uuid, node type, input or output, worker id …"""
    PAYLOAD_TOO_LARGE = "payload_too_large"
    INTERNAL_ERROR = "internal_error"
    """A bug on the serving side; the message names the exception, the log has the traceback."""
    SHUTTING_DOWN = "shutting_down"
    # Graph edits (raised by the engine; see docs/core.md)
    GRAPH_ERROR = "graph_error"
    CYCLE = "cycle"
    TYPE_MISMATCH = "type_mismatch"
    INPUT_CONNECTED = "input_connected"
    DUPLICATE = "duplicate"
    PLACEHOLDER = "placeholder"
    INVALID_VALUE = "invalid_value"
    INVALID_DOCUMENT = "invalid_document"
    UNSUPPORTED_SCHEMA_VERSION = "unsupported_schema_version"
    LIBRARY_ERROR = "library_error"
    INVALID_DEFINITION = "invalid_definition"
    # HTTP side
    UNAUTHORIZED = "unauthorized"
    FORBIDDEN_ORIGIN = "forbidden_origin"
    INVALID_PATH = "invalid_path"
    # Hub
    INVALID_STATE = "invalid_state"
    """The operation does not fit the current state (e.g. deleting a running worker)."""
    ENVIRONMENT_FAILED = "environment_failed"
    START_FAILED = "start_failed"
    RESOLUTION_FAILED = "resolution_failed"
    """Node packages that cannot be resolved (with nodeweave's own dependencies pinned)."""


ERROR_DESCRIPTIONS: Final[dict[str, str]] = {
    ErrorCode.INVALID_JSON: "the frame is not valid JSON text",
    ErrorCode.INVALID_REQUEST: "valid JSON, but not a request envelope",
    ErrorCode.UNKNOWN_COMMAND: "no command of that name",
    ErrorCode.INVALID_ARGUMENTS: "kwargs missing, mistyped or unknown",
    ErrorCode.NOT_FOUND: "unknown node, node type, port, worker …",
    ErrorCode.PAYLOAD_TOO_LARGE: "frame or upload larger than the limit",
    ErrorCode.INTERNAL_ERROR: "a bug on the serving side; see its log",
    ErrorCode.SHUTTING_DOWN: "the server is stopping and takes no more commands",
    ErrorCode.GRAPH_ERROR: "a graph edit the engine refuses",
    ErrorCode.CYCLE: "the edge would close a cycle (details name the path)",
    ErrorCode.TYPE_MISMATCH: "the output's type cannot feed the input",
    ErrorCode.INPUT_CONNECTED: "the input already has an edge (pass replace)",
    ErrorCode.DUPLICATE: "a node uuid or edge that already exists",
    ErrorCode.PLACEHOLDER: "the node's type is missing from the library",
    ErrorCode.INVALID_VALUE: "a value the input's type rejects",
    ErrorCode.INVALID_DOCUMENT: "a workflow document that is not valid",
    ErrorCode.UNSUPPORTED_SCHEMA_VERSION: "a document written by a newer nodeweave",
    ErrorCode.LIBRARY_ERROR: "module or shelf bookkeeping failed",
    ErrorCode.INVALID_DEFINITION: "a node function that cannot be a node",
    ErrorCode.UNAUTHORIZED: "HTTP: missing or wrong token",
    ErrorCode.FORBIDDEN_ORIGIN: "HTTP: WebSocket handshake from a foreign Origin",
    ErrorCode.INVALID_PATH: "HTTP: a path outside its folder",
    ErrorCode.INVALID_STATE: "the operation does not fit the current state",
    ErrorCode.ENVIRONMENT_FAILED: "building a worker's environment failed",
    ErrorCode.START_FAILED: "a worker did not become ready",
    ErrorCode.RESOLUTION_FAILED: "node packages that cannot be resolved (details: uv's output)",
}


class ProtocolError(Exception):
    """An error reply in the making: raise it from a handler to answer with ``code``."""

    def __init__(self, code: str, message: str, details: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.code = str(code)
        self.message = message
        self.details: dict[str, Any] = details or {}


# --- the shapes, as models (for the schema and the docs) -----------------------------------


class _Frame(BaseModel):
    model_config = ConfigDict(extra="forbid", defer_build=True)


class Request(_Frame):
    """A command from the client."""

    type: Literal["cmd"]
    id: RequestId = Field(description="Chosen by the client; echoed in the reply.")
    cmd: str = Field(description="The command name.")
    kwargs: dict[str, Any] = Field(default_factory=dict, description="The command's arguments.")


class Result(_Frame):
    type: Literal["result"]
    id: RequestId
    result: Any


class ErrorBody(_Frame):
    code: str = Field(description="A stable snake_case code (see the error code table).")
    message: str = Field(description="What went wrong, for a person.")
    details: dict[str, Any] | None = Field(
        default=None, description="Structured extras (e.g. the cycle's path)."
    )


class ErrorReply(_Frame):
    type: Literal["error"]
    id: RequestId | None = Field(description="The request's id, null when it had none.")
    error: ErrorBody


class Event(_Frame):
    type: Literal["event"]
    event: str
    seq: int = Field(
        description="Per connection, counting from 1 without gaps; a gap means events were "
        "dropped: resync with get_state."
    )
    data: dict[str, Any]


# --- the hot path ----------------------------------------------------------------------------


def parse_request(frame: str | bytes) -> tuple[RequestId, str, dict[str, Any]]:
    """``(id, cmd, kwargs)`` of a request frame, or a :class:`ProtocolError` to reply with.

    When the frame is broken but an ``id`` can be read from it, the error carries it in
    ``details["id"]`` so the reply can still be matched by the client.
    """
    try:
        msg = orjson.loads(frame)
    except orjson.JSONDecodeError as exc:
        raise ProtocolError(ErrorCode.INVALID_JSON, f"the frame is not valid JSON: {exc}") from None
    if not isinstance(msg, dict):
        raise ProtocolError(
            ErrorCode.INVALID_REQUEST,
            f"a request must be a JSON object, got {type(msg).__name__}",
        )
    rid = msg.get("id")
    if rid is None or isinstance(rid, bool) or not isinstance(rid, str | int):
        raise ProtocolError(
            ErrorCode.INVALID_REQUEST, "a request needs an 'id' (a string or an integer)"
        )
    if msg.get("type") != "cmd":
        raise ProtocolError(
            ErrorCode.INVALID_REQUEST,
            f'a request has "type": "cmd", got {msg.get("type")!r}',
            {"id": rid},
        )
    cmd = msg.get("cmd")
    if not isinstance(cmd, str) or not cmd:
        raise ProtocolError(
            ErrorCode.INVALID_REQUEST, "a request needs a 'cmd' (the command name)", {"id": rid}
        )
    kwargs = msg.get("kwargs", {})
    if kwargs is None:
        kwargs = {}
    if not isinstance(kwargs, dict):
        raise ProtocolError(
            ErrorCode.INVALID_REQUEST,
            f"'kwargs' must be an object, got {type(kwargs).__name__}",
            {"id": rid},
        )
    extra = set(msg) - {"type", "id", "cmd", "kwargs"}
    if extra:
        raise ProtocolError(
            ErrorCode.INVALID_REQUEST,
            f"unknown envelope field(s): {', '.join(sorted(extra))}",
            {"id": rid},
        )
    if _LONG_NUMBER_TEXT.search(frame) if isinstance(frame, str) else _LONG_NUMBER.search(frame):
        big = _big_integer(kwargs)
        if big is not None:
            raise ProtocolError(
                ErrorCode.INVALID_VALUE,
                f"the integer {big} is beyond ±{MAX_SAFE_INTEGER}: a browser would read it "
                "rounded; send it as a string",
                {"id": rid, "max_safe_integer": MAX_SAFE_INTEGER},
            )
    if _may_be_too_deep(frame) and too_deep(kwargs, MAX_DEPTH):
        raise ProtocolError(
            ErrorCode.INVALID_VALUE,
            f"'kwargs' nests more than {MAX_DEPTH} levels deep: such a value could not be saved "
            "or sent back",
            {"id": rid, "max_depth": MAX_DEPTH},
        )
    return rid, cmd, kwargs


MAX_DEPTH: Final = 200
"""How deep a request's ``kwargs`` may nest (lists and objects). A value travels on inside the
saved document and inside replies, a few levels deeper, and JSON encoding stops at 254 levels:
deeper values are refused on receipt, so that one can never make the graph unsavable."""

_ENCODER_DEPTH = 254  # orjson's limit

MAX_SAFE_INTEGER: Final = 2**53 - 1
"""Integers in requests stay within what every client (JavaScript's numbers) reads exactly."""
_LONG_NUMBER = re.compile(rb"\d{16}")  # any integer beyond 2**53 has at least 16 digits
_LONG_NUMBER_TEXT = re.compile(r"\d{16}")  # (text frames: searched as they are, not re-encoded)


def _big_integer(value: Any) -> int | None:
    """An integer in ``value`` beyond ±``MAX_SAFE_INTEGER`` (the first found), else None."""
    todo = [value]
    while todo:
        item = todo.pop()
        if isinstance(item, int) and not isinstance(item, bool):
            if abs(item) > MAX_SAFE_INTEGER:
                return item
        elif isinstance(item, dict):
            todo.extend(item.values())
        elif isinstance(item, list):
            todo.extend(item)
    return None


def _may_be_too_deep(frame: str | bytes) -> bool:
    """A quick necessary condition: enough brackets for ``MAX_DEPTH`` levels at all."""
    if isinstance(frame, str):
        return frame.count("[") + frame.count("{") > MAX_DEPTH
    return frame.count(b"[") + frame.count(b"{") > MAX_DEPTH


def too_deep(value: Any, limit: int) -> bool:
    """Whether ``value`` nests more than ``limit`` levels (measured by the encoder, in C)."""
    wrapped: Any = value
    for _ in range(_ENCODER_DEPTH - limit):
        wrapped = [wrapped]
    try:
        orjson.dumps(wrapped)
    except orjson.JSONEncodeError as exc:
        return "recursion" in str(exc).lower()
    return False


def encode_result(rid: RequestId, result: Any) -> bytes:
    """A result frame (raises ``TypeError`` when ``result`` is not JSON data)."""
    return orjson.dumps({"type": "result", "id": rid, "result": result})


def encode_error(
    rid: RequestId | None, code: str, message: str, details: dict[str, Any] | None = None
) -> bytes:
    error: dict[str, Any] = {"code": str(code), "message": message}
    if details:
        error["details"] = details
    try:
        return orjson.dumps({"type": "error", "id": rid, "error": error})
    except TypeError:  # details that are not JSON: the code and message still go out
        del error["details"]
        return orjson.dumps({"type": "error", "id": rid, "error": error})


def encode_event(event: str, seq: int, data: Any) -> bytes:
    return orjson.dumps({"type": "event", "event": event, "seq": seq, "data": data})
