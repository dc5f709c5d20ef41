"""Commands as data: a table from command name to argument model, result model and handler.

The protocol declares every command once (:class:`CommandSpec`); a server binds handlers to them
in a :class:`Dispatcher`, which refuses to start with a command missing or left over. Dispatching
never raises: every request frame gets exactly one reply frame, whatever is wrong with it.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import importlib
import inspect
import logging
from collections.abc import Awaitable, Callable, Iterable, Mapping
from typing import Any, Protocol, runtime_checkable

from pydantic import BaseModel, ValidationError

from .envelope import (
    ErrorCode,
    ProtocolError,
    RequestId,
    encode_error,
    encode_result,
    parse_request,
)

log = logging.getLogger("nodeweave.protocol")

Handler = Callable[[Any], Any | Awaitable[Any]]
"""Takes the validated argument model, returns JSON data (or an awaitable of it)."""


ModelRef = type[BaseModel] | str
"""A model, or where it is defined (``"package.module:Name"``) when the module need not be
imported to serve requests: result and event models only describe what a server sends (the
schema, the docs, the tests), so a worker or hub never builds them; a worker builds its argument
models as their commands first arrive."""


def resolve(ref: ModelRef) -> type[BaseModel]:
    if isinstance(ref, str):
        module, _, name = ref.partition(":")
        model: type[BaseModel] = getattr(importlib.import_module(module), name)
        return model
    return ref


def names_from(modules: tuple[str, ...], here: str) -> Callable[[str], Any]:
    """A module ``__getattr__`` (PEP 562) that finds the names ``modules`` define, importing
    them on first use: the tables' modules hand out their models that way. Dunder names (what
    import machinery probes: ``__path__`` …) are not looked for there."""

    def __getattr__(name: str) -> Any:
        if not name.startswith("__"):
            for module in modules:
                with contextlib.suppress(AttributeError):
                    return getattr(importlib.import_module(module), name)
        raise AttributeError(f"module {here!r} has no attribute {name!r}")

    return __getattr__


@dataclasses.dataclass(frozen=True, slots=True)
class CommandSpec:
    name: str
    args_ref: ModelRef
    result_ref: ModelRef
    doc: str

    @property
    def args(self) -> type[BaseModel]:
        return resolve(self.args_ref)

    @property
    def result(self) -> type[BaseModel]:
        return resolve(self.result_ref)


@dataclasses.dataclass(frozen=True, slots=True)
class EventSpec:
    name: str
    data_ref: ModelRef
    doc: str

    @property
    def data(self) -> type[BaseModel]:
        return resolve(self.data_ref)


@runtime_checkable
class CodedError(Protocol):
    """Any exception with a stable ``code`` and a ``message`` (the engine's errors are)."""

    code: str
    message: str


def commands(*specs: CommandSpec) -> dict[str, CommandSpec]:
    table = {s.name: s for s in specs}
    if len(table) != len(specs):
        raise ValueError("duplicate command names")
    return table


def events(*specs: EventSpec) -> dict[str, EventSpec]:
    table = {s.name: s for s in specs}
    if len(table) != len(specs):
        raise ValueError("duplicate event names")
    return table


def describe_validation_error(exc: ValidationError) -> str:
    """One readable line per problem: ``uuid: field required``."""
    parts = []
    for err in exc.errors(include_url=False):
        where = ".".join(str(p) for p in err.get("loc", ())) or "kwargs"
        parts.append(f"{where}: {err.get('msg', 'invalid')}")
    return "; ".join(parts)


class Dispatcher:
    """Validates requests and routes them to handlers; turns every failure into an error reply."""

    def __init__(self, specs: Mapping[str, CommandSpec], handlers: Mapping[str, Handler]) -> None:
        missing = set(specs) - set(handlers)
        extra = set(handlers) - set(specs)
        if missing or extra:
            raise ValueError(
                f"handlers do not match the protocol: missing {sorted(missing)}, "
                f"undeclared {sorted(extra)}"
            )
        self.specs = dict(specs)
        self._table: dict[str, tuple[ModelRef, Handler, bool]] = {
            name: (spec.args_ref, handlers[name], inspect.iscoroutinefunction(handlers[name]))
            for name, spec in specs.items()
        }
        self._gate: asyncio.Event | None = None
        self._ungated: frozenset[str] = frozenset()

    def hold(self, until: asyncio.Event, *, except_for: Iterable[str] = ()) -> None:
        """Let commands wait until ``until`` is set (``except_for`` are answered at once): a
        worker answers ``ping`` while its node modules still load, but edits wait for them."""
        self._gate = until
        self._ungated = frozenset(except_for)

    def replace(self, handlers: Mapping[str, Handler]) -> None:
        """Route these commands to new handlers from now on (a worker whose engine woke)."""
        unknown = set(handlers) - set(self._table)
        if unknown:
            raise ValueError(f"handlers for undeclared commands: {sorted(unknown)}")
        for name, handler in handlers.items():
            model = self._table[name][0]
            self._table[name] = (model, handler, inspect.iscoroutinefunction(handler))

    async def handle(self, frame: str | bytes) -> bytes:
        """The reply frame for one request frame. Never raises (except cancellation)."""
        rid: RequestId | None = None
        try:
            rid, cmd, kwargs = parse_request(frame)
            entry = self._table.get(cmd)
            if entry is None:
                raise ProtocolError(
                    ErrorCode.UNKNOWN_COMMAND,
                    f"unknown command {cmd!r}",
                    {"known": sorted(self._table)},
                )
            model, handler, is_async = entry
            if isinstance(model, str):  # named by where it is: built as its command first comes
                model = resolve(model)
                self._table[cmd] = (model, handler, is_async)
            gate = self._gate
            if gate is not None:
                if gate.is_set():
                    self._gate = None
                elif cmd not in self._ungated:
                    await gate.wait()
            try:
                args = model.model_validate(kwargs)
            except ValidationError as exc:
                raise ProtocolError(
                    ErrorCode.INVALID_ARGUMENTS,
                    f"{cmd}: {describe_validation_error(exc)}",
                ) from None
            result = await handler(args) if is_async else handler(args)
            if inspect.isawaitable(result):
                result = await result
            return encode_result(rid, result)
        except ProtocolError as exc:
            if rid is None:
                rid = exc.details.pop("id", None)
            return encode_error(rid, exc.code, exc.message, exc.details)
        except Exception as exc:
            if isinstance(exc, CodedError):
                details = getattr(exc, "details", None)
                return encode_error(
                    rid, exc.code, exc.message, details if isinstance(details, dict) else None
                )
            log.exception("command failed: %r", frame[:200])
            return encode_error(
                rid,
                ErrorCode.INTERNAL_ERROR,
                f"internal error: {type(exc).__name__}: {exc}",
            )
