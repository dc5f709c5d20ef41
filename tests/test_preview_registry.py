"""The preview registry: lookup along the MRO, lazy handlers, plug-ins through entry points."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import orjson
import pytest

from nodeweave.core.preview import (
    PREVIEWS,
    Preview,
    PreviewRegistry,
    PreviewRequest,
    make_preview,
)
from nodeweave.worker.previews import register_preview_plugins


class Shape:
    pass


class Circle(Shape):
    pass


def shape_preview(value: Any, request: PreviewRequest) -> Preview:
    return {"kind": "json", "type": request.tname, "value": "a shape"}


def circle_preview(value: Any, request: PreviewRequest) -> Preview:
    return {"kind": "json", "type": request.tname, "value": "a circle"}


def qualified(cls: type) -> str:
    return f"{cls.__module__}.{cls.__qualname__}"


def test_the_most_specific_registered_class_wins() -> None:
    registry = PreviewRegistry()
    registry.register(qualified(Shape), shape_preview)
    assert make_preview(Circle(), registry=registry)["value"] == "a shape"
    registry.register(qualified(Circle), circle_preview)
    assert make_preview(Circle(), registry=registry)["value"] == "a circle"
    assert make_preview(Shape(), registry=registry)["value"] == "a shape"


def test_a_handler_given_by_path_is_imported_on_first_use() -> None:
    registry = PreviewRegistry()
    registry.register(qualified(Circle), f"{__name__}:circle_preview")
    preview = make_preview(Circle(), registry=registry)
    assert preview == {"kind": "json", "type": "Circle", "value": "a circle"}


def test_a_handler_that_cannot_be_imported_falls_back_along_the_mro() -> None:
    registry = PreviewRegistry()
    registry.register(qualified(Shape), shape_preview)
    registry.register(qualified(Circle), "nodeweave_no_such_module:nothing")
    assert make_preview(Circle(), registry=registry)["value"] == "a shape"


def test_a_handler_that_raises_or_overflows_degrades_to_the_repr() -> None:
    registry = PreviewRegistry()

    def broken(value: Any, request: PreviewRequest) -> Preview:
        raise RuntimeError("bug in a plug-in")

    def huge(value: Any, request: PreviewRequest) -> Preview:
        return {"kind": "text", "type": "Circle", "value": "x" * 10 * request.budget}

    registry.register(qualified(Circle), broken)
    assert make_preview(Circle(), registry=registry)["kind"] == "repr"
    registry.register(qualified(Circle), huge)
    preview = make_preview(Circle(), 1024, registry=registry)
    assert preview["kind"] == "repr"
    assert len(orjson.dumps(preview)) <= 1024


def test_returning_none_passes_to_the_generic_preview() -> None:
    registry = PreviewRegistry()
    registry.register("builtins.list", lambda value, request: None)
    assert make_preview([1, 2], registry=registry)["kind"] == "json"


@pytest.mark.parametrize(
    ("name", "handler"), [("NoDots", f"{__name__}:circle_preview"), ("a.B", "no_colon")]
)
def test_bad_registrations_are_refused(name: str, handler: str) -> None:
    with pytest.raises(ValueError, match=r"register|handler"):
        PreviewRegistry().register(name, handler)


def test_registering_the_builtins_imports_no_library() -> None:
    code = (
        "import sys\n"
        "from nodeweave.core.preview import make_preview, PREVIEWS\n"
        "make_preview([1, 'a', {'b': 2.5}]); make_preview(b'bytes'); make_preview(ValueError('x'))\n"
        "assert 'pandas.DataFrame' in PREVIEWS.names()\n"
        "heavy = {'pandas', 'numpy', 'plotly', 'PIL', 'matplotlib', 'polars', 'pyarrow', 'altair'}\n"
        "print(sorted(heavy & {m.split('.')[0] for m in sys.modules}))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=30
    )
    assert out.stdout.strip() == "[]"


def test_a_plugin_registers_through_its_entry_point(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "geoplug.py").write_text(
        textwrap.dedent(
            """
            class Polygon:
                def __init__(self, n):
                    self.n = n

            def polygon_preview(value, request):
                return {"kind": "json", "type": request.tname, "value": f"{value.n}-gon"}
            """
        )
    )
    dist = tmp_path / "geoplug-1.0.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: geoplug\nVersion: 1.0\n")
    (dist / "entry_points.txt").write_text(
        '[nodeweave.previews]\ngeoplug.Polygon = "geoplug:polygon_preview"\n'.replace('"', "")
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    registry = PreviewRegistry()
    assert register_preview_plugins(registry) == ["geoplug.Polygon"]
    assert "geoplug" not in sys.modules  # registering imports nothing
    import geoplug  # type: ignore[import-not-found]

    try:
        assert make_preview(geoplug.Polygon(6), registry=registry)["value"] == "6-gon"
    finally:
        del sys.modules["geoplug"]


def test_the_default_registry_holds_the_data_libraries() -> None:
    names = PREVIEWS.names()
    for name in (
        "pandas.DataFrame",
        "numpy.ndarray",
        "plotly.basedatatypes.BaseFigure",
        "PIL.Image.Image",
        "matplotlib.figure.Figure",
        "polars.dataframe.frame.DataFrame",
        "pyarrow.lib.Table",
    ):
        assert name in names
