"""Tests for nodeweave.core.preview: shapes per kind, truncation metadata and the size budget."""

from __future__ import annotations

import base64
import collections
import datetime
import enum
import io
import random
import struct
import sys
import zlib
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any

import orjson
import pytest

from nodeweave.core import preview as preview_module
from nodeweave.core.preview import MIN_PREVIEW_BUDGET, PREVIEW_BUDGET, make_preview
from nodeweave.core.values import NO_VALUE

BUDGETS = [PREVIEW_BUDGET, 4096, 1024, MIN_PREVIEW_BUDGET]


def encoded_size(preview: dict[str, Any]) -> int:
    return len(orjson.dumps(preview))


def make_png(width: int, height: int, rgb: tuple[int, int, int] = (255, 0, 0)) -> bytes:
    """A valid RGB PNG built by hand (no Pillow needed)."""

    def chunk(tag: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(tag + data) & 0xFFFFFFFF
        return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", crc)

    raw = b"".join(b"\x00" + bytes(rgb) * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


@pytest.fixture
def no_pillow(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make ``import PIL`` fail, as on a machine without Pillow."""
    monkeypatch.setitem(sys.modules, "PIL", None)
    monkeypatch.setitem(sys.modules, "PIL.Image", None)


def pil_image_module() -> Any:
    return pytest.importorskip("PIL.Image")


def decode_image(preview: dict[str, Any]) -> Any:
    image_module = pil_image_module()
    return image_module.open(io.BytesIO(base64.b64decode(preview["data"])))


class Unrepresentable:
    def __repr__(self) -> str:
        raise RuntimeError("no repr for you")


class GiantRepr:
    def __repr__(self) -> str:
        return "g" * 10_000_000


class Thing:
    def __repr__(self) -> str:
        return "<Thing>"


class LyingClass:
    """Every attribute lookup on the instance fails, including ``__class__``."""

    def __getattribute__(self, name: str) -> Any:
        raise RuntimeError(f"no {name}")


# --- the budget ------------------------------------------------------------------------------


def deep_dict(levels: int) -> dict[str, Any]:
    root: dict[str, Any] = {}
    node = root
    for _ in range(levels):
        node["k"] = {}
        node = node["k"]
    return root


def self_containing() -> list[Any]:
    items: list[Any] = [1, "two"]
    items.append(items)
    return items


HUGE: dict[str, Callable[[], Any]] = {
    "10MB ascii str": lambda: "x" * 10_000_000,
    "10MB non-ascii str": lambda: "é😀" * 5_000_000,
    "control chars str": lambda: "\x00" * 1_000_000,
    "lone surrogates": lambda: "\ud800" * 100_000,
    "1e6 int list": lambda: list(range(1_000_000)),
    "1e5 long strings": lambda: ["y" * 5000] * 100_000,
    "1e5 escaped strings": lambda: ["\x01" * 1000] * 100_000,
    "wide nested lists": lambda: [[[[["z" * 100] * 100] * 100] * 100] * 100] * 100,
    "10k deep dict": lambda: deep_dict(10_000),
    "1e5 key dict": lambda: {f"key{i}": i for i in range(100_000)},
    "long dict keys": lambda: {"k" * 100_000 + str(i): i for i in range(100)},
    "10MB bytes": lambda: b"\xab" * 10_000_000,
    "10MB bytearray": lambda: bytearray(10_000_000),
    "huge int": lambda: 7**20_000,
    "huge ints in a list": lambda: [7**20_000] * 1000,
    "giant repr": GiantRepr,
    "giant reprs in a list": lambda: [GiantRepr()] * 20,
    "raising repr": Unrepresentable,
    "self-containing list": self_containing,
    "long exception message": lambda: ValueError("e" * 1_000_000),
    "1e5 element set": lambda: set(range(100_000)),
    "noise png": lambda: make_png(600, 600, (1, 2, 3))[:-12] + random.Random(0).randbytes(5000),
}


@pytest.mark.parametrize("budget", BUDGETS)
@pytest.mark.parametrize("factory", HUGE.values(), ids=HUGE.keys())
def test_preview_of_huge_value_fits_budget(factory: Callable[[], Any], budget: int) -> None:
    assert encoded_size(make_preview(factory(), budget)) <= budget


NUMERIC: dict[str, Callable[[], Any]] = {
    "1e7 float array": lambda: pytest.importorskip("numpy").zeros(10_000_000),
    "8-d array": lambda: pytest.importorskip("numpy").ones((4,) * 8),
    "long-string array": lambda: pytest.importorskip("numpy").array(["s" * 100_000] * 50),
    "noise image array": lambda: (
        pytest.importorskip("numpy").random.default_rng(0).integers(0, 256, (600, 800, 3), "uint8")
    ),
    "wide frame": lambda: pytest.importorskip("pandas").DataFrame(
        {f"c{i}": range(1000) for i in range(500)}
    ),
    "frame of long strings": lambda: pytest.importorskip("pandas").DataFrame(
        {"s": ["q" * 100_000] * 30}
    ),
    "long series": lambda: pytest.importorskip("pandas").Series(
        range(1_000_000), name="n" * 10_000
    ),
}


@pytest.mark.parametrize("budget", BUDGETS)
@pytest.mark.parametrize("factory", NUMERIC.values(), ids=NUMERIC.keys())
def test_preview_of_huge_array_or_table_fits_budget(
    factory: Callable[[], Any], budget: int
) -> None:
    assert encoded_size(make_preview(factory(), budget)) <= budget


def test_budget_below_minimum_is_rejected() -> None:
    with pytest.raises(ValueError, match="at least"):
        make_preview(1, MIN_PREVIEW_BUDGET - 1)


# --- scalars ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "type_name"), [(3, "int"), (-2.5, "float"), (True, "bool"), (None, "NoneType")]
)
def test_json_scalar_is_inlined(value: Any, type_name: str) -> None:
    assert make_preview(value) == {"kind": "json", "type": type_name, "value": value}


class _NoDumps:
    def dumps(self, *args: Any, **kwargs: Any) -> bytes:
        raise AssertionError("serialized a trivial value")


def test_int_preview_skips_serialization(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(preview_module, "orjson", _NoDumps())
    assert make_preview(42) == {"kind": "json", "type": "int", "value": 42}


@pytest.mark.parametrize(
    ("value", "text"), [(float("nan"), "nan"), (float("inf"), "inf"), (float("-inf"), "-inf")]
)
def test_non_finite_float_is_flagged_repr_text(value: float, text: str) -> None:
    preview = make_preview(value)
    assert (preview["kind"], preview["value"], preview["repr"]) == ("json", text, True)


def test_int_beyond_browser_precision_is_repr_text() -> None:
    assert make_preview(2**53 - 1)["value"] == 2**53 - 1
    preview = make_preview(2**53)
    assert (preview["value"], preview["repr"]) == (str(2**53), True)


def test_no_value_is_empty_not_null() -> None:
    assert make_preview(NO_VALUE) == {"kind": "empty", "type": "NoValue"}


def test_numpy_scalar_keeps_numpy_type_name() -> None:
    np = pytest.importorskip("numpy")
    assert make_preview(np.int16(7)) == {"kind": "json", "type": "int16", "value": 7}
    assert make_preview(np.float64("nan"))["value"] == "nan"


# --- text ------------------------------------------------------------------------------------


def test_short_text_is_whole() -> None:
    assert make_preview("héllo") == {
        "kind": "text",
        "type": "str",
        "value": "héllo",
        "length": 5,
        "truncated": False,
    }


def test_long_text_reports_full_length_and_a_prefix() -> None:
    text = "".join(chr(97 + i % 26) for i in range(200_000))
    preview = make_preview(text, 1024)
    assert preview["length"] == 200_000
    assert preview["truncated"] is True
    assert text.startswith(preview["value"])
    assert len(preview["value"]) > 800  # uses the budget, not a token prefix


def test_multibyte_text_is_cut_on_encoded_size() -> None:
    preview = make_preview("😀" * 10_000, 1024)
    assert set(preview["value"]) == {"😀"}
    assert 1024 - 4 * 2 < encoded_size(preview) <= 1024  # within two characters of the limit


def test_lone_surrogates_become_escapes() -> None:
    preview = make_preview("a\ud800b")
    assert (preview["value"], preview["truncated"]) == ("a\\ud800b", False)


# --- bytes and images ------------------------------------------------------------------------


def test_plain_bytes_show_length_and_hex_head() -> None:
    data = bytes(range(100))
    assert make_preview(data) == {
        "kind": "bytes",
        "type": "bytes",
        "length": 100,
        "mime": "application/octet-stream",
        "head": bytes(range(32)).hex(),
    }


@pytest.mark.parametrize("wrap", [bytearray, memoryview])
def test_bytes_like_previews_like_bytes(wrap: Callable[[bytes], Any]) -> None:
    preview = make_preview(wrap(b"%PDF-1.7 rest"))
    assert (preview["kind"], preview["type"], preview["mime"], preview["length"]) == (
        "bytes",
        wrap.__name__,
        "application/pdf",
        13,
    )


@pytest.mark.usefixtures("no_pillow")
def test_image_bytes_without_pillow_embed_the_original() -> None:
    png = make_png(300, 20)
    preview = make_preview(png)
    assert preview["kind"] == "image"
    assert (preview["mime"], preview["width"], preview["height"]) == ("image/png", 300, 20)
    assert base64.b64decode(preview["data"]) == png


@pytest.mark.usefixtures("no_pillow")
def test_gif_size_is_read_from_its_header() -> None:
    gif = b"GIF89a" + struct.pack("<HH", 5, 7) + b"\x00" * 20
    preview = make_preview(gif)
    assert (preview["kind"], preview["mime"], preview["width"], preview["height"]) == (
        "image",
        "image/gif",
        5,
        7,
    )


@pytest.mark.usefixtures("no_pillow")
def test_image_bytes_too_big_without_pillow_fall_back_to_bytes() -> None:
    png = make_png(400, 400)
    preview = make_preview(png, 1024)
    assert (preview["kind"], preview["mime"], preview["length"]) == ("bytes", "image/png", len(png))


def test_image_bytes_get_a_png_thumbnail_with_original_size() -> None:
    image_module = pil_image_module()
    buffer = io.BytesIO()
    image_module.linear_gradient("L").resize((600, 300)).save(buffer, format="JPEG")
    preview = make_preview(buffer.getvalue())
    assert (preview["kind"], preview["mime"], preview["width"], preview["height"]) == (
        "image",
        "image/png",
        600,
        300,
    )
    assert decode_image(preview).size == (256, 128)


def test_noisy_image_thumbnail_shrinks_to_fit() -> None:
    image_module = pil_image_module()
    noise = image_module.frombytes("RGB", (400, 400), random.Random(0).randbytes(400 * 400 * 3))
    preview = make_preview(noise, 16384)
    assert preview["kind"] == "image"
    assert max(decode_image(preview).size) < 256
    assert encoded_size(preview) <= 16384


def test_image_that_cannot_fit_falls_back_to_bytes() -> None:
    image_module = pil_image_module()
    buffer = io.BytesIO()
    noise = image_module.frombytes("RGB", (400, 400), random.Random(0).randbytes(400 * 400 * 3))
    noise.save(buffer, format="PNG")
    preview = make_preview(buffer.getvalue(), 1024)
    assert (preview["kind"], preview["mime"]) == ("bytes", "image/png")


def test_jpeg_size_is_read_from_its_header(monkeypatch: pytest.MonkeyPatch) -> None:
    image_module = pil_image_module()
    buffer = io.BytesIO()
    image_module.new("RGB", (33, 17), "blue").save(buffer, format="JPEG")
    monkeypatch.setitem(sys.modules, "PIL", None)
    monkeypatch.setitem(sys.modules, "PIL.Image", None)
    preview = make_preview(buffer.getvalue())
    assert (preview["mime"], preview["width"], preview["height"]) == ("image/jpeg", 33, 17)


def test_small_png_is_kept_as_is() -> None:
    pil_image_module()
    png = make_png(10, 10)
    assert base64.b64decode(make_preview(png)["data"]) == png


def test_pil_image_previews_as_thumbnail_without_changing_it() -> None:
    image_module = pil_image_module()
    image = image_module.new("P", (1000, 500))
    preview = make_preview(image)
    assert (preview["kind"], preview["type"], preview["width"], preview["height"]) == (
        "image",
        "Image",
        1000,
        500,
    )
    assert decode_image(preview).size == (256, 128)
    assert image.size == (1000, 500)


class FakeFigure:
    """Looks like a matplotlib Figure to the preview (matplotlib itself is not needed)."""

    __module__ = "matplotlib.figure"
    __qualname__ = "Figure"  # the registry finds handlers by qualified class name

    def __init__(self) -> None:
        self.dpi: float | None = None

    def get_size_inches(self) -> tuple[float, float]:
        return (6.4, 4.8)

    def savefig(self, target: io.BytesIO, *, format: str, dpi: float) -> None:
        assert format == "png"
        self.dpi = dpi
        target.write(make_png(round(6.4 * dpi), round(4.8 * dpi)))


def test_matplotlib_figure_renders_small_png() -> None:
    figure = FakeFigure()
    preview = make_preview(figure)
    assert (preview["kind"], preview["type"], preview["mime"]) == (
        "image",
        "FakeFigure",
        "image/png",
    )
    assert figure.dpi == pytest.approx(40.0)
    assert (preview["width"], preview["height"]) == (256, 192)


# --- containers ------------------------------------------------------------------------------


def test_small_list_is_whole() -> None:
    assert make_preview([1, "a", None, 2.5, [True]]) == {
        "kind": "json",
        "type": "list",
        "value": [1, "a", None, 2.5, [True]],
        "length": 5,
        "truncated": False,
    }


@pytest.mark.parametrize("kind", [tuple, set, frozenset, collections.deque])
def test_other_collections_preview_as_lists(kind: type[Any]) -> None:
    preview = make_preview(kind([3]))
    assert (preview["kind"], preview["type"], preview["value"]) == ("json", kind.__name__, [3])


def test_long_list_reports_full_length() -> None:
    preview = make_preview(list(range(1000)))
    assert (preview["value"], preview["length"], preview["truncated"]) == (
        list(range(100)),
        1000,
        True,
    )


def test_dict_keys_become_strings() -> None:
    preview = make_preview({1: "a", (1, 2): "b", None: "c", "d": 4})
    assert preview["value"] == {"1": "a", "(1, 2)": "b", "None": "c", "d": 4}


def test_nesting_is_cut_at_a_bounded_depth() -> None:
    preview = make_preview(deep_dict(10_000))
    node, depth = preview["value"], 0
    while isinstance(node, dict):
        node, depth = node["k"], depth + 1
    assert (depth, node, preview["truncated"]) == (6, "<dict len=1>", True)


def test_long_strings_inside_are_clipped_with_ellipsis() -> None:
    preview = make_preview(["s" * 5000])
    assert preview["value"][0] == "s" * 999 + "…"
    assert preview["truncated"] is True


def test_self_containing_list_is_marked_recursive() -> None:
    preview = make_preview(self_containing())
    assert (preview["value"], preview["truncated"]) == ([1, "two", "<recursive list>"], True)


def test_shared_subvalue_is_not_mistaken_for_recursion() -> None:
    shared = [1]
    preview = make_preview({"a": shared, "b": shared})
    assert (preview["value"], preview["truncated"]) == ({"a": [1], "b": [1]}, False)


def test_non_json_leaves_become_text() -> None:
    values = [Thing(), float("nan"), 2**64, datetime.date(2024, 1, 2), b"ab", Unrepresentable()]
    rendered = make_preview(values)["value"]
    assert rendered[:5] == ["<Thing>", "nan", str(2**64), "2024-01-02", "b'ab'"]
    assert "RuntimeError" in rendered[5]


class Pairs(Mapping[str, int]):
    def __getitem__(self, key: str) -> int:
        return {"x": 1}[key]

    def __iter__(self) -> Iterator[str]:
        return iter(["x"])

    def __len__(self) -> int:
        return 1


class Squares(Sequence[int]):
    def __getitem__(self, index: Any) -> Any:
        if index >= 5:
            raise IndexError(index)
        return index * index

    def __len__(self) -> int:
        return 5


def test_custom_mapping_and_sequence_preview_as_json() -> None:
    assert make_preview(Pairs())["value"] == {"x": 1}
    assert make_preview(Squares())["value"] == [0, 1, 4, 9, 16]


def test_dict_views_preview_as_lists() -> None:
    data = {"a": 1, "b": 2}
    assert make_preview(data.keys())["value"] == ["a", "b"]
    assert make_preview(data.values())["value"] == [1, 2]


# --- everything else -------------------------------------------------------------------------


def test_exception_previews_its_message() -> None:
    assert make_preview(KeyError("missing")) == {
        "kind": "error",
        "type": "KeyError",
        "value": "'missing'",
        "length": 9,
        "truncated": False,
    }


def test_object_previews_its_repr() -> None:
    assert make_preview(Thing()) == {
        "kind": "repr",
        "type": "Thing",
        "value": "<Thing>",
        "length": 7,
        "truncated": False,
    }


def test_raising_repr_gives_placeholder() -> None:
    preview = make_preview(Unrepresentable())
    assert preview["kind"] == "repr"
    assert "RuntimeError" in preview["value"]


def test_giant_repr_reports_full_length() -> None:
    preview = make_preview(GiantRepr(), 1024)
    assert (preview["length"], preview["truncated"]) == (10_000_000, True)


def test_object_failing_every_lookup_still_previews() -> None:
    preview = make_preview(LyingClass())
    assert encoded_size(preview) <= PREVIEW_BUDGET
    assert preview["kind"] == "repr"


class Color(enum.IntEnum):
    RED = 1


def test_enum_previews_as_repr() -> None:
    assert make_preview(Color.RED)["value"] == "<Color.RED: 1>"


def test_generator_is_not_consumed() -> None:
    generator = (i for i in range(3))
    assert make_preview(generator)["kind"] == "repr"
    assert list(generator) == [0, 1, 2]


def test_range_previews_as_repr() -> None:
    assert make_preview(range(10**12))["value"] == "range(0, 1000000000000)"


# --- numpy and pandas ------------------------------------------------------------------------


def test_array_preview_has_shape_dtype_and_head() -> None:
    np = pytest.importorskip("numpy")
    preview = make_preview(np.arange(6, dtype="int32").reshape(2, 3))
    assert preview == {
        "kind": "array",
        "type": "ndarray",
        "shape": [2, 3],
        "dtype": "int32",
        "head": [[0, 1, 2], [3, 4, 5]],
        "truncated": False,
    }


def test_large_array_head_is_a_leading_corner() -> None:
    np = pytest.importorskip("numpy")
    preview = make_preview(np.arange(1_000_000).reshape(1000, 1000))
    head = preview["head"]
    assert (preview["shape"], preview["truncated"]) == ([1000, 1000], True)
    assert head[1][:3] == [1000, 1001, 1002]
    assert 1 < len(head) < 1000


def test_array_non_finite_and_datetimes_become_text() -> None:
    np = pytest.importorskip("numpy")
    assert make_preview(np.array([1.5, np.nan]))["head"] == [1.5, "nan"]
    dates = np.array(["2024-01-02"], dtype="datetime64[D]")
    assert make_preview(dates)["head"] == ["2024-01-02"]


def test_zero_dimensional_array_head_is_the_scalar() -> None:
    np = pytest.importorskip("numpy")
    assert make_preview(np.array(4.0))["head"] == 4.0


def test_uint8_rgb_array_previews_as_image() -> None:
    np = pytest.importorskip("numpy")
    pil_image_module()
    preview = make_preview(np.zeros((300, 600, 3), dtype="uint8"))
    assert (preview["kind"], preview["shape"], preview["width"], preview["height"]) == (
        "image",
        [300, 600, 3],
        600,
        300,
    )
    assert decode_image(preview).size == (256, 128)


def test_dataframe_previews_as_table() -> None:
    pd = pytest.importorskip("pandas")
    frame = pd.DataFrame(
        {"n": [1, 2], "x": [0.5, float("nan")], "when": pd.to_datetime(["2024-01-02", None])}
    )
    preview = make_preview(frame)
    assert preview["kind"] == "table"
    assert (preview["columns"], preview["shape"], preview["index"]) == (
        ["n", "x", "when"],
        [2, 3],
        [0, 1],
    )
    assert preview["dtypes"][:2] == ["int64", "float64"]
    assert preview["rows"] == [[1, 0.5, "2024-01-02T00:00:00"], [2, "nan", "NaT"]]
    assert preview["truncated"] is False


def test_long_dataframe_shows_first_rows() -> None:
    pd = pytest.importorskip("pandas")
    preview = make_preview(pd.DataFrame({"n": range(1000)}))
    assert (preview["rows"], preview["shape"], preview["truncated"]) == (
        [[i] for i in range(20)],
        [1000, 1],
        True,
    )


def test_series_previews_as_single_column_table() -> None:
    pd = pytest.importorskip("pandas")
    preview = make_preview(pd.Series([3, 4], name="speed"))
    assert (preview["kind"], preview["type"], preview["name"], preview["columns"]) == (
        "table",
        "Series",
        "speed",
        ["speed"],
    )
    assert (preview["rows"], preview["shape"]) == ([[3], [4]], [2, 1])
