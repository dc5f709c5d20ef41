"""The wire contract shared by hub, workers, the UI and scripts: envelope, models, error codes.

Pure: pydantic models and orjson, no sockets. The hub's models are in ``nodeweave.protocol.hub``
(not imported here, so a worker does not load them). ``python -m nodeweave.protocol`` writes the JSON
Schema (``docs/protocol.schema.json``) and the reference page (``docs/protocol.md``).
"""

from __future__ import annotations

from .dispatch import CommandSpec, Dispatcher, EventSpec, Handler
from .envelope import (
    PROTOCOL_VERSION,
    ErrorCode,
    ProtocolError,
    encode_error,
    encode_event,
    encode_result,
    parse_request,
)
from .worker import WORKER_COMMANDS, WORKER_EVENTS

__all__ = [
    "PROTOCOL_VERSION",
    "WORKER_COMMANDS",
    "WORKER_EVENTS",
    "CommandSpec",
    "Dispatcher",
    "ErrorCode",
    "EventSpec",
    "Handler",
    "ProtocolError",
    "encode_error",
    "encode_event",
    "encode_result",
    "parse_request",
]
