"""Every acknowledged edit survives the worker's death, even when the loop then hangs."""

from __future__ import annotations

import asyncio
import dataclasses
import signal
from pathlib import Path
from typing import Any

import orjson
import pytest

from nodeweave.client import Client
from nodeweave.core.errors import NotFoundError
from nodeweave.state import BEACON_FILE, JOURNAL_FILE, NODESPACE_FILE
from nodeweave.state.beacon import Beacon, read_beacon
from nodeweave.worker.config import WorkerConfig
from nodeweave.worker.engine import Engine
from nodeweave.worker.journal import SEQ_KEY, Journal, read_entries
from nodeweave.worker.service import Worker

from .worker_helpers import config, spawn_worker

pytestmark = pytest.mark.timeout(60)


def never_saving(root: Path) -> WorkerConfig:
    """A worker whose autosave would come only after a minute: the journal alone keeps edits."""
    return config(root, autosave_delay=60.0, autosave_max_delay=60.0)


def graph(worker: Engine) -> dict[str, Any]:
    doc = worker.ns.to_document()
    return {
        "nodes": sorted(orjson.dumps(n, option=orjson.OPT_SORT_KEYS) for n in doc["nodes"]),
        "edges": sorted(orjson.dumps(e, option=orjson.OPT_SORT_KEYS) for e in doc["edges"]),
        "annotations": doc.get("annotations"),
    }


def started(cfg: WorkerConfig) -> Engine:
    worker = Worker(cfg)
    worker.start()
    return worker.start_engine()  # at rest (nothing saved yet): built now, as a command would


async def test_edits_since_the_last_save_come_back_after_a_crash(tmp_path: Path) -> None:
    cfg = never_saving(tmp_path)
    first = started(cfg)
    ed = first.editor
    a = ed.add_node("numbers.number", inputs={"value": 2})
    b = ed.add_node("numbers.add", inputs={"b": 3})
    ed.connect(a, "out", b, "a")
    ed.set_input(a, "value", 7)
    ed.update_node(b, {"name": "Sum"})
    ed.set_annotation("g1", {"kind": "group", "title": "G", "nodes": [a, b]})
    c = ed.add_node("numbers.negate")
    ed.remove_node(c)
    ed.undo()  # c is back
    ed.redo()  # and gone again
    with pytest.raises(NotFoundError):  # a step that fails half-way is taken back
        ed.apply_edits(
            "paste",
            [
                ("add_node", {"node_id": "numbers.number"}),
                ("connect", {"src": a, "src_io": "out", "dst": "gone", "dst_io": "a"}),
            ],
        )
    assert not (cfg.directory / NODESPACE_FILE).exists()  # never saved: only the journal has it
    expected = graph(first)
    # the process dies here: no aclose, no save
    second = started(cfg)
    assert graph(second) == expected
    assert second.worker.restore_problems == []
    await second.aclose()  # saves, and the journal is emptied
    assert (cfg.journal_path).read_bytes() == b""
    third = started(cfg)
    assert graph(third) == expected
    await third.aclose()
    await first.aclose()


async def test_entries_a_save_includes_are_not_replayed_twice(tmp_path: Path) -> None:
    cfg = never_saving(tmp_path)
    first = started(cfg)
    a = first.editor.add_node("numbers.number", uuid="A")
    await first.autosaver.flush()
    assert first.journal.seq == 1 and cfg.journal_path.read_bytes() == b""
    first.editor.add_node("numbers.number", uuid="B")
    snapshot = first._snapshot()  # a save that began here and ended after the next edit
    first.editor.add_node("numbers.number", uuid="C")
    first.editor.remove_node(a)
    cfg.nodespace_path.write_bytes(orjson.dumps(snapshot))
    assert snapshot[SEQ_KEY] == 2
    second = started(cfg)
    assert sorted(n["uuid"] for n in second.ns.to_document()["nodes"]) == ["B", "C"]
    assert second.worker.restore_problems == []
    await second.aclose()
    await first.aclose()


