"""Presets (invocation profiles): named sets of input values a workflow carries.

A preset is ``{"values": [{"node": uuid, "io": input, "value": v}, ...]}``, saved in the workflow
document under ``"presets"`` (left out while there are none). Applying one sets every value in one
step; it is checked first against the node contracts of the moment — the node exists and is not a
placeholder, the input exists and is not driven by an edge, the value fits — and a preset with
any problem is not applied at all (:func:`problems` says why, also when the library changes
under it).
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from .errors import InvalidValueError

MAX_PRESETS = 1000
MAX_VALUES = 10_000


class PresetValue(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    node: str = Field(min_length=1, max_length=200)
    io: str = Field(min_length=1, max_length=200)
    value: Any


class Preset(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    values: list[PresetValue] = Field(max_length=MAX_VALUES)


def check_name(name: Any) -> str:
    if not isinstance(name, str) or not name.strip() or len(name) > 200:
        raise InvalidValueError(
            f"a preset's name is a non-empty text of at most 200 characters, got {name!r}"
        )
    return name


def check_preset(name: Any, data: Any) -> dict[str, Any]:
    """A valid preset as plain data, or :class:`InvalidValueError` saying what is wrong."""
    check_name(name)
    try:
        preset = Preset.model_validate(data)
    except ValidationError as exc:
        first = exc.errors(include_url=False)[0]
        where = ".".join(str(p) for p in first["loc"]) or "preset"
        raise InvalidValueError(f"preset {name!r}: {where}: {first['msg']}") from None
    seen: set[tuple[str, str]] = set()
    for item in preset.values:
        if (item.node, item.io) in seen:
            raise InvalidValueError(f"preset {name!r} sets {item.node}.{item.io} twice")
        seen.add((item.node, item.io))
    return preset.model_dump()


def check_presets(data: Any) -> dict[str, dict[str, Any]]:
    if not isinstance(data, dict):
        raise InvalidValueError("'presets' must be an object keyed by preset name")
    if len(data) > MAX_PRESETS:
        raise InvalidValueError(f"at most {MAX_PRESETS} presets")
    return {name: check_preset(name, value) for name, value in data.items()}


__all__ = ["MAX_PRESETS", "Preset", "PresetValue", "check_name", "check_preset", "check_presets"]
