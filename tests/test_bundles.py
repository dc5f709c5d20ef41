"""Bundles (.nwflow): a worker written as one file — graph, modules, packages, settings, chosen
files, never secrets — imported into a fresh state directory with the same outputs, run directly,
and refused when newer, unsafe or not confirmed."""

from __future__ import annotations

import base64
import io
import zipfile
from pathlib import Path
from typing import Any

import orjson
import pytest

from nodeweave import bundles
from nodeweave.cli import main
from nodeweave.client import Client, RpcError
from nodeweave.core.document import SCHEMA_VERSION
from nodeweave.state.secrets import set_secret
from nodeweave.worker.headless import run_workflow
from nodeweave.workermanager.registry import Registry

from .hub_helpers import OpenHub, error_of, hub_opener, make_state
from .hub_helpers import call as hub_call

MODULE = """
from nodeweave import node


@node(id="bund.double")
def double(x: float) -> float:
    return 2 * x
"""

QUIET = {"NODEWEAVE_FUNCNODES": "off"}


def origin(root: Path) -> tuple[Path, str]:
    """A state directory with one worker: a module, a graph using it, a preset, a data file,
    settings and a secret."""
    state = make_state(root / "origin")
    registry = Registry(state)
    entry = registry.create("Sales flow", requirements=[], venv=False)
    registry.update(entry.model_copy(update={"env": {"REGION": "north"}}))
    folder = registry.folder(entry.id)
    (folder / "modules").mkdir(exist_ok=True)
    (folder / "modules" / "bund.py").write_text(MODULE)
    (folder / "files").mkdir(exist_ok=True)
    (folder / "files" / "prices.csv").write_text("a,b\n1,2\n")
    (folder / "files" / "big.bin").write_bytes(b"\0" * 1000)
    document = {
        "schema_version": 1,
        "nodes": [
            {"uuid": "n", "node_id": "numbers.number", "inputs": {"value": 21}},
            {"uuid": "d", "node_id": "bund.double", "properties": {"name": "twice"}},
        ],
        "edges": [{"src": "n", "src_io": "out", "dst": "d", "dst_io": "x"}],
        "presets": {"big": {"values": [{"node": "n", "io": "value", "value": 50}]}},
    }
    (folder / "nodespace.json").write_bytes(orjson.dumps(document))
    set_secret(folder, "API_KEY", "top-secret-value-4711")
    return state, entry.id


async def headless(path: Path, **kw: Any) -> tuple[int, Any, str]:
    out, err = io.StringIO(), io.StringIO()
    code = await run_workflow(path, (), out=out, err=err, environ=QUIET, **kw)
    return code, orjson.loads(out.getvalue()) if out.getvalue() else None, err.getvalue()


async def test_a_bundle_round_trip_gives_the_same_outputs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    state, wid = origin(tmp_path)
    monkeypatch.setenv("FUNCNODES_CONFIG_DIR", str(state))
    assert main(["export", wid, "--list-files"]) == 0
    assert "prices.csv" in capsys.readouterr().out
    target = tmp_path / "sales.nwflow"
    assert main(["export", wid, "-o", str(target), "--file", "prices.csv"]) == 0
    assert "1 modules, 1 files" in capsys.readouterr().out
    data = target.read_bytes()
    assert b"top-secret-value-4711" not in data  # secrets never travel
    bundle = bundles.read(data)
    assert bundle.modules == {"bund.py": MODULE.encode()}
    assert set(bundle.files) == {"prices.csv"} and bundle.env == {"REGION": "north"}
    assert bundle.manifest["schema_version"] == SCHEMA_VERSION == bundles.SCHEMA_VERSION

    # a fresh state directory: imported as a new worker, the same outputs
    fresh = make_state(tmp_path / "fresh")
    monkeypatch.setenv("FUNCNODES_CONFIG_DIR", str(fresh))
    assert main(["import", str(target), "--yes"]) == 0
    said = capsys.readouterr().out
    assert "as worker sales-flow" in said and "1 modules, 1 files" in said
    new = fresh / "workers" / "sales-flow"
    assert (new / "modules" / "bund.py").read_text() == MODULE
    assert (new / "files" / "prices.csv").read_text() == "a,b\n1,2\n"
    assert not (new / "secrets.json").exists()
    assert orjson.loads((new / "worker.json").read_bytes())["env"] == {"REGION": "north"}
    expected = await headless(state / "workers" / wid / "nodespace.json")
    got = await headless(new / "nodespace.json")
    assert expected[0] == got[0] == 0
    assert got[1]["d"]["outputs"] == expected[1]["d"]["outputs"] == {"out": 42.0}
    # and the bundle runs as it is, presets included
    code, result, err = await headless(target, preset="big")
    assert code == 0, err
    assert result["d"]["outputs"] == {"out": 100.0}


def write_bundle(
    path: Path, manifest: dict[str, Any], extra: dict[str, bytes] | None = None
) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("bundle.json", orjson.dumps(manifest))
        archive.writestr(
            "workflow.json", orjson.dumps({"schema_version": 1, "nodes": [], "edges": []})
        )
        for name, data in (extra or {}).items():
            archive.writestr(name, data)
    return path


@pytest.mark.parametrize(
    ("manifest", "extra", "fragment"),
    [
        ({"format": "nodeweave-bundle", "bundle_version": 99, "nodeweave": "9.0"}, None, "newer"),
        ({"format": "something", "bundle_version": 1}, None, "another format"),
        ({"format": "nodeweave-bundle", "bundle_version": 1}, {"files/../x": b"1"}, "unsafe"),
        (
            {"format": "nodeweave-bundle", "bundle_version": 1},
            {"modules/../x.py": b"1"},
            "bad name",
        ),
    ],
)
def test_newer_unsafe_or_foreign_bundles_are_refused_and_create_nothing(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    manifest: dict[str, Any],
    extra: dict[str, bytes] | None,
    fragment: str,
) -> None:
    state = make_state(tmp_path)
    monkeypatch.setenv("FUNCNODES_CONFIG_DIR", str(state))
    path = write_bundle(tmp_path / "b.nwflow", manifest, extra)
    assert main(["import", str(path), "--yes"]) == 2
    assert fragment in capsys.readouterr().err
    assert Registry(state).ids() == []