async def test_a_torn_last_line_is_skipped_and_said(tmp_path: Path) -> None:
    cfg = never_saving(tmp_path)
    first = started(cfg)
    first.editor.add_node("numbers.number", uuid="A")
    with cfg.journal_path.open("ab") as f:
        f.write(b'[2, [["add_node", {"node_id": "numb')  # the power went out mid-write
    second = started(cfg)
    assert [n["uuid"] for n in second.ns.to_document()["nodes"]] == ["A"]
    assert any("line 2 is not an edit" in p for p in second.worker.restore_problems)
    second.editor.add_node("numbers.number", uuid="B")  # appends after the torn line
    entries, problems = read_entries(cfg.journal_path, 0)
    assert [seq for seq, _ in entries] == [1, 2] and len(problems) == 1
    await second.aclose()
    await first.aclose()


def test_an_edit_json_cannot_hold_is_reported_not_written(tmp_path: Path) -> None:
    journal = Journal(tmp_path / JOURNAL_FILE)
    journal.open(0)
    journal.append([("set_input", {"uuid": "a", "io": "x", "value": object()})])
    journal.append([("set_input", {"uuid": "a", "io": "x", "value": 1})])
    journal.close()
    entries, _ = read_entries(tmp_path / JOURNAL_FILE, 0)
    assert entries == [(1, [("set_input", {"uuid": "a", "io": "x", "value": 1})])]
    assert len(journal.problems) == 1


HANG = '''"""A node that never returns, on the worker's loop."""
from nodeweave import node


@node(id="hang.forever", executor="inline")
def forever(x: int) -> int:
    while True:
        pass
'''


async def test_an_acknowledged_edit_survives_a_kill_after_the_loop_hangs(tmp_path: Path) -> None:
    state = tmp_path / "state"
    modules = state / "workers" / "w1" / "modules"
    modules.mkdir(parents=True)
    (modules / "hang.py").write_text(HANG)
    worker = await spawn_worker(state)
    try:
        info = await worker.ready()
        token = (state / "token").read_text().strip()
        client = await Client.connect(info["url"], token)
        try:
            n = await client.call("add_node", node_id="numbers.number", inputs={"value": 1})
            h = await client.call("add_node", node_id="hang.forever", inputs={"x": 1})
            # acknowledged; the loop now spins in the node: the worker answers nothing more
            with pytest.raises(TimeoutError):
                async with asyncio.timeout(1.0):
                    await client.call("ping")
        finally:
            worker.signal(signal.SIGKILL)
            await client.close()
    finally:
        await worker.kill()
    directory = state / "workers" / "w1"
    assert not (directory / NODESPACE_FILE).exists()  # the autosave never got its turn
    entries, problems = read_entries(directory / JOURNAL_FILE, 0)
    added = [kw["uuid"] for _, ops in entries for cmd, kw in ops if cmd == "add_node"]
    assert added == [n["uuid"], h["uuid"]] and problems == []
    # and the worker's beacon says which node its loop was stuck in
    assert read_beacon(directory / BEACON_FILE) == {"uuid": h["uuid"], "node_id": "hang.forever"}


def test_the_beacon_says_which_node_runs_and_nothing_between_runs(tmp_path: Path) -> None:
    path = tmp_path / BEACON_FILE
    beacon = Beacon(path)
    assert read_beacon(path) is None
    beacon.enter("u1", "demo.long_node_id")
    assert read_beacon(path) == {"uuid": "u1", "node_id": "demo.long_node_id"}
    beacon.leave()
    assert read_beacon(path) is None
    beacon.enter("u2", "x" * 1000)  # too long for the file: cut, still readable
    got = read_beacon(path)
    assert got is not None and got["uuid"] == "u2"
    beacon.close()
    path.write_bytes(b"{not json\n")
    assert read_beacon(path) is None


def test_worker_config_names_the_journal(tmp_path: Path) -> None:
    cfg = config(tmp_path)
    assert cfg.journal_path == cfg.directory / JOURNAL_FILE
    assert dataclasses.is_dataclass(cfg)
