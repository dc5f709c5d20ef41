"""The worker's ``nodespace.json``: recovering it on start, saving it (debounced) while running.

Loading never destroys anything: a file that cannot be used is renamed aside under a name that is
never reused (``nodespace.json.corrupt-20250101T120000``, ``….corrupt-20250101T120000-2``; a file
from a newer nodeweave becomes ``nodespace.json.newer-…``), then the ``.bak`` is tried. Saving
goes through :func:`nodeweave.state.atomic_write`, so a crash at any moment leaves a complete
main file.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import functools
import logging
import os
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, Literal

import orjson

from nodeweave.core.document import parse
from nodeweave.core.errors import DocumentError, UnsupportedSchemaVersionError
from nodeweave.state import atomic_write, backup_path, remove_temp_files

log = logging.getLogger("nodeweave.worker")

# After a failed save, wait at least this long (doubling up to the cap) before retrying, so a
# full disk is not hammered by every keystroke.
_RETRY_CAP = 30.0


@dataclasses.dataclass
class LoadOutcome:
    """What :func:`load_nodespace` found.

    ``document`` is the raw, structurally valid dict for ``NodeSpace.load_document`` (None: start
    empty); ``source`` says which file it came from; ``problems`` are sentences for the user;
    ``moved_aside`` lists the unusable files, under their new names.
    """

    document: dict[str, Any] | None
    source: Literal["main", "backup", "none"]
    problems: list[str] = dataclasses.field(default_factory=list)
    moved_aside: list[Path] = dataclasses.field(default_factory=list)


class _Unusable(Exception):
    """A file that cannot be loaded; ``label`` picks its moved-aside name."""

    def __init__(self, reason: str, label: str = "corrupt") -> None:
        super().__init__(reason)
        self.reason = reason
        self.label = label


def load_nodespace(path: Path) -> LoadOutcome:
    """Find the graph to start with: ``path``, else its ``.bak``, else nothing.

    Call it only while holding the worker lock: it renames unusable files aside, restores the
    main file from a good backup, and removes temp files that a killed save left behind.
    """
    for leftover in remove_temp_files(path):
        log.info("removed %s, left behind by an interrupted save", leftover)
    outcome = LoadOutcome(document=None, source="none")
    bak = backup_path(path)
    if path.exists() or path.is_symlink():
        document = _try(path, outcome)
        if document is not None:
            outcome.document, outcome.source = document, "main"
            return outcome
    elif bak.exists():
        outcome.problems.append(f"{path} is missing; looking at its backup {bak.name}")
    else:
        return outcome

    if not (bak.exists() or bak.is_symlink()):
        outcome.problems.append(f"there is no backup {bak.name}: starting with an empty graph")
        return outcome
    document = _try(bak, outcome)
    if document is None:
        outcome.problems.append("the backup is unusable too: starting with an empty graph")
        return outcome
    outcome.document, outcome.source = document, "backup"
    try:
        # Copy, not move: the backup stays as it is until the next save rotates it.
        atomic_write(path, bak.read_bytes())
    except OSError as exc:
        outcome.problems.append(f"loaded the backup {bak.name} but could not restore {path}: {exc}")
    else:
        outcome.problems.append(f"restored {path.name} from its backup {bak.name}")
    return outcome


def _try(path: Path, outcome: LoadOutcome) -> dict[str, Any] | None:
    """The document in ``path``, or None after moving the file aside and saying why."""
    try:
        document = _read_document(path)
    except _Unusable as bad:
        try:
            moved = _move_aside(path, bad.label)
        except OSError as exc:
            outcome.problems.append(f"{bad.reason}; it could not be moved aside either: {exc}")
        else:
            outcome.moved_aside.append(moved)
            outcome.problems.append(f"{bad.reason}; kept it as {moved.name}")
        return None
    return document


def _read_document(path: Path) -> dict[str, Any]:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise _Unusable(f"{path} cannot be read ({exc.strerror or exc})") from None
    try:
        raw = orjson.loads(data)
    except orjson.JSONDecodeError as exc:
        raise _Unusable(f"{path} is corrupt: not valid JSON ({exc})") from None
    try:
        parse(raw)
    except UnsupportedSchemaVersionError as exc:
        raise _Unusable(
            f"{path} was written by a newer version of nodeweave ({exc.message})", "newer"
        ) from None
    except DocumentError as exc:
        raise _Unusable(
            f"{path} is corrupt: not a valid workflow document ({exc.message})"
        ) from None
    assert isinstance(raw, dict)  # parse() accepts nothing else
    return raw


def _move_aside(path: Path, label: str) -> Path:
    """Rename ``path`` to ``<name>.<label>-<timestamp>[-N]``, a name that held nothing before."""
    stamp = time.strftime("%Y%m%dT%H%M%S")
    n = 1
    while True:
        target = path.with_name(f"{path.name}.{label}-{stamp}" + (f"-{n}" if n > 1 else ""))
        try:
            # Reserve the name first: rename() would silently replace an existing file.
            os.close(os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o600))
        except FileExistsError:
            n += 1
            continue
        try:
            os.replace(path, target)
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(target)
            raise
        return target


class Autosaver:
    """Debounced, atomic saving of a snapshot to ``path``.

    :meth:`mark_dirty` after every change; the snapshot is saved ``delay`` seconds after the last
    change, and at the latest ``max_delay`` seconds after the first unsaved one, so a continuous
    stream of changes (a dragged slider) is still saved regularly. ``snapshot`` runs on the event
    loop; encoding and writing run in a thread. Saves never overlap. A failed save is logged,
    passed to ``on_error``, and retried later; it never raises into the event loop.
    """

    def __init__(
        self,
        path: Path,
        snapshot: Callable[[], Mapping[str, Any]],
        *,
        delay: float = 0.25,
        max_delay: float = 2.0,
        on_error: Callable[[BaseException], None] | None = None,
        on_saved: Callable[[Mapping[str, Any]], None] | None = None,
    ) -> None:
        if delay < 0 or max_delay < delay:
            raise ValueError(f"need 0 <= delay <= max_delay, got {delay} and {max_delay}")
        self.path = path
        self._snapshot = snapshot
        self._delay = delay
        self._max_delay = max_delay
        self._on_error = on_error
        self._on_saved = on_saved
        self._dirty = False
        self._first_change = 0.0  # loop time of the oldest unsaved change (valid when dirty)
        self._last_change = 0.0
        self._retry_at = 0.0  # after a failure: no attempt before this loop time
        self._backoff = 0.0
        self._closed = False
        self._task: asyncio.Task[None] | None = None
        self._lock = asyncio.Lock()  # one save at a time: the background task, flush, aclose
        self._write: asyncio.Future[None] | None = None
        self.saves = 0
        """How many saves succeeded."""
        self.last_error: BaseException | None = None
        """The error of the latest save attempt; None once a save succeeded."""

    @property
    def dirty(self) -> bool:
        """Whether some change is not on disk yet (a save in progress counts as not yet)."""
        return self._dirty or (self._write is not None and not self._write.done())

    @property
    def closed(self) -> bool:
        """Whether :meth:`aclose` was called (changes are no longer saved)."""
        return self._closed

    def mark_dirty(self) -> None:
        """Note a change; cheap enough to call on every event.

        Outside a running event loop the change is only noted (the next :meth:`flush` saves it).
        """
        if self._closed:
            return
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            loop = None
        now = loop.time() if loop is not None else 0.0
        self._last_change = now
        if not self._dirty:
            self._dirty = True
            self._first_change = now
        if loop is not None and (self._task is None or self._task.done()):
            self._task = loop.create_task(self._run(), name=f"autosave {self.path}")
            self._task.add_done_callback(self._task_done)

    async def flush(self) -> None:
        """Save now if anything is unsaved, after waiting for a save in progress.

        A failure is reported like any other (log, ``on_error``) and also raised here, because
        the caller asked for this save.
        """
        async with self._lock:
            if self._dirty:
                error = await self._save()
                if error is not None:
                    raise error

    async def aclose(self) -> None:
        """Save what is unsaved and stop; later :meth:`mark_dirty` calls are ignored.

        A failing final save is reported (log, ``on_error``, :attr:`last_error`), not raised.
        """
        self._closed = True
        async with self._lock:
            # Holding the lock, the task is asleep or waiting for the lock, never mid-save.
            task, self._task = self._task, None
            if task is not None and not task.done():
                task.cancel()
                await asyncio.wait([task])
            if self._dirty:
                await self._save()

    # --- internals -----------------------------------------------------------------------

    async def _run(self) -> None:
        loop = asyncio.get_running_loop()
        while self._dirty and not self._closed:
            due = min(self._last_change + self._delay, self._first_change + self._max_delay)
            due = max(due, self._retry_at)
            wait = due - loop.time()
            if wait > 0:
                # Changes during the sleep move the deadline; look at it again after waking.
                await asyncio.sleep(wait)
                continue
            async with self._lock:
                if self._dirty and not self._closed:  # flush() may have saved meanwhile
                    await self._save()

    async def _save(self) -> BaseException | None:
        """One save attempt; the caller holds the lock. Returns the error, already reported."""
        if self._write is not None and not self._write.done():
            # A save whose awaiting task was cancelled still runs in its thread: never overlap.
            await asyncio.wait([self._write])
        loop = asyncio.get_running_loop()
        first_change = self._first_change
        self._dirty = False  # changes from now on belong to the next save
        try:
            snapshot = self._snapshot()
            # orjson holds the GIL while encoding, so the loop cannot mutate the snapshot
            # meanwhile; the writing and fsync are what really leave the loop free.
            self._write = loop.run_in_executor(
                None, functools.partial(self._encode_and_write, snapshot)
            )
            self._write.add_done_callback(_retrieve)
            # shield: if our task is cancelled, the thread still finishes and _write says when.
            await asyncio.shield(self._write)
        except asyncio.CancelledError:
            self._keep_dirty(first_change)  # the write may not have happened: save again later
            raise
        except Exception as exc:  # noqa: BLE001 - reported below, retried later
            self._keep_dirty(first_change)
            self._backoff = min(max(self._backoff * 2, self._max_delay, 0.05), _RETRY_CAP)
            self._retry_at = loop.time() + self._backoff
            self._report(exc)
            return exc
        self.saves += 1
        if self._on_saved is not None:
            self._on_saved(snapshot)
        self.last_error = None
        self._backoff = 0.0
        self._retry_at = 0.0
        return None

    def _keep_dirty(self, first_change: float) -> None:
        """Undo "clean" after a save that did not happen, keeping the oldest change's time."""
        if self._dirty:
            self._first_change = min(first_change, self._first_change)
        else:
            self._dirty = True
            self._first_change = first_change

    def _encode_and_write(self, snapshot: Mapping[str, Any]) -> None:
        data = orjson.dumps(snapshot, option=orjson.OPT_INDENT_2)
        atomic_write(self.path, data, backup=True)

    def _report(self, exc: BaseException) -> None:
        self.last_error = exc
        log.error("could not save %s: %s", self.path, exc, exc_info=exc)
        if self._on_error is not None:
            try:
                self._on_error(exc)
            except Exception:
                log.exception("the autosave error handler failed")

    def _task_done(self, task: asyncio.Task[None]) -> None:
        if task.cancelled():
            return
        exc = task.exception()
        if exc is not None:  # a bug here, not a failed save (those are caught): say it loudly
            log.error("autosave task of %s crashed", self.path, exc_info=exc)


def _retrieve(future: asyncio.Future[None]) -> None:
    """Mark a write's outcome as seen even if nobody awaits it any more (task cancelled)."""
    if not future.cancelled():
        future.exception()
