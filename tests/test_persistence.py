"""The worker's nodespace.json: recovery on load, and the debounced Autosaver."""

from __future__ import annotations

import asyncio
import errno
import re
import threading
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import orjson
import pytest

from nodeweave.state import NODESPACE_FILE, atomic_write
from nodeweave.worker import persistence
from nodeweave.worker.persistence import Autosaver, load_nodespace

STAMP = r"\d{8}T\d{6}(-\d+)?"


def document(*node_ids: str) -> dict[str, Any]:
    nodes = [
        {"uuid": f"n{i}", "node_id": nid, "inputs": {"a": i}, "properties": {}}
        for i, nid in enumerate(node_ids)
    ]
    return {"schema_version": 1, "nodes": nodes, "edges": []}


def dumps(doc: Any) -> bytes:
    return orjson.dumps(doc, option=orjson.OPT_INDENT_2)


def names(directory: Path) -> set[str]:
    return {p.name for p in directory.iterdir()}


@pytest.fixture
def path(tmp_path: Path) -> Path:
    return tmp_path / NODESPACE_FILE


@pytest.fixture
def bak(path: Path) -> Path:
    return path.with_name(path.name + ".bak")


# --- loading ----------------------------------------------------------------------------------


def test_nothing_saved_yet_starts_empty_without_problems(path: Path) -> None:
    outcome = load_nodespace(path)
    assert outcome.document is None
    assert outcome.source == "none"
    assert outcome.problems == []
    assert outcome.moved_aside == []
    assert list(path.parent.iterdir()) == []


def test_a_good_file_loads_from_main(path: Path) -> None:
    doc = document("numbers.add", "text.split")
    path.write_bytes(dumps(doc))
    outcome = load_nodespace(path)
    assert outcome.source == "main"
    assert outcome.document == doc
    assert outcome.problems == []
    assert names(path.parent) == {NODESPACE_FILE}


@pytest.mark.parametrize(
    ("content", "says"),
    [
        (b'{"schema_version": 1, "nodes": [', "not valid JSON"),
        (b"", "not valid JSON"),
        (b'{"nodes": []}', "not a valid workflow document"),
        (b"[1, 2, 3]", "not a valid workflow document"),
        (b'{"schema_version": 1, "nodes": [{"uuid": ""}]}', "not a valid workflow document"),
    ],
)
def test_a_corrupt_main_is_moved_aside_and_the_backup_restores_it(
    path: Path, bak: Path, content: bytes, says: str
) -> None:
    good = dumps(document("numbers.add"))
    bak.write_bytes(good)
    path.write_bytes(content)

    outcome = load_nodespace(path)

    assert outcome.source == "backup"
    assert outcome.document == document("numbers.add")
    [moved] = outcome.moved_aside
    assert re.fullmatch(rf"nodespace\.json\.corrupt-{STAMP}", moved.name)
    assert moved.read_bytes() == content  # kept byte for byte
    assert any(says in p and moved.name in p for p in outcome.problems), outcome.problems
    assert path.read_bytes() == good  # restored by copying …
    assert bak.read_bytes() == good  # … the backup, which stays


def test_a_missing_main_is_restored_from_the_backup(path: Path, bak: Path) -> None:
    bak.write_bytes(dumps(document("numbers.add")))
    outcome = load_nodespace(path)
    assert outcome.source == "backup"
    assert outcome.document == document("numbers.add")
    assert outcome.moved_aside == []
    assert any("missing" in p for p in outcome.problems)
    assert path.read_bytes() == bak.read_bytes()


def test_corrupt_main_and_backup_are_both_kept_and_the_graph_starts_empty(
    path: Path, bak: Path
) -> None:
    path.write_bytes(b"{main")
    bak.write_bytes(b"{bak")
    outcome = load_nodespace(path)
    assert outcome.document is None
    assert outcome.source == "none"
    main_moved, bak_moved = outcome.moved_aside
    assert re.fullmatch(rf"nodespace\.json\.corrupt-{STAMP}", main_moved.name)
    assert re.fullmatch(rf"nodespace\.json\.bak\.corrupt-{STAMP}", bak_moved.name)
    assert main_moved.read_bytes() == b"{main"
    assert bak_moved.read_bytes() == b"{bak"
    assert not path.exists()
    assert not bak.exists()
    assert any("empty graph" in p for p in outcome.problems)


