"""JSON: parse text into data, dump data as text, and reach into nested data by path."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from typing import Annotated, Any

from nodeweave.core.library import Shelf
from nodeweave.core.schema import Input
from nodeweave.core.spec import node

_PATH_PART = re.compile(r"[^.\[\]]+")


@node(id="json.constant", name="JSON Value")
def constant(value: Annotated[Any, Input(widget="json")] = None) -> Any:
    """Any JSON value typed in by hand: a number, text, list or object."""
    return value


@node(id="json.parse", name="Parse JSON")
def parse(text: Annotated[str, Input(widget="textarea")]) -> Any:
    """The data that a JSON text describes."""
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise json.JSONDecodeError(f"invalid JSON: {exc.msg}", exc.doc, exc.pos) from None


@node(id="json.dump", name="Dump JSON")
def dump(
    value: Any = None,
    indent: Annotated[
        int | None, Input(min=0, max=16, step=1, description="spaces per level; empty for one line")
    ] = 2,
    sort_keys: bool = False,
) -> str:
    """The value as JSON text (objects JSON cannot express are written as their repr)."""
    try:
        return json.dumps(
            value, indent=indent, sort_keys=sort_keys, ensure_ascii=False, default=repr
        )
    except (TypeError, ValueError) as exc:
        raise TypeError(f"cannot write this value as JSON: {exc}") from exc


@node(id="json.get_path", name="Get Path")
def get_path(
    value: Any,
    path: Annotated[
        str, Input(description="keys and indexes, e.g. users.0.name or users[0].name")
    ] = "",
) -> Any:
    """The part of nested data at a path of keys and list indexes (empty path: the whole value)."""
    current = value
    walked = ""
    for part in _PATH_PART.findall(path):
        where = walked or "the top level"
        if isinstance(current, Mapping):
            if part in current:
                current = current[part]
            elif _is_int(part) and int(part) in current:
                current = current[int(part)]
            else:
                keys = ", ".join(repr(k) for k in list(current)[:20]) or "none"
                raise KeyError(f"no key {part!r} at {where} (keys there: {keys})")
        elif isinstance(current, Sequence) and not isinstance(current, str | bytes | bytearray):
            if not _is_int(part):
                raise TypeError(f"{where} is a list; {part!r} is not an index")
            index = int(part)
            if not -len(current) <= index < len(current):
                raise IndexError(
                    f"index {index} is out of range at {where} (a list of length {len(current)})"
                )
            current = current[index]
        else:
            raise TypeError(f"cannot look up {part!r} in {type(current).__name__} at {where}")
        walked = f"{walked}.{part}" if walked else part
    return current


def _is_int(text: str) -> bool:
    return text.lstrip("-").isdigit()


NODE_SHELF = Shelf(
    name="json",
    description="JSON: parse and write JSON text and pick values out of nested data.",
    nodes=[constant, parse, dump, get_path],
)
