"""The restart policy as a table: exits at given times → restart after a delay, or failed; the
worker's states and the changes between them a supervisor may make."""

from __future__ import annotations

import collections
from typing import Any, get_args

import pytest

from nodeweave.protocol.hub import WorkerStatus
from nodeweave.workermanager.supervisor import (
    TRANSITIONS,
    Policy,
    Status,
    Supervisor,
    TransitionError,
    after_exit,
)

POLICY = Policy(
    max_crashes=3,
    crash_window=60.0,
    backoff_base=0.1,
    backoff_max=10.0,
    max_hangs=3,
    hang_window=600.0,
)


def run(exits: list[tuple[float, bool]]) -> list[str]:
    """Feed exits (time, hung) one by one; each verdict as 'restart <delay>' or 'failed: …'."""
    crashes: collections.deque[float] = collections.deque()
    hangs: collections.deque[float] = collections.deque()
    out = []
    for now, hung in exits:
        verdict = after_exit(POLICY, crashes, hangs, now, hung=hung, reason="why")
        crashes, hangs = verdict.crashes, verdict.hangs
        out.append(f"failed: {verdict.fail}" if verdict.fail else f"restart {verdict.delay:g}")
    return out


@pytest.mark.parametrize(
    ("exits", "verdicts"),
    [
        # crashes back off, doubling, until more than max_crashes fall in the window
        (
            [(0, False), (1, False), (2, False), (3, False)],
            [
                "restart 0.1",
                "restart 0.2",
                "restart 0.4",
                "failed: crashed 4 times within 60 s; last: why",
            ],
        ),
        # crashes spread wider than the window never add up
        ([(0, False), (61, False), (122, False), (183, False)], ["restart 0.1"] * 4),
        # hangs, ~16 s apart (a health-check period or more), fail at the third
        (
            [(0, True), (16, True), (32, True)],
            [
                "restart 0.1",
                "restart 0.2",
                "failed: hung 3 times within 600 s; last: why. "
                "Start it in safe start to remove or fix that node",
            ],
        ),
        # hangs further apart than their window do not
        ([(0, True), (601, True), (1202, True)], ["restart 0.1"] * 3),
        # a hang also counts as a crash, and a crash does not count as a hang
        (
            [(0, True), (1, False), (2, False), (3, True)],
            [
                "restart 0.1",
                "restart 0.2",
                "restart 0.4",
                "failed: crashed 4 times within 60 s; last: why",
            ],
        ),
    ],
)
def test_the_restart_policy(exits: list[tuple[float, bool]], verdicts: list[str]) -> None:
    assert run(exits) == verdicts


def test_the_inputs_are_left_as_they_were() -> None:
    crashes = collections.deque([1.0])
    hangs: collections.deque[float] = collections.deque()
    verdict = after_exit(POLICY, crashes, hangs, 2.0, hung=True, reason="x")
    assert list(crashes) == [1.0] and list(hangs) == []
    assert list(verdict.crashes) == [1.0, 2.0] and list(verdict.hangs) == [2.0]


def test_the_backoff_doubles_up_to_its_cap() -> None:
    policy = Policy(max_crashes=100, crash_window=60.0, backoff_base=0.1, backoff_max=0.5)
    crashes: collections.deque[float] = collections.deque()
    hangs: collections.deque[float] = collections.deque()
    delays = []
    for now in range(6):
        verdict = after_exit(policy, crashes, hangs, float(now), hung=False, reason="x")
        crashes = verdict.crashes
        delays.append(verdict.delay)
    assert delays == pytest.approx([0.1, 0.2, 0.4, 0.5, 0.5, 0.5])


async def test_a_task_group_logs_a_failure_and_ends_its_tasks(
    caplog: pytest.LogCaptureFixture,
) -> None:
    import asyncio
    import logging

    from nodeweave.tasks import TaskGroup

    group = TaskGroup(logging.getLogger("test.tasks"))

    async def boom() -> None:
        raise ValueError("no")

    forever = group.spawn(asyncio.sleep(3600), "forever")
    group.spawn(boom(), "boom")
    await asyncio.sleep(0.01)
    assert len(group) == 1  # the failed one is gone, its failure logged with its name
    assert "background task boom failed" in caplog.text
    await group.aclose()
    assert forever.cancelled() and len(group) == 0


# --- the worker's states ------------------------------------------------------------------------


def supervisor_in(status: Status) -> Supervisor:
    async def launch(safe: bool) -> Any:
        raise AssertionError("not started in this test")

    sup = Supervisor(
        "w",
        launch=launch,
        token="t",
        policy=POLICY,
        on_change=lambda _: None,
        http=lambda: None,  # type: ignore[arg-type,return-value]
        tail=list,
    )
    sup.status = status
    return sup


def test_the_states_are_the_protocols() -> None:
    assert {str(s) for s in Status} == set(get_args(WorkerStatus))


ALLOWED = [
    ("stopped", "starting"),
    ("stopped", "running"),  # adopted: it ran before this hub, or was started by hand
    ("stopped", "failed"),  # it failed before this hub (worker.json)
    ("starting", "running"),
    ("starting", "failed"),
    ("starting", "stopped"),  # its start cancelled by a stop
    ("running", "stopping"),
    ("running", "starting"),  # crashed or hung: restarting
    ("running", "failed"),  # crashed or hung too often
    ("running", "stopped"),  # a stop that races a crash: its process is already gone
    ("stopping", "stopped"),
    ("failed", "starting"),
    ("failed", "stopped"),
    ("failed", "running"),  # found running, started by hand without the hub
]


@pytest.mark.parametrize(
    ("before", "after"),
    [(a, b) for a in Status for b in Status],
    ids=lambda s: str(s),
)
def test_every_change_of_state_is_allowed_or_refused_as_the_table_says(
    before: Status, after: Status
) -> None:
    sup = supervisor_in(before)
    if before == after or (before, after) in ALLOWED:
        sup._set(after)
        assert sup.status is after
    else:
        with pytest.raises(TransitionError, match=f"{before} → {after}"):
            sup._set(after)
        assert sup.status is before


def test_the_table_is_the_one_the_supervisor_uses() -> None:
    assert {(str(a), str(b)) for a, nexts in TRANSITIONS.items() for b in nexts} == set(ALLOWED)
