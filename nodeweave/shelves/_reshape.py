"""Tables, continued: group, pivot, melt, merge and concatenate DataFrames, or build them.

Part of the ``tables`` shelf (its module, :mod:`nodeweave.shelves.tables`, lists these nodes
with the others); kept apart so that each module holds one concern.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any, Literal

from nodeweave.core.schema import Input
from nodeweave.core.spec import node

from ._tables import require_columns, require_frame

if TYPE_CHECKING:
    from pandas import DataFrame
else:
    from nodeweave.core.lazytypes import DataFrame


Agg = Literal["sum", "mean", "median", "min", "max", "count", "nunique", "std"]
_NUMERIC_AGGS = frozenset({"sum", "mean", "median", "std"})


# --- reshaping and summarising --------------------------------------------------------------


@node(id="tables.group_by", name="Group By", executor="thread")
def group_by(
    table: DataFrame,
    by: Annotated[list[str], Input(options_from="table", description="the columns to group by")],
    value: Annotated[
        str, Input(options_from="table", description="the column to aggregate in each group")
    ],
    agg: Annotated[Agg, Input(description="how each group's values are combined")] = "sum",
) -> DataFrame:
    """One row per group: the group's columns and the aggregated value column."""
    from pandas.api import types as ptypes

    require_frame(table)
    if not by:
        raise ValueError("pick at least one column to group by")
    require_columns(table, [*by, value])
    if value in by:
        raise ValueError(f"column {value!r} cannot be both grouped by and aggregated")
    dtype = table[value].dtype
    if agg in _NUMERIC_AGGS and not (
        ptypes.is_numeric_dtype(dtype)
        or (agg in ("mean", "median") and ptypes.is_datetime64_any_dtype(dtype))
    ):
        raise TypeError(f"cannot take the {agg} of column {value!r}: it holds {dtype}, not numbers")
    grouped = table.groupby(list(by), dropna=False, sort=True)[value].agg(agg)
    return grouped.reset_index()


@node(id="tables.pivot", name="Pivot", executor="thread")
def pivot(
    table: DataFrame,
    index: Annotated[str, Input(options_from="table", description="the column giving the rows")],
    columns: Annotated[
        str, Input(options_from="table", description="the column whose values become columns")
    ],
    values: Annotated[str, Input(options_from="table", description="the column filling the cells")],
    aggfunc: Annotated[Agg, Input(description="how values meeting in one cell combine")] = "sum",
) -> DataFrame:
    """A spreadsheet-style pivot table: one row per index value, one column per columns value."""
    import pandas as pd

    require_frame(table)
    require_columns(table, [index, columns, values])
    if len({index, columns, values}) < 3:
        raise ValueError("index, columns and values must be three different columns")
    try:
        result = pd.pivot_table(
            table, index=index, columns=columns, values=values, aggfunc=aggfunc, observed=True
        )
    except TypeError as exc:
        raise TypeError(f"cannot take the {aggfunc} of column {values!r}: {exc}") from None
    result.columns = [str(c) for c in result.columns]
    return result.reset_index()


@node(id="tables.melt", name="Melt")
def melt(
    table: DataFrame,
    id_columns: Annotated[
        list[str], Input(options_from="table", description="columns kept as they are")
    ] = [],  # noqa: B006 - never mutated; a list default is what the UI edits
    value_columns: Annotated[
        list[str],
        Input(options_from="table", description="columns turned into rows; empty: all others"),
    ] = [],  # noqa: B006 - never mutated; a list default is what the UI edits
    var_name: Annotated[str, Input(description="name of the column of former column names")] = (
        "variable"
    ),
    value_name: Annotated[str, Input(description="name of the column of values")] = "value",
) -> DataFrame:
    """Wide to long: the chosen columns become rows of (variable, value) pairs."""
    import pandas as pd

    require_frame(table)
    ids = require_columns(table, id_columns)
    values = require_columns(table, value_columns) if value_columns else None
    clash = {var_name, value_name} & set(table.columns)
    if clash:
        raise ValueError(f"the table already has a column {sorted(clash)[0]!r}; pick other names")
    return pd.melt(table, id_vars=ids, value_vars=values, var_name=var_name, value_name=value_name)


