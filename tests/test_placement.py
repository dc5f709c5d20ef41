"""Where a node without a position goes: next to the last one added, never on another."""

from __future__ import annotations

import random

from nodeweave.core.placement import CARD_H, CARD_W, free_position, position_of


def test_the_first_node_goes_to_the_origin_and_the_next_to_its_right() -> None:
    assert free_position([]) == {"x": 0.0, "y": 0.0}
    spot = free_position([(100.0, 50.0)])
    assert spot["y"] == 50.0 and spot["x"] >= 100.0 + CARD_W


def test_a_taken_spot_moves_the_new_node_down_until_it_overlaps_nothing() -> None:
    rng = random.Random(7)
    placed = [(rng.uniform(0, 2000), rng.uniform(0, 2000)) for _ in range(60)]  # placed by hand
    for _ in range(40):  # then a script adds node after node without positions
        spot = free_position(placed)
        for x, y in placed:
            assert abs(spot["x"] - x) >= CARD_W or abs(spot["y"] - y) >= CARD_H, (spot, (x, y))
        placed.append((spot["x"], spot["y"]))
    # the spot right of the last card is taken twice over: two rows down
    spot = free_position([(300.0, 0.0), (300.0, 220.0), (0.0, 0.0)])
    assert spot == {"x": 300.0, "y": 440.0}


def test_position_of_reads_only_a_well_formed_position() -> None:
    assert position_of({"position": {"x": 1, "y": 2.5}}) == (1.0, 2.5)
    assert position_of({}) is None
    assert position_of({"position": {"x": 1}}) is None
    assert position_of({"position": {"x": "1", "y": 2}}) is None
    assert position_of({"position": {"x": True, "y": 2}}) is None
    assert position_of({"position": [1, 2]}) is None
