"""Hooks: code a module runs around every node run (audit trails, output validation, set-up).

A module declares them on its shelf — ``Shelf(name=…, nodes=[…], hooks=[Hook(…)])`` — for the
nodes of that shelf (``scope="shelf"``, the default) or for every node (``scope="all"``):

* ``before_run(run)`` — may veto the run: return a reason (a string) and the node fails with it
  (error type ``Vetoed``); return ``None`` to let it run;
* ``after_run(run, result)`` — sees the node's return value; return :class:`Replace` to put
  another value in its place (e.g. validated or redacted), ``None`` to keep it;
* ``on_error(run, error)`` — told of a failed run (a :class:`~nodeweave.core.events.NodeError`).

``run`` is a :class:`HookRun`: the node's uuid, type and inputs. Hooks run on the event loop, in
the order their shelves were added; they should be quick. A hook that raises is reported (its
traceback logged, a ``HookFailed`` event) and otherwise ignored: it never fails the node or the
worker. Nodes without hooks pay one attribute check.
"""

from __future__ import annotations

import dataclasses
import logging
import traceback
from collections.abc import Callable, Mapping
from typing import Any, Literal, NamedTuple

from .events import NodeError

log = logging.getLogger("nodeweave.core")


class HookRun(NamedTuple):
    """The run a hook is told of (a tuple: made for every hooked run, it must be cheap)."""

    uuid: str
    node_id: str
    inputs: Mapping[str, Any]


@dataclasses.dataclass(frozen=True, slots=True)
class Replace:
    """What an ``after_run`` hook returns to replace the node's result."""

    value: Any


@dataclasses.dataclass(frozen=True, slots=True)
class Hook:
    before_run: Callable[[HookRun], str | None] | None = None
    after_run: Callable[[HookRun, Any], Replace | None] | None = None
    on_error: Callable[[HookRun, NodeError], None] | None = None
    scope: Literal["shelf", "all"] = "shelf"
    name: str = ""
    """How reports name it (default: its functions' names)."""

    def label(self) -> str:
        if self.name:
            return self.name
        for fn in (self.before_run, self.after_run, self.on_error):
            if fn is not None:
                return str(getattr(fn, "__qualname__", repr(fn)))
        return "hook"


Failure = Callable[[str, str, str], None]
"""Told of a failing hook: (node uuid, hook label, the message with its exception)."""


class HookSet:
    """The hooks that apply to one node type, in order."""

    __slots__ = ("_failed", "after", "before", "errors")

    def __init__(self, hooks: list[Hook], failed: Failure) -> None:
        self.before = [h for h in hooks if h.before_run is not None]
        self.after = [h for h in hooks if h.after_run is not None]
        self.errors = [h for h in hooks if h.on_error is not None]
        self._failed = failed

    def veto(self, run: HookRun) -> str | None:
        for hook in self.before:
            try:
                reason = hook.before_run(run)  # type: ignore[misc]
            except Exception as exc:  # noqa: BLE001 - reported, never the node's failure
                self._report(run, hook, exc)
                continue
            if reason:
                return f"{hook.label()}: {reason}"
        return None

    def result(self, run: HookRun, value: Any) -> Any:
        for hook in self.after:
            try:
                replaced = hook.after_run(run, value)  # type: ignore[misc]
            except Exception as exc:  # noqa: BLE001
                self._report(run, hook, exc)
                continue
            if isinstance(replaced, Replace):
                value = replaced.value
        return value

    def failed(self, run: HookRun, error: NodeError) -> None:
        for hook in self.errors:
            try:
                hook.on_error(run, error)  # type: ignore[misc]
            except Exception as exc:  # noqa: BLE001
                self._report(run, hook, exc)

    def _report(self, run: HookRun, hook: Hook, exc: Exception) -> None:
        text = "".join(traceback.format_exception_only(type(exc), exc)).strip()
        log.error(
            "hook %s failed on node %s (%s)",
            hook.label(),
            run.uuid,
            run.node_id,
            exc_info=exc,
        )
        self._failed(run.uuid, hook.label(), text)


__all__ = ["Hook", "HookRun", "HookSet", "Replace"]
