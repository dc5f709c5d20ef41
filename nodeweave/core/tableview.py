"""Sorted and filtered views of pandas tables, for the data grid (pure pandas, no I/O).

:func:`parse_query` checks a request — a sort column, a direction and a list of filters — and
gives a frozen :class:`TableQuery`; :func:`apply_query` applies it to a DataFrame or Series and
gives a :class:`TableView`: the source table plus the positions of the rows that pass the
filters, in sort order. :class:`ViewCache` keeps the row order of the last few views, so that
paging through a sorted 1,000,000-row table slices instead of sorting again.

Filters (all must hold)::

    {"column": "price", "op": ">=", "value": 10}
    {"column": "when", "op": "between", "value": "2024-01-01", "value2": "2024-06-30"}

``op`` is one of :data:`OPS`. ``contains`` is a case-insensitive substring match on the text of
the cell (any column). The comparisons coerce ``value`` (and ``value2``) to the column's kind:
numbers (from numbers or numeric text), bools (``true``/``false``/``1``/``0``), datetimes and
durations (from ISO text; a naive time on a tz-aware column is read in the column's zone), and
text for everything else (object, string and category columns compare the text of their
cells). Null cells match ``isnull`` only, and ``!=`` (the complement of ``==``).

Sorting is stable, nulls last in both directions; an object column whose values cannot be
ordered together is sorted by its text. Columns are named by their text as the full value shows
them (``str`` labels as they are, others by their ``repr``); a Series' one column is its name or
``"value"``.

pandas and numpy are never imported here at import time: the functions that need them take them
from ``sys.modules`` (a table exists, so pandas is loaded).
"""

from __future__ import annotations

import collections
import dataclasses
import math
import operator
import sys
import threading
import weakref
from collections.abc import Callable, Hashable
from typing import Any, Final

from .errors import InvalidValueError
from .lazytypes import imported

OPS: Final = ("contains", "==", "!=", "<", "<=", ">", ">=", "between", "isnull", "notnull")
_COMPARE: Final[dict[str, Callable[[Any, Any], Any]]] = {
    "==": operator.eq,
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
}
_NO_VALUE_OPS: Final = ("isnull", "notnull")
_SCALARS: Final = (str, int, float, bool, type(None))
_TRUE: Final = frozenset({"true", "1", "yes"})
_FALSE: Final = frozenset({"false", "0", "no"})


@dataclasses.dataclass(frozen=True, slots=True)
class Filter:
    """One condition: ``column op value`` (``value2`` is the upper bound of ``between``)."""

    column: str
    op: str
    value: str | int | float | bool | None = None
    value2: str | int | float | bool | None = None

    def key(self) -> Hashable:
        # Typed: True == 1 == 1.0 as dict keys, but "True" and "1" differ on a text column.
        return (self.column, self.op, type(self.value), self.value, type(self.value2), self.value2)


@dataclasses.dataclass(frozen=True, slots=True)
class TableQuery:
    """What a view of a table shows: the rows passing ``filters``, ordered by ``sort``."""

    sort: str | None = None
    descending: bool = False
    filters: tuple[Filter, ...] = ()

    @property
    def active(self) -> bool:
        """False when the view is the table as it is (no sort, no filter)."""
        return self.sort is not None or bool(self.filters)

    def key(self) -> Hashable:
        return (self.sort, self.descending, tuple(f.key() for f in self.filters))


NO_QUERY: Final = TableQuery()


@dataclasses.dataclass(frozen=True, slots=True, eq=False)
class TableView:
    """Rows of ``table`` (a DataFrame or Series): all in order, or those at ``positions``."""

    table: Any
    positions: Any
    """A numpy integer array of row positions in view order; ``None`` = every row, in order."""
    unfiltered: int
    """The row count of ``table``."""

    @property
    def total(self) -> int:
        """The row count of the view (after filtering)."""
        return self.unfiltered if self.positions is None else len(self.positions)

    def rows(self, start: int, stop: int | None = None) -> Any:
        """The view's rows ``start:stop`` as a DataFrame/Series (labels kept)."""
        if self.positions is None:
            return self.table.iloc[start:stop]
        return self.table.iloc[self.positions[start:stop]]

    def whole(self) -> Any:
        """The whole view as a DataFrame/Series."""
        return self.table if self.positions is None else self.table.iloc[self.positions]


def parse_query(
    sort: str | None = None, descending: bool = False, filters: Any = None
) -> TableQuery:
    """Check the shape of a sort + filter request (``filters`` as decoded from JSON).

    Raises :class:`InvalidValueError` for a filter that is not an object with a text
    ``column`` and a known ``op``, a non-scalar value, or a missing value the op needs. Whether
    the columns exist is checked when the query is applied to a table.
    """
    if filters is None:
        filters = []
    if not isinstance(filters, list):
        raise InvalidValueError(
            f"filter must be a JSON list of conditions, got {type(filters).__name__}"
        )
    parsed = tuple(_parse_filter(i, item) for i, item in enumerate(filters))
    return TableQuery(sort=sort or None, descending=bool(descending), filters=parsed)


