"""Tests for nodeweave.core.tableview: parsing sort + filter requests, views of tables, the cache."""

from __future__ import annotations

import gc
from typing import Any

import pytest

from nodeweave.core.errors import InvalidValueError
from nodeweave.core.tableview import (
    OPS,
    Filter,
    TableQuery,
    ViewCache,
    apply_query,
    parse_query,
)

pd = pytest.importorskip("pandas")
np = pytest.importorskip("numpy")


@pytest.fixture
def frame() -> Any:
    return pd.DataFrame(
        {
            "n": [3, 1, 2, 5, 4],
            "x": [0.5, np.nan, -1.25, 2.0, np.nan],
            "name": ["Bravo", "alpha", None, "Charlie", "alphabet"],
            "when": pd.to_datetime(
                ["2024-03-01", "2024-01-15", None, "2023-12-31", "2024-02-29 12:00"],
                format="ISO8601",
            ),
            "ok": [True, False, True, False, True],
        },
        index=["a", "b", "c", "d", "e"],
    )


def labels(view: Any) -> list[Any]:
    return list(view.whole().index)


def query(*filters: dict[str, Any], sort: str | None = None, descending: bool = False) -> Any:
    return parse_query(sort, descending, list(filters))


# --- parsing ---------------------------------------------------------------------------------


def test_parse_gives_a_frozen_hashable_query() -> None:
    q = parse_query("n", True, [{"column": "n", "op": ">", "value": 2, "extra": "ignored"}])
    assert q == TableQuery("n", True, (Filter("n", ">", 2),))
    assert q.active
    assert hash(q.key()) == hash(
        parse_query("n", True, [{"column": "n", "op": ">", "value": 2}]).key()
    )
    assert not parse_query().active
    assert not parse_query("", False, None).active


def test_typed_keys_keep_true_and_one_apart() -> None:
    one = parse_query(None, False, [{"column": "s", "op": "==", "value": 1}])
    true = parse_query(None, False, [{"column": "s", "op": "==", "value": True}])
    assert one.key() != true.key()


def test_value_ops_drop_unused_values() -> None:
    q = parse_query(None, False, [{"column": "a", "op": "isnull", "value": 3, "value2": 4}])
    assert q.filters == (Filter("a", "isnull"),)
    q = parse_query(None, False, [{"column": "a", "op": "==", "value": 3, "value2": 4}])
    assert q.filters == (Filter("a", "==", 3),)


@pytest.mark.parametrize(
    ("filters", "message"),
    [
        ({"column": "n"}, "must be a JSON list"),
        (["n > 2"], "filter 0 must be an object"),
        ([{"op": "=="}], "filter 0 needs a column name"),
        ([{"column": "n", "op": "~"}], "unknown op '~'"),
        ([{"column": "n", "op": "==", "value": [1]}], "value must be text, a number"),
        ([{"column": "n", "op": "=="}], r"\('n' ==\) needs a value"),
        ([{"column": "n", "op": "between", "value": 1}], "needs value and value2"),
        ([{"column": "n", "op": "contains", "value": None}], "needs a value"),
    ],
)
def test_malformed_filters_are_invalid_values(filters: Any, message: str) -> None:
    with pytest.raises(InvalidValueError, match=message) as caught:
        parse_query(None, False, filters)
    assert caught.value.code == "invalid_value"


def test_unknown_op_lists_the_ops() -> None:
    with pytest.raises(InvalidValueError) as caught:
        parse_query(None, False, [{"column": "n", "op": "like", "value": 1}])
    assert caught.value.details["ops"] == list(OPS)


# --- sorting ---------------------------------------------------------------------------------


def test_sort_numbers_ascending_and_descending(frame: Any) -> None:
    assert labels(apply_query(frame, query(sort="n"))) == ["b", "c", "a", "e", "d"]
    assert labels(apply_query(frame, query(sort="n", descending=True))) == [
        "d",
        "e",
        "a",
        "c",
        "b",
    ]