@node(id="tables.merge", name="Merge", executor="thread")
def merge(
    left: DataFrame,
    right: DataFrame,
    how: Annotated[
        Literal["inner", "left", "right", "outer", "cross"],
        Input(description="which rows to keep: matching ones, all of one side, or all"),
    ] = "inner",
    on: Annotated[
        list[str],
        Input(
            options_from="left",
            description="key columns in both tables; empty: the columns they share",
        ),
    ] = [],  # noqa: B006 - never mutated; a list default is what the UI edits
    left_on: Annotated[
        list[str], Input(options_from="left", description="key columns of left (with right_on)")
    ] = [],  # noqa: B006 - never mutated; a list default is what the UI edits
    right_on: Annotated[
        list[str], Input(options_from="right", description="key columns of right (with left_on)")
    ] = [],  # noqa: B006 - never mutated; a list default is what the UI edits
) -> DataFrame:
    """Join two tables on key columns, like a database join."""
    import pandas as pd

    require_frame(left, "left")
    require_frame(right, "right")
    if how == "cross":
        return pd.merge(left, right, how="cross")
    if left_on or right_on:
        if len(left_on) != len(right_on):
            raise ValueError(
                f"left_on names {len(left_on)} columns and right_on {len(right_on)}; "
                "they are matched in pairs"
            )
        lkeys = require_columns(left, left_on, name="left")
        rkeys = require_columns(right, right_on, name="right")
        return _merge(left, right, how=how, left_on=lkeys, right_on=rkeys)
    keys = list(on)
    if keys:
        require_columns(left, keys, name="left")
        require_columns(right, keys, name="right")
    else:
        shared = set(right.columns)
        keys = [c for c in left.columns if c in shared]
        if not keys:
            raise ValueError(
                "left and right share no column: pick the key columns with on, "
                "or with left_on and right_on"
            )
    return _merge(left, right, how=how, on=keys)


def _merge(left: DataFrame, right: DataFrame, **kwargs: Any) -> DataFrame:
    import pandas as pd

    try:
        return pd.merge(left, right, **kwargs)
    except ValueError as exc:  # e.g. "You are trying to merge on int64 and str columns"
        raise ValueError(f"cannot merge: {exc}") from None


@node(id="tables.concat", name="Concatenate")
def concat(
    first: DataFrame,
    second: DataFrame,
    third: DataFrame | None = None,
    axis: Annotated[
        Literal["rows", "columns"],
        Input(description="stack the tables below each other, or side by side"),
    ] = "rows",
    ignore_index: Annotated[
        bool, Input(description="number the rows afresh (stacking rows)")
    ] = True,
) -> DataFrame:
    """Two or three tables stacked below each other or placed side by side."""
    import pandas as pd

    tables = [require_frame(first, "first"), require_frame(second, "second")]
    if third is not None:
        tables.append(require_frame(third, "third"))
    if axis == "columns":
        return pd.concat(tables, axis=1)
    return pd.concat(tables, axis=0, ignore_index=ignore_index)


# --- building tables ------------------------------------------------------------------------


@node(id="tables.from_records", name="Table from Records")
def from_records(
    records: Annotated[
        list[dict[str, Any]],
        Input(widget="json", description='rows as objects, e.g. [{"a": 1, "b": "x"}]'),
    ],
) -> DataFrame:
    """A table built from a list of records (one dict per row)."""
    import pandas as pd

    return pd.DataFrame.from_records(list(records))


@node(id="tables.from_dict", name="Table from Columns")
def from_dict(
    data: Annotated[
        dict[str, list[Any]],
        Input(widget="json", description='columns as lists, e.g. {"a": [1, 2], "b": ["x", "y"]}'),
    ],
) -> DataFrame:
    """A table built from a dict of columns (one list per column, all the same length)."""
    import pandas as pd

    lengths = {name: len(values) for name, values in data.items()}
    if len(set(lengths.values())) > 1:
        listed = ", ".join(f"{name}: {n}" for name, n in lengths.items())
        raise ValueError(f"all columns need the same length; got {listed}")
    return pd.DataFrame(dict(data))
