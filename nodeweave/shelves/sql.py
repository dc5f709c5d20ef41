"""SQL: query tables with DuckDB's SQL.

The tables connected to the inputs ``a``, ``b`` and ``c`` are the query's tables of those names
(``SELECT region, sum(revenue) FROM a GROUP BY region``). Nothing else is visible to the query:
DuckDB's lookup of Python variables by name is switched off. duckdb is imported when the node
first runs, never when the shelf loads.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Annotated

from nodeweave.core.library import Shelf
from nodeweave.core.schema import Input
from nodeweave.core.spec import node

from ._tables import require_frame

if TYPE_CHECKING:
    from pandas import DataFrame
else:
    from nodeweave.core.lazytypes import DataFrame

_MISSING_TABLE = re.compile(r"Table with name (\w+) does not exist", re.IGNORECASE)
_TABLE_NAMES = ("a", "b", "c")


@node(id="sql.query", name="SQL Query", executor="thread")
def sql_query(
    a: Annotated[DataFrame, Input(description="the table named a in the query")],
    b: Annotated[DataFrame | None, Input(description="the table named b in the query")] = None,
    c: Annotated[DataFrame | None, Input(description="the table named c in the query")] = None,
    query: Annotated[
        str,
        Input(widget="textarea", description="a DuckDB SQL query over the tables a, b and c"),
    ] = "SELECT * FROM a",
) -> DataFrame:
    """Run a SQL query (DuckDB) over the connected tables a, b and c."""
    import duckdb

    if not query.strip():
        raise ValueError("the query is empty: write one such as SELECT * FROM a")
    tables = {"a": a, "b": b, "c": c}
    connected = {name: t for name, t in tables.items() if t is not None}
    for name, table in connected.items():
        require_frame(table, name)
    with duckdb.connect(":memory:") as con:
        con.execute("SET python_enable_replacements = false")
        for name, table in connected.items():
            con.register(name, table)
        try:
            return con.execute(query).df()
        except duckdb.CatalogException as exc:
            found = _MISSING_TABLE.search(str(exc))
            if found and found.group(1).lower() in _TABLE_NAMES:
                missing = found.group(1).lower()
                raise ValueError(
                    f"the query uses table {missing!r}, which is not connected; connected: "
                    f"{', '.join(sorted(connected)) or 'none'}"
                ) from None
            raise ValueError(
                f"{_first_line(exc)} (the tables are {', '.join(connected)})"
            ) from None
        except duckdb.Error as exc:
            raise ValueError(f"the query failed: {_first_line(exc)}") from None


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.split("\n\n")[0].strip()


NODE_SHELF = Shelf(
    name="sql",
    description="SQL: query tables with DuckDB.",
    nodes=[sql_query],
)
