"""Hot reload: real file edits under a running watch_modules task reach the loader."""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import os
import textwrap
from collections.abc import AsyncIterator
from functools import partial
from pathlib import Path

import pytest

from nodeweave import Library
from nodeweave.worker.modules import ModuleEvent, ModuleLoader
from nodeweave.worker.reload import apply_changes, watch_modules

WAIT = 5.0  # seconds; a reload takes tens of milliseconds, this only bounds a failure

ADD = """
    from nodeweave import node

    @node
    def add(a: int, b: int = 1) -> int:
        return a + b{extra}
"""


def source(extra: str = "") -> str:
    return textwrap.dedent(ADD.format(extra=extra)).lstrip()


def save(path: Path, text: str) -> None:
    """Save like many editors do: write a hidden temp file, then rename it over the target."""
    before = path.stat().st_mtime_ns if path.exists() else 0
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(text)
    next_second(tmp, before)
    os.replace(tmp, path)


def next_second(path: Path, before_ns: int) -> None:
    """Give ``path`` an mtime at least a second after ``before_ns``.

    Polling watchers (``WATCHFILES_FORCE_POLLING``) compare whole-second mtimes: an edit within
    the same second would go unseen. This makes it distinct without sleeping.
    """
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, max(stat.st_mtime_ns, before_ns + 1_000_000_000)))


@dataclasses.dataclass
class Watched:
    folder: Path
    loader: ModuleLoader
    events: asyncio.Queue[ModuleEvent]
    task: asyncio.Task[None]

    @property
    def library(self) -> Library:
        return self.loader.library

    async def next_event(self) -> ModuleEvent:
        return await asyncio.wait_for(self.events.get(), WAIT)


@pytest.fixture
async def watched(tmp_path: Path) -> AsyncIterator[Watched]:
    folder = tmp_path / "modules"
    folder.mkdir()
    events: asyncio.Queue[ModuleEvent] = asyncio.Queue()
    loader = ModuleLoader(
        Library(),
        module_dirs=[folder],
        builtins=False,
        entry_points=False,
        on_event=events.put_nowait,
    )
    loader.load_all()
    ready = asyncio.Event()
    task = asyncio.create_task(
        watch_modules(partial(apply_changes, loader), [folder], ready=ready), name="test-watch"
    )
    try:
        await asyncio.wait_for(ready.wait(), WAIT)
        yield Watched(folder, loader, events, task)
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
        loader.close()


async def test_edits_are_reloaded_and_a_broken_save_keeps_the_old_code(watched: Watched) -> None:
    path = watched.folder / "nwr_edit.py"
    save(path, source())
    event = await watched.next_event()
    assert (event.kind, event.node_ids) == ("loaded", ("nwr_edit.add",))
    assert watched.library.get("nwr_edit.add").func(1) == 2

    save(path, source(" + 10"))
    event = await watched.next_event()
    assert event.kind == "reloaded"
    assert watched.library.get("nwr_edit.add").func(1) == 12

    save(path, source(" +"))  # a syntax error
    event = await watched.next_event()
    assert event.kind == "failed" and event.message.startswith("SyntaxError")
    assert watched.library.get("nwr_edit.add").func(1) == 12  # the old code keeps serving

    save(path, source(" + 20"))
    event = await watched.next_event()
    assert event.kind == "reloaded"
    assert watched.library.get("nwr_edit.add").func(1) == 22


async def test_in_place_writes_are_seen_too(watched: Watched) -> None:
    path = watched.folder / "nwr_inplace.py"
    save(path, source())
    assert (await watched.next_event()).kind == "loaded"
    before = path.stat().st_mtime_ns
    with path.open("a") as f:
        f.write("\n\n@node\ndef sub(a: int) -> int:\n    return -a\n")
    next_second(path, before)
    event = await watched.next_event()
    assert event.kind == "reloaded"
    assert event.node_ids == ("nwr_inplace.add", "nwr_inplace.sub")


async def test_new_files_load_and_deleted_files_are_removed(watched: Watched) -> None:
    path = watched.folder / "nwr_new.py"
    save(path, source())
    assert (await watched.next_event()).kind == "loaded"
    path.unlink()
    event = await watched.next_event()
    assert (event.kind, event.node_ids) == ("removed", ("nwr_new.add",))
    assert "nwr_new.add" not in watched.library
    assert watched.loader.modules() == []


async def test_helper_and_non_python_files_are_ignored(watched: Watched) -> None:
    (watched.folder / "_nwr_helper.py").write_text("raise RuntimeError('not a module')\n")
    (watched.folder / "notes.txt").write_text("hello")
    save(watched.folder / "nwr_marker.py", source())
    # Changes arrive in order: had the helper been picked up, its failure would come first.
    event = await watched.next_event()
    assert (event.kind, event.module) == ("loaded", "nwr_marker")
    assert watched.events.empty()


async def test_a_path_deleted_and_back_in_one_batch_counts_as_modified(tmp_path: Path) -> None:
    path = tmp_path / "nwr_renamed.py"
    path.write_text(source())
    loader = ModuleLoader(Library(), builtins=False, entry_points=False)
    try:
        loader.reload_file(path)
        path.write_text(source(" + 5"))
        # What watchfiles may report for a save-by-rename: the path both deleted and added.
        await apply_changes(loader, [str(path), str(path)])
        assert loader.library.get("nwr_renamed.add").func(0) == 6
        await apply_changes(loader, [str(path)])  # same content again: nothing to do
        path.unlink()
        await apply_changes(loader, [str(path)])
        assert "nwr_renamed.add" not in loader.library
    finally:
        loader.close()


async def test_cancelling_the_watcher_stops_it_promptly(watched: Watched) -> None:
    watched.task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await asyncio.wait_for(watched.task, WAIT)
    assert watched.task.cancelled()


async def test_the_stop_event_ends_the_watcher(tmp_path: Path) -> None:
    loader = ModuleLoader(Library(), module_dirs=[tmp_path], builtins=False, entry_points=False)
    stop, ready = asyncio.Event(), asyncio.Event()
    task = asyncio.create_task(
        watch_modules(partial(apply_changes, loader), [tmp_path], stop_event=stop, ready=ready)
    )
    try:
        await asyncio.wait_for(ready.wait(), WAIT)
        stop.set()
        await asyncio.wait_for(task, WAIT)
    finally:
        task.cancel()
        loader.close()


async def test_missing_folders_are_skipped(tmp_path: Path) -> None:
    loader = ModuleLoader(Library(), builtins=False, entry_points=False)
    ready = asyncio.Event()
    # Nothing to watch: it says it is ready and returns.
    await asyncio.wait_for(
        watch_modules(partial(apply_changes, loader), [tmp_path / "nope"], ready=ready), WAIT
    )
    assert ready.is_set()
