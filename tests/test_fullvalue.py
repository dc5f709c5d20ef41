"""Tests for nodeweave.core.fullvalue: MIME per value kind, JSON encoding and paging."""

from __future__ import annotations

import collections
import dataclasses
import datetime
import io
from typing import Any

import orjson
import pydantic
import pytest

from nodeweave.core.errors import InvalidValueError
from nodeweave.core.fullvalue import FullValue, encode_full, export_table, sniff_mime
from nodeweave.core.tableview import ViewCache, parse_query
from nodeweave.core.values import NO_VALUE

JSON = "application/json"
TEXT = "text/plain; charset=utf-8"


def decoded(full: FullValue) -> Any:
    assert full.mime == JSON
    return orjson.loads(full.data)


class Thing:
    def __repr__(self) -> str:
        return "<Thing>"


class Unrepresentable:
    def __repr__(self) -> str:
        raise RuntimeError("no repr")


# --- bytes and text --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "mime"),
    [
        (b"\x89PNG\r\n\x1a\n....", "image/png"),
        (b"\xff\xd8\xff\xe0....", "image/jpeg"),
        (b"GIF87a....", "image/gif"),
        (b"GIF89a....", "image/gif"),
        (b"RIFF\x00\x00\x00\x00WEBPVP8 ", "image/webp"),
        (b"%PDF-1.7\n", "application/pdf"),
        (b"RIFF\x00\x00\x00\x00WAVEfmt ", "application/octet-stream"),
        (b"", "application/octet-stream"),
    ],
)
def test_bytes_are_served_raw_with_sniffed_mime(data: bytes, mime: str) -> None:
    assert encode_full(data) == FullValue(data, mime, None)
    assert sniff_mime(data) == mime


@pytest.mark.parametrize("wrap", [bytearray, memoryview])
def test_bytes_like_values_are_served_as_bytes(wrap: type[Any]) -> None:
    assert encode_full(wrap(b"%PDF-x")) == FullValue(b"%PDF-x", "application/pdf", None)


def test_text_is_utf8_plain_text() -> None:
    assert encode_full("héllo ☃") == FullValue("héllo ☃".encode(), TEXT, None)


def test_lone_surrogate_text_is_escaped() -> None:
    assert encode_full("a\ud800").data == b"a\\ud800"


# --- JSON ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"), [(3, b"3"), (2.5, b"2.5"), (None, b"null"), (True, b"true")]
)
def test_json_scalars_are_json(value: Any, expected: bytes) -> None:
    assert encode_full(value) == FullValue(expected, JSON, None)


@pytest.mark.parametrize(
    ("value", "text"),
    [(float("nan"), b"nan"), (float("-inf"), b"-inf"), (2**70, str(2**70).encode())],
)
def test_scalars_json_cannot_hold_are_text(value: Any, text: bytes) -> None:
    assert encode_full(value) == FullValue(text, TEXT, None)


def test_list_is_json_with_total() -> None:
    full = encode_full([1, "a", None])
    assert (decoded(full), full.total) == ([1, "a", None], 3)


def test_tuple_is_a_json_array() -> None:
    assert decoded(encode_full((1, 2))) == [1, 2]


def test_dict_is_json_with_string_keys() -> None:
    full = encode_full({"a": [1], 2: "b"})
    assert (decoded(full), full.total) == ({"a": [1], "2": "b"}, None)


def test_non_json_leaves_fall_back_to_repr() -> None:
    value = [Thing(), {1, 2}, datetime.date(2024, 1, 2), Unrepresentable()]
    items = decoded(encode_full(value))
    assert items[:3] == ["<Thing>", [1, 2], "2024-01-02"]
    assert "RuntimeError" in items[3]


def test_set_is_a_json_array() -> None:
    assert sorted(decoded(encode_full({3, 1}))) == [1, 3]


@dataclasses.dataclass
class Point:
    x: int
    label: object


