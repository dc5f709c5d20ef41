"""FuncNodes compatibility: its node modules as shelves, its workflows as nodeweave graphs.

With the extra ``nodeweave[funcnodes]`` (``funcnodes-core``) installed, a worker finds FuncNodes
modules the way FuncNodes does — packages declaring the entry-point group ``funcnodes.module``
(``module`` and ``shelf`` entries) — and puts each FuncNodes shelf in its library under the
shelf's own name, with the node ids unchanged (:mod:`.bridge`). ``nodeweave import-funcnodes``
turns a FuncNodes worker export (``.fnw``) or worker folder into a nodeweave worker
(:mod:`.workflow`).

Nothing here imports ``funcnodes_core`` until a FuncNodes module is actually loaded: a worker
without FuncNodes modules never pays for it.
"""

from __future__ import annotations

import importlib.util

FUNCNODES_GROUP = "funcnodes.module"
"""The entry-point group FuncNodes modules declare (names ``module``, ``shelf``, …)."""


def available() -> bool:
    """Whether ``funcnodes-core`` is installed (without importing it)."""
    try:
        return importlib.util.find_spec("funcnodes_core") is not None
    except (ImportError, ValueError):
        return False
