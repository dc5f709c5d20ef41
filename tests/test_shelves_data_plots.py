"""The plots shelf: plotly figures of a table's columns."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from typing import Any

import pandas as pd
import plotly.graph_objects as go
import pytest

from nodeweave import Library, NodeSpace
from nodeweave.core.lazytypes import PlotlyFigure
from nodeweave.core.spec import spec_of
from nodeweave.shelves import builtin_shelves
from nodeweave.shelves import plots as pl
from nodeweave.shelves._tables import ColumnNotFoundError


@pytest.fixture
def table() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "day": [1, 2, 3, 4, 5, 6],
            "region": ["N", "S", "N", "S", "E", "E"],
            "units": [3.0, 5.0, 1.0, 9.0, 4.0, 2.0],
            "price": [2.0, 1.5, 2.0, 3.0, 1.0, 1.0],
        }
    )


PLOTS: list[tuple[str, Callable[..., Any], dict[str, Any]]] = [
    ("scatter", pl.scatter, {"x": "day", "y": "units", "color": "region", "size": "price"}),
    ("line", pl.line, {"x": "day", "y": "units", "color": "region"}),
    ("bar", pl.bar, {"x": "region", "y": "units", "color": "region"}),
    ("histogram", pl.histogram, {"x": "units", "color": "region", "bins": 5}),
    ("box", pl.box, {"y": "units", "x": "region", "color": "region"}),
    ("heatmap", pl.heatmap, {"x": "day", "y": "units", "z": "price"}),
]


@pytest.mark.parametrize(("name", "fn", "kwargs"), PLOTS, ids=[p[0] for p in PLOTS])
def test_every_plot(
    table: pd.DataFrame, name: str, fn: Callable[..., Any], kwargs: dict[str, Any]
) -> None:
    fig = fn(table, **kwargs, title="Sales")
    assert isinstance(fig, go.Figure)
    assert isinstance(fig, PlotlyFigure)
    assert fig.layout.title.text == "Sales"
    assert fig.data, name
    empty = fn(table.iloc[0:0], **kwargs)
    assert isinstance(empty, go.Figure)
    for arg in ("x", "y", "color"):
        if kwargs.get(arg):
            with pytest.raises(ColumnNotFoundError, match=r"'nope' not in table.*'region'"):
                fn(table, **{**kwargs, arg: "nope"})
    with pytest.raises(TypeError, match="table must be a pandas DataFrame, got dict"):
        fn(table.to_dict("list"), **kwargs)


def test_figures_hold_the_table_data(table: pd.DataFrame) -> None:
    fig = pl.bar(table, "region", "units")
    assert list(fig.data[0].x) == table["region"].tolist()
    assert list(fig.data[0].y) == table["units"].tolist()
    assert fig.layout.title.text is None
    colored = pl.scatter(table, "day", "units", color="region")
    assert sorted(trace.name for trace in colored.data) == ["E", "N", "S"]
    shuffled = table.sample(frac=1, random_state=1)
    assert list(pl.line(shuffled, "day", "units").data[0].x) == [1, 2, 3, 4, 5, 6]
    assert (
        list(pl.line(shuffled, "day", "units", sort_x=False).data[0].x) == shuffled["day"].tolist()
    )
    hist = pl.histogram(table, "region", y="units")
    assert hist.data[0].histfunc == "sum"
    assert pl.histogram(table, "units").data[0].nbinsx is None
    assert pl.bar(table, "region", "units", barmode="stack").layout.barmode == "stack"


def test_heatmap_matrix_mode(table: pd.DataFrame) -> None:
    fig = pl.heatmap(table, mode="matrix")
    assert list(fig.data[0].x) == ["day", "units", "price"]
    assert len(fig.data[0].z) == 6
    with pytest.raises(ValueError, match="no number columns"):
        pl.heatmap(table[["region"]], mode="matrix")
    with pytest.raises(ColumnNotFoundError, match="a column name is empty"):
        pl.heatmap(table)  # density needs x and y


def test_column_inputs_are_pickers_and_plots_run_in_threads() -> None:
    for fn in pl.NODE_SHELF.nodes:
        spec = spec_of(fn)
        assert spec.executor == "thread"
        assert spec.outputs[0].schema == {"x-python-type": "plotly.graph_objects.Figure"}
        assert spec.outputs[0].type_name == "Figure"
        for name in ("x", "y", "color"):
            if name in spec.input_map:
                assert spec.input_map[name].schema["x-options-from"] == "table", (spec.id, name)
    bar = spec_of(pl.bar)
    assert bar.input_map["x"].required and bar.input_map["y"].required
    assert bar.input_map["color"].default == ""


@pytest.fixture
async def ns() -> AsyncIterator[NodeSpace]:
    space = NodeSpace(Library(builtin_shelves()))
    yield space
    await space.aclose()


async def test_a_chart_in_a_graph(ns: NodeSpace) -> None:
    src = ns.add_node("tables.from_dict", inputs={"data": {"k": ["a", "b"], "v": [1, 2]}})
    chart = ns.add_node("plots.bar", inputs={"x": "k", "y": "v"})
    ns.connect(src, "out", chart, "table")
    await ns.settle()
    fig = ns.get_value(chart, "out")
    assert isinstance(fig, go.Figure), ns.error(chart)
    assert list(fig.data[0].y) == [1, 2]
