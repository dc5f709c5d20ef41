"""The library cache of deferred FuncNodes modules: served only for its own fingerprint, and
anything else in its place — damaged, foreign, another format — is no cache (never an error)."""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest

from nodeweave.worker import librarycache

SNAPSHOT = {
    "shelves": [{"name": "basics", "description": "", "nodes": [], "subshelves": []}],
    "modules": [{"name": "funcnodes_basic", "status": "loaded", "node_ids": ["add_node"]}],
}


def test_a_written_cache_is_read_back_for_its_fingerprint_only(tmp_path: Path) -> None:
    path = tmp_path / "library.json"
    assert librarycache.read(path, "fp") is None  # no file yet
    librarycache.write(path, "fp", SNAPSHOT)
    assert librarycache.read(path, "fp") == SNAPSHOT
    assert librarycache.read(path, "other") is None
    assert librarycache.read(path, None) is None  # nothing deferred: nothing to answer for
    assert [p.name for p in tmp_path.iterdir()] == ["library.json"]  # no temporary left


@pytest.mark.parametrize(
    "content",
    [
        b"",
        b"{not json",
        b"[]",
        b'{"format": 1, "fingerprint": "fp"}',
        b'{"format": 2, "fingerprint": "fp", "shelves": [], "modules": []}',
        b'{"format": 1, "fingerprint": "fp", "shelves": "x", "modules": []}',
        b'{"format": 1, "fingerprint": "fp", "shelves": [1], "modules": []}',
        b'{"format": 1, "fingerprint": "fp", "shelves": [], "modules": [{"name": 3}]}',
        b"\xff\xfe\x00",
    ],
)
def test_anything_else_in_its_place_is_no_cache(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "library.json"
    path.write_bytes(content)
    assert librarycache.read(path, "fp") is None


def test_a_cache_that_cannot_be_written_costs_only_the_cache(tmp_path: Path) -> None:
    folder = tmp_path / "gone"  # no such folder: the write fails
    librarycache.write(folder / "library.json", "fp", SNAPSHOT)
    assert not folder.exists()
    path = tmp_path / "library.json"
    librarycache.write(path, "fp", {"shelves": [{"name": "x", "value": object()}], "modules": []})
    assert not path.exists()  # not JSON: nothing half-written
    path.write_bytes(orjson.dumps({"format": 1, "fingerprint": "fp", **SNAPSHOT}))
    assert librarycache.read(path, "fp") == SNAPSHOT