def test_dataclass_is_json_with_lenient_fields() -> None:
    assert decoded(encode_full(Point(1, Thing()))) == {"x": 1, "label": "<Thing>"}


class Model(pydantic.BaseModel):
    name: str
    when: datetime.date


def test_pydantic_model_is_its_json() -> None:
    assert decoded(encode_full(Model(name="n", when=datetime.date(2024, 1, 2)))) == {
        "name": "n",
        "when": "2024-01-02",
    }


def test_self_containing_list_is_text() -> None:
    items: list[Any] = [1]
    items.append(items)
    assert encode_full(items) == FullValue(b"[1, [...]]", TEXT, 2)


def test_object_is_its_repr() -> None:
    assert encode_full(Thing()) == FullValue(b"<Thing>", TEXT, None)


def test_raising_repr_gives_placeholder_text() -> None:
    full = encode_full(Unrepresentable())
    assert full.mime == TEXT
    assert b"RuntimeError" in full.data


def test_no_value_has_nothing_to_serve() -> None:
    with pytest.raises(InvalidValueError, match="no value"):
        encode_full(NO_VALUE)


# --- paging ----------------------------------------------------------------------------------


def test_page_of_a_list() -> None:
    full = encode_full(list(range(10)), offset=2, limit=3)
    assert decoded(full) == {"offset": 2, "limit": 3, "total": 10, "items": [2, 3, 4]}
    assert full.total == 10


def test_offset_alone_pages_to_the_end() -> None:
    assert decoded(encode_full([1, 2, 3], offset=1)) == {
        "offset": 1,
        "limit": None,
        "total": 3,
        "items": [2, 3],
    }


def test_limit_alone_pages_from_the_start() -> None:
    assert decoded(encode_full((1, 2, 3), limit=2))["items"] == [1, 2]


def test_page_past_the_end_is_empty() -> None:
    assert decoded(encode_full([1, 2], offset=5, limit=3))["items"] == []


def test_page_of_a_deque_and_a_range() -> None:
    assert decoded(encode_full(collections.deque("abcd"), offset=1, limit=2))["items"] == ["b", "c"]
    assert decoded(encode_full(range(100), offset=98))["items"] == [98, 99]


def test_self_containing_item_in_a_page_is_text() -> None:
    inner: list[Any] = []
    inner.append(inner)
    assert decoded(encode_full([1, inner], offset=0))["items"] == ["1", "[[...]]"]


@pytest.mark.parametrize(
    ("offset", "limit"),
    [(-1, None), (None, -1), (1.5, None), ("2", None), (None, True), (None, [1])],
)
def test_invalid_offset_or_limit_is_rejected(offset: Any, limit: Any) -> None:
    with pytest.raises(InvalidValueError, match="non-negative integer") as caught:
        encode_full([1, 2], offset=offset, limit=limit)
    assert caught.value.code == "invalid_value"


@pytest.mark.parametrize("value", [{"a": 1}, "text", b"bytes", 5, {1, 2}, Thing()])
def test_paging_a_non_sequence_is_rejected(value: Any) -> None:
    with pytest.raises(
        InvalidValueError, match=f"cannot page a value of type {type(value).__name__}"
    ):
        encode_full(value, limit=1)


# --- numpy, pandas, PIL ----------------------------------------------------------------------


def test_numpy_array_is_json_with_total() -> None:
    np = pytest.importorskip("numpy")
    full = encode_full(np.arange(6).reshape(3, 2))
    assert (decoded(full), full.total) == ([[0, 1], [2, 3], [4, 5]], 3)


def test_numpy_array_pages_along_axis_zero() -> None:
    np = pytest.importorskip("numpy")
    page = decoded(encode_full(np.arange(6).reshape(3, 2), offset=1, limit=1))
    assert page == {"offset": 1, "limit": 1, "total": 3, "items": [[2, 3]]}


