"""The data shelves load without their libraries: pandas & co. are imported when a node runs.

Every worker imports the built-in shelves at start; a worker that never touches a table must not
pay for pandas, numpy, plotly, duckdb or pyarrow (seconds of start-up and tens of megabytes).
"""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from nodeweave.client import Client
from nodeweave.state import read_token

from .worker_helpers import WorkerProcess, make_worker_dir, spawn_worker

HEAVY = ("pandas", "numpy", "plotly", "duckdb", "pyarrow", "openpyxl", "PIL")

IMPORT_CHECK = f"""
import json, sys
from nodeweave.core.library import Library
from nodeweave.shelves import builtin_shelves
library = Library(builtin_shelves())
specs = [spec.to_dict() for spec in library.specs()]
json.dumps(specs)
heavy = {HEAVY!r}
print(json.dumps({{
    "ids": [s["id"] for s in specs],
    "loaded": sorted(n for n in sys.modules if n.split(".")[0] in heavy),
}}))
"""


def test_importing_the_shelves_imports_no_data_library() -> None:
    done = subprocess.run(
        [sys.executable, "-c", IMPORT_CHECK],
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["loaded"] == []
    for node_id in ("files.read_csv", "tables.group_by", "arrays.stats", "plots.bar", "sql.query"):
        assert node_id in report["ids"]


PROBE_MODULE = '''
"""Probes of a worker's process: which data libraries are loaded, where its files are."""
import os
import sys

from nodeweave import node

HEAVY = {"pandas", "numpy", "plotly", "duckdb", "pyarrow"}


@node(id="probe.loaded")
def loaded() -> list[str]:
    # top-level names only: the full list (hundreds of submodules) outgrows a preview
    return sorted({name.split(".")[0] for name in sys.modules} & HEAVY)


@node(id="probe.files_dir")
def files_dir() -> str:
    return os.environ.get("NODEWEAVE_FILES_DIR", "")
'''


@pytest.fixture
async def worker(tmp_path: Path) -> AsyncIterator[tuple[WorkerProcess, Client]]:
    make_worker_dir(tmp_path, "w1", module=PROBE_MODULE)
    proc = await spawn_worker(tmp_path, "w1")
    try:
        await proc.ready()
        client = await Client.connect(proc.url, read_token(tmp_path))
        try:
            yield proc, client
        finally:
            await client.close()
    finally:
        await proc.kill()


async def _preview(
    client: Client, uuid: str, *, unlike: Any = None, wait: float = 20.0
) -> dict[str, Any]:
    """The output's preview once it has a value (different from ``unlike`` when given)."""
    deadline = time.monotonic() + wait
    while True:
        preview: dict[str, Any] = await client.call("get_value", uuid=uuid, io="out")
        if preview["kind"] != "empty" and (unlike is None or preview.get("value") != unlike):
            return preview
        if time.monotonic() > deadline:
            raise AssertionError(f"no new value for {uuid}: {preview}")
        await asyncio.sleep(0.05)


async def test_a_worker_loads_pandas_only_when_a_table_node_runs(
    tmp_path: Path, worker: tuple[WorkerProcess, Client]
) -> None:
    _proc, client = worker
    where = (await client.call("add_node", node_id="probe.files_dir"))["uuid"]
    files = (await _preview(client, where))["value"]
    assert Path(files) == (tmp_path / "workers" / "w1" / "files").absolute()

    probe = (await client.call("add_node", node_id="probe.loaded"))["uuid"]
    assert (await _preview(client, probe))["value"] == []

    records = [{"region": "North", "units": 3}, {"region": "South", "units": 5}]
    table = (
        await client.call("add_node", node_id="tables.from_records", inputs={"records": records})
    )["uuid"]
    preview = await _preview(client, table)
    assert preview["kind"] == "table", preview
    assert preview["columns"] == ["region", "units"]

    await client.call("trigger", uuid=probe)
    loaded = (await _preview(client, probe, unlike=[]))["value"]
    assert "pandas" in loaded and "numpy" in loaded
    assert "plotly" not in loaded and "duckdb" not in loaded, loaded
