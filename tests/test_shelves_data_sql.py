"""The sql shelf: DuckDB queries over the connected tables a, b and c."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pandas as pd
import pytest

from nodeweave import Library, NodeSpace, Status
from nodeweave.core.spec import spec_of
from nodeweave.shelves import builtin_shelves
from nodeweave.shelves.sql import sql_query


@pytest.fixture
def sales() -> pd.DataFrame:
    return pd.DataFrame({"region": ["N", "S", "N"], "units": [3, 5, 7]})


def test_query_over_one_table(sales: pd.DataFrame) -> None:
    out = sql_query(sales, query="SELECT region, sum(units) AS units FROM a GROUP BY 1 ORDER BY 1")
    assert out.to_dict("list") == {"region": ["N", "S"], "units": [10, 5]}
    pd.testing.assert_frame_equal(sql_query(sales), sales, check_dtype=False)


def test_query_joins_three_tables(sales: pd.DataFrame) -> None:
    managers = pd.DataFrame({"region": ["N", "S"], "manager": ["Ann", "Bo"]})
    targets = pd.DataFrame({"manager": ["Ann", "Bo"], "target": [8, 4]})
    out = sql_query(
        sales,
        managers,
        targets,
        "SELECT b.manager, sum(a.units) >= min(c.target) AS met FROM a JOIN b USING (region) "
        "JOIN c USING (manager) GROUP BY 1 ORDER BY 1",
    )
    assert out.to_dict("list") == {"manager": ["Ann", "Bo"], "met": [True, True]}


def test_an_empty_table_gives_an_empty_result(sales: pd.DataFrame) -> None:
    out = sql_query(sales.iloc[0:0], query="SELECT * FROM a WHERE units > 1")
    assert out.shape == (0, 2)


def test_a_table_that_is_not_connected_is_named(sales: pd.DataFrame) -> None:
    with pytest.raises(ValueError, match="uses table 'b', which is not connected; connected: a"):
        sql_query(sales, query="SELECT * FROM a JOIN b USING (region)")
    with pytest.raises(ValueError, match=r"uses table 'c'.*connected: a, b"):
        sql_query(sales, sales, query="SELECT * FROM c")


def test_python_variables_are_not_visible_to_the_query(sales: pd.DataFrame) -> None:
    secret = pd.DataFrame({"x": [1]})  # DuckDB would find this by name if allowed
    assert len(secret) == 1
    with pytest.raises(ValueError, match="secret does not exist"):
        sql_query(sales, query="SELECT * FROM secret")


def test_bad_queries_and_missing_columns(sales: pd.DataFrame) -> None:
    with pytest.raises(ValueError, match="the query failed: Parser Error"):
        sql_query(sales, query="SELEKT 1")
    with pytest.raises(ValueError, match="colour"):
        sql_query(sales, query="SELECT colour FROM a")
    with pytest.raises(ValueError, match="empty"):
        sql_query(sales, query="  ")


def test_wrong_types_are_refused(sales: pd.DataFrame) -> None:
    with pytest.raises(TypeError, match="a must be a pandas DataFrame, got list"):
        sql_query([1, 2])  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="b must be a pandas DataFrame, got dict"):
        sql_query(sales, {"x": [1]})  # type: ignore[arg-type]


def test_spec() -> None:
    spec = spec_of(sql_query)
    assert spec.id == "sql.query"
    assert spec.executor == "thread"
    assert [i.name for i in spec.inputs] == ["a", "b", "c", "query"]
    assert spec.input_map["a"].required
    assert not spec.input_map["b"].required and spec.input_map["b"].default is None
    assert spec.input_map["query"].schema["x-widget"] == "textarea"


@pytest.fixture
async def ns() -> AsyncIterator[NodeSpace]:
    space = NodeSpace(Library(builtin_shelves()))
    yield space
    await space.aclose()


async def test_sql_in_a_graph(ns: NodeSpace) -> None:
    src = ns.add_node("tables.from_dict", inputs={"data": {"k": ["a", "b", "a"], "v": [1, 2, 3]}})
    q = ns.add_node(
        "sql.query", inputs={"query": "SELECT k, sum(v) AS v FROM a GROUP BY k ORDER BY k"}
    )
    await ns.settle()
    assert ns.status(q) is Status.WAITING  # nothing connected to a yet
    ns.connect(src, "out", q, "a")
    await ns.settle()
    assert ns.get_value(q, "out").to_dict("list") == {"k": ["a", "b"], "v": [4, 2]}
    ns.set_input(q, "query", "SELECT * FROM b")
    await ns.settle()
    error = ns.error(q)
    assert error is not None and "'b', which is not connected" in error.message