def test_strided_and_object_arrays_are_json() -> None:
    np = pytest.importorskip("numpy")
    assert decoded(encode_full(np.arange(10)[::3])) == [0, 3, 6, 9]
    assert decoded(encode_full(np.array([1, "a", Thing()], dtype=object))) == [1, "a", "<Thing>"]


def test_numpy_scalars_are_json_scalars() -> None:
    np = pytest.importorskip("numpy")
    assert encode_full(np.float32(0.5)) == FullValue(b"0.5", JSON, None)
    assert encode_full(np.array(7)) == FullValue(b"7", JSON, None)


def test_paging_a_zero_dimensional_array_is_rejected() -> None:
    np = pytest.importorskip("numpy")
    with pytest.raises(InvalidValueError, match="cannot page"):
        encode_full(np.array(7), offset=0)


def test_dataframe_is_columns_and_rows() -> None:
    pd = pytest.importorskip("pandas")
    frame = pd.DataFrame({"n": [1, 2], "x": [0.5, None]}, index=["a", "b"])
    full = encode_full(frame)
    assert decoded(full) == {
        "total": 2,
        "unfiltered": 2,
        "columns": ["n", "x"],
        "dtypes": ["int64", "float64"],
        "index": ["a", "b"],
        "rows": [[1, 0.5], [2, None]],
    }
    assert full.total == 2


def test_dataframe_pages_by_rows() -> None:
    pd = pytest.importorskip("pandas")
    frame = pd.DataFrame({"n": range(10), "when": pd.to_datetime(["2024-01-02"] * 9 + [None])})
    page = decoded(encode_full(frame, offset=8, limit=5))
    assert page == {
        "offset": 8,
        "limit": 5,
        "total": 10,
        "unfiltered": 10,
        "columns": ["n", "when"],
        "dtypes": ["int64", "datetime64[us]"],
        "index": [8, 9],
        "rows": [[8, "2024-01-02T00:00:00"], [9, None]],
    }


def test_series_pages_like_a_list() -> None:
    pd = pytest.importorskip("pandas")
    series = pd.Series([1.5, 2.5, 3.5])
    assert decoded(encode_full(series)) == [1.5, 2.5, 3.5]
    assert decoded(encode_full(series, offset=2)) == {
        "offset": 2,
        "limit": None,
        "total": 3,
        "unfiltered": 3,
        "name": "value",
        "index": [2],
        "items": [3.5],
    }


def test_pil_image_is_png() -> None:
    image_module = pytest.importorskip("PIL.Image")
    full = encode_full(image_module.new("RGB", (7, 5), "red"))
    assert full.mime == "image/png"
    decoded_image = image_module.open(io.BytesIO(full.data))
    assert (decoded_image.format, decoded_image.size, decoded_image.getpixel((0, 0))) == (
        "PNG",
        (7, 5),
        (255, 0, 0),
    )


def test_cmyk_pil_image_is_converted_to_png() -> None:
    image_module = pytest.importorskip("PIL.Image")
    full = encode_full(image_module.new("CMYK", (3, 3)))
    assert (full.mime, image_module.open(io.BytesIO(full.data)).size) == ("image/png", (3, 3))


# --- sorted and filtered tables, downloads ---------------------------------------------------


def test_page_of_a_sorted_filtered_table() -> None:
    pd = pytest.importorskip("pandas")
    frame = pd.DataFrame({"n": range(100), "x": [i * 0.1 for i in range(100)]})
    q = parse_query("n", True, [{"column": "n", "op": ">=", "value": 50}])
    views = ViewCache()
    full = encode_full(frame, offset=10, limit=3, query=q, views=views)
    assert decoded(full) == {
        "offset": 10,
        "limit": 3,
        "total": 50,
        "unfiltered": 100,
        "columns": ["n", "x"],
        "dtypes": ["int64", "float64"],
        "index": [89, 88, 87],
        "rows": [[89, 89 * 0.1], [88, 88 * 0.1], [87, 87 * 0.1]],
    }
    assert full.total == 50
    assert decoded(encode_full(frame, offset=48, limit=5, query=q, views=views))["index"] == [
        51,
        50,
    ]
    assert (views.hits, views.misses) == (1, 1)


