"""The shipped ``sales`` example: its files are current and its workflow computes the chart."""

from __future__ import annotations

import io
import os
import shutil
from pathlib import Path

import orjson
import pandas as pd
import plotly.graph_objects as go
import pytest

from nodeweave import Library, NodeSpace, Status
from nodeweave.examples import make_sales
from nodeweave.shelves import builtin_shelves
from nodeweave.shelves._paths import FILES_DIR_ENV
from nodeweave.worker.examples import EXAMPLES_DIR, load_example
from nodeweave.worker.headless import run_workflow


def test_the_shipped_files_are_what_the_script_makes() -> None:
    rows = make_sales.sales_rows()
    assert len(rows) == make_sales.ROWS
    assert (EXAMPLES_DIR / "sales.csv").read_text("utf-8") == make_sales.sales_csv(rows)
    document, files = load_example("sales")
    assert document == make_sales.sales_document()
    assert files == [EXAMPLES_DIR / "sales.csv"]
    assert make_sales.HERE.resolve() == EXAMPLES_DIR


def test_the_csv_is_a_plausible_sales_table() -> None:
    table = pd.read_csv(EXAMPLES_DIR / "sales.csv", parse_dates=["date"])
    assert table.columns.tolist() == make_sales.COLUMNS
    assert set(table["region"]) == set(make_sales.REGIONS)
    assert table["date"].is_monotonic_increasing
    assert (table["units"] >= 1).all()
    assert (table["revenue"] - table["units"] * table["unit_price"]).abs().max() < 0.01


def test_every_node_has_a_name_and_a_canvas_position() -> None:
    document, _files = load_example("sales")
    assert [n["node_id"] for n in document["nodes"]] == [
        "files.read_csv",
        "numbers.slider",
        "tables.filter_rows",
        "tables.group_by",
        "plots.bar",
    ]
    for node in document["nodes"]:
        position = node["properties"]["position"]
        assert isinstance(position["x"], int) and isinstance(position["y"], int)
        assert node["properties"]["name"]
    assert len(document["edges"]) == 4


async def test_the_workflow_draws_revenue_per_region(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "files"
    folder.mkdir()
    document, files = load_example("sales")
    for file in files:
        shutil.copy(file, folder / file.name)
    monkeypatch.setenv(FILES_DIR_ENV, str(folder))
    ns = NodeSpace(Library(builtin_shelves()))
    try:
        report = ns.load_document(document)
        assert report.clean, report.to_dict()
        await ns.settle()
        failed = {v.node_id: v.error for v in ns.nodes() if v.status is not Status.DONE}
        assert failed == {}
        chart = next(v.uuid for v in ns.nodes() if v.node_id == "plots.bar")
        slider = next(v.uuid for v in ns.nodes() if v.node_id == "numbers.slider")
        sales = pd.read_csv(folder / "sales.csv")

        def expected(threshold: float) -> dict[str, float]:
            big = sales[sales["units"] >= threshold]
            return big.groupby("region")["revenue"].sum().to_dict()

        fig = ns.get_value(chart, "out")
        assert isinstance(fig, go.Figure)
        bars = dict(zip(fig.data[0].x, fig.data[0].y, strict=True))
        assert bars == pytest.approx(expected(make_sales.THRESHOLD))
        assert fig.layout.title.text == "Revenue by region"

        ns.set_input(slider, "value", 25)
        await ns.settle()
        fig = ns.get_value(chart, "out")
        assert dict(zip(fig.data[0].x, fig.data[0].y, strict=True)) == pytest.approx(expected(25))
    finally:
        await ns.aclose()


async def test_nodeweave_run_reads_the_files_folder_next_to_the_workflow(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(FILES_DIR_ENV, raising=False)
    (tmp_path / "files").mkdir()
    shutil.copy(EXAMPLES_DIR / "sales.csv", tmp_path / "files" / "sales.csv")
    workflow = tmp_path / "sales.json"
    shutil.copy(EXAMPLES_DIR / "sales.json", workflow)
    out, err = io.StringIO(), io.StringIO()
    code = await run_workflow(workflow, ["Minimum units.value=30"], out=out, err=err, environ={})
    assert code == 0, err.getvalue()
    result = orjson.loads(out.getvalue())
    chart = next(node for node in result.values() if node["node_id"] == "plots.bar")
    assert chart["status"] == "done"
    assert FILES_DIR_ENV not in os.environ  # set for the run only
    # A folder named by the environment wins over the one next to the workflow.
    monkeypatch.setenv(FILES_DIR_ENV, str(tmp_path / "elsewhere"))
    code = await run_workflow(workflow, out=io.StringIO(), err=err, environ={})
    assert code == 1
    assert "no file 'sales.csv' in the files folder" in err.getvalue()
    assert os.environ[FILES_DIR_ENV] == str(tmp_path / "elsewhere")
