"""SQL: query tables with DuckDB's SQL.

The tables connected to the inputs ``a``, ``b`` and ``c`` are the query's tables of those names
(``SELECT region, sum(revenue) FROM a GROUP BY region``). Nothing else is visible to the query:
DuckDB's lookup of Python variables by name is switched off. duckdb is imported when the node
first runs, never when the shelf loads.
"""

from __future__ import annotations

import contextlib
import re
import threading
from collections.abc import Iterator
from typing import TYPE_CHECKING, Annotated, Any

from nodeweave.core.context import NodeContext, RunCancelled
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
    ctx: NodeContext | None = None,
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
            if ctx is None:
                return con.execute(query).df()
            ctx.progress(None, "running the query")
            with _interrupted_when_superseded(con, ctx):
                return con.execute(query).df()
        except duckdb.InterruptException:
            raise RunCancelled("the query was stopped: the node's run was superseded") from None
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


@contextlib.contextmanager
def _interrupted_when_superseded(con: Any, ctx: NodeContext) -> Iterator[None]:
    """Stop the connection's query if the run is superseded or cancelled meanwhile: DuckDB
    checks for an interrupt as it goes, so a long query ends at once instead of holding a
    thread (and CPUs) for a result nobody will see."""
    finished = threading.Event()

    def watch() -> None:
        while not finished.is_set():
            if ctx.wait(0.05):
                con.interrupt()
                return

    watcher = threading.Thread(target=watch, name="nodeweave-sql-watch", daemon=True)
    watcher.start()
    try:
        yield
    finally:
        finished.set()
        watcher.join()


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.split("\n\n")[0].strip()


NODE_SHELF = Shelf(
    name="sql",
    description="SQL: query tables with DuckDB.",
    nodes=[sql_query],
)