def test_nan_sorts_last_both_ways_and_ties_keep_their_order(frame: Any) -> None:
    assert labels(apply_query(frame, query(sort="x"))) == ["c", "a", "d", "b", "e"]
    assert labels(apply_query(frame, query(sort="x", descending=True))) == [
        "d",
        "a",
        "c",
        "b",
        "e",
    ]


def test_sort_text_with_nulls_last(frame: Any) -> None:
    assert labels(apply_query(frame, query(sort="name"))) == ["a", "d", "b", "e", "c"]
    assert labels(apply_query(frame, query(sort="name", descending=True))) == [
        "e",
        "b",
        "d",
        "a",
        "c",
    ]


def test_sort_dates_and_bools(frame: Any) -> None:
    assert labels(apply_query(frame, query(sort="when"))) == ["d", "b", "e", "a", "c"]
    assert labels(apply_query(frame, query(sort="ok"))) == ["b", "d", "a", "c", "e"]


def test_mixed_object_column_sorts_by_text() -> None:
    table = pd.DataFrame({"m": [10, "b", None, 2, "a"]})
    view = apply_query(table, query(sort="m"))
    assert view.whole()["m"].tolist()[:4] == [10, 2, "a", "b"]
    assert view.whole()["m"].isna().tolist()[-1]


def test_equal_rows_keep_order_in_a_big_descending_sort() -> None:
    table = pd.DataFrame({"k": np.arange(10_000) % 3})
    order = apply_query(table, query(sort="k", descending=True)).positions
    assert list(order[:3]) == [2, 5, 8]  # the 2s, in their original order


# --- filtering -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("flt", "expected"),
    [
        ({"column": "n", "op": "==", "value": 3}, ["a"]),
        ({"column": "n", "op": "!=", "value": 3}, ["b", "c", "d", "e"]),
        ({"column": "n", "op": "<", "value": 3}, ["b", "c"]),
        ({"column": "n", "op": "<=", "value": "3"}, ["a", "b", "c"]),
        ({"column": "n", "op": ">", "value": 3.5}, ["d", "e"]),
        ({"column": "n", "op": ">=", "value": 4}, ["d", "e"]),
        ({"column": "n", "op": "between", "value": 2, "value2": 4}, ["a", "c", "e"]),
        ({"column": "x", "op": "isnull"}, ["b", "e"]),
        ({"column": "x", "op": "notnull"}, ["a", "c", "d"]),
        ({"column": "x", "op": "<", "value": 1}, ["a", "c"]),
        ({"column": "x", "op": "!=", "value": 0.5}, ["b", "c", "d", "e"]),
        ({"column": "x", "op": "contains", "value": "25"}, ["c"]),
        ({"column": "name", "op": "contains", "value": "ALPHA"}, ["b", "e"]),
        ({"column": "name", "op": "==", "value": "alpha"}, ["b"]),
        ({"column": "name", "op": "!=", "value": "alpha"}, ["a", "c", "d", "e"]),
        ({"column": "name", "op": ">=", "value": "a"}, ["b", "e"]),
        ({"column": "name", "op": "between", "value": "B", "value2": "C"}, ["a"]),
        ({"column": "name", "op": "isnull"}, ["c"]),
        ({"column": "when", "op": ">=", "value": "2024-02-01"}, ["a", "e"]),
        ({"column": "when", "op": "==", "value": "2024-01-15T00:00:00"}, ["b"]),
        ({"column": "when", "op": "contains", "value": "2024-02"}, ["e"]),
        (
            {"column": "when", "op": "between", "value": "2024-01-01", "value2": "2024-02-29"},
            ["b"],
        ),
        ({"column": "ok", "op": "==", "value": True}, ["a", "c", "e"]),
        ({"column": "ok", "op": "==", "value": "false"}, ["b", "d"]),
        ({"column": "ok", "op": "!=", "value": 1}, ["b", "d"]),
    ],
)
def test_each_op(frame: Any, flt: dict[str, Any], expected: list[str]) -> None:
    view = apply_query(frame, query(flt))
    assert labels(view) == expected
    assert (view.total, view.unfiltered) == (len(expected), 5)


