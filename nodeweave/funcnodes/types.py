"""FuncNodes port types → what nodeweave needs of a port: a readable type name, a JSON Schema for
its widget, a Python annotation for connection checks, and a validator for values users set.

FuncNodes serialises a port's type as a string (``"float"``, ``"ndarray"``,
``"pandas.DataFrame"``) or a dict: ``{"anyOf": [...]}``, ``{"allOf": [...]}``,
``{"type": "array", "items": …}``, ``{"type": "object", "keys": …, "values": …}`` and
``{"type": "enum", "values": [...], "keys": [...], "nullable": bool}``. JSON types map to the
Python types nodeweave describes everywhere else (so widgets and validation are the same as for
native nodes); any other type (arrays, frames, figures) is a port fed by edges, described by its
name, and accepts what arrives — FuncNodes does not check values either.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable, Mapping
from typing import Annotated, Any, Literal, Union

import orjson

from nodeweave.core.errors import InvalidValueError
from nodeweave.core.schema import Input, describe

_SIMPLE: Mapping[str, Any] = {
    "int": int,
    "float": float,
    "str": str,
    "bool": bool,
    "bytes": bytes,
    "None": type(None),
    "NoneType": type(None),
    "dict": dict[str, Any],
    "list": list[Any],
    "tuple": list[Any],
    "Any": Any,
    "object": Any,
}


@dataclasses.dataclass(frozen=True, slots=True)
class PortType:
    name: str
    """Readable, e.g. ``float | ndarray``."""
    annotation: Any
    """For connection checks: the Python type, or ``Any`` when an opaque type is involved."""
    schema: dict[str, Any]
    validate: Callable[[Any], Any]
    json_values: bool
    """Every value of the type can be written as JSON (a widget can set it)."""
    choices: tuple[tuple[str, Any], ...] | None = None
    """An enum whose values are not JSON: (key shown and stored, value passed to the node)."""


def _accept(value: Any) -> Any:
    return value


def _short(name: str) -> str:
    return name.rsplit(".", 1)[-1] or name


def _python(t: Any) -> tuple[Any, str, bool]:
    """(annotation or None if opaque, readable name, JSON-able) of a FuncNodes type."""
    if isinstance(t, str):
        if t in _SIMPLE:
            tp = _SIMPLE[t]
            return tp, "None" if tp is type(None) else t, t != "Any" and t != "object"
        return None, _short(t), False
    if isinstance(t, Mapping):
        if "anyOf" in t and isinstance(t["anyOf"], list):
            parts = [_python(m) for m in t["anyOf"]]
            name = " | ".join(dict.fromkeys(p[1] for p in parts))
            if any(p[0] is None for p in parts):
                return None, name, False
            members = tuple(dict.fromkeys(p[0] for p in parts))
            return _union(members), name, all(p[2] for p in parts)
        if "allOf" in t and isinstance(t["allOf"], list):
            names = ", ".join(_python(m)[1] for m in t["allOf"])
            return None, f"tuple[{names}]", False
        kind = t.get("type")
        if kind == "array":
            inner, inner_name, inner_json = _python(t.get("items", "Any"))
            if inner is None:
                return None, f"list[{inner_name}]", False
            return list[inner], f"list[{inner_name}]", inner_json  # type: ignore[valid-type]
        if kind == "object":
            inner, inner_name, inner_json = _python(t.get("values", "Any"))
            if inner is None:
                return None, f"dict[str, {inner_name}]", False
            return dict[str, inner], f"dict[str, {inner_name}]", inner_json  # type: ignore[valid-type]
        if kind == "enum":
            return None, "enum", False  # handled by port_type
    return None, str(t)[:60], False


def _union(members: tuple[Any, ...]) -> Any:
    return Union[members] if len(members) > 1 else members[0]  # noqa: UP007 - built at run time


def _json_safe(value: Any) -> bool:
    if isinstance(value, float) and not math.isfinite(value):
        return False
    try:
        orjson.dumps(value)
    except (TypeError, orjson.JSONEncodeError):
        return False
    return True


_CACHE: dict[bytes, PortType] = {}


def port_type(t: Any, value_options: Mapping[str, Any] | None = None) -> PortType:
    """The nodeweave view of a FuncNodes port type (``value_options``: its min/max/step/options).

    Cached by the type's JSON form: a package repeats the same few types hundreds of times.
    """
    try:
        key = orjson.dumps([t, value_options], option=orjson.OPT_SORT_KEYS)
    except (TypeError, orjson.JSONEncodeError):
        return _port_type(t, value_options)
    found = _CACHE.get(key)
    if found is None:
        found = _CACHE[key] = _port_type(t, value_options)
    return found


def _port_type(t: Any, value_options: Mapping[str, Any] | None) -> PortType:
    opts = dict(value_options or {})
    enum = t if isinstance(t, Mapping) and t.get("type") == "enum" else None
    if enum is None and isinstance(opts.get("options"), Mapping):
        found = opts["options"]
        if found.get("type") == "enum":
            enum = found
    if enum is not None:
        return _enum_type(enum)
    annotation, name, json_values = _python(t)
    options = opts.get("options")
    if annotation is None:
        members = _json_members(t)
        if members:  # e.g. float | ndarray: a widget sets the number, an edge brings the array
            schema = dict(describe(_union(members), where=f"FuncNodes type {name}").schema)
            return PortType(name, Any, schema, _accept, False)
        return PortType(name, Any, {"x-python-type": name}, _accept, False)
    meta = Input(
        min=_number(opts.get("min")),
        max=_number(opts.get("max")),
        step=_number(opts.get("step")) if (_number(opts.get("step")) or 0) > 0 else None,
        options=tuple(options) if isinstance(options, list) and options else None,
    )
    if meta == Input():
        info = describe(annotation, where=f"FuncNodes type {name}")
    else:
        if meta.min is not None and meta.max is not None and meta.min > meta.max:
            meta = dataclasses.replace(meta, min=None, max=None)
        info = describe(Annotated[annotation, meta], where=f"FuncNodes type {name}")
    return PortType(name, annotation, dict(info.schema), info.validate, json_values)


def _json_members(t: Any) -> tuple[Any, ...]:
    """The JSON members of an ``anyOf`` type that also has opaque ones (else ``()``)."""
    if not isinstance(t, Mapping) or not isinstance(t.get("anyOf"), list):
        return ()
    found = [_python(m) for m in t["anyOf"]]
    members = tuple(dict.fromkeys(p[0] for p in found if p[0] is not None and p[2]))
    # only None besides the opaque ones (Figure | None): nothing to type in, an edge brings it
    return () if all(m is type(None) for m in members) else members


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value) if math.isfinite(value) else None


def _enum_type(enum: Mapping[str, Any]) -> PortType:
    values = list(enum.get("values") or [])
    keys = [str(k) for k in (enum.get("keys") or values)]
    if len(keys) != len(values):
        keys = [str(v) for v in values]
    nullable = bool(enum.get("nullable"))
    if all(_json_safe(v) for v in values):
        allowed = [*values, None] if nullable else values
        schema: dict[str, Any] = {"enum": allowed}
        if keys != [str(v) for v in values]:
            schema["x-enum-labels"] = [*keys, "None"] if nullable else keys
        annotation: Any = Literal[tuple(allowed)] if allowed else Any

        def validate_value(value: Any) -> Any:
            if not any(value == v and type(value) is type(v) for v in allowed) and (
                value not in allowed
            ):
                raise InvalidValueError(f"{value!r} is not one of {allowed!r}")
            return value

        return PortType("enum", annotation, schema, validate_value, True)
    # Values that are not JSON (numpy dtypes): the widget offers the keys, the node gets values.
    choices = tuple(zip(keys, values, strict=True))
    shown = [*keys, None] if nullable else keys

    def validate_key(value: Any) -> Any:
        if value not in shown:
            raise InvalidValueError(f"{value!r} is not one of {shown!r}")
        return value

    return PortType(
        "enum", Literal[tuple(shown)], {"enum": shown}, validate_key, True, choices or None
    )
