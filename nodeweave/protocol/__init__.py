"""The wire contract shared by hub, workers, the UI and scripts: envelope, models, error codes.

Pure: pydantic models and orjson, no sockets. The hub's models are in ``nodeweave.protocol.hub``
and the worker's in ``nodeweave.protocol.worker`` (imported on first use of ``WORKER_COMMANDS``
or ``WORKER_EVENTS`` from here, so the hub does not build them). ``python -m
nodeweave.protocol`` writes the JSON Schema (``docs/protocol.schema.json``) and the reference
page (``docs/protocol.md``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

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

if TYPE_CHECKING:
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


def __getattr__(name: str) -> Any:
    if name in ("WORKER_COMMANDS", "WORKER_EVENTS"):
        from . import worker

        return getattr(worker, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