def test_numbers_keep_full_precision() -> None:
    pd = pytest.importorskip("pandas")
    frame = pd.DataFrame({"x": [0.1 + 0.2, 1 / 3, 2**53 + 1.0], "i": [2**62, -1, 0]})
    body = decoded(encode_full(frame, limit=3))
    assert body["rows"] == [[0.1 + 0.2, 2**62], [1 / 3, -1], [2**53 + 1.0, 0]]


def test_sorted_series_page_has_its_labels() -> None:
    pd = pytest.importorskip("pandas")
    series = pd.Series([3, 1, 2], index=["a", "b", "c"], name="s")
    page = decoded(encode_full(series, offset=0, limit=2, query=parse_query("s")))
    assert page == {
        "offset": 0,
        "limit": 2,
        "total": 3,
        "unfiltered": 3,
        "name": "s",
        "index": ["b", "c"],
        "items": [1, 2],
    }
    whole = encode_full(series, query=parse_query("value", True))
    assert (decoded(whole), whole.total) == ([3, 2, 1], 3)


@pytest.mark.parametrize("value", [[3, 1, 2], (1,), {"a": 1}, "text"])
def test_sorting_a_non_table_is_rejected(value: Any) -> None:
    with pytest.raises(InvalidValueError, match="apply to tables") as caught:
        encode_full(value, query=parse_query("a"))
    assert caught.value.code == "invalid_value"


def test_csv_download_is_the_sorted_filtered_table() -> None:
    pd = pytest.importorskip("pandas")
    frame = pd.DataFrame(
        {"n": [3, 1, 2, 4], "s": ["c", "a", None, "d"], "x": [0.1 + 0.2, 1.5, 2.5, 1e-20]}
    )
    q = parse_query("n", False, [{"column": "n", "op": "<", "value": 4}])
    full = export_table(frame, "csv", query=q)
    assert (full.mime, full.total) == ("text/csv; charset=utf-8", 3)
    back = pd.read_csv(io.BytesIO(full.data))
    assert back["n"].tolist() == [1, 2, 3]
    assert back["x"].tolist() == [1.5, 2.5, 0.1 + 0.2]
    assert back.columns.tolist() == ["n", "s", "x"]  # the default index is not written


def test_parquet_download_round_trips() -> None:
    pd = pytest.importorskip("pandas")
    pytest.importorskip("pyarrow")
    frame = pd.DataFrame(
        {
            "n": [3, 1, 2],
            0: ["x", "y", None],
            "when": pd.to_datetime(["2024-01-01", "2024-01-02", "2024-01-03"]),
        },
        index=pd.Index(["a", "b", "c"], name="key"),
    )
    full = export_table(frame, "parquet", query=parse_query("n", True))
    assert full.mime == "application/vnd.apache.parquet"
    back = pd.read_parquet(io.BytesIO(full.data))
    assert back.index.tolist() == ["a", "c", "b"]  # a named index is kept
    assert back.columns.tolist() == ["n", "0", "when"]
    assert back["n"].tolist() == [3, 2, 1]
    assert back["when"].tolist() == list(frame["when"].iloc[[0, 2, 1]])


def test_series_downloads_as_one_column() -> None:
    pd = pytest.importorskip("pandas")
    back = pd.read_csv(io.BytesIO(export_table(pd.Series([1.5, 2.5]), "csv").data))
    assert back.to_dict("list") == {"value": [1.5, 2.5]}


def test_only_tables_download_as_files() -> None:
    pytest.importorskip("pandas")
    with pytest.raises(InvalidValueError, match="only tables"):
        export_table([1, 2], "csv")
    with pytest.raises(InvalidValueError, match="unknown format 'xlsx'"):
        export_table([1, 2], "xlsx")
