"""Previews of data values: tables with summaries, interactive charts, big inputs within budget."""

from __future__ import annotations

import base64
from typing import Any

import orjson
import pytest

from nodeweave.core.preview import PREVIEW_BUDGET, RICH_PREVIEW_BUDGET, make_preview

np = pytest.importorskip("numpy")
pd = pytest.importorskip("pandas")


def size(preview: dict[str, Any]) -> int:
    return len(orjson.dumps(preview))


def typed(array: Any) -> Any:
    """Decode a plotly typed array (or pass a plain list through) to numpy."""
    if isinstance(array, dict):
        return np.frombuffer(base64.b64decode(array["bdata"]), dtype=np.dtype(array["dtype"]))
    return np.asarray(array)


# --- tables ------------------------------------------------------------------------------------


def test_a_table_preview_summarises_every_column() -> None:
    frame = pd.DataFrame(
        {
            "n": [1.5, None, 3.5, 2.0],
            "k": ["a", "b", "a", None],
            "d": pd.to_datetime(["2024-01-02", "2024-03-04", None, "2023-12-31"]),
        }
    )
    preview = make_preview(frame)
    assert preview["kind"] == "table"
    n, k, d = preview["summary"]
    assert n == {"nulls": 1, "min": 1.5, "max": 3.5, "mean": pytest.approx(7 / 3)}
    assert k == {"nulls": 1, "unique": 2, "top": [["a", 2], ["b", 1]]}
    assert d["nulls"] == 1
    assert d["min"].startswith("2023-12-31")
    assert d["max"].startswith("2024-03-04")


def test_an_empty_table_previews_with_its_columns() -> None:
    preview = make_preview(pd.DataFrame({"a": pd.Series([], dtype=float), "b": []}))
    assert preview["shape"] == [0, 2]
    assert preview["rows"] == []
    assert preview["summary"][0] == {"nulls": 0, "min": None, "max": None, "mean": None}


def test_a_million_row_table_fits_the_budget_with_a_sampled_summary() -> None:
    rng = np.random.default_rng(1)
    rows = 1_000_000
    frame = pd.DataFrame(
        {
            "x": rng.normal(size=rows),
            "i": rng.integers(0, 100, size=rows),
            "s": rng.choice(["north", "south", "east", "west"], size=rows),
            "t": pd.date_range("2020-01-01", periods=rows, freq="min"),
        }
    )
    preview = make_preview(frame)
    assert size(preview) <= PREVIEW_BUDGET
    assert preview["shape"] == [rows, 4]
    assert preview["truncated"] is True
    assert len(preview["rows"]) == 20
    x, i, s, t = preview["summary"]
    # Beyond 100,000 rows: exact null counts, the rest from an evenly spread sample (flagged).
    assert all(entry["sample"] == 10_000 for entry in preview["summary"])
    assert frame["x"].min() <= x["min"] < x["max"] <= frame["x"].max()
    assert x["mean"] == pytest.approx(0, abs=0.05)
    assert i["max"] == 99
    assert s["unique"] == 4
    assert t["min"] < t["max"] <= frame["t"].max().isoformat()
    assert t["max"] > "2021-06"  # the sample reaches the end of the table, not just its head


def test_null_counts_stay_exact_on_long_tables() -> None:
    values = np.zeros(300_000)
    values[::7] = np.nan
    preview = make_preview(pd.DataFrame({"v": values}))
    (entry,) = preview["summary"]
    assert entry["nulls"] == len(values[::7])
    assert entry["sample"] == 10_000


def test_a_table_of_up_to_100000_rows_is_summarised_exactly() -> None:
    frame = pd.DataFrame({"v": np.arange(100_000)})
    (entry,) = make_preview(frame)["summary"]
    assert entry == {"nulls": 0, "min": 0, "max": 99_999, "mean": 49_999.5}


def test_a_series_keeps_its_name_and_has_no_summary() -> None:
    preview = make_preview(pd.Series([1, 2, 3], name="units"))
    assert preview["name"] == "units"
    assert preview["rows"] == [[1], [2], [3]]
    assert "summary" not in preview


def test_polars_and_arrow_tables_preview_as_tables() -> None:
    pl = pytest.importorskip("polars")
    pa = pytest.importorskip("pyarrow")
    frame = pd.DataFrame({"a": [1, 2], "b": ["x", "y"]})
    for value in (pl.from_pandas(frame), pa.Table.from_pandas(frame, preserve_index=False)):
        preview = make_preview(value)
        assert preview["kind"] == "table"
        assert preview["columns"] == ["a", "b"]
        assert preview["rows"] == [[1, "x"], [2, "y"]]
        assert preview["shape"] == [2, 2]


# --- charts -------------------------------------------------------------------------------------


def test_a_plotly_figure_is_a_chart_spec() -> None:
    px = pytest.importorskip("plotly.express")
    frame = pd.DataFrame({"region": ["n", "s"], "revenue": [10.5, 20.25]})
    preview = make_preview(px.bar(frame, x="region", y="revenue", title="Revenue"))
    assert preview["kind"] == "plotly"
    assert preview["downsampled"] is False
    (trace,) = preview["spec"]["data"]
    assert trace["type"] == "bar"
    assert list(typed(trace["y"])) == [10.5, 20.25]
    assert preview["spec"]["layout"]["title"]["text"] == "Revenue"
    assert "template" not in preview["spec"]["layout"]


