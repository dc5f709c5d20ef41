"""Frames checked against the protocol's models: every result and event a test receives is what
its model documents (it validates, and holds no key the model lacks).

tests/conftest.py installs :func:`check_frame` as the ``Client`` frame check for every test, so
each protocol test that talks through ``nodeweave.client.Client`` checks every reply it gets; the
fuzzer calls :func:`check_shape` on the frames it reads itself.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, TypeAdapter, ValidationError

from nodeweave.protocol.dispatch import CommandSpec, EventSpec
from nodeweave.protocol.hub import HUB_COMMANDS, HUB_EVENTS
from nodeweave.protocol.worker import WORKER_COMMANDS, WORKER_EVENTS, Preview

PREVIEW: TypeAdapter[Any] = TypeAdapter(Preview)


def undocumented(value: Any, where: str = "") -> list[str]:
    """Keys a validated model holds beyond the ones its model declares (recursively)."""
    found: list[str] = []
    if isinstance(value, BaseModel):
        for key in value.model_extra or {}:
            found.append(f"{where}.{key}")
        for name in type(value).model_fields:
            found += undocumented(getattr(value, name), f"{where}.{name}")
        root = getattr(value, "root", None)
        if root is not None and not type(value).model_fields:
            found += undocumented(root, where)
    elif isinstance(value, list | tuple):
        for i, item in enumerate(value):
            found += undocumented(item, f"{where}[{i}]")
    elif isinstance(value, dict):
        for key, item in value.items():
            found += undocumented(item, f"{where}.{key}")
    return found


def shape_problem(model: type[BaseModel], data: Any, what: str) -> str | None:
    """Why ``data`` is not what ``model`` documents, or ``None`` when it is."""
    try:
        parsed = model.model_validate(data)
    except ValidationError as exc:
        return f"{what} does not match its model {model.__name__}: {exc}"
    extra = undocumented(parsed)
    return f"{what} sends keys its model {model.__name__} lacks: {extra}" if extra else None


def check_shape(model: type[BaseModel], data: Any, what: str) -> None:
    """``data`` is what ``model`` documents: it validates, and holds no undocumented key."""
    problem = shape_problem(model, data, what)
    assert problem is None, problem


def check_preview(preview: Any) -> None:
    """``preview`` is one of the protocol's preview kinds, with only its documented keys."""
    try:
        parsed = PREVIEW.validate_python(preview)
    except ValidationError as exc:
        raise AssertionError(f"an undocumented preview {preview!r}: {exc}") from None
    extra = undocumented(parsed)
    assert not extra, f"a preview with keys its model lacks: {extra}"


def _tables(hello: dict[str, Any] | None) -> tuple[dict[str, CommandSpec], dict[str, EventSpec]]:
    if hello is not None and "worker_id" in hello:
        return WORKER_COMMANDS, WORKER_EVENTS
    return HUB_COMMANDS, HUB_EVENTS


def check_frame(frame: dict[str, Any], cmd: str | None, hello: dict[str, Any] | None) -> str | None:
    """What is wrong with a received frame (a result of ``cmd``, or an event), or ``None``.

    ``hello`` is the connection's hello event (worker or hub: which tables apply).
    """
    kind = frame.get("type")
    if kind == "event":
        name = frame.get("event")
        if name == "hello":
            hello = frame.get("data")
        spec = _tables(hello)[1].get(str(name))
        if spec is None:
            return f"an undocumented event: {frame!r}"
        return shape_problem(spec.data, frame.get("data"), f"event {name}")
    if kind == "result" and cmd is not None:
        command = _tables(hello)[0].get(cmd)
        if command is None:
            return None  # a command the server does not have: its error reply is checked instead
        return shape_problem(command.result, frame.get("result"), f"the result of {cmd}")
    return None
