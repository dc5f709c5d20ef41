"""Hooks around node runs: veto with a reason, replace a result, hear of failures — for a shelf's
nodes or all of them; a hook that raises is reported and changes nothing else."""

from __future__ import annotations

import asyncio
from typing import Any

from nodeweave import Hook, HookRun, NodeSpace, Replace, Shelf, node
from nodeweave.core.events import HookFailed, NodeError

from .helpers import Recorder


@node(id="h.half")
def half(x: float) -> float:
    return x / 2


@node(id="h.boom")
def boom(x: float) -> float:
    raise ValueError("no good")


@node(id="other.inc")
def inc(x: float) -> float:
    return x + 1


@node(id="h.slow")
async def slow(x: float) -> float:
    await asyncio.sleep(0)
    return x * 10


def space(hooks: list[Hook], other_hooks: list[Hook] | None = None) -> NodeSpace:
    ns = NodeSpace()
    ns.library.add_shelf(Shelf(name="h", nodes=[half, boom, slow], hooks=hooks))
    ns.library.add_shelf(Shelf(name="other", nodes=[inc], hooks=other_hooks or []))
    return ns


async def test_a_before_hook_vetoes_a_run_with_its_reason() -> None:
    seen: list[HookRun] = []

    def guard(run: HookRun) -> str | None:
        seen.append(run)
        return "negative input" if run.inputs["x"] < 0 else None

    ns = space([Hook(before_run=guard, name="guard")])
    a = ns.add_node("h.half")
    ns.set_input(a, "x", 8)
    await ns.settle()
    assert ns.get_value(a, "out") == 4
    ns.set_input(a, "x", -2)
    await ns.settle()
    error = ns.error(a)
    assert error is not None and error.type == "Vetoed" and error.message == "guard: negative input"
    assert seen[0].node_id == "h.half" and seen[0].inputs == {"x": 8}
    # a shelf's hooks are for its own nodes only
    b = ns.add_node("other.inc")
    ns.set_input(b, "x", -2)
    await ns.settle()
    assert ns.get_value(b, "out") == -1


async def test_an_after_hook_replaces_results_and_an_error_hook_hears_failures() -> None:
    errors: list[tuple[str, NodeError]] = []

    def clamp(run: HookRun, value: Any) -> Replace | None:
        return Replace(min(value, 100)) if isinstance(value, float) else None

    def record(run: HookRun, error: NodeError) -> None:
        errors.append((run.uuid, error))

    ns = space([], other_hooks=[Hook(after_run=clamp, on_error=record, scope="all")])
    a, b, c = ns.add_node("h.half"), ns.add_node("h.boom"), ns.add_node("h.slow")
    ns.set_input(a, "x", 500)
    ns.set_input(b, "x", 1)
    ns.set_input(c, "x", 50.0)  # async: the task path
    await ns.settle()
    assert ns.get_value(a, "out") == 100 and ns.get_value(c, "out") == 100
    assert [(u, e.message) for u, e in errors] == [(b, "no good")]


async def test_a_hook_that_raises_is_reported_and_the_node_runs_as_if_it_were_not_there() -> None:
    def broken(run: HookRun) -> str | None:
        raise RuntimeError("hook bug")

    def broken_after(run: HookRun, value: Any) -> Replace | None:
        raise KeyError("also a bug")

    ns = space([Hook(before_run=broken, after_run=broken_after, name="audit")])
    recorder = Recorder(ns)
    a = ns.add_node("h.half")
    ns.set_input(a, "x", 3)
    await ns.settle()
    assert ns.get_value(a, "out") == 1.5 and ns.error(a) is None
    failures = recorder.of(HookFailed)
    assert [(f.uuid, f.hook) for f in failures] == [(a, "audit"), (a, "audit")]
    assert "hook bug" in failures[0].message and "also a bug" in failures[1].message


async def test_hooks_follow_the_library_as_shelves_come_and_go() -> None:
    ns = space([])
    a = ns.add_node("h.half")
    ns.set_input(a, "x", 4)
    await ns.settle()
    assert ns.get_value(a, "out") == 2
    veto = Hook(before_run=lambda run: "closed", scope="all", name="gate")
    ns.library.add_shelf(Shelf(name="policy", hooks=[veto]))
    ns.set_input(a, "x", 6)
    await ns.settle()
    assert ns.error(a) is not None and ns.error(a).message == "gate: closed"  # type: ignore[union-attr]
    ns.library.remove_shelf("policy")
    ns.set_input(a, "x", 10)
    await ns.settle()
    assert ns.get_value(a, "out") == 5
