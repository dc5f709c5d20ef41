"""Where a node goes when whoever added it did not say: next to the last one, never on another.

A script, a second client or the RPC may add nodes without a canvas position. Left at the
origin they would pile up on one another (and under the canvas toolbar), so the worker gives
them one: right of the node added last, on its row; moved down a row at a time while that spot
overlaps a node. Positions are the top-left corners the UI uses; cards are taken to be
:data:`CARD_W` × :data:`CARD_H` (a typical card; the UI measures the real ones).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

CARD_W = 260.0
CARD_H = 180.0
GAP = 40.0


def position_of(properties: Mapping[str, Any]) -> tuple[float, float] | None:
    """The ``position`` property as ``(x, y)``, or ``None`` when absent or malformed."""
    pos = properties.get("position")
    if not isinstance(pos, Mapping):
        return None
    x, y = pos.get("x"), pos.get("y")
    if isinstance(x, bool) or isinstance(y, bool):
        return None
    if not isinstance(x, int | float) or not isinstance(y, int | float):
        return None
    return float(x), float(y)


def _overlaps(x: float, y: float, taken: list[tuple[float, float]]) -> bool:
    return any(
        abs(x - tx) < CARD_W + GAP / 2 and abs(y - ty) < CARD_H + GAP / 2 for tx, ty in taken
    )


def free_position(placed: Iterable[tuple[float, float]]) -> dict[str, float]:
    """A spot for a new card given the cards already ``placed`` (in the order they were added)."""
    taken = list(placed)
    if not taken:
        return {"x": 0.0, "y": 0.0}
    last_x, last_y = taken[-1]
    x, y = last_x + CARD_W + GAP, last_y
    # the column is finite, so this ends: every step moves below one more card at most
    while _overlaps(x, y, taken):
        y += CARD_H + GAP
    return {"x": x, "y": y}
