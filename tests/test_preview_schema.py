"""Every preview the worker makes is one of the protocol's preview kinds, with only the keys its
model documents (the tagged union ``Preview`` in nodeweave/protocol/worker.py), at every budget;
a plug-in that answers with another kind degrades to the repr preview."""

from __future__ import annotations

import datetime
import enum
import io
from collections.abc import Callable
from typing import Any, get_args

import pytest

from nodeweave.core.preview import (
    MIN_PREVIEW_BUDGET,
    PREVIEW_KINDS,
    PreviewRegistry,
    PreviewRequest,
    make_preview,
)
from nodeweave.core.values import NO_VALUE
from nodeweave.protocol.worker import Preview

from .protocol_check import check_preview
from .test_preview import HUGE, NUMERIC, make_png


class Colour(enum.Enum):
    RED = 1


class Thing:
    def __repr__(self) -> str:
        return "<thing>"


def _np() -> Any:
    return pytest.importorskip("numpy")


def _pd() -> Any:
    return pytest.importorskip("pandas")


def _plotly_figure() -> Any:
    go = pytest.importorskip("plotly.graph_objects")
    return go.Figure(go.Scatter(x=list(range(50_000)), y=list(range(50_000))))


def _altair_chart() -> Any:
    alt = pytest.importorskip("altair")
    return alt.Chart(_pd().DataFrame({"x": range(5000), "y": range(5000)})).mark_point()


def _matplotlib_figure() -> Any:
    pytest.importorskip("matplotlib")
    from matplotlib.figure import Figure

    figure = Figure()
    figure.add_subplot().plot([1, 2, 3])
    return figure


def _pil_image() -> Any:
    image = pytest.importorskip("PIL.Image")
    return image.new("RGB", (600, 300), (10, 20, 30))


def _arrow_table() -> Any:
    pa = pytest.importorskip("pyarrow")
    return pa.table({"a": list(range(100)), "b": ["x"] * 100})


def _big_png() -> bytes:
    pytest.importorskip("PIL.Image")
    return make_png(600, 600)


VALUES: dict[str, Callable[[], Any]] = {
    "no value": lambda: NO_VALUE,
    "int": lambda: 3,
    "int beyond 2**53": lambda: 2**70,
    "nan": lambda: float("nan"),
    "bool": lambda: True,
    "none": lambda: None,
    "list": lambda: [1, [2, {"a": 3}]],
    "dict": lambda: {"a": 1},
    "set": lambda: {1, 2},
    "str": lambda: "hello",
    "bytes": lambda: b"\x00\x01",
    "small png": lambda: make_png(4, 4),
    "big png": _big_png,
    "exception": lambda: ValueError("bad"),
    "enum": lambda: Colour.RED,
    "date": lambda: datetime.date(2026, 1, 1),
    "object": Thing,
    "array": lambda: _np().arange(10_000).reshape(100, 100),
    "image array": lambda: _np().zeros((64, 64, 3), dtype="uint8"),
    "numpy scalar": lambda: _np().float32(1.5),
    "frame": lambda: _pd().DataFrame({"a": range(100), "b": ["x"] * 100}),
    "series": lambda: _pd().Series(range(100), name="n"),
    "arrow table": _arrow_table,
    "plotly figure": _plotly_figure,
    "altair chart": _altair_chart,
    "matplotlib figure": _matplotlib_figure,
    "PIL image": _pil_image,
    **HUGE,
    **NUMERIC,
}


@pytest.mark.parametrize("budget", [65536, 1024, MIN_PREVIEW_BUDGET])
@pytest.mark.parametrize("factory", VALUES.values(), ids=VALUES.keys())
def test_every_preview_is_a_documented_kind_with_documented_keys(
    factory: Callable[[], Any], budget: int
) -> None:
    preview = make_preview(factory(), budget, rich_budget=1 << 20)
    check_preview(preview)


def test_the_union_and_the_core_name_the_same_kinds() -> None:
    union = get_args(get_args(Preview)[0])
    kinds = {get_args(model.model_fields["kind"].annotation)[0] for model in union}
    assert kinds == PREVIEW_KINDS


def test_the_values_above_cover_every_kind() -> None:
    seen = {make_preview(VALUES[name](), rich_budget=1 << 20)["kind"] for name in COVERING}
    assert seen == PREVIEW_KINDS


COVERING = ["no value", "int", "str", "exception", "object", "bytes", "small png", "array"]
COVERING += ["frame", "plotly figure", "altair chart"]


def test_a_plugin_preview_of_an_unknown_kind_becomes_the_repr_preview() -> None:
    registry = PreviewRegistry()

    def shape(value: Any, request: PreviewRequest) -> dict[str, Any]:
        return {"kind": "polygon", "type": request.tname, "points": [[0, 0], [1, 1]]}

    registry.register(f"{__name__}.Thing", shape)
    preview = make_preview(Thing(), registry=registry)
    assert preview["kind"] == "repr" and preview["value"] == "<thing>"
    check_preview(preview)
    registry.register(f"{__name__}.Thing", lambda value, request: ["not", "a", "dict"])
    assert make_preview(Thing(), registry=registry)["kind"] == "repr"


def test_previews_of_an_io_object_are_documented() -> None:
    check_preview(make_preview(io.BytesIO(b"abc")))
