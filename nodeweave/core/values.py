"""The "no value" sentinel and the equality rule used to skip work."""

from __future__ import annotations

import enum
from typing import Any, Final


class _NoValue(enum.Enum):
    """Marks an input or output that has no value (distinct from ``None``, which is a value)."""

    NO_VALUE = "NO_VALUE"

    def __repr__(self) -> str:
        return "NO_VALUE"

    def __bool__(self) -> bool:
        return False


NO_VALUE: Final = _NoValue.NO_VALUE
NoValueType = _NoValue

# Types whose ``==`` is cheap, total and means "the same value".
_SIMPLE: Final = frozenset({int, float, str, bool, bytes, type(None), complex})
_CONTAINERS: Final = frozenset({list, tuple, dict, set, frozenset})


def values_equal(a: Any, b: Any) -> bool:
    """Whether replacing ``a`` by ``b`` can be skipped without anyone noticing.

    Conservative: identical objects are equal; plain data (numbers, strings, bytes and nested
    lists/tuples/dicts/sets of them) is compared by value, with the type included so that ``1`` and
    ``1.0`` or ``True`` and ``1`` count as different; anything else (arrays, frames, custom
    objects, whose ``==`` may be elementwise, expensive or not a bool) counts as changed.
    """
    if a is b:
        return True
    ta = type(a)
    if ta is not type(b):
        return False
    if ta in _SIMPLE:
        if ta is float and a != a and b != b:  # NaN == NaN for our purpose
            return True
        return bool(a == b)
    if ta in _CONTAINERS:
        return _plain(a) and _plain(b) and _safe_eq(a, b)
    return False


def _plain(value: Any, depth: int = 0) -> bool:
    t = type(value)
    if t in _SIMPLE:
        return True
    if depth > 32 or t not in _CONTAINERS:
        return False
    if t is dict:
        return all(_plain(k, depth + 1) and _plain(v, depth + 1) for k, v in value.items())
    return all(_plain(v, depth + 1) for v in value)


def _safe_eq(a: Any, b: Any) -> bool:
    try:
        return bool(a == b) and _same_types(a, b)
    except Exception:  # noqa: BLE001 - a failing == only means "not known to be equal"
        return False


def _same_types(a: Any, b: Any) -> bool:
    """``[1] == [1.0]`` is True in Python; for skipping work we want the element types equal too."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return all(_same_types(a[k], b[k]) for k in a)
    if isinstance(a, list | tuple):
        return all(_same_types(x, y) for x, y in zip(a, b, strict=True))
    return True
