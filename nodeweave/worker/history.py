"""The worker's edit history: undo and redo for every client of the graph at once.

The history lives in the worker, not in a browser tab, so that every tab and script sees the same
result, and an undo survives a page reload. Each step holds the edits that undo it and the edits
that redo it, as ``(command, kwargs)`` pairs in the worker's own command vocabulary (the
inverse of a removal re-adds the node with its values and edges, the inverse of a value is the
value before …): replaying them touches only the nodes concerned, where restoring a snapshot of
the whole graph would re-run all of it.

Consecutive edits with the same merge key within ``merge_window`` seconds become one step (a
dragged slider sends dozens of values; one Ctrl+Z puts it back). This module is bookkeeping
only; :class:`nodeweave.worker.service.Worker` computes the inverses and applies them.
"""

from __future__ import annotations

import dataclasses
import time
from collections import deque
from collections.abc import Callable, Hashable
from typing import Any, Final

Op = tuple[str, dict[str, Any]]
"""One edit: a worker command's name and its kwargs."""

HISTORY_LIMIT: Final = 200
MERGE_WINDOW: Final = 2.0


@dataclasses.dataclass(slots=True)
class Step:
    label: str
    undo: list[Op]
    """Applied in order to undo the step."""
    redo: list[Op]
    """Applied in order to redo it."""
    key: Hashable | None = None
    at: float = 0.0


class EditHistory:
    def __init__(
        self,
        *,
        limit: int = HISTORY_LIMIT,
        merge_window: float = MERGE_WINDOW,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._undo: deque[Step] = deque(maxlen=limit)
        self._redo: list[Step] = []
        self._window = merge_window
        self._clock = clock

    def record(self, step: Step) -> None:
        """A new edit: it becomes the step to undo (or joins the last one), and redo is gone."""
        now = self._clock()
        top = self._undo[-1] if self._undo else None
        if (
            top is not None
            and step.key is not None
            and top.key == step.key
            and not self._redo
            and now - top.at <= self._window
        ):
            top.redo = step.redo  # the oldest undo, the newest redo
            top.at = now
            return
        step.at = now
        self._undo.append(step)
        self._redo.clear()

    def take_undo(self) -> Step | None:
        return self._undo.pop() if self._undo else None

    def take_redo(self) -> Step | None:
        return self._redo.pop() if self._redo else None

    def undone(self, step: Step) -> None:
        step.key = None  # an undone step never merges with what comes next
        self._redo.append(step)

    def redone(self, step: Step) -> None:
        step.key = None
        self._undo.append(step)

    def clear(self) -> None:
        self._undo.clear()
        self._redo.clear()

    def state(self) -> dict[str, Any]:
        return {
            "can_undo": bool(self._undo),
            "can_redo": bool(self._redo),
            "undo_label": self._undo[-1].label if self._undo else None,
            "redo_label": self._redo[-1].label if self._redo else None,
        }


__all__ = ["HISTORY_LIMIT", "MERGE_WINDOW", "EditHistory", "Op", "Step"]