def test_a_corrupt_main_without_backup_starts_empty(path: Path) -> None:
    path.write_bytes(b"\x00\x01garbage")
    outcome = load_nodespace(path)
    assert outcome.source == "none"
    assert len(outcome.moved_aside) == 1
    assert any("no backup" in p for p in outcome.problems)


def test_moved_aside_files_are_never_overwritten(path: Path) -> None:
    path.write_bytes(b"first corruption")
    first = load_nodespace(path)
    path.write_bytes(b"second corruption")
    second = load_nodespace(path)
    path.write_bytes(b"third corruption")
    third = load_nodespace(path)
    moved = [*first.moved_aside, *second.moved_aside, *third.moved_aside]
    assert len(set(moved)) == 3
    assert [m.read_bytes() for m in moved] == [
        b"first corruption",
        b"second corruption",
        b"third corruption",
    ]


def test_a_file_from_a_newer_nodeweave_is_kept_not_called_corrupt(path: Path) -> None:
    content = dumps({"schema_version": 99, "nodes": [], "future": True})
    path.write_bytes(content)
    outcome = load_nodespace(path)
    assert outcome.source == "none"
    assert outcome.document is None
    [moved] = outcome.moved_aside
    assert re.fullmatch(rf"nodespace\.json\.newer-{STAMP}", moved.name)
    assert moved.read_bytes() == content
    assert any("newer version of nodeweave" in p for p in outcome.problems)
    assert not any("corrupt" in p for p in outcome.problems)
    assert not path.exists()  # so the worker's first save cannot overwrite it


