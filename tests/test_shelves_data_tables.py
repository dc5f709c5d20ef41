"""The tables shelf: pandas DataFrame nodes, their column pickers and their error messages."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from typing import Any

import numpy as np
import pandas as pd
import pytest

from nodeweave import Library, NodeSpace, Status
from nodeweave.core.errors import InvalidValueError
from nodeweave.core.spec import spec_of
from nodeweave.shelves import builtin_shelves
from nodeweave.shelves import tables as tb
from nodeweave.shelves._tables import ColumnNotFoundError, require_columns


@pytest.fixture
def sales() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "day": pd.to_datetime(["2024-01-01", "2024-01-02", "2024-01-03", "2024-01-04"]),
            "region": ["North", "South", "North", "East"],
            "units": [3, 5, np.nan, 9],
            "price": [2.0, 1.5, 2.0, 3.0],
            "ok": [True, False, True, True],
        }
    )


EMPTY = pd.DataFrame({"region": pd.Series([], dtype="str"), "units": pd.Series([], dtype=float)})


# --- the column helper ----------------------------------------------------------------------


def test_require_columns_names_the_missing_ones_and_lists_the_rest(sales: pd.DataFrame) -> None:
    assert require_columns(sales, "units") == ["units"]
    assert require_columns(sales, ["units", "day"]) == ["units", "day"]
    with pytest.raises(ColumnNotFoundError) as info:
        require_columns(sales, ["units", "colour", "size"])
    message = str(info.value)
    assert message.startswith("columns 'colour', 'size' not in table;")
    assert "'day', 'region', 'units', 'price', 'ok'" in message
    assert isinstance(info.value, KeyError)
    with pytest.raises(ColumnNotFoundError, match="a column name is empty"):
        require_columns(sales, "")
    wide = pd.DataFrame({f"c{i}": [i] for i in range(40)})
    with pytest.raises(ColumnNotFoundError, match=r"'c29', … and 10 more"):
        require_columns(wide, "x")


# --- every node that takes one table: typical use, empty table, missing column, wrong type --

CASES: list[tuple[str, Callable[..., Any], dict[str, Any], str | None]] = [
    ("head", tb.head, {"n": 2}, None),
    ("sample", tb.sample, {"n": 2, "seed": 1}, None),
    ("describe", tb.describe, {}, None),
    ("value_counts", tb.value_counts, {"column": "region"}, "column"),
    ("column", tb.get_column, {"column": "units"}, "column"),
    ("column_to_list", tb.column_to_list, {"column": "region"}, "column"),
    ("select_columns", tb.select_columns, {"columns": ["units", "region"]}, "columns"),
    ("drop_columns", tb.drop_columns, {"columns": ["units"]}, "columns"),
    ("rename_column", tb.rename_column, {"column": "units", "new_name": "n"}, "column"),
    ("query", tb.query, {"expression": "units > 3"}, None),
    ("filter_rows", tb.filter_rows, {"column": "units", "op": ">", "value": "3"}, "column"),
    ("sort", tb.sort, {"column": "units"}, "column"),
    ("drop_missing", tb.drop_missing, {"subset": ["units"]}, "subset"),
    ("fill_missing", tb.fill_missing, {"columns": ["units"]}, "columns"),
    ("add_column", tb.add_column, {"expression": "units * 2", "name": "double"}, None),
    ("group_by", tb.group_by, {"by": ["region"], "value": "units"}, "value"),
    ("melt", tb.melt, {"id_columns": ["region"]}, "id_columns"),
]


@pytest.mark.parametrize(("name", "fn", "kwargs", "column_arg"), CASES, ids=[c[0] for c in CASES])
def test_one_table_nodes(
    sales: pd.DataFrame,
    name: str,
    fn: Callable[..., Any],
    kwargs: dict[str, Any],
    column_arg: str | None,
) -> None:
    before = sales.copy()
    result = fn(sales, **kwargs)
    assert result is not None
    pd.testing.assert_frame_equal(sales, before)  # the input is never changed
    if name not in ("describe",):
        empty_result = fn(EMPTY, **kwargs)
        assert len(empty_result) == 0
    if column_arg is not None:
        bad = dict(kwargs)
        bad[column_arg] = ["nope"] if isinstance(kwargs[column_arg], list) else "nope"
        with pytest.raises(ColumnNotFoundError, match=r"'nope' not in table.*'region'"):
            fn(sales, **bad)
    with pytest.raises(TypeError, match="table must be a pandas DataFrame, got list"):
        fn([{"units": 1}], **kwargs)


def test_one_table_node_results(sales: pd.DataFrame) -> None:
    assert len(tb.head(sales, 2)) == 2
    assert tb.shape(sales) == (4, 5)
    assert tb.shape(EMPTY) == (0, 2)
    sample = tb.sample(sales, 3, seed=7)
    assert len(sample) == 3
    pd.testing.assert_frame_equal(sample, tb.sample(sales, 3, seed=7))
    assert len(tb.sample(sales, 100)) == 4
    described = tb.describe(sales)
    assert "statistic" in described.columns and "units" in described.columns
    assert "region" not in described.columns
    assert "region" in tb.describe(sales, include="all").columns
    assert "region" in tb.describe(sales[["region"]]).columns  # no numbers: every column
    with pytest.raises(ValueError, match="no columns"):
        tb.describe(pd.DataFrame())
    assert tb.describe(EMPTY).set_index("statistic").loc["count", "units"] == 0
    assert tb.value_counts(sales, "region").to_dict("list") == {
        "region": ["North", "South", "East"],
        "count": [2, 1, 1],
    }
    assert tb.value_counts(sales, "region", normalize=True)["proportion"].iloc[0] == 0.5
    assert tb.get_column(sales, "units").name == "units"
    assert tb.column_to_list(sales, "region") == ["North", "South", "North", "East"]
    assert list(tb.select_columns(sales, ["price", "day"]).columns) == ["price", "day"]
    assert "units" not in tb.drop_columns(sales, ["units"]).columns
    assert "n" in tb.rename_column(sales, "units", "n").columns
    with pytest.raises(ValueError, match="already has a column 'price'"):
        tb.rename_column(sales, "units", "price")
    assert tb.sort(sales, "units", ascending=False)["units"].tolist()[:3] == [9, 5, 3]
    assert np.isnan(tb.sort(sales, "units")["units"].iloc[-1])  # missing values last


def test_query_and_add_column(sales: pd.DataFrame) -> None:
    assert tb.query(sales, "units > 3 and region != 'East'")["units"].tolist() == [5]
    with pytest.raises(ValueError, match=r"'colour' is not defined; the columns are 'day'"):
        tb.query(sales, "colour == 'red'")
    with pytest.raises(ValueError, match="is not valid"):
        tb.query(sales, "units >")
    with pytest.raises(ValueError, match="empty"):
        tb.query(sales, " ")
    added = tb.add_column(sales, "units * price", "revenue")
    assert added["revenue"].tolist()[:2] == [6.0, 7.5]
    with pytest.raises(ValueError, match="'cost' is not defined"):
        tb.add_column(sales, "cost * 2")


@pytest.mark.parametrize(
    ("column", "op", "value", "expected"),
    [
        ("units", ">", "3", [1, 3]),
        ("units", ">=", 5.0, [1, 3]),  # a number from a slider
        ("units", "==", "9", [3]),
        ("units", "!=", "9", [0, 1, 2]),
        ("units", "<", "5", [0]),
        ("units", "<=", "5", [0, 1]),
        ("price", "isin", "[2, 3]", [0, 2, 3]),
        ("region", "isin", "North, East", [0, 2, 3]),
        ("region", "isin", ["South"], [1]),
        ("region", "contains", "or", [0, 2]),
        ("region", "contains", "OR", []),
        ("region", "startswith", "S", [1]),
        ("units", "isnull", "", [2]),
        ("units", "notnull", "", [0, 1, 3]),
        ("ok", "==", "yes", [0, 2, 3]),
        ("ok", "==", False, [1]),
        ("day", ">", "2024-01-02", [2, 3]),
        ("region", "==", "North", [0, 2]),
    ],
)
def test_filter_rows_coerces_the_value_to_the_column_type(
    sales: pd.DataFrame, column: str, op: str, value: Any, expected: list[int]
) -> None:
    assert tb.filter_rows(sales, column, op, value).index.tolist() == expected  # type: ignore[arg-type]


def test_filter_rows_errors(sales: pd.DataFrame) -> None:
    assert tb.filter_rows(sales, "region", "contains", "OR", ignore_case=True).index.tolist() == [
        0,
        2,
    ]
    with pytest.raises(ValueError, match=r"'many' is not a number; column 'units' holds numbers"):
        tb.filter_rows(sales, "units", ">", "many")
    with pytest.raises(ValueError, match="'maybe' is not true or false"):
        tb.filter_rows(sales, "ok", "==", "maybe")
    with pytest.raises(ValueError, match="'someday' is not a date"):
        tb.filter_rows(sales, "day", "<", "someday")
    with pytest.raises(ValueError, match="not a JSON list"):
        tb.filter_rows(sales, "units", "isin", "[1, 2")


def test_group_by(sales: pd.DataFrame) -> None:
    summed = tb.group_by(sales, ["region"], "units", "sum")
    assert summed.to_dict("list") == {"region": ["East", "North", "South"], "units": [9, 3, 5]}
    assert tb.group_by(sales, ["region"], "units", "count")["units"].tolist() == [1, 1, 1]
    assert tb.group_by(sales, ["region", "ok"], "price", "max").shape == (3, 3)
    assert tb.group_by(sales, ["ok"], "region", "nunique")["region"].tolist() == [1, 2]
    with pytest.raises(TypeError, match="cannot take the mean of column 'region'"):
        tb.group_by(sales, ["ok"], "region", "mean")
    with pytest.raises(ValueError, match="at least one column"):
        tb.group_by(sales, [], "units")
    with pytest.raises(ColumnNotFoundError, match="'zone' not in table"):
        tb.group_by(sales, ["zone"], "units")
    with pytest.raises(ValueError, match="both grouped by and aggregated"):
        tb.group_by(sales, ["units"], "units")


def test_pivot_and_melt(sales: pd.DataFrame) -> None:
    pivoted = tb.pivot(sales, "region", "ok", "price", "sum")
    assert list(pivoted.columns) == ["region", "False", "True"]
    assert pivoted.set_index("region").loc["North", "True"] == 4.0
    with pytest.raises(ColumnNotFoundError, match="'zone'"):
        tb.pivot(sales, "zone", "ok", "price")
    with pytest.raises(ValueError, match="three different columns"):
        tb.pivot(sales, "region", "region", "price")
    assert tb.pivot(EMPTY.assign(ok=[]), "region", "ok", "units").shape[0] == 0
    long = tb.melt(sales[["region", "units", "price"]], ["region"])
    assert long.shape == (8, 3)
    assert set(long["variable"]) == {"units", "price"}
    assert tb.melt(sales, ["region"], ["price"], "what", "amount").columns.tolist() == [
        "region",
        "what",
        "amount",
    ]
    with pytest.raises(ValueError, match="already has a column 'region'"):
        tb.melt(sales, ["day"], var_name="region")


def test_missing_values(sales: pd.DataFrame) -> None:
    assert len(tb.drop_missing(sales)) == 3
    assert len(tb.drop_missing(sales, "all")) == 4
    assert tb.fill_missing(sales, "value", "0")["units"].tolist() == [3, 5, 0, 9]
    assert tb.fill_missing(sales, "ffill")["units"].tolist() == [3, 5, 5, 9]
    assert tb.fill_missing(sales, "bfill")["units"].tolist() == [3, 5, 9, 9]
    with pytest.raises(ValueError, match="'none' is not a number; column 'units'"):
        tb.fill_missing(sales, "value", "none")


def test_merge_and_concat(sales: pd.DataFrame) -> None:
    regions = pd.DataFrame({"region": ["North", "South"], "manager": ["Ann", "Bo"]})
    joined = tb.merge(sales, regions)
    assert joined["manager"].tolist() == ["Ann", "Bo", "Ann"]
    assert len(tb.merge(sales, regions, how="left")) == 4
    assert len(tb.merge(sales, regions, how="cross")) == 8
    renamed = regions.rename(columns={"region": "area"})
    assert len(tb.merge(sales, renamed, left_on=["region"], right_on=["area"])) == 3
    with pytest.raises(ValueError, match="share no column"):
        tb.merge(sales, renamed)
    with pytest.raises(ColumnNotFoundError, match="'area' not in left"):
        tb.merge(sales, renamed, on=["area"])
    with pytest.raises(ColumnNotFoundError, match="'zone' not in right"):
        tb.merge(sales, renamed, left_on=["region"], right_on=["zone"])
    with pytest.raises(ValueError, match="matched in pairs"):
        tb.merge(sales, renamed, left_on=["region"])
    with pytest.raises(ValueError, match="cannot merge"):
        tb.merge(sales, pd.DataFrame({"units": ["a"]}), on=["units"])
    with pytest.raises(TypeError, match="right must be a pandas DataFrame, got dict"):
        tb.merge(sales, {"region": []})
    assert len(tb.merge(EMPTY, regions)) == 0
    stacked = tb.concat(sales, sales, sales)
    assert len(stacked) == 12 and stacked.index.tolist() == list(range(12))
    assert tb.concat(sales, regions, axis="columns").shape == (4, 7)
    assert len(tb.concat(EMPTY, EMPTY)) == 0
    with pytest.raises(TypeError, match="third must be a pandas DataFrame"):
        tb.concat(sales, sales, [1])


def test_building_tables() -> None:
    built = tb.from_records([{"a": 1, "b": "x"}, {"a": 2, "c": True}])
    assert built.columns.tolist() == ["a", "b", "c"]
    assert tb.from_records([]).shape == (0, 0)
    assert tb.from_dict({"a": [1, 2], "b": ["x", "y"]}).shape == (2, 2)
    with pytest.raises(ValueError, match="same length; got a: 2, b: 1"):
        tb.from_dict({"a": [1, 2], "b": ["x"]})


# --- specs: pickers and threads -------------------------------------------------------------


def test_column_inputs_are_pickers_over_the_table() -> None:
    pickers = {
        (spec.id, inp.name): inp.schema["x-options-from"]
        for spec in (spec_of(fn) for fn in tb.NODE_SHELF.nodes)
        for inp in spec.inputs
        if "x-options-from" in inp.schema
    }
    assert pickers[("tables.filter_rows", "column")] == "table"
    assert pickers[("tables.group_by", "by")] == "table"
    assert pickers[("tables.merge", "left_on")] == "left"
    assert pickers[("tables.merge", "right_on")] == "right"
    select = spec_of(tb.select_columns).input_map["columns"].schema
    assert select["type"] == "array" and select["items"] == {"type": "string"}
    for (node_id, name), source in pickers.items():
        spec = spec_of(next(f for f in tb.NODE_SHELF.nodes if spec_of(f).id == node_id))
        assert source in spec.input_map, (node_id, name)
    assert spec_of(tb.group_by).executor == "thread"


@pytest.fixture
async def ns() -> AsyncIterator[NodeSpace]:
    space = NodeSpace(Library(builtin_shelves()))
    yield space
    await space.aclose()


async def test_a_table_pipeline_in_a_graph(ns: NodeSpace) -> None:
    records = [{"region": r, "units": u} for r, u in [("N", 1), ("S", 2), ("N", 3), ("S", 9)]]
    src = ns.add_node("tables.from_records", inputs={"records": records})
    flt = ns.add_node("tables.filter_rows", inputs={"column": "units", "op": ">", "value": "1"})
    grp = ns.add_node("tables.group_by", inputs={"by": ["region"], "value": "units"})
    ns.connect(src, "out", flt, "table")
    ns.connect(flt, "out", grp, "table")
    await ns.settle()
    assert ns.get_value(grp, "out").to_dict("list") == {"region": ["N", "S"], "units": [3, 11]}
    ns.set_input(flt, "column", "colour")
    await ns.settle()
    error = ns.error(flt)
    assert ns.status(flt) is Status.ERROR and error is not None
    assert error.type == "ColumnNotFoundError"
    assert error.message == "column 'colour' not in table; its columns are 'region', 'units'"
    head = ns.add_node("tables.head")
    with pytest.raises(InvalidValueError, match=r"expected a pandas\.DataFrame, got list"):
        ns.set_input(head, "table", [1, 2])