def _parse_filter(i: int, item: Any) -> Filter:
    where = f"filter {i}"
    if not isinstance(item, dict):
        raise InvalidValueError(
            f'{where} must be an object {{"column", "op", "value"}}, got {type(item).__name__}'
        )
    column, op = item.get("column"), item.get("op")
    if not isinstance(column, str) or not column:
        raise InvalidValueError(f"{where} needs a column name (text)", details={"filter": i})
    if op not in OPS:
        raise InvalidValueError(
            f"{where}: unknown op {op!r}; the ops are {', '.join(OPS)}",
            details={"filter": i, "op": str(op), "ops": list(OPS)},
        )
    value, value2 = item.get("value"), item.get("value2")
    for name, v in (("value", value), ("value2", value2)):
        if not isinstance(v, _SCALARS) or (isinstance(v, float) and math.isnan(v)):
            raise InvalidValueError(
                f"{where} ({column!r}): {name} must be text, a number, a bool or null",
                details={"filter": i, "column": column},
            )
    if op in _NO_VALUE_OPS:
        return Filter(column, op)
    if value is None or (op == "between" and value2 is None):
        needs = "value and value2" if op == "between" else "a value"
        raise InvalidValueError(
            f"{where} ({column!r} {op}) needs {needs}", details={"filter": i, "column": column}
        )
    return Filter(column, op, value, value2 if op == "between" else None)


# --- applying a query ------------------------------------------------------------------------


def column_labels(table: Any) -> list[str]:
    """The text names of a table's columns (a Series: its name, else ``"value"``)."""
    from .fullvalue import safe_repr, utf8_safe  # fullvalue imports this module

    pd = sys.modules["pandas"]
    if isinstance(table, pd.Series):
        name = table.name
        if name is None:
            return ["value"]
        return [utf8_safe(name) if isinstance(name, str) else safe_repr(name)]
    return [utf8_safe(c) if isinstance(c, str) else safe_repr(c) for c in table.columns]


def apply_query(table: Any, query: TableQuery) -> TableView:
    """The view of ``table`` (DataFrame or Series) that ``query`` describes.

    Raises :class:`InvalidValueError` for a value that is not a table (when the query is
    active), an unknown column (naming the ones there are) or a value the column cannot hold.
    """
    pd = imported("pandas")
    if pd is None or not isinstance(table, pd.DataFrame | pd.Series):
        if not query.active:
            return TableView(table, None, len(table))
        raise InvalidValueError(
            f"sort and filter apply to tables (DataFrame, Series), not to a {type(table).__name__}",
            details={"type": type(table).__name__},
        )
    total = len(table)
    if not query.active:
        return TableView(table, None, total)
    np = sys.modules["numpy"]
    labels = column_labels(table)
    positions: Any = None
    if query.filters:
        mask = np.ones(total, dtype=bool)
        for f in query.filters:
            mask &= _mask(_column(table, labels, f.column), f, pd)
        positions = np.flatnonzero(mask)
    if query.sort is not None:
        column = _column(table, labels, query.sort)
        if positions is not None:
            column = column.iloc[positions]
        order = _sort_order(column, query.descending, pd)
        positions = order if positions is None else positions[order]
    return TableView(table, positions, total)


def _column(table: Any, labels: list[str], name: str) -> Any:
    pd = sys.modules["pandas"]
    if isinstance(table, pd.Series):
        if name in labels or name == "value":
            return table
    elif name in labels:
        return table.iloc[:, labels.index(name)]
    raise InvalidValueError(
        f"no column {name!r}; the columns are {', '.join(map(repr, labels)) or '(none)'}",
        details={"column": name, "columns": labels},
    )


def _sort_order(column: Any, descending: bool, pd: Any) -> Any:
    """Positions (within ``column``) in sorted order: stable, nulls last."""
    plain = column.reset_index(drop=True)
    try:
        ordered = plain.sort_values(ascending=not descending, kind="stable", na_position="last")
    except TypeError:  # an object column mixing kinds that do not compare: by their text
        ordered = _as_text(plain, pd).sort_values(
            ascending=not descending, kind="stable", na_position="last"
        )
    return ordered.index.to_numpy()


def _kind(dtype: Any, pd: Any) -> str:
    types = pd.api.types
    if types.is_bool_dtype(dtype):
        return "bool"
    if types.is_datetime64_any_dtype(dtype):
        return "datetime"
    if types.is_timedelta64_dtype(dtype):
        return "timedelta"
    if types.is_numeric_dtype(dtype) and not types.is_complex_dtype(dtype):
        return "number"
    return "text"


def _as_text(column: Any, pd: Any) -> Any:
    """The cells' text; nulls stay null."""
    if isinstance(column.dtype, pd.StringDtype):
        return column
    return column.astype(str).where(column.notna())