def test_an_unreadable_main_is_moved_aside(
    path: Path, bak: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path.write_bytes(dumps(document("numbers.add")))
    bak.write_bytes(dumps(document("text.split")))
    real_read_bytes = Path.read_bytes

    def read_bytes(self: Path) -> bytes:
        if self == path:
            raise PermissionError(errno.EACCES, "Permission denied", str(self))
        return real_read_bytes(self)

    monkeypatch.setattr(Path, "read_bytes", read_bytes)
    outcome = load_nodespace(path)
    monkeypatch.undo()
    assert outcome.source == "backup"
    assert outcome.document == document("text.split")
    assert any("cannot be read" in p for p in outcome.problems)
    [moved] = outcome.moved_aside
    assert moved.read_bytes() == dumps(document("numbers.add"))


def test_loading_removes_temp_files_of_an_interrupted_save(path: Path) -> None:
    path.write_bytes(dumps(document()))
    (path.parent / ".nodespace.json.tmp-0123456789ab").write_bytes(b"half a docu")
    outcome = load_nodespace(path)
    assert outcome.source == "main"
    assert names(path.parent) == {NODESPACE_FILE}


# --- the autosaver ----------------------------------------------------------------------------


class State:
    """A mutable document whose snapshots are counted and announced."""

    def __init__(self) -> None:
        self.doc = document()
        self.snapshots = 0
        self.taken = asyncio.Event()

    def snapshot(self) -> Mapping[str, Any]:
        self.snapshots += 1
        self.taken.set()
        return {**self.doc, "nodes": list(self.doc["nodes"])}

    def add(self, node_id: str = "numbers.add") -> None:
        i = len(self.doc["nodes"])
        self.doc["nodes"].append({"uuid": f"n{i}", "node_id": node_id, "inputs": {}})

    async def next_snapshot(self) -> None:
        async with asyncio.timeout(10):
            await self.taken.wait()
        self.taken.clear()


def saved(path: Path) -> Any:
    return orjson.loads(path.read_bytes())


def unencodable() -> Mapping[str, Any]:
    return {"schema_version": 1, "bad": object()}


def on_disk(path: Path) -> bool:
    return path.exists()


def autosave_tasks() -> list[asyncio.Task[Any]]:
    return [t for t in asyncio.all_tasks() if t.get_name().startswith("autosave ")]


async def test_a_burst_of_changes_is_saved_once(path: Path) -> None:
    state = State()
    saver = Autosaver(path, state.snapshot, delay=0.05, max_delay=1.0)
    for _ in range(5000):
        state.add()
        saver.mark_dirty()
    assert len(autosave_tasks()) == 1
    assert saver.dirty
    await state.next_snapshot()
    await saver.flush()  # waits for the save in flight
    # nothing else may follow: the background task ends by itself, having nothing to save
    await asyncio.wait_for(asyncio.gather(*autosave_tasks()), 5)
    assert saver.saves == 1
    assert state.snapshots == 1
    assert not saver.dirty
    assert len(saved(path)["nodes"]) == 5000
    await saver.aclose()
    assert autosave_tasks() == []


async def test_a_continuous_stream_of_changes_is_still_saved_by_max_delay(path: Path) -> None:
    state = State()
    saver = Autosaver(path, state.snapshot, delay=0.05, max_delay=0.2)
    loop = asyncio.get_running_loop()
    start = loop.time()
    while loop.time() - start < 0.7:  # a change every 10 ms never lets the 50 ms debounce fire
        state.add()
        saver.mark_dirty()
        await asyncio.sleep(0.01)
    saves_while_changing = saver.saves
    await saver.aclose()
    assert saves_while_changing >= 1
    assert saver.saves > saves_while_changing  # the final save on close
    assert saved(path)["nodes"] == state.doc["nodes"]


async def test_the_snapshot_is_taken_at_save_time(path: Path) -> None:
    state = State()
    saver = Autosaver(path, state.snapshot, delay=0.05, max_delay=1.0)
    saver.mark_dirty()
    state.add("text.split")  # changed after marking, before saving: still in the save
    await state.next_snapshot()
    await saver.aclose()
    assert [n["node_id"] for n in saved(path)["nodes"]] == ["text.split"]


async def test_flush_saves_now_and_only_when_dirty(path: Path) -> None:
    state = State()
    saver = Autosaver(path, state.snapshot, delay=10, max_delay=60)
    await saver.flush()
    assert saver.saves == 0
    assert not on_disk(path)
    state.add()
    saver.mark_dirty()
    await saver.flush()
    assert saver.saves == 1
    assert not saver.dirty
    assert len(saved(path)["nodes"]) == 1
    await saver.flush()
    assert saver.saves == 1
    await saver.aclose()


async def test_saving_keeps_the_previous_version_as_backup(path: Path, bak: Path) -> None:
    state = State()
    saver = Autosaver(path, state.snapshot, delay=10, max_delay=60)
    state.add()
    saver.mark_dirty()
    await saver.flush()
    state.add()
    saver.mark_dirty()
    await saver.flush()
    assert len(saved(path)["nodes"]) == 2
    assert len(saved(bak)["nodes"]) == 1
    assert names(path.parent) == {NODESPACE_FILE, bak.name}
    await saver.aclose()


async def test_aclose_saves_and_later_changes_are_ignored(path: Path) -> None:
    state = State()
    saver = Autosaver(path, state.snapshot, delay=10, max_delay=60)
    state.add()
    saver.mark_dirty()
    await saver.aclose()
    assert saver.closed
    assert saver.saves == 1
    assert len(saved(path)["nodes"]) == 1
    state.add()
    saver.mark_dirty()
    assert not saver.dirty
    assert autosave_tasks() == []
    await saver.aclose()  # idempotent
    assert saver.saves == 1


async def test_a_change_during_a_save_schedules_another_and_saves_never_overlap(
    path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    loop = asyncio.get_running_loop()
    writing = asyncio.Event()
    release = threading.Event()
    active = 0
    most_active = 0
    guard = threading.Lock()

    def slow_write(target: Path, data: bytes, *, backup: bool = False) -> None:
        nonlocal active, most_active
        with guard:
            active += 1
            most_active = max(most_active, active)
        loop.call_soon_threadsafe(writing.set)
        release.wait(10)
        atomic_write(target, data, backup=backup)
        with guard:
            active -= 1

    monkeypatch.setattr(persistence, "atomic_write", slow_write)
    state = State()
    saver = Autosaver(path, state.snapshot, delay=0.01, max_delay=0.05)
    state.add()
    saver.mark_dirty()
    async with asyncio.timeout(10):
        await writing.wait()
    state.add()
    saver.mark_dirty()  # arrives while the first save is being written
    assert saver.dirty
    flush = asyncio.create_task(saver.flush())
    for _ in range(20):  # let the flush run until it blocks: the write holds the lock
        await asyncio.sleep(0)
    assert not flush.done()
    release.set()
    await flush
    await saver.aclose()
    assert most_active == 1
    assert saver.saves == 2
    assert len(saved(path)["nodes"]) == 2


async def test_a_failed_save_is_reported_and_retried(
    path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    failures = [OSError(errno.ENOSPC, "No space left on device")]

    def flaky_write(target: Path, data: bytes, *, backup: bool = False) -> None:
        if failures:
            raise failures.pop()
        atomic_write(target, data, backup=backup)

    monkeypatch.setattr(persistence, "atomic_write", flaky_write)
    errors: list[BaseException] = []
    state = State()
    saver = Autosaver(path, state.snapshot, delay=0.01, max_delay=0.05, on_error=errors.append)
    state.add()
    saver.mark_dirty()
    await state.next_snapshot()  # the failing attempt
    await state.next_snapshot()  # the retry, without any new change
    await saver.flush()
    assert [str(e) for e in errors] == ["[Errno 28] No space left on device"]
    assert "could not save" in caplog.text
    assert saver.saves == 1
    assert saver.last_error is None
    assert not saver.dirty
    assert len(saved(path)["nodes"]) == 1
    await saver.aclose()


async def test_flush_raises_a_failed_save_and_keeps_it_dirty(
    path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken_write(target: Path, data: bytes, *, backup: bool = False) -> None:
        raise PermissionError(errno.EACCES, "Permission denied", str(target))

    monkeypatch.setattr(persistence, "atomic_write", broken_write)
    errors: list[BaseException] = []
    saver = Autosaver(path, State().snapshot, delay=10, max_delay=60, on_error=errors.append)
    saver.mark_dirty()
    with pytest.raises(PermissionError):
        await saver.flush()
    assert saver.dirty
    assert isinstance(saver.last_error, PermissionError)
    assert len(errors) == 1
    await saver.aclose()  # reports the failing final save instead of raising
    assert len(errors) == 2


async def test_an_unencodable_snapshot_is_reported_not_raised(path: Path) -> None:
    errors: list[BaseException] = []
    saver = Autosaver(path, unencodable, delay=0.01, max_delay=0.05, on_error=errors.append)
    saver.mark_dirty()
    with pytest.raises(TypeError):
        await saver.flush()
    assert isinstance(errors[0], TypeError)
    assert saver.dirty
    assert not on_disk(path)
    await saver.aclose()


async def test_a_failing_error_handler_does_not_break_the_saver(path: Path) -> None:
    def on_error(exc: BaseException) -> None:
        raise RuntimeError("handler bug")

    saver = Autosaver(path, unencodable, delay=10, max_delay=60, on_error=on_error)
    saver.mark_dirty()
    with pytest.raises(TypeError):
        await saver.flush()
    await saver.aclose()
    assert saver.closed


def test_delays_must_make_sense(path: Path) -> None:
    with pytest.raises(ValueError, match="delay"):
        Autosaver(path, dict, delay=1.0, max_delay=0.5)
