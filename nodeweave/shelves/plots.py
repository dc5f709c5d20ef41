"""Plots: interactive plotly charts of a table (scatter, line, bar, histogram, box, heatmap).

Each node takes a table and picks its columns by name (pickers over the table's columns); an empty
``color`` (or other optional column) means none. The result is a plotly Figure, which the UI shows
as a live chart. plotly is imported when a node first runs, never when the shelf loads.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any, Literal

from nodeweave.core.library import Shelf
from nodeweave.core.schema import Input
from nodeweave.core.spec import node

from ._tables import require_columns, require_frame

if TYPE_CHECKING:
    from pandas import DataFrame
    from plotly.graph_objects import Figure as PlotlyFigure
else:
    from nodeweave.core.lazytypes import DataFrame, PlotlyFigure

X = Annotated[str, Input(options_from="table", description="the column along the x axis")]
Y = Annotated[str, Input(options_from="table", description="the column along the y axis")]
Color = Annotated[
    str, Input(options_from="table", description="a column that colours the marks; empty: none")
]
Title = Annotated[str, Input(description="the chart's title")]


def _columns(table: Any, *names: str) -> dict[str, str | None]:
    """Check the picked columns (empty means none) and map each to itself or None."""
    require_frame(table)
    picked = [n for n in names if n]
    require_columns(table, picked)
    return {n: (n or None) for n in names}


def _finish(fig: Any, title: str) -> Any:
    if title:
        fig.update_layout(title=title)
    return fig


@node(id="plots.scatter", name="Scatter Plot", executor="thread")
def scatter(
    table: DataFrame,
    x: X,
    y: Y,
    color: Color = "",
    size: Annotated[
        str, Input(options_from="table", description="a number column that sizes the marks")
    ] = "",
    title: Title = "",
) -> PlotlyFigure:
    """A scatter plot of two columns of a table."""
    import plotly.express as px

    _columns(table, x, y, color, size)
    fig = px.scatter(table, x=x, y=y, color=color or None, size=size or None)
    return _finish(fig, title)


@node(id="plots.line", name="Line Chart", executor="thread")
def line(
    table: DataFrame,
    x: X,
    y: Y,
    color: Color = "",
    title: Title = "",
    sort_x: Annotated[bool, Input(description="draw the points in the order of x")] = True,
) -> PlotlyFigure:
    """A line chart of one column against another."""
    import plotly.express as px

    _columns(table, x, y, color)
    data = table.sort_values(x, kind="stable") if sort_x else table
    fig = px.line(data, x=x, y=y, color=color or None)
    return _finish(fig, title)


@node(id="plots.bar", name="Bar Chart", executor="thread")
def bar(
    table: DataFrame,
    x: X,
    y: Y,
    color: Color = "",
    title: Title = "",
    barmode: Annotated[
        Literal["group", "stack", "relative"],
        Input(description="bars of one x side by side, stacked, or stacked with negatives"),
    ] = "group",
) -> PlotlyFigure:
    """A bar chart: one bar per row, its height from the y column."""
    import plotly.express as px

    _columns(table, x, y, color)
    fig = px.bar(table, x=x, y=y, color=color or None, barmode=barmode)
    return _finish(fig, title)


@node(id="plots.histogram", name="Histogram", executor="thread")
def histogram(
    table: DataFrame,
    x: X,
    y: Annotated[
        str,
        Input(
            options_from="table",
            description="a column summed in each bin; empty: count the rows",
        ),
    ] = "",
    color: Color = "",
    bins: Annotated[
        int, Input(min=0, max=200, step=1, description="the number of bins; 0: automatic")
    ] = 0,
    title: Title = "",
) -> PlotlyFigure:
    """A histogram: how the values of a column are distributed."""
    import plotly.express as px

    _columns(table, x, y, color)
    fig = px.histogram(
        table,
        x=x,
        y=y or None,
        color=color or None,
        nbins=bins or None,
        histfunc="sum" if y else "count",
    )
    return _finish(fig, title)


@node(id="plots.box", name="Box Plot", executor="thread")
def box(
    table: DataFrame,
    y: Annotated[str, Input(options_from="table", description="the column whose spread is shown")],
    x: Annotated[
        str, Input(options_from="table", description="a column giving one box per value")
    ] = "",
    color: Color = "",
    title: Title = "",
) -> PlotlyFigure:
    """A box plot: median, quartiles and outliers of a column, per group."""
    import plotly.express as px

    _columns(table, x, y, color)
    fig = px.box(table, x=x or None, y=y, color=color or None)
    return _finish(fig, title)


@node(id="plots.heatmap", name="Heatmap", executor="thread")
def heatmap(
    table: DataFrame,
    mode: Annotated[
        Literal["density", "matrix"],
        Input(
            description="density: how often x and y values meet; "
            "matrix: the table's number columns as a grid of colours"
        ),
    ] = "density",
    x: Annotated[str, Input(options_from="table", description="density: the x column")] = "",
    y: Annotated[str, Input(options_from="table", description="density: the y column")] = "",
    z: Annotated[
        str,
        Input(options_from="table", description="density: a column summed per cell; empty: count"),
    ] = "",
    title: Title = "",
) -> PlotlyFigure:
    """A heatmap: a 2-D density of two columns, or the table's numbers as a colour grid."""
    import plotly.express as px

    require_frame(table)
    if mode == "matrix":
        numbers = table.select_dtypes(include=["number", "bool"])
        if numbers.shape[1] == 0:
            raise ValueError("the table has no number columns to show as a matrix")
        fig = px.imshow(
            numbers.astype(float).to_numpy(),
            x=[str(c) for c in numbers.columns],
            y=[str(i) for i in numbers.index],
            aspect="auto",
        )
        return _finish(fig, title)
    require_columns(table, [x, y])
    _columns(table, x, y, z)
    fig = px.density_heatmap(table, x=x, y=y, z=z or None, histfunc="sum" if z else "count")
    return _finish(fig, title)


NODE_SHELF = Shelf(
    name="plots",
    description="Plots: interactive plotly charts of a table's columns.",
    nodes=[scatter, line, bar, histogram, box, heatmap],
)