def test_a_document_from_a_newer_nodeweave_is_refused(tmp_path: Path) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(
            "bundle.json", orjson.dumps({"format": "nodeweave-bundle", "bundle_version": 1})
        )
        archive.writestr("workflow.json", orjson.dumps({"schema_version": 99, "nodes": []}))
    with pytest.raises(bundles.BundleError, match="newer nodeweave"):
        bundles.read(buffer.getvalue())


def test_importing_modules_needs_a_yes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    state, wid = origin(tmp_path)
    data = bundles.write(bundles.from_worker_folder(state / "workers" / wid, name="x"), "test")
    path = tmp_path / "x.nwflow"
    path.write_bytes(data)
    fresh = make_state(tmp_path / "fresh")
    monkeypatch.setenv("FUNCNODES_CONFIG_DIR", str(fresh))
    monkeypatch.setattr("sys.stdin", io.StringIO(""))  # not a terminal: no one to ask
    assert main(["import", str(path)]) == 1
    said = capsys.readouterr().err
    assert "they run" in said and "--yes" in said
    assert Registry(fresh).ids() == []


@pytest.fixture
async def open_hub(tmp_path: Path) -> Any:
    state, _wid = origin(tmp_path)
    async with hub_opener(state) as opener:
        yield opener


async def test_the_hub_exports_and_imports_bundles(open_hub: OpenHub, tmp_path: Path) -> None:
    hub = await open_hub()
    client = await hub.connect()
    dry = await hub_call(client, "export_bundle", id="sales-flow", dry_run=True)
    assert dry["data"] is None and dry["modules"] == ["bund.py"]
    assert {f["path"] for f in dry["files_available"]} == {"prices.csv", "big.bin"}
    made = await hub_call(client, "export_bundle", id="sales-flow", files=["prices.csv"])
    assert made["files"] == ["prices.csv"] and made["size"] > 0
    assert b"top-secret" not in base64.b64decode(made["data"])
    imported = await hub_call(client, "import_bundle", data=made["data"], name="Copy", install=True)
    assert imported["worker"]["id"] == "copy" and imported["modules"] == ["bund.py"]
    assert imported["nodes"] == 2 and imported["written_by"]
    error = await error_of(client, "import_bundle", data="%%%")
    assert error.code == "invalid_document"
    error = await error_of(client, "export_bundle", id="sales-flow", files=["../worker.json"])
    assert error.code == "invalid_arguments"
    assert sorted(w["id"] for w in await hub_call(client, "list_workers")) == ["copy", "sales-flow"]


async def test_a_bundle_is_read_and_merged_into_an_open_worker(
    open_hub: OpenHub, rpc: Client
) -> None:
    hub = await open_hub()
    client = await hub.connect()
    made = await hub_call(client, "export_bundle", id="sales-flow")
    read = await hub_call(client, "read_bundle", data=made["data"])
    assert read["modules"] == {"bund.py": MODULE} and read["name"] == "Sales flow"
    doc = read["document"]
    # merged into a worker (with builtin nodes only: the module's node is a placeholder)
    first = await rpc.call("merge_workflow", document=doc, offset_x=100, offset_y=50)
    second = await rpc.call("merge_workflow", document=doc, offset_x=400, offset_y=50)
    assert set(first["nodes"]) == {"n", "d"} and set(first["nodes"].values()).isdisjoint(
        second["nodes"].values()
    )
    state = await rpc.call("get_state")
    assert len(state["nodes"]) == 4
    by_uuid = {n["uuid"]: n for n in state["nodes"]}
    assert by_uuid[first["nodes"]["d"]]["placeholder"] is True
    # one merge, one undo step
    await rpc.call("undo")
    assert len((await rpc.call("get_state"))["nodes"]) == 2
    error = await error_of(client, "read_bundle", data=base64.b64encode(b"not a zip").decode())
    assert error.code == "invalid_document"


async def test_a_merge_keeps_what_fits_and_an_invalid_document_changes_nothing(
    rpc: Client,
) -> None:
    doc = {
        "schema_version": 1,
        "nodes": [
            {
                "uuid": "a",
                "node_id": "numbers.add",
                "inputs": {"a": 1, "b": 2, "gone": 3},
                "properties": {"position": {"x": 10, "y": 20}},
            },
            {"uuid": "b", "node_id": "numbers.add"},
        ],
        "edges": [
            {"src": "a", "src_io": "out", "dst": "b", "dst_io": "a"},
            {"src": "a", "src_io": "nope", "dst": "b", "dst_io": "b"},
        ],
    }
    result = await rpc.call("merge_workflow", document=doc, offset_x=5, offset_y=5)
    assert [e["src_io"] for e in result["dropped_edges"]] == ["nope"]
    new_a = result["nodes"]["a"]
    node_a = await rpc.call("get_node", uuid=new_a)
    assert node_a["properties"]["position"] == {"x": 15, "y": 25}
    assert len((await rpc.call("get_state"))["edges"]) == 1
    with pytest.raises(RpcError) as bad:
        await rpc.call("merge_workflow", document={"schema_version": 1, "nodes": "x"})
    assert bad.value.code == "invalid_document"
    assert len((await rpc.call("get_state"))["nodes"]) == 2
