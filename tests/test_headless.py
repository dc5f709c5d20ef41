"""``nodeweave run``: compute a workflow without a server; exit 0, 1 or 2."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path
from typing import Any

import orjson
import pytest

from nodeweave.worker.headless import run_workflow

from .worker_helpers import TEST_MODULE


def workflow(tmp_path: Path, nodes: list[dict[str, Any]], edges: list[dict[str, Any]]) -> Path:
    folder = tmp_path / "flow"
    (folder / "modules").mkdir(parents=True)
    (folder / "modules" / "testnodes.py").write_text(TEST_MODULE)
    path = folder / "nodespace.json"
    path.write_bytes(orjson.dumps({"schema_version": 1, "nodes": nodes, "edges": edges}))
    return path


def chain(tmp_path: Path, first: int = 1) -> Path:
    return workflow(
        tmp_path,
        [
            {"uuid": "a", "node_id": "t.add1", "inputs": {"a": first}, "properties": {"name": "A"}},
            {"uuid": "b", "node_id": "t.add1"},
        ],
        [{"src": "a", "src_io": "out", "dst": "b", "dst_io": "a"}],
    )


QUIET = {"NODEWEAVE_FUNCNODES": "off"}  # installed FuncNodes modules are not under test here


async def run(path: Path, *overrides: str, **kw: Any) -> tuple[int, Any, str]:
    out, err = io.StringIO(), io.StringIO()
    code = await run_workflow(path, overrides, out=out, err=err, environ=QUIET, **kw)
    return code, orjson.loads(out.getvalue()) if out.getvalue() else None, err.getvalue()


async def test_outputs_are_printed_as_json(tmp_path: Path) -> None:
    code, result, err = await run(chain(tmp_path))
    assert code == 0, err
    assert result["a"]["outputs"] == {"out": 2}
    assert result["b"]["outputs"] == {"out": 3}
    assert result["b"]["status"] == "done"


@pytest.mark.parametrize("ref", ["a", "A"])
async def test_overrides_by_uuid_or_name(tmp_path: Path, ref: str) -> None:
    code, result, _ = await run(chain(tmp_path), f"{ref}.a=10")
    assert code == 0
    assert result["b"]["outputs"] == {"out": 12}


async def test_a_failing_node_exits_1_with_its_error(tmp_path: Path) -> None:
    path = workflow(tmp_path, [{"uuid": "f", "node_id": "t.fail", "inputs": {"a": 2}}], [])
    code, result, err = await run(path)
    assert code == 1
    assert result["f"]["status"] == "error"
    assert "boom 2" in err and "ValueError" in err and "Traceback" in err


async def test_a_missing_node_type_exits_1(tmp_path: Path) -> None:
    path = workflow(tmp_path, [{"uuid": "x", "node_id": "nowhere.to.be.found"}], [])
    code, _, err = await run(path)
    assert code == 1
    assert "nowhere.to.be.found" in err


@pytest.mark.parametrize(
    ("overrides", "fragment"),
    [
        (["a.a"], "NODE.INPUT=JSON"),
        (["a=1"], "NODE.INPUT=JSON"),
        (["a.a=not json"], "not JSON"),
        (["ghost.a=1"], "no node 'ghost'"),
        (["a.zzz=1"], "zzz"),
        (['a.a="text"'], "valid"),
        (["t.add1.a=1"], "names 2 nodes"),
    ],
)
async def test_bad_overrides_exit_2(tmp_path: Path, overrides: list[str], fragment: str) -> None:
    code, result, err = await run(chain(tmp_path), *overrides)
    assert code == 2
    assert result is None
    assert fragment in err


@pytest.mark.parametrize(
    ("content", "fragment"),
    [
        (b"{not json", "not valid JSON"),
        (b"[1, 2]", ""),
        (b'{"schema_version": 1, "nodes": [{"uuid": 5}]}', ""),
        (b'{"schema_version": 42, "nodes": []}', "42"),
    ],
)
async def test_invalid_workflows_exit_2(tmp_path: Path, content: bytes, fragment: str) -> None:
    path = tmp_path / "bad.json"
    path.write_bytes(content)
    code, result, err = await run(path)
    assert code == 2 and result is None
    assert fragment in err


async def test_a_missing_file_exits_2(tmp_path: Path) -> None:
    code, _, err = await run(tmp_path / "missing.json")
    assert code == 2 and "cannot read" in err


def test_the_command_line(tmp_path: Path) -> None:
    path = chain(tmp_path)
    ok = subprocess.run(
        [sys.executable, "-m", "nodeweave", "run", str(path), "--set", "A.a=5"],
        capture_output=True,
        timeout=60,
        check=False,
    )
    assert ok.returncode == 0, ok.stderr
    assert orjson.loads(ok.stdout)["b"]["outputs"]["out"] == 7
    bad = subprocess.run(
        [sys.executable, "-m", "nodeweave", "run", str(path), "--set", "oops"],
        capture_output=True,
        timeout=60,
        check=False,
    )
    assert bad.returncode == 2 and b"NODE.INPUT=JSON" in bad.stderr
    usage = subprocess.run(
        [sys.executable, "-m", "nodeweave", "run"], capture_output=True, timeout=60, check=False
    )
    assert usage.returncode == 2


async def test_a_numpy_scalar_output_is_printed_as_its_preview(tmp_path: Path) -> None:
    path = workflow(tmp_path, [{"uuid": "h", "node_id": "npnodes.half", "inputs": {"x": 3}}], [])
    (path.parent / "modules" / "npnodes.py").write_text(
        "import numpy\nfrom nodeweave import node\n\n\n"
        "@node(id='npnodes.half')\ndef half(x: float) -> float:\n    return numpy.float64(x) / 2\n"
    )
    code, result, err = await run(path)
    assert code == 0, err
    preview = result["h"]["outputs"]["out"]["preview"]
    assert (preview["type"], preview["value"]) == ("float64", 1.5)


async def test_a_node_waiting_for_an_input_exits_3_naming_it(tmp_path: Path) -> None:
    # a has no value for its input: a never runs, and b waits for it
    path = workflow(
        tmp_path,
        [{"uuid": "a", "node_id": "t.add1"}, {"uuid": "b", "node_id": "t.add1"}],
        [{"src": "a", "src_io": "out", "dst": "b", "dst_io": "a"}],
    )
    code, result, err = await run(path)
    assert code == 3
    assert "node a (t.add1) did not run: its input 'a' has no value" in err
    assert "node b (t.add1) did not run: its input 'a' waits for node a's output 'out'" in err
    assert result["a"]["status"] == "waiting"
    # given the value, all is computed
    code, _, err = await run(path, "a.a=1")
    assert code == 0, err


async def test_outputs_selects_what_is_printed_and_required(tmp_path: Path) -> None:
    path = workflow(
        tmp_path,
        [
            {"uuid": "a", "node_id": "t.add1", "inputs": {"a": 1}, "properties": {"name": "A"}},
            {"uuid": "lonely", "node_id": "t.add1"},  # waits, but is not asked for
        ],
        [],
    )
    code, result, err = await run(path, outputs=["A.out"])
    assert code == 0, err
    assert result == {
        "a": {"node_id": "t.add1", "status": "done", "outputs": {"out": 2}, "name": "A"}
    }
    code, _, err = await run(path, outputs=["A.out,lonely.out"])
    assert code == 3 and "node lonely" in err
    for bad, fragment in (
        ("A", "NODE.OUTPUT"),
        ("ghost.out", "no node 'ghost'"),
        ("A.nope", "no output 'nope'"),
    ):
        code, _, err = await run(path, outputs=[bad])
        assert code == 2 and fragment in err


async def test_table_format_prints_one_line_per_output(tmp_path: Path) -> None:
    out, err = io.StringIO(), io.StringIO()
    path = chain(tmp_path)
    code = await run_workflow(path, (), out=out, err=err, environ=QUIET, output_format="table")
    assert code == 0, err.getvalue()
    assert out.getvalue().splitlines() == ["A       out  2", "t.add1  out  3"]
    code = await run_workflow(path, (), out=out, err=err, environ=QUIET, output_format="xml")
    assert code == 2 and "--format" in err.getvalue()


def test_the_exit_codes_are_in_the_help() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "nodeweave", "run", "--help"],
        capture_output=True,
        text=True,
        check=True,
    )
    text = " ".join(done.stdout.split())
    for fragment in (
        "0 every requested output computed",
        "1 a node failed",
        "2 the workflow",
        "3 a requested output",
    ):
        assert fragment in text
