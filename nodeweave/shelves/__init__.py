"""The built-in shelves: a small standard library of nodes for exploring data without code.

Each module defines its nodes and a ``NODE_SHELF``; :func:`builtin_shelves` hands out fresh
:class:`~nodeweave.core.library.Shelf` objects for them (the node specs themselves are shared).
"""

from __future__ import annotations

from nodeweave.core.library import Shelf

from . import (
    arrays,
    collections,
    files,
    json,
    logic,
    numbers,
    plots,
    sources,
    sql,
    tables,
    text,
    time,
)

_MODULES = (
    numbers,
    text,
    logic,
    collections,
    json,
    time,
    sources,
    files,
    tables,
    arrays,
    plots,
    sql,
)


def builtin_shelves() -> list[Shelf]:
    """Fresh top-level shelves: numbers, text, logic, collections, json, time, sources, and the data
    shelves files, tables, arrays, plots and sql (their libraries load when a node runs)."""
    return [
        Shelf(
            name=module.NODE_SHELF.name,
            description=module.NODE_SHELF.description,
            nodes=list(module.NODE_SHELF.nodes),
        )
        for module in _MODULES
    ]


__all__ = ["builtin_shelves"]
