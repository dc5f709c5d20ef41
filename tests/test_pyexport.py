"""``nodeweave export ID --python``: the graph as a script that computes what the worker does,
with chosen inputs as command-line options; what a script cannot express is refused."""

from __future__ import annotations

import asyncio
import subprocess
import sys
from pathlib import Path

import orjson
import pytest

from nodeweave.cli import main

from .test_bundles import headless, origin


def run_script(path: Path, *args: str) -> dict[str, dict[str, object]]:
    done = subprocess.run(
        [sys.executable, str(path), *args], capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == 0, done.stderr
    return orjson.loads(done.stdout)  # type: ignore[no-any-return]


def test_the_script_computes_what_the_worker_computes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    state, wid = origin(tmp_path)
    monkeypatch.setenv("FUNCNODES_CONFIG_DIR", str(state))
    script = tmp_path / "flow.py"
    assert main(["export", wid, "--python", "-o", str(script), "--param", "n.value"]) == 0
    assert "python" in capsys.readouterr().out
    text = script.read_text()
    assert "from bund import double" in text and "def main" in text
    code, expected, err = asyncio.run(headless(state / "workers" / wid / "nodespace.json"))
    assert code == 0, err
    got = run_script(script)
    assert got["d"] == expected["d"]["outputs"] == {"out": 42.0}
    assert run_script(script, "--value", "5")["d"] == {"out": 10.0}


def test_what_a_script_cannot_express_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    state, wid = origin(tmp_path)
    folder = state / "workers" / wid
    doc = orjson.loads((folder / "nodespace.json").read_bytes())
    doc["nodes"].append({"uuid": "ghost", "node_id": "nowhere.at.all"})
    (folder / "nodespace.json").write_bytes(orjson.dumps(doc))
    monkeypatch.setenv("FUNCNODES_CONFIG_DIR", str(state))
    assert main(["export", wid, "--python", "-o", str(tmp_path / "x.py")]) == 2
    assert "node ghost (nowhere.at.all): its type is missing" in capsys.readouterr().err
    assert not (tmp_path / "x.py").exists()
    assert main(["export", wid, "--python", "--param", "d.x", "-o", str(tmp_path / "y.py")]) == 2


def test_sources_and_composites_are_refused_with_the_reason(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    state, wid = origin(tmp_path)
    folder = state / "workers" / wid
    doc = orjson.loads((folder / "nodespace.json").read_bytes())
    doc["nodes"].append({"uuid": "tick", "node_id": "sources.interval"})
    doc["nodes"].append({"uuid": "comp", "node_id": "composite.one"})
    doc["composites"] = {
        "one": {
            "name": "One",
            "nodes": [{"uuid": "i", "node_id": "numbers.number", "inputs": {"value": 1}}],
            "edges": [],
            "inputs": [],
            "outputs": [{"name": "out", "node": "i", "io": "out"}],
        }
    }
    (folder / "nodespace.json").write_bytes(orjson.dumps(doc))
    monkeypatch.setenv("FUNCNODES_CONFIG_DIR", str(state))
    assert main(["export", wid, "--python", "-o", str(tmp_path / "x.py")]) == 2
    err = capsys.readouterr().err
    assert "node tick (sources.interval): a source" in err
    assert "node comp (composite.one): its function cannot be imported by name" in err
    assert not (tmp_path / "x.py").exists()