def test_a_100000_point_scatter_is_downsampled_within_the_chart_budget() -> None:
    px = pytest.importorskip("plotly.express")
    rng = np.random.default_rng(2)
    frame = pd.DataFrame({"x": rng.normal(size=100_000), "y": rng.normal(size=100_000)})
    preview = make_preview(px.scatter(frame, x="x", y="y"), rich_budget=RICH_PREVIEW_BUDGET)
    assert preview["kind"] == "plotly"
    assert size(preview) <= RICH_PREVIEW_BUDGET
    assert preview["points"] == 100_000
    assert preview["downsampled"] is True
    (trace,) = preview["spec"]["data"]
    assert trace["type"] == "scatter"  # plotly.js' WebGL build is not needed
    x, y = typed(trace["x"]), typed(trace["y"])
    assert len(x) == len(y) == preview["shown"] <= 10_000
    assert set(x) <= set(frame["x"])


def test_a_chart_that_does_not_fit_a_small_budget_gets_fewer_points() -> None:
    px = pytest.importorskip("plotly.express")
    rng = np.random.default_rng(3)
    frame = pd.DataFrame({"x": rng.normal(size=50_000), "y": rng.normal(size=50_000)})
    preview = make_preview(px.scatter(frame, x="x", y="y"), rich_budget=64 * 1024)
    assert preview["kind"] == "plotly"
    assert size(preview) <= 64 * 1024
    assert 100 <= preview["shown"] < 10_000


def test_a_long_line_keeps_its_extremes() -> None:
    px = pytest.importorskip("plotly.express")
    y = np.sin(np.linspace(0, 60, 200_000))
    y[123_457] = 5.0  # one spike a plain stride would miss
    preview = make_preview(px.line(x=np.arange(y.size), y=y), rich_budget=RICH_PREVIEW_BUDGET)
    (trace,) = preview["spec"]["data"]
    shown = typed(trace["y"])
    assert shown.max() == 5.0
    assert shown.min() == pytest.approx(-1.0, abs=1e-3)


def test_histograms_and_boxes_keep_exact_statistics() -> None:
    px = pytest.importorskip("plotly.express")
    rng = np.random.default_rng(4)
    frame = pd.DataFrame({"v": rng.normal(size=100_000), "g": rng.choice(["a", "b"], 100_000)})
    hist = make_preview(px.histogram(frame, x="v"), rich_budget=RICH_PREVIEW_BUDGET)
    (bars,) = hist["spec"]["data"]
    assert bars["type"] == "bar"
    assert typed(bars["y"]).sum() == 100_000
    box = make_preview(px.box(frame, x="g", y="v"), rich_budget=RICH_PREVIEW_BUDGET)
    (trace,) = box["spec"]["data"]
    medians = typed(trace["median"])
    expected = frame.groupby("g")["v"].median()
    assert list(medians) == pytest.approx([expected["a"], expected["b"]])
    assert size(box) < 4096


def test_an_altair_chart_is_a_vega_lite_spec_cut_to_fit() -> None:
    alt = pytest.importorskip("altair")
    frame = pd.DataFrame({"x": np.arange(50_000), "y": np.arange(50_000) * 2})
    with alt.data_transformers.disable_max_rows():
        chart = alt.Chart(frame).mark_line().encode(x="x", y="y")
        preview = make_preview(chart, rich_budget=256 * 1024)
    assert preview["kind"] == "vega"
    assert preview["spec"]["mark"]["type"] == "line" or preview["spec"]["mark"] == "line"
    assert preview["truncated"] is True
    assert size(preview) <= 256 * 1024


def test_without_a_chart_budget_a_chart_stays_within_the_plain_budget() -> None:
    px = pytest.importorskip("plotly.express")
    rng = np.random.default_rng(5)
    figure = px.scatter(x=rng.normal(size=100_000), y=rng.normal(size=100_000))
    assert size(make_preview(figure, 8192)) <= 8192


def test_matplotlib_figures_keep_previewing_as_images() -> None:
    pytest.importorskip("matplotlib")
    from matplotlib.figure import Figure

    figure = Figure()
    figure.add_subplot().plot([1, 2, 3])
    preview = make_preview(figure)
    assert preview["kind"] == "image"
    assert preview["mime"] == "image/png"


# --- images ------------------------------------------------------------------------------------


def test_a_4000_by_4000_image_previews_as_a_thumbnail_within_budget() -> None:
    image_module = pytest.importorskip("PIL.Image")
    array = np.random.default_rng(6).integers(0, 255, size=(4000, 4000, 3), dtype=np.uint8)
    for value in (array, image_module.fromarray(array)):
        preview = make_preview(value)
        assert preview["kind"] == "image"
        assert size(preview) <= PREVIEW_BUDGET
        assert (preview["width"], preview["height"]) == (4000, 4000)