def _mask(column: Any, f: Filter, pd: Any) -> Any:
    """A numpy bool array: the rows of ``column`` that pass ``f``."""
    if f.op == "isnull":
        return column.isna().to_numpy(dtype=bool)
    if f.op == "notnull":
        return column.notna().to_numpy(dtype=bool)
    if f.op == "contains":
        text = _as_text(column, pd)
        found = text.str.contains(str(f.value), case=False, regex=False, na=False)
        return found.to_numpy(dtype=bool, na_value=False)
    kind = _kind(column.dtype, pd)
    if kind == "text":
        column = _as_text(column, pd)
    value = _coerce(f, f.value, kind, column.dtype, pd)
    try:
        if f.op == "between":
            high = _coerce(f, f.value2, kind, column.dtype, pd)
            result = (column >= value) & (column <= high)
        else:
            result = _COMPARE["==" if f.op == "!=" else f.op](column, value)
        mask = result.to_numpy(dtype=bool, na_value=False) & column.notna().to_numpy(dtype=bool)
    except TypeError as exc:  # e.g. an object column holding values that do not compare
        raise InvalidValueError(
            f"cannot compare column {f.column!r} with {f.value!r}: {exc}",
            details={"column": f.column},
        ) from None
    return ~mask if f.op == "!=" else mask


def _coerce(f: Filter, value: Any, kind: str, dtype: Any, pd: Any) -> Any:
    """``value`` as the column's kind, or :class:`InvalidValueError` naming the column."""
    try:
        if kind == "number":
            return _number(value)
        if kind == "bool":
            return _bool(value)
        if kind == "datetime":
            if not isinstance(value, str):
                raise ValueError("expected ISO date/time text")
            stamp = pd.Timestamp(value)
            if stamp is pd.NaT:
                raise ValueError("not a date/time")
            zone = getattr(dtype, "tz", None)
            if zone is not None:
                return stamp.tz_localize(zone) if stamp.tzinfo is None else stamp.tz_convert(zone)
            return stamp.tz_convert(None) if stamp.tzinfo is not None else stamp
        if kind == "timedelta":
            if not isinstance(value, str):
                raise ValueError("expected duration text")
            return pd.Timedelta(value)
    except (ValueError, TypeError, OverflowError) as exc:
        raise InvalidValueError(
            f"filter on {f.column!r} ({dtype}): cannot read {value!r} as a {kind} ({exc})",
            details={"column": f.column, "dtype": str(dtype), "value": repr(value)},
        ) from None
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _number(value: Any) -> int | float:
    if isinstance(value, bool):
        raise TypeError("expected a number, got a bool")
    if isinstance(value, int | float):
        return value
    if isinstance(value, str):
        text = value.strip()
        try:
            return int(text)
        except ValueError:
            number = float(text)  # ValueError for text that is no number
            if math.isnan(number):
                raise ValueError("NaN never compares") from None
            return number
    raise TypeError(f"expected a number, got {type(value).__name__}")


def _bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float) and value in (0, 1):
        return bool(value)
    if isinstance(value, str) and value.strip().lower() in _TRUE | _FALSE:
        return value.strip().lower() in _TRUE
    raise ValueError("expected true or false")


# --- a cache of views ------------------------------------------------------------------------


@dataclasses.dataclass(slots=True)
class _Entry:
    ref: Callable[[], Any]
    guard: tuple[Any, ...]
    positions: Any
    unfiltered: int


class ViewCache:
    """The row order of the last ``size`` views computed (LRU), per table object and query.

    An entry holds a weak reference to its table (a strong one if the type refuses weak
    references), so a table replaced by a new output value is neither kept alive nor confused
    with a new object that reuses its ``id``; a guard (shape, column labels and dtypes) catches
    a table changed in place. Thread-safe: views are computed off the event loop.
    """

    def __init__(self, size: int = 4) -> None:
        self.size = size
        self._entries: collections.OrderedDict[Hashable, _Entry] = collections.OrderedDict()
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def __len__(self) -> int:
        return len(self._entries)

    def view(self, table: Any, query: TableQuery) -> TableView:
        """:func:`apply_query`, from the cache when this table and query were seen last."""
        if not query.active:
            return apply_query(table, query)
        key = (id(table), query.key())
        guard = _guard(table)
        with self._lock:
            entry = self._entries.get(key)
            if entry is not None and entry.ref() is table and entry.guard == guard:
                self._entries.move_to_end(key)
                self.hits += 1
                return TableView(table, entry.positions, entry.unfiltered)
        view = apply_query(table, query)
        try:
            ref: Callable[[], Any] = weakref.ref(table)
        except TypeError:
            ref = lambda: table  # noqa: E731
        with self._lock:
            self.misses += 1
            self._entries[key] = _Entry(ref, guard, view.positions, view.unfiltered)
            self._entries.move_to_end(key)
            for k in [k for k, e in self._entries.items() if e.ref() is None]:
                del self._entries[k]
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)
        return view

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


def _guard(table: Any) -> tuple[Any, ...]:
    pd = sys.modules["pandas"]
    if isinstance(table, pd.Series):
        return (table.shape, table.name, table.dtype)
    return (table.shape, tuple(table.columns), tuple(table.dtypes))