def test_filters_combine_and_the_sort_applies_after(frame: Any) -> None:
    view = apply_query(
        frame,
        query(
            {"column": "ok", "op": "==", "value": True},
            {"column": "n", "op": ">", "value": 1},
            sort="n",
            descending=True,
        ),
    )
    assert labels(view) == ["e", "a", "c"]
    assert labels(apply_query(frame, query({"column": "n", "op": ">", "value": 9}))) == []


def test_rows_page_through_the_view(frame: Any) -> None:
    view = apply_query(frame, query({"column": "name", "op": "notnull"}, sort="n"))
    assert list(view.rows(1, 3).index) == ["a", "e"]
    assert list(view.rows(3).index) == ["d"]
    assert list(view.rows(10, 20).index) == []


def test_non_text_column_labels_are_named_by_their_repr() -> None:
    table = pd.DataFrame({0: [1, 2, 3], ("a", "b"): ["x", "y", "z"]})
    assert labels(apply_query(table, query({"column": "0", "op": ">", "value": 1}))) == [1, 2]
    view = apply_query(table, query({"column": "('a', 'b')", "op": "==", "value": "x"}))
    assert labels(view) == [0]


def test_tz_aware_column_reads_naive_text_in_its_zone() -> None:
    table = pd.DataFrame(
        {"t": pd.to_datetime(["2024-01-01T10:00", "2024-01-01T12:00"]).tz_localize("Europe/Berlin")}
    )
    assert labels(
        apply_query(table, query({"column": "t", "op": ">", "value": "2024-01-01T11:00"}))
    ) == [1]
    utc = {"column": "t", "op": ">", "value": "2024-01-01T10:00Z"}  # 11:00 in Berlin
    assert labels(apply_query(table, query(utc))) == [1]
    naive = pd.DataFrame({"t": pd.to_datetime(["2024-01-01T10:00", "2024-01-01T12:00"])})
    assert labels(apply_query(naive, query(utc))) == [1]


def test_nullable_integers_and_categories() -> None:
    table = pd.DataFrame(
        {
            "i": pd.array([1, None, 3], dtype="Int64"),
            "c": pd.Categorical(["lo", "hi", None]),
        }
    )
    assert labels(apply_query(table, query({"column": "i", "op": ">=", "value": 1}))) == [0, 2]
    assert labels(apply_query(table, query({"column": "i", "op": "!=", "value": 1}))) == [1, 2]
    assert labels(apply_query(table, query({"column": "c", "op": "==", "value": "hi"}))) == [1]
    assert labels(apply_query(table, query({"column": "c", "op": "contains", "value": "L"}))) == [0]


def test_timedelta_column() -> None:
    table = pd.DataFrame({"d": pd.to_timedelta(["1h", "3h", None])})
    assert labels(apply_query(table, query({"column": "d", "op": ">", "value": "2h"}))) == [1]


def test_series_sorts_by_value_and_filters_by_name_or_value() -> None:
    series = pd.Series([3.0, np.nan, 1.0, 2.0], name="price")
    assert labels(apply_query(series, query(sort="price"))) == [2, 3, 0, 1]
    assert labels(apply_query(series, query(sort="value", descending=True))) == [0, 3, 2, 1]
    view = apply_query(series, query({"column": "value", "op": ">", "value": 1}))
    assert view.whole().tolist() == [3.0, 2.0]
    unnamed = pd.Series(["a", "b"])
    assert labels(apply_query(unnamed, query({"column": "value", "op": "==", "value": "b"}))) == [1]
    with pytest.raises(InvalidValueError, match="no column 'price'; the columns are 'value'"):
        apply_query(unnamed, query(sort="price"))


