"""FuncNodes workflows made by a real FuncNodes worker (tests/funcnodes_maker.py, in a process of
its own with the test's state directory): converted, imported by the CLI and by the hub, computed
by nodeweave to what FuncNodes computed; FuncNodes' files stay byte-identical; bad exports are
refused with a code and create nothing."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import io
import os
import shutil
import subprocess
import sys
import zipfile
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import orjson
import pytest

from nodeweave import NodeSpace
from nodeweave.cli import main
from nodeweave.client import Client
from nodeweave.core.document import SCHEMA_VERSION
from nodeweave.funcnodes.bridge import convert_shelf
from nodeweave.funcnodes.workflow import SCHEMA_VERSION as WRITTEN_VERSION
from nodeweave.funcnodes.workflow import DocumentError, convert, read_export, read_path
from nodeweave.state import NODESPACE_FILE, read_token

from .hub_helpers import OpenHub, error_of, hub_opener, make_state
from .hub_helpers import call as hub_call

fn_basic = pytest.importorskip("funcnodes_basic")
fn_numpy = pytest.importorskip("funcnodes_numpy")
pytest.importorskip("funcnodes_worker")

FUNCNODES_ID = "fnimport01"


@pytest.fixture(scope="module")
def made(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, dict[str, Any]]:
    """(a state directory with a FuncNodes worker in it, its .fnw export, FuncNodes' outputs)."""
    root = tmp_path_factory.mktemp("funcnodes-made")
    state = make_state(root)
    out = root / "demo"
    subprocess.run(
        [sys.executable, "-m", "tests.funcnodes_maker", str(state), str(out)],
        env={**os.environ, "FUNCNODES_CONFIG_DIR": str(state)},
        cwd=Path(__file__).parent.parent,
        check=True,
        timeout=120,
        capture_output=True,
    )
    expected = orjson.loads(out.with_suffix(".json").read_bytes())
    return state, out.with_suffix(".fnw"), expected


@pytest.fixture
def state(made: tuple[Path, Path, dict[str, Any]], tmp_path: Path) -> Path:
    """A copy of the FuncNodes state directory, for a test to import from (and into)."""
    copy = tmp_path / "state"
    shutil.copytree(made[0], copy)
    return copy


def digests(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def funcnodes_files(state: Path) -> dict[str, str]:
    """Every file FuncNodes' worker and hub wrote (its workers, its config and logs)."""
    return {
        k: v
        for k, v in digests(state).items()
        if k.startswith(("workers/worker_", "config.json", "logs/"))
    }


def test_an_export_converts_with_its_nodes_edges_values_and_positions(
    made: tuple[Path, Path, dict[str, Any]],
) -> None:
    _state, fnw, expected = made
    workflow = read_export(fnw.read_bytes())
    assert workflow.name == "demo flow"
    converted = convert(workflow.state)
    assert converted.nodes == 4 and converted.edges == 1
    assert converted.values == 7
    nodes = {n["uuid"]: n for n in converted.document["nodes"]}
    mul_uuid = expected["outputs"]["mul"][0]
    assert nodes[mul_uuid]["node_id"] == "mul_node" and nodes[mul_uuid]["inputs"] == {"b": 10}
    assert nodes[mul_uuid]["properties"]["position"] == {"x": 400.0, "y": 60.0}
    edge = converted.document["edges"][0]
    assert edge["dst"] == mul_uuid and (edge["src_io"], edge["dst_io"]) == ("out", "a")
    # the worker folder gives the same graph
    folder = read_path(made[0] / "workers" / f"worker_{FUNCNODES_ID}")
    assert convert(folder.state).document == converted.document


async def test_the_imported_graph_computes_what_funcnodes_computed(
    made: tuple[Path, Path, dict[str, Any]],
) -> None:
    _state, fnw, expected = made
    ns = NodeSpace()
    for module in (fn_basic, fn_numpy):
        ns.library.add_shelf(convert_shelf(module.NODE_SHELF, module.__name__)[0])
    report = ns.load_document(convert(read_export(fnw.read_bytes()).state).document)
    assert report.placeholders == []
    await ns.settle()
    for uuid, io_name, value in expected["outputs"].values():
        got = ns.get_value(uuid, io_name)
        assert (got.tolist() if hasattr(got, "tolist") else got) == value


def test_the_cli_imports_an_export_and_a_worker_folder_and_changes_no_funcnodes_file(
    state: Path,
    made: tuple[Path, Path, dict[str, Any]],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("FUNCNODES_CONFIG_DIR", str(state))
    before = funcnodes_files(state)
    assert main(["import-funcnodes", str(made[1]), "--name", "From export"]) == 0
    assert "as worker from-export: 4 nodes, 1 edge, 7 input values" in capsys.readouterr().out
    assert main(["import-funcnodes", str(state / "workers" / f"worker_{FUNCNODES_ID}")]) == 0
    assert "as worker demo-flow" in capsys.readouterr().out
    for worker_id in ("from-export", "demo-flow"):
        folder = state / "workers" / worker_id
        assert (folder / "worker.json").is_file()
        doc = orjson.loads((folder / NODESPACE_FILE).read_bytes())
        assert len(doc["nodes"]) == 4
    assert funcnodes_files(state) == before
    # not a FuncNodes workflow: exit 2, nothing created
    bad = state / "bad.fnw"
    bad.write_bytes(b"PK\x03\x04 not really a zip")
    assert main(["import-funcnodes", str(bad)]) == 2
    assert "not" in capsys.readouterr().err
    assert sorted(
        p.name for p in (state / "workers").iterdir() if (p / "worker.json").exists()
    ) == [
        "demo-flow",
        "from-export",
    ]


@pytest.fixture
async def open_hub(state: Path, tmp_path: Path) -> AsyncIterator[OpenHub]:
    async with hub_opener(state) as opener:
        yield opener


async def test_the_hub_lists_funcnodes_workers_read_only_and_imports_them(
    open_hub: OpenHub,
    state: Path,
    made: tuple[Path, Path, dict[str, Any]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    before = funcnodes_files(state)
    hub = await open_hub()
    client = await hub.connect()
    assert await hub_call(client, "list_workers") == []  # FuncNodes' workers are not ours
    listed = {w["id"]: w for w in await hub_call(client, "list_funcnodes_workers")}
    made_by_hub = orjson.loads(made[1].with_suffix(".hub.json").read_bytes())["id"]
    assert set(listed) == {FUNCNODES_ID, made_by_hub}
    assert (listed[FUNCNODES_ID]["name"], listed[FUNCNODES_ID]["nodes"]) == ("demo flow", 4)
    assert listed[FUNCNODES_ID]["edges"] == 1
    assert listed[made_by_hub]["name"] == "made by the FuncNodes hub"
    imported = await hub_call(client, "import_funcnodes", funcnodes_worker=FUNCNODES_ID)
    assert imported["worker"]["status"] == "stopped" and imported["nodes"] == 4
    data = base64.b64encode(made[1].read_bytes()).decode()
    again = await hub_call(client, "import_funcnodes", data=data, name="Uploaded")
    assert again["worker"]["id"] == "uploaded"
    ids = sorted(w["id"] for w in await hub_call(client, "list_workers"))
    assert ids == ["demo-flow", "uploaded"]
    assert funcnodes_files(state) == before
    # the imported worker runs the graph (its FuncNodes modules load in it) to FuncNodes' result
    monkeypatch.setenv("NODEWEAVE_FUNCNODES", "on")
    record = await hub_call(client, "start_worker", id="uploaded", wait=30)
    mul_uuid = made[2]["outputs"]["mul"][0]
    async with await Client.connect(record["url"], read_token(state)) as worker:
        await worker.next_event("hello")
        async with asyncio.timeout(30):
            while True:
                preview = await worker.call("get_value", uuid=mul_uuid, io="out")
                if preview["kind"] != "empty":
                    break
                await worker.next_event("value")
        assert preview["value"] == made[2]["outputs"]["mul"][2]
    await hub_call(client, "stop_worker", id="uploaded")
    assert funcnodes_files(state) == before


def zipped(entries: dict[str, bytes]) -> str:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return base64.b64encode(buffer.getvalue()).decode()


async def test_bad_imports_are_refused_with_a_code_and_create_nothing(
    open_hub: OpenHub, state: Path
) -> None:
    hub = await open_hub()
    client = await hub.connect()
    good_state = (state / "workers" / f"worker_{FUNCNODES_ID}" / "nodespace.json").read_bytes()
    cases = {
        "not base64": ("invalid_document", {"data": "%%%"}),
        "not json": ("invalid_document", {"data": base64.b64encode(b"{nope").decode()}),
        "no state": ("invalid_document", {"data": zipped({"config": b"{}"})}),
        "unsafe file": (
            "invalid_document",
            {"data": zipped({"state": good_state, "files/../../escape.txt": b"x"})},
        ),
        "bad edge": (
            "invalid_document",
            {"data": base64.b64encode(b'{"backend": {"nodes": [], "edges": [[1, 2]]}}').decode()},
        ),
        "both": ("invalid_arguments", {"data": "e30=", "funcnodes_worker": FUNCNODES_ID}),
        "neither": ("invalid_arguments", {}),
        "unknown": ("not_found", {"funcnodes_worker": "nope"}),
        "traversal": ("not_found", {"funcnodes_worker": "../../etc"}),
    }
    for what, (code, kwargs) in cases.items():
        error = await error_of(client, "import_funcnodes", **kwargs)
        assert error.code == code, (what, error)
    assert await hub_call(client, "list_workers") == []
    assert not (state / "escape.txt").exists() and not (state.parent / "escape.txt").exists()
    with pytest.raises(DocumentError):
        read_export(b"[]")


def test_imports_write_the_document_version_the_engine_reads() -> None:
    assert WRITTEN_VERSION == SCHEMA_VERSION
