"""The built-in shelves: a small standard library of nodes for exploring data without code.

Each module defines its nodes and a ``NODE_SHELF``; :func:`builtin_shelves` hands out fresh
:class:`~nodeweave.core.library.Shelf` objects for them (the node specs themselves are shared).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from nodeweave.core.library import Shelf

_MODULES = (
    "numbers",
    "text",
    "logic",
    "collections",
    "json",
    "time",
    "sources",
    "files",
    "tables",
    "arrays",
    "plots",
    "sql",
)
"""Imported by :func:`builtin_shelves`, not with this package: ``nodeweave.shelves._paths`` (the
files folder's rules, which the worker's app needs) costs that module only."""


def builtin_shelves() -> list[Shelf]:
    """Fresh top-level shelves: numbers, text, logic, collections, json, time, sources, and the data
    shelves files, tables, arrays, plots and sql (their libraries load when a node runs)."""
    from nodeweave.core.library import Shelf

    modules = [importlib.import_module(f"{__name__}.{name}") for name in _MODULES]
    return [
        Shelf(
            name=module.NODE_SHELF.name,
            description=module.NODE_SHELF.description,
            nodes=list(module.NODE_SHELF.nodes),
        )
        for module in modules
    ]


__all__ = ["builtin_shelves"]