# --- errors ----------------------------------------------------------------------------------


def test_unknown_column_names_the_columns(frame: Any) -> None:
    with pytest.raises(InvalidValueError, match="no column 'nope'; the columns are 'n', 'x'") as c:
        apply_query(frame, query({"column": "nope", "op": "isnull"}))
    assert c.value.code == "invalid_value"
    assert c.value.details == {"column": "nope", "columns": ["n", "x", "name", "when", "ok"]}
    with pytest.raises(InvalidValueError, match="no column 'nope'"):
        apply_query(frame, query(sort="nope"))


@pytest.mark.parametrize(
    ("column", "value"),
    [
        ("n", "many"),
        ("n", True),
        ("n", "nan"),
        ("when", "not a date"),
        ("when", 20240101),
        ("ok", "maybe"),
        ("ok", 2),
    ],
)
def test_a_value_the_column_cannot_hold_is_invalid(frame: Any, column: str, value: Any) -> None:
    with pytest.raises(InvalidValueError, match=f"filter on '{column}'") as caught:
        apply_query(frame, query({"column": column, "op": "<", "value": value}))
    assert caught.value.details["column"] == column


@pytest.mark.parametrize("value", [[1, 2], {"a": 1}, "text", 5])
def test_sort_or_filter_needs_a_table(value: Any) -> None:
    with pytest.raises(InvalidValueError, match="apply to tables"):
        apply_query(value, query(sort="a"))


# --- the cache -------------------------------------------------------------------------------


def test_cache_reuses_the_row_order_of_a_view(frame: Any) -> None:
    cache = ViewCache(size=2)
    q = query({"column": "n", "op": ">", "value": 1}, sort="n")
    first = cache.view(frame, q)
    again = cache.view(frame, parse_query("n", False, [{"column": "n", "op": ">", "value": 1}]))
    assert again.positions is first.positions
    assert (cache.hits, cache.misses) == (1, 1)
    assert labels(again) == ["c", "a", "e", "d"]


def test_cache_skips_plain_views(frame: Any) -> None:
    cache = ViewCache()
    view = cache.view(frame, query())
    assert view.positions is None and view.total == 5
    assert len(cache) == 0


def test_cache_keys_on_the_table_object_and_guards_in_place_changes(frame: Any) -> None:
    cache = ViewCache()
    q = query(sort="n")
    cache.view(frame, q)
    other = frame.copy()
    other["n"] = [9, 8, 7, 6, 5]
    assert labels(cache.view(other, q)) == ["e", "d", "c", "b", "a"]
    assert cache.misses == 2
    frame.loc["f"] = [0, 0.0, "zulu", pd.Timestamp("2020-01-01"), False]  # same object, grown
    assert labels(cache.view(frame, q)) == ["f", "b", "c", "a", "e", "d"]
    assert cache.misses == 3


def test_cache_forgets_dead_tables_and_is_lru() -> None:
    cache = ViewCache(size=2)
    q = query(sort="a")
    tables = [pd.DataFrame({"a": [i, -i]}) for i in range(3)]
    for t in tables:
        cache.view(t, q)
    assert len(cache) == 2
    cache.view(tables[1], q)
    assert cache.hits == 1
    del tables[:], t
    gc.collect()
    cache.view(pd.DataFrame({"a": [1]}), q)
    assert len(cache) == 1  # the two dead entries are gone


def test_a_reused_id_is_not_a_hit() -> None:
    cache = ViewCache()
    q = query(sort="a")
    table = pd.DataFrame({"a": [2, 1]})
    cache.view(table, q)
    key_id = id(table)
    del table
    gc.collect()
    for _ in range(200):  # try to get an object at the same address
        candidate = pd.DataFrame({"a": [5, 6]})
        if id(candidate) == key_id:
            break
    assert labels(cache.view(candidate, q)) == [0, 1]
