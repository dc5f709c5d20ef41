"""Logic: booleans, choosing between values, and equality."""

from __future__ import annotations

from typing import Any

from nodeweave.core.library import Shelf
from nodeweave.core.spec import node


@node(id="logic.boolean", name="Boolean")
def boolean(value: bool = False) -> bool:
    """A true/false value set with a checkbox."""
    return value


@node(id="logic.if_else", name="If / Else")
def if_else(condition: bool = False, then: Any = None, otherwise: Any = None) -> Any:
    """Pass on then when the condition is true, otherwise pass on otherwise."""
    return then if condition else otherwise


@node(id="logic.and", name="And")
def logical_and(a: bool = False, b: bool = False) -> bool:
    """True when both a and b are true."""
    return a and b


@node(id="logic.or", name="Or")
def logical_or(a: bool = False, b: bool = False) -> bool:
    """True when a or b (or both) are true."""
    return a or b


@node(id="logic.not", name="Not")
def logical_not(value: bool = False) -> bool:
    """The opposite of a true/false value."""
    return not value


@node(id="logic.xor", name="Xor")
def logical_xor(a: bool = False, b: bool = False) -> bool:
    """True when exactly one of a and b is true."""
    return a != b


@node(id="logic.all", name="All")
def all_true(values: list[Any]) -> bool:
    """True when every item of the list is truthy (and for an empty list)."""
    return all(values)


@node(id="logic.any", name="Any")
def any_true(values: list[Any]) -> bool:
    """True when at least one item of the list is truthy."""
    return any(values)


@node(id="logic.equals", name="Equals")
def equals(a: Any = None, b: Any = None) -> bool:
    """Whether a and b are equal."""
    result = a == b
    if isinstance(result, bool):
        return result
    try:
        return bool(result)
    except (TypeError, ValueError) as exc:  # e.g. arrays, whose == is elementwise
        raise TypeError(
            f"cannot decide whether {type(a).__name__} and {type(b).__name__} values are equal: "
            f"{exc}"
        ) from exc


@node(id="logic.is_none", name="Is None")
def is_none(value: Any = None) -> bool:
    """Whether the value is None (empty)."""
    return value is None


@node(id="logic.truthy", name="To Boolean")
def truthy(value: Any = None) -> bool:
    """Whether the value counts as true (non-zero numbers, non-empty text and collections)."""
    return bool(value)


NODE_SHELF = Shelf(
    name="logic",
    description="Logic: booleans, choosing between values, and equality.",
    nodes=[
        boolean,
        if_else,
        logical_and,
        logical_or,
        logical_not,
        logical_xor,
        all_true,
        any_true,
        equals,
        is_none,
        truthy,
    ],
)
