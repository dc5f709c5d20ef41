"""Tables: look at, filter, reshape, combine and summarise pandas DataFrames.

Column inputs are pickers over the columns of the node's table (``Input(options_from=…)``); a
column that is not there is an error naming it and listing the ones that are. Nodes never change
their input tables: each returns a new one. pandas is imported when a node first runs.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Annotated, Any, Literal

from nodeweave.core.library import Shelf
from nodeweave.core.schema import Input
from nodeweave.core.spec import node

from ._reshape import concat, from_dict, from_records, group_by, melt, merge, pivot
from ._tables import Column, Columns, column_list, require_columns, require_frame
from .numbers import COMPARISONS

if TYPE_CHECKING:
    from pandas import DataFrame, Series
else:
    from nodeweave.core.lazytypes import DataFrame, Series

Count = Annotated[int, Input(min=0, description="how many rows")]

FilterOp = Literal[
    "==", "!=", "<", "<=", ">", ">=", "contains", "startswith", "isin", "isnull", "notnull"
]


# --- value coercion -------------------------------------------------------------------------


def coerce_value(value: Any, column: Series, name: str) -> Any:
    """A value typed as text (or sent as JSON) converted to the dtype of ``column``.

    ``"12"`` becomes 12 for a number column, ``"yes"`` True for a boolean one, ``"2024-05-01"`` a
    timestamp for a date column; text columns keep the text. A value that cannot be converted is
    an error naming the column and its type.
    """
    import pandas as pd
    from pandas.api import types as ptypes

    dtype = column.dtype
    if ptypes.is_bool_dtype(dtype):
        if isinstance(value, bool):
            return value
        text = str(value).strip().lower()
        if text in ("true", "yes", "1"):
            return True
        if text in ("false", "no", "0"):
            return False
        raise ValueError(f"{value!r} is not true or false; column {name!r} holds booleans")
    if ptypes.is_numeric_dtype(dtype):
        if isinstance(value, int | float) and not isinstance(value, bool):
            return value
        text = str(value).strip()
        try:
            return int(text)
        except ValueError:
            pass
        try:
            return float(text)
        except ValueError:
            raise ValueError(
                f"{value!r} is not a number; column {name!r} holds numbers ({dtype})"
            ) from None
    if ptypes.is_datetime64_any_dtype(dtype):
        try:
            stamp = pd.Timestamp(value)
        except (ValueError, TypeError):
            raise ValueError(
                f"{value!r} is not a date or time; column {name!r} holds dates ({dtype})"
            ) from None
        zone = getattr(dtype, "tz", None)
        if zone is not None and stamp.tzinfo is None:
            stamp = stamp.tz_localize(zone)
        elif zone is None and stamp.tzinfo is not None:
            stamp = stamp.tz_convert(None)
        return stamp
    if isinstance(value, str) or value is None:
        return value
    return str(value) if ptypes.is_string_dtype(dtype) else value


def _value_list(value: Any) -> list[Any]:
    """The items of an ``isin`` value: a list, a JSON list, or comma-separated text."""
    if isinstance(value, list | tuple | set):
        return list(value)
    if isinstance(value, str):
        text = value.strip()
        if text.startswith("["):
            try:
                parsed = json.loads(text)
            except json.JSONDecodeError as exc:
                raise ValueError(f"{value!r} is not a JSON list: {exc}") from None
            if isinstance(parsed, list):
                return parsed
        return [part.strip() for part in text.split(",")] if text else []
    return [value]


# --- looking at a table ---------------------------------------------------------------------


@node(id="tables.head", name="Head")
def head(table: DataFrame, n: Count = 5) -> DataFrame:
    """The first n rows of a table."""
    return require_frame(table).head(n)


@node(id="tables.sample", name="Sample Rows")
def sample(
    table: DataFrame,
    n: Count = 5,
    seed: Annotated[int | None, Input(description="same seed, same rows; empty for fresh")] = 0,
) -> DataFrame:
    """n rows picked at random (all rows, shuffled, if the table has fewer)."""
    require_frame(table)
    return table.sample(n=min(n, len(table)), random_state=seed)


@node(id="tables.shape", name="Shape", outputs=["rows", "columns"])
def shape(table: DataFrame) -> tuple[int, int]:
    """The number of rows and columns of a table."""
    rows, columns = require_frame(table).shape
    return int(rows), int(columns)


@node(id="tables.describe", name="Describe")
def describe(
    table: DataFrame,
    include: Annotated[
        Literal["numbers", "all"],
        Input(description="summarise number columns only, or every column"),
    ] = "numbers",
) -> DataFrame:
    """Summary statistics of the columns (count, mean, spread, quartiles, …)."""
    require_frame(table)
    if table.shape[1] == 0:
        raise ValueError("the table has no columns to describe")
    numbers = table.select_dtypes(include="number")
    if include == "all" or numbers.shape[1] == 0:
        result = table.describe(include="all")
    else:
        result = table.describe()
    return result.reset_index(names="statistic")


@node(id="tables.value_counts", name="Value Counts")
def value_counts(
    table: DataFrame,
    column: Column,
    normalize: Annotated[bool, Input(description="shares of the total instead of counts")] = False,
    dropna: Annotated[bool, Input(description="leave missing values out")] = True,
) -> DataFrame:
    """How often each value of a column occurs, most frequent first."""
    require_frame(table)
    require_columns(table, column)
    counts = table[column].value_counts(normalize=normalize, dropna=dropna)
    return counts.reset_index()


@node(id="tables.column", name="Column")
def get_column(table: DataFrame, column: Column) -> Series:
    """One column of a table, as a Series."""
    require_frame(table)
    require_columns(table, column)
    return table[column]


@node(id="tables.column_to_list", name="Column to List")
def column_to_list(table: DataFrame, column: Column) -> list[Any]:
    """The values of one column, as a list."""
    require_frame(table)
    require_columns(table, column)
    values: list[Any] = table[column].tolist()
    return values


# --- choosing rows and columns --------------------------------------------------------------


@node(id="tables.select_columns", name="Select Columns")
def select_columns(table: DataFrame, columns: Columns) -> DataFrame:
    """Only the chosen columns, in the order chosen."""
    require_frame(table)
    return table[require_columns(table, columns)]


@node(id="tables.drop_columns", name="Drop Columns")
def drop_columns(table: DataFrame, columns: Columns) -> DataFrame:
    """The table without the chosen columns."""
    require_frame(table)
    return table.drop(columns=require_columns(table, columns))


@node(id="tables.rename_column", name="Rename Column")
def rename_column(
    table: DataFrame,
    column: Column,
    new_name: Annotated[str, Input(description="the column's new name")],
) -> DataFrame:
    """The table with one column renamed."""
    require_frame(table)
    require_columns(table, column)
    if not new_name:
        raise ValueError("the new column name is empty")
    if new_name != column and new_name in set(table.columns):
        raise ValueError(f"the table already has a column {new_name!r}")
    return table.rename(columns={column: new_name})


@node(id="tables.query", name="Query Rows")
def query(
    table: DataFrame,
    expression: Annotated[
        str,
        Input(
            widget="textarea",
            description="a pandas query, e.g. units > 10 and region == 'North' "
            "(`backticks` around names with spaces)",
        ),
    ],
) -> DataFrame:
    """The rows for which a pandas query expression is true."""
    require_frame(table)
    if not expression.strip():
        raise ValueError("the query is empty: write a condition such as units > 10")
    try:
        return table.query(expression)
    except NameError as exc:  # pandas' UndefinedVariableError
        raise ValueError(f"{exc}; the columns are {column_list(table.columns)}") from None
    except SyntaxError as exc:
        raise ValueError(f"the query {expression!r} is not valid: {exc.msg}") from None


@node(id="tables.filter_rows", name="Filter Rows")
def filter_rows(
    table: DataFrame,
    column: Column,
    op: Annotated[FilterOp, Input(description="how the column's values are compared")] = "==",
    value: Annotated[
        Any,
        Input(
            widget="text",
            description="what to compare with (converted to the column's type); "
            "for isin a JSON list or comma-separated values",
        ),
    ] = "",
    ignore_case: Annotated[
        bool, Input(description="contains / startswith ignore upper and lower case")
    ] = False,
) -> DataFrame:
    """The rows whose value in a column passes a comparison."""

    require_frame(table)
    require_columns(table, column)
    series = table[column]
    if op == "isnull":
        mask = series.isna()
    elif op == "notnull":
        mask = series.notna()
    elif op in ("contains", "startswith"):
        text = series.astype("string")
        needle = "" if value is None else str(value)
        if op == "contains":
            mask = text.str.contains(needle, case=not ignore_case, regex=False, na=False)
        elif ignore_case:
            mask = text.str.lower().str.startswith(needle.lower(), na=False)
        else:
            mask = text.str.startswith(needle, na=False)
    elif op == "isin":
        items = [coerce_value(v, series, column) for v in _value_list(value)]
        mask = series.isin(items)
    else:
        compare = COMPARISONS.get(op)
        if compare is None:
            raise ValueError(f"unknown operator {op!r}")
        target = coerce_value(value, series, column)
        try:
            mask = compare(series, target)
        except TypeError as exc:
            raise TypeError(
                f"cannot compare column {column!r} ({series.dtype}) with {target!r}: {exc}"
            ) from None
        mask = mask.fillna(False).astype(bool)
    return table[mask]


@node(id="tables.sort", name="Sort")
def sort(table: DataFrame, column: Column, ascending: bool = True) -> DataFrame:
    """The rows ordered by one column (missing values last)."""
    require_frame(table)
    require_columns(table, column)
    try:
        return table.sort_values(column, ascending=ascending, na_position="last", kind="stable")
    except TypeError as exc:
        raise TypeError(f"column {column!r} mixes values that cannot be ordered: {exc}") from None


@node(id="tables.drop_missing", name="Drop Missing")
def drop_missing(
    table: DataFrame,
    how: Annotated[
        Literal["any", "all"],
        Input(description="drop a row when any, or all, of the columns are missing"),
    ] = "any",
    subset: Annotated[
        list[str],
        Input(options_from="table", description="the columns to look at; empty: all of them"),
    ] = [],  # noqa: B006 - never mutated; a list default is what the UI edits
) -> DataFrame:
    """The rows without missing values."""
    require_frame(table)
    columns = require_columns(table, subset) if subset else None
    return table.dropna(how=how, subset=columns)


@node(id="tables.fill_missing", name="Fill Missing")
def fill_missing(
    table: DataFrame,
    method: Annotated[
        Literal["value", "ffill", "bfill"],
        Input(description="a fixed value, the previous row's value, or the next row's"),
    ] = "value",
    value: Annotated[
        Any, Input(widget="text", description="the fill value (converted to each column's type)")
    ] = "0",
    columns: Annotated[
        list[str],
        Input(options_from="table", description="the columns to fill; empty: all of them"),
    ] = [],  # noqa: B006 - never mutated; a list default is what the UI edits
) -> DataFrame:
    """Missing values replaced by a value or by their neighbours."""
    require_frame(table)
    chosen = require_columns(table, columns) if columns else list(table.columns)
    result = table.copy()
    for name in chosen:
        series = result[name]
        if not series.isna().any():
            continue
        if method == "ffill":
            result[name] = series.ffill()
        elif method == "bfill":
            result[name] = series.bfill()
        else:
            result[name] = series.fillna(coerce_value(value, series, str(name)))
    return result


@node(id="tables.add_column", name="Add Column")
def add_column(
    table: DataFrame,
    expression: Annotated[
        str,
        Input(
            widget="textarea",
            description="a pandas expression over the columns, e.g. units * unit_price",
        ),
    ],
    name: Annotated[str, Input(description="the new column's name")] = "new_column",
) -> DataFrame:
    """The table with a column computed from the others by an expression."""
    require_frame(table)
    if not name:
        raise ValueError("the new column needs a name")
    if not expression.strip():
        raise ValueError("the expression is empty: write one such as units * unit_price")
    try:
        computed = table.eval(expression)
    except NameError as exc:
        raise ValueError(f"{exc}; the columns are {column_list(table.columns)}") from None
    except SyntaxError as exc:
        raise ValueError(f"the expression {expression!r} is not valid: {exc.msg}") from None
    return table.assign(**{name: computed})


NODE_SHELF = Shelf(
    name="tables",
    description="Tables: filter, reshape, combine and summarise pandas DataFrames.",
    nodes=[
        head,
        sample,
        shape,
        describe,
        value_counts,
        get_column,
        column_to_list,
        select_columns,
        drop_columns,
        rename_column,
        query,
        filter_rows,
        sort,
        drop_missing,
        fill_missing,
        add_column,
        group_by,
        pivot,
        melt,
        merge,
        concat,
        from_records,
        from_dict,
    ],
)
