"""Checks shared by the table, plot and SQL nodes: the value is a table, its columns exist.

Nothing here imports pandas: a value that is a DataFrame proves pandas is loaded already.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Annotated, Any

from nodeweave.core.lazytypes import imported
from nodeweave.core.schema import Input

_SHOWN_COLUMNS = 30


class ColumnNotFoundError(KeyError):
    """A column a node was asked for is not in its table (the message lists the ones that are)."""

    def __str__(self) -> str:  # KeyError would quote the whole sentence
        return str(self.args[0]) if self.args else ""


Column = Annotated[str, Input(options_from="table", description="a column of the table")]
Columns = Annotated[list[str], Input(options_from="table", description="columns of the table")]
"""Column inputs: pickers over the columns of the node's input named ``table``."""


def type_label(value: Any) -> str:
    kind = type(value)
    module = kind.__module__.split(".")[0]
    return kind.__name__ if module == "builtins" else f"{module}.{kind.__name__}"


def require_frame(value: Any, name: str = "table") -> Any:
    """``value`` if it is a pandas DataFrame, else a ``TypeError`` naming the input."""
    pd = imported("pandas")
    if pd is None or not isinstance(value, pd.DataFrame):
        raise TypeError(f"{name} must be a pandas DataFrame, got {type_label(value)}")
    return value


def require_array(value: Any, name: str = "array") -> Any:
    """``value`` if it is a numpy array, else a ``TypeError`` naming the input."""
    np = imported("numpy")
    if np is None or not isinstance(value, np.ndarray):
        raise TypeError(f"{name} must be a numpy array, got {type_label(value)}")
    return value


def column_list(columns: Iterable[Any]) -> str:
    """The columns for a message: ``'a', 'b', 'c'`` (the first 30, then how many more)."""
    names = [str(c) for c in columns]
    if not names:
        return "(the table has no columns)"
    shown = ", ".join(repr(n) for n in names[:_SHOWN_COLUMNS])
    more = len(names) - _SHOWN_COLUMNS
    return shown + (f", … and {more} more" if more > 0 else "")


def require_columns(table: Any, names: str | Sequence[str], *, name: str = "table") -> list[str]:
    """The column names, checked: a missing one raises :class:`ColumnNotFoundError`.

    The error names every missing column and lists the table's columns. An empty name is a
    column nobody picked yet, reported as such.
    """
    wanted = [names] if isinstance(names, str) else list(names)
    for column in wanted:
        if not isinstance(column, str):
            raise TypeError(f"column names must be text, got {column!r}")
    columns = list(table.columns)
    if any(not c for c in wanted):
        raise ColumnNotFoundError(
            f"a column name is empty: pick one of the columns of {name}, {column_list(columns)}"
        )
    present = set(columns)
    missing = [c for c in wanted if c not in present]
    if missing:
        label = "column" if len(missing) == 1 else "columns"
        listed = ", ".join(repr(c) for c in missing)
        raise ColumnNotFoundError(
            f"{label} {listed} not in {name}; its columns are {column_list(columns)}"
        )
    return wanted


__all__ = [
    "ColumnNotFoundError",
    "column_list",
    "require_array",
    "require_columns",
    "require_frame",
    "type_label",
]
