"""Collections: lists and dicts — picking items, slicing, sorting, reshaping and counting."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from typing import Annotated, Any

from nodeweave.core.library import Shelf
from nodeweave.core.schema import Input
from nodeweave.core.spec import node

JsonList = Annotated[list[Any] | None, Input(widget="json")]
OptionalDict = dict[Any, Any] | None


def _kind(value: Any) -> str:
    return type(value).__name__


def _index(key: Any) -> int:
    if isinstance(key, bool) or not isinstance(key, int):
        if isinstance(key, float) and key.is_integer():
            return int(key)
        raise TypeError(f"a list index must be a whole number, got {_kind(key)} {key!r}")
    return key


def _lookup(collection: Any, key: Any) -> Any:
    if isinstance(collection, Mapping):
        try:
            return collection[key]
        except KeyError:
            keys = ", ".join(repr(k) for k in list(collection)[:20])
            more = ", …" if len(collection) > 20 else ""
            raise KeyError(f"no key {key!r} in the dict (keys: {keys or 'none'}{more})") from None
        except TypeError as exc:  # unhashable key
            raise TypeError(f"{key!r} cannot be a dict key: {exc}") from exc
    if isinstance(collection, Sequence):
        index = _index(key)
        try:
            return collection[index]
        except IndexError:
            raise IndexError(
                f"index {index} is out of range for a {_kind(collection)} of length "
                f"{len(collection)}"
            ) from None
    if collection is None:
        raise TypeError(f"cannot get {key!r} from None")
    try:
        return collection[key]
    except (TypeError, AttributeError) as exc:
        raise TypeError(f"cannot get {key!r} from a {_kind(collection)}: {exc}") from exc


# --- building -------------------------------------------------------------------------------


@node(id="collections.list", name="List")
def list_constant(items: JsonList = None) -> list[Any]:
    """A list typed in as JSON, e.g. [1, 2, 3]."""
    return list(items) if items is not None else []


@node(id="collections.to_list", name="To List")
def to_list(value: Any = None) -> list[Any]:
    """A list from a value: collections become lists (dicts give keys), None gives [], else [value]."""
    if value is None:
        return []
    if isinstance(value, str | bytes | bytearray):
        return [value]
    if isinstance(value, Iterable):
        return list(value)
    return [value]


# --- picking --------------------------------------------------------------------------------


@node(id="collections.get", name="Get Item")
def get(collection: Any, key: Any = 0) -> Any:
    """The item of a list at an index (negative counts from the end) or of a dict at a key."""
    return _lookup(collection, key)


@node(id="collections.dict_get", name="Get With Default")
def dict_get(mapping: OptionalDict = None, key: Any = None, default: Any = None) -> Any:
    """The value of a dict at a key, or the default when the key is missing."""
    if mapping is None:
        return default
    try:
        return mapping.get(key, default)
    except TypeError as exc:  # unhashable key
        raise TypeError(f"{key!r} cannot be a dict key: {exc}") from exc


@node(id="collections.pluck", name="Pluck")
def pluck(items: list[Any], key: Any = 0, default: Any = None) -> list[Any]:
    """The value at a key (or index) of every item (or the default), e.g. a column of records."""
    out: list[Any] = []
    for item in items:
        if item is None:
            out.append(default)
            continue
        try:
            out.append(_lookup(item, key))
        except (KeyError, IndexError):
            out.append(default)
    return out


@node(id="collections.slice", name="Slice")
def slice_items(
    collection: Any,
    start: int | None = None,
    stop: int | None = None,
    step: int | None = None,
) -> Any:
    """The part of a list (or text) from start up to stop, every step-th item."""
    if step == 0:
        raise ValueError("slice step must not be zero")
    if isinstance(collection, Mapping) or not isinstance(collection, Sequence):
        raise TypeError(f"cannot slice a {_kind(collection)}; slicing needs a list or text")
    return collection[start:stop:step]


# --- inspection -----------------------------------------------------------------------------


@node(id="collections.length", name="Length")
def length(collection: Any) -> int:
    """The number of items in a list or dict (or characters in text)."""
    try:
        return len(collection)
    except TypeError:
        raise TypeError(f"a {_kind(collection)} has no length") from None


@node(id="collections.count", name="Count")
def count(items: list[Any], value: Any = None) -> int:
    """How many items of the list equal the value."""
    return sum(1 for item in items if item == value)


@node(id="collections.value_counts", name="Value Counts")
def value_counts(items: list[Any]) -> dict[Any, int]:
    """How often each distinct item occurs, most common first."""
    try:
        return dict(Counter(items).most_common())
    except TypeError as exc:
        raise TypeError(f"items must be hashable (text, numbers, …) to count them: {exc}") from exc


# --- reordering -----------------------------------------------------------------------------


@node(id="collections.sort", name="Sort")
def sort(
    items: list[Any],
    reverse: bool = False,
    key: Annotated[
        str | None, Input(description="for a list of dicts: sort by the value at this key")
    ] = None,
) -> list[Any]:
    """The items in ascending (or descending) order, optionally by a key of each dict."""
    try:
        if key is None or key == "":
            return sorted(items, reverse=reverse)
        return sorted(items, key=lambda item: _lookup(item, key), reverse=reverse)
    except TypeError as exc:
        raise TypeError(f"cannot sort these items: {exc}") from exc


@node(id="collections.reverse", name="Reverse")
def reverse(items: list[Any]) -> list[Any]:
    """The items in reverse order."""
    return items[::-1]


@node(id="collections.unique", name="Unique")
def unique(items: list[Any]) -> list[Any]:
    """The items without repeats, keeping the first occurrence of each."""
    out: list[Any] = []
    seen: set[Any] = set()
    for item in items:
        try:
            if item in seen:
                continue
            seen.add(item)
        except TypeError:  # unhashable (a list, a dict): compare by equality
            if any(item == other for other in out):
                continue
        out.append(item)
    return out


# --- reshaping ------------------------------------------------------------------------------


@node(id="collections.zip", name="Zip")
def zip_lists(
    a: list[Any],
    b: list[Any],
    strict: Annotated[bool, Input(description="fail when the lists differ in length")] = False,
) -> list[list[Any]]:
    """Pair up the items of two lists: [[a0, b0], [a1, b1], …] (stops at the shorter)."""
    if strict and len(a) != len(b):
        raise ValueError(f"zip: the lists differ in length ({len(a)} and {len(b)})")
    return [[x, y] for x, y in zip(a, b, strict=False)]


@node(id="collections.keys", name="Keys")
def keys(mapping: dict[Any, Any]) -> list[Any]:
    """The keys of a dict."""
    return list(mapping.keys())


@node(id="collections.values", name="Values")
def values(mapping: dict[Any, Any]) -> list[Any]:
    """The values of a dict."""
    return list(mapping.values())


@node(id="collections.items", name="Items")
def items(mapping: dict[Any, Any]) -> list[list[Any]]:
    """The entries of a dict as [key, value] pairs."""
    return [[k, v] for k, v in mapping.items()]


@node(id="collections.merge", name="Merge Dicts")
def merge(
    a: OptionalDict = None,
    b: OptionalDict = None,
    deep: Annotated[
        bool, Input(description="merge nested dicts instead of replacing them")
    ] = False,
) -> dict[Any, Any]:
    """The entries of a and b together; b wins where both have a key."""
    if deep:
        return _deep_merge(a or {}, b or {})
    return {**(a or {}), **(b or {})}


def _deep_merge(a: Mapping[Any, Any], b: Mapping[Any, Any]) -> dict[Any, Any]:
    out = dict(a)
    for k, v in b.items():
        old = out.get(k)
        out[k] = _deep_merge(old, v) if isinstance(old, Mapping) and isinstance(v, Mapping) else v
    return out


NODE_SHELF = Shelf(
    name="collections",
    description="Collections: pick, slice, sort, reshape and count lists and dicts.",
    nodes=[
        list_constant,
        to_list,
        get,
        dict_get,
        pluck,
        slice_items,
        length,
        count,
        value_counts,
        sort,
        reverse,
        unique,
        zip_lists,
        keys,
        values,
        items,
        merge,
    ],
)
