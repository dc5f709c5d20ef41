"""Encode a node's full output value for download (the worker serves it over HTTP on demand).

:func:`encode_full` turns any value into bytes plus a MIME type:

* ``bytes``/``bytearray``/``memoryview`` → the raw bytes, MIME sniffed from the magic number
  (PNG, JPEG, GIF, WEBP, PDF, else ``application/octet-stream``);
* ``str`` → UTF-8 ``text/plain`` (lone surrogates are written as ``\\udXXX`` escapes);
* PIL images and matplotlib figures → PNG;
* lists, tuples and other sequences, numpy arrays (along axis 0) and pandas Series → a JSON array;
  pandas DataFrames → ``{"total", "unfiltered", "columns", "dtypes", "index", "rows"}``;
* dicts, sets, dataclasses, pydantic models and JSON scalars → JSON;
* anything JSON cannot represent faithfully (custom objects, NaN/±inf, integers beyond 64 bits,
  self-containing lists …) → its ``repr`` as ``text/plain``.

Inside JSON containers, leaves JSON has no type for are written as their ``repr`` (dates as ISO
text, numpy scalars as numbers, pandas ``NA``/``NaT`` and float NaN as ``null``).

Paging: with ``offset`` and/or ``limit``, sequences and arrays give
``{"offset", "limit", "total", "items"}``, Series ``{"offset", "limit", "total", "unfiltered",
"name", "index", "items"}`` and DataFrames ``{"offset", "limit", "total", "unfiltered", "columns",
"dtypes", "index", "rows"}``; ``limit`` is echoed as given (``null`` = to the end). Paging any
other value raises :class:`InvalidValueError`. ``FullValue.total`` is the item/row count of every
pageable value, paged or not, else ``None``.

Tables (DataFrames and Series) can be sorted and filtered first (``query``, see
:mod:`nodeweave.core.tableview`): ``total`` is then the row count after filtering and
``unfiltered`` the count before. A :class:`~nodeweave.core.tableview.ViewCache` passed as
``views`` keeps the row order of recent views, so paging through one only slices.
:func:`export_table` writes the sorted, filtered table as CSV or Parquet. Numbers keep their full
precision (floats as the shortest text that reads back the same).

The byte and text helpers the preview shares live here too: :func:`sniff_mime`,
:func:`image_size`, :func:`safe_repr`, :func:`utf8_safe`.
"""

from __future__ import annotations

import dataclasses
import io
import itertools
import math
import operator
from collections.abc import Callable, Mapping, Sequence
from collections.abc import Set as AbstractSet
from typing import Any, Final

import orjson
import pydantic

from .errors import InvalidValueError
from .lazytypes import imported
from .tableview import NO_QUERY, TableQuery, TableView, ViewCache, apply_query, column_labels
from .values import NO_VALUE

JSON_MIME: Final = "application/json"
TEXT_MIME: Final = "text/plain; charset=utf-8"
BINARY_MIME: Final = "application/octet-stream"
PNG_MIME: Final = "image/png"
CSV_MIME: Final = "text/csv; charset=utf-8"
PARQUET_MIME: Final = "application/vnd.apache.parquet"
EXPORT_FORMATS: Final = ("csv", "parquet")

_MAGIC: Final = (
    (b"\x89PNG\r\n\x1a\n", PNG_MIME),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
    (b"%PDF-", "application/pdf"),
)
_JSON_OPTS: Final = orjson.OPT_SERIALIZE_NUMPY | orjson.OPT_NON_STR_KEYS
# Bytes-like values are Sequences for collections.abc, but they are served raw, never paged.
_NOT_SEQUENCES: Final = (str, bytes, bytearray, memoryview)


@dataclasses.dataclass(frozen=True, slots=True)
class FullValue:
    """An encoded full value: ``data`` to send with Content-Type ``mime``.

    ``total`` is the number of items (rows for tables) when the value can be paged, else ``None``.
    """

    data: bytes
    mime: str
    total: int | None = None


def sniff_mime(data: bytes | bytearray) -> str:
    """The MIME type announced by the magic number at the start of ``data``."""
    for magic, mime in _MAGIC:
        if data[: len(magic)] == magic:
            return mime
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    return BINARY_MIME


def image_size(data: bytes, mime: str) -> tuple[int | None, int | None]:
    """Width and height read from a PNG, GIF or JPEG header; ``(None, None)`` if unknown."""
    if mime == PNG_MIME and data[12:16] == b"IHDR" and len(data) >= 24:
        return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
    if mime == "image/gif" and len(data) >= 10:
        return int.from_bytes(data[6:8], "little"), int.from_bytes(data[8:10], "little")
    if mime == "image/jpeg":
        at = 2
        while at + 9 <= len(data) and data[at] == 0xFF:
            marker = data[at + 1]
            if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):  # start of frame
                return int.from_bytes(data[at + 7 : at + 9], "big"), int.from_bytes(
                    data[at + 5 : at + 7], "big"
                )
            at += 2 + int.from_bytes(data[at + 2 : at + 4], "big")
    return None, None


def utf8_safe(text: str) -> str:
    if type(text) is not str:
        text = str.__str__(text)  # a str subclass could override the methods used here
    if text.isascii():
        return text
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:  # lone surrogates: orjson refuses them
        return text.encode("utf-8", "backslashreplace").decode("utf-8")
    return text


def safe_repr(value: Any) -> str:
    """``repr(value)`` that never raises and is always valid UTF-8 (a placeholder on failure)."""
    try:
        text = repr(value)
        if type(text) is not str:  # a str subclass could override isascii/encode below
            text = str.__str__(text)
    except Exception as exc:  # noqa: BLE001 - a broken __repr__ must not break the caller
        text = _unrepresentable(value, exc)
    return text if text.isascii() else utf8_safe(text)


def encode_full(
    value: Any,
    *,
    offset: int | None = None,
    limit: int | None = None,
    query: TableQuery | None = None,
    views: ViewCache | None = None,
) -> FullValue:
    """Encode ``value`` for download; see the module docstring for the rules.

    Raises :class:`InvalidValueError` for a negative or non-integer ``offset``/``limit``, for
    paging a value that is not a sequence, array or table, for sorting or filtering a value
    that is not a table (or by a column it lacks, or with a value the column cannot hold), and
    for ``NO_VALUE``.
    """
    paging = offset is not None or limit is not None
    start = _check_index("offset", offset) or 0
    count = _check_index("limit", limit)
    if value is NO_VALUE:
        raise InvalidValueError("the output has no value")
    np = imported("numpy")
    pd = imported("pandas")
    if pd is not None and isinstance(value, pd.DataFrame | pd.Series):
        view = _view(value, query, views)
        if isinstance(value, pd.DataFrame):
            return _encode_frame(view, start, count, paging)
        return _encode_series(view, start, count, paging)
    if query is not None and query.active:
        apply_query(value, query)  # raises: not a table
    if np is not None and isinstance(value, np.ndarray) and value.ndim > 0:
        return _encode_items(value, lambda a, b: value[a:b], start, count, paging)
    if isinstance(value, list | tuple | range):
        return _encode_items(value, lambda a, b: list(value[a:b]), start, count, paging)
    if isinstance(value, Sequence) and not isinstance(value, _NOT_SEQUENCES):
        take = lambda a, b: list(itertools.islice(value, a, b))  # noqa: E731
        return _encode_items(value, take, start, count, paging)
    if paging:
        raise InvalidValueError(
            f"cannot page a value of type {type(value).__name__}: only lists, tuples, "
            "sequences, arrays, Series and DataFrames can be paged",
            details={"type": type(value).__name__},
        )
    return _encode_single(value, np)


def export_table(
    value: Any,
    fmt: str,
    *,
    query: TableQuery | None = None,
    views: ViewCache | None = None,
) -> FullValue:
    """The sorted, filtered table ``value`` as a ``"csv"`` or ``"parquet"`` file.

    The index is written unless it is the default ``0…n-1`` (a Series is one column, named by
    its name or ``value``). Raises :class:`InvalidValueError` for a value that is not a table,
    an unknown format, or a table the format cannot hold (Parquet without pyarrow, …).
    """
    if fmt not in EXPORT_FORMATS:
        raise InvalidValueError(
            f"unknown format {fmt!r}; tables download as {' or '.join(EXPORT_FORMATS)}",
            details={"format": fmt},
        )
    pd = imported("pandas")
    if value is NO_VALUE or pd is None or not isinstance(value, pd.DataFrame | pd.Series):
        raise InvalidValueError(
            f"only tables (DataFrame, Series) download as {fmt}, not a {type(value).__name__}",
            details={"type": type(value).__name__},
        )
    view = _view(value, query, views)
    frame = view.whole()
    if isinstance(frame, pd.Series):
        frame = frame.to_frame(name=column_labels(value)[0])
    keep_index = not _default_index(value.index, pd)
    buffer = io.BytesIO()
    try:
        if fmt == "csv":
            frame.to_csv(buffer, index=keep_index)
            return FullValue(buffer.getvalue(), CSV_MIME, view.total)
        frame = frame.set_axis(column_labels(frame), axis=1)  # Parquet wants text names
        frame.to_parquet(buffer, index=keep_index)
    except (ImportError, ValueError, TypeError) as exc:  # no pyarrow, duplicate names, …
        raise InvalidValueError(
            f"cannot write this table as {fmt}: {safe_repr(exc)}", details={"format": fmt}
        ) from None
    except Exception as exc:  # noqa: BLE001 - pyarrow's own errors (unsupported cell types)
        raise InvalidValueError(
            f"cannot write this table as {fmt}: {type(exc).__name__}: {safe_repr(exc)}",
            details={"format": fmt},
        ) from None
    return FullValue(buffer.getvalue(), PARQUET_MIME, view.total)


def _view(table: Any, query: TableQuery | None, views: ViewCache | None) -> TableView:
    query = query or NO_QUERY
    return views.view(table, query) if views is not None else apply_query(table, query)


def _default_index(index: Any, pd: Any) -> bool:
    return (
        isinstance(index, pd.RangeIndex)
        and index.start == 0
        and index.step == 1
        and index.name is None
    )


def _check_index(name: str, raw: Any) -> int | None:
    if raw is None:
        return None
    try:
        number = None if isinstance(raw, bool) else operator.index(raw)
    except TypeError:
        number = None
    if number is None or number < 0:
        raise InvalidValueError(
            f"{name} must be a non-negative integer, got {safe_repr(raw)}",
            details={name: safe_repr(raw)},
        )
    return number


def _encode_items(
    value: Any, take: Callable[[int, int], Any], start: int, count: int | None, paging: bool
) -> FullValue:
    total = len(value)
    if not paging:
        whole = value if isinstance(value, list | tuple) else take(0, total)
        data = _dumps(whole)
        if data is None:
            return _as_text(value, total)
        return FullValue(data, JSON_MIME, total)
    stop = total if count is None else min(total, start + count)
    items = take(start, stop) if start < stop else []
    page: dict[str, Any] = {"offset": start, "limit": count, "total": total, "items": items}
    data = _dumps(page)
    if data is None:  # e.g. an item that contains itself: show such items as text
        page["items"] = [safe_repr(item) for item in items]
        data = orjson.dumps(page)
    return FullValue(data, JSON_MIME, total)


def _encode_frame(view: TableView, start: int, count: int | None, paging: bool) -> FullValue:
    total = view.total
    part = view.rows(start, None if count is None else start + count) if paging else view.whole()
    body: dict[str, Any] = {
        "total": total,
        "unfiltered": view.unfiltered,
        "columns": column_labels(view.table),
        "dtypes": [str(dtype) for dtype in view.table.dtypes],
        "index": part.index.tolist(),
        "rows": part.to_numpy(dtype=object).tolist(),
    }
    if paging:
        body = {"offset": start, "limit": count, **body}
    data = _dumps(body)
    if data is None:
        body["index"] = [safe_repr(i) for i in body["index"]]
        body["rows"] = [[safe_repr(v) for v in row] for row in body["rows"]]
        data = orjson.dumps(body)
    return FullValue(data, JSON_MIME, total)


def _encode_series(view: TableView, start: int, count: int | None, paging: bool) -> FullValue:
    if not paging:
        whole = view.whole()
        return _encode_items(whole, lambda a, b: whole.iloc[a:b].tolist(), 0, None, False)
    total = view.total
    part = view.rows(start, None if count is None else start + count)
    body: dict[str, Any] = {
        "offset": start,
        "limit": count,
        "total": total,
        "unfiltered": view.unfiltered,
        "name": column_labels(view.table)[0],
        "index": part.index.tolist(),
        "items": part.tolist(),
    }
    data = _dumps(body)
    if data is None:
        body["index"] = [safe_repr(i) for i in body["index"]]
        body["items"] = [safe_repr(i) for i in body["items"]]
        data = orjson.dumps(body)
    return FullValue(data, JSON_MIME, total)


def _encode_single(value: Any, np: Any) -> FullValue:
    if isinstance(value, bytes | bytearray | memoryview):
        data = value.tobytes() if isinstance(value, memoryview) else bytes(value)
        return FullValue(data, sniff_mime(data[:16]))
    if isinstance(value, str):
        return FullValue(utf8_safe(value).encode("utf-8"), TEXT_MIME)
    image = _encode_image(value)
    if image is not None:
        return image
    if isinstance(value, pydantic.BaseModel):
        try:
            return FullValue(value.model_dump_json().encode("utf-8"), JSON_MIME)
        except Exception:  # noqa: BLE001 - unserializable fields: fall back to the repr
            return _as_text(value, None)
    if np is not None and isinstance(value, np.ndarray | np.generic):
        value = value.item()  # 0-d arrays and numpy scalars: plain Python scalars
    if isinstance(value, float) and not math.isfinite(value):
        return _as_text(value, None)  # JSON has no NaN/Infinity; "null" would lie
    try:
        return FullValue(orjson.dumps(value, option=_JSON_OPTS), JSON_MIME)
    except orjson.JSONEncodeError:
        pass
    is_instance = not isinstance(value, type)
    if isinstance(value, Mapping | AbstractSet) or (
        is_instance and dataclasses.is_dataclass(value)
    ):
        encoded = _dumps(value)
        if encoded is not None:
            return FullValue(encoded, JSON_MIME)
    return _as_text(value, None)


def _encode_image(value: Any) -> FullValue | None:
    """PNG bytes for PIL images and matplotlib figures (modules are never imported here)."""
    pil = imported("PIL.Image")
    buffer = io.BytesIO()
    if pil is not None and isinstance(value, pil.Image):
        try:
            value.save(buffer, format="PNG")
        except (OSError, ValueError, KeyError):  # modes PNG cannot hold (CMYK, …)
            buffer = io.BytesIO()
            value.convert("RGBA").save(buffer, format="PNG")
        return FullValue(buffer.getvalue(), PNG_MIME)
    module = getattr(type(value), "__module__", None)
    if isinstance(module, str) and module.startswith("matplotlib") and hasattr(value, "savefig"):
        value.savefig(buffer, format="png")
        return FullValue(buffer.getvalue(), PNG_MIME)
    return None


def _dumps(payload: Any) -> bytes | None:
    """JSON bytes, with non-JSON leaves rendered leniently; ``None`` if even that fails."""
    try:
        return orjson.dumps(payload, option=_JSON_OPTS)
    except orjson.JSONEncodeError:
        pass
    try:
        return orjson.dumps(payload, option=_JSON_OPTS, default=_lenient)
    except orjson.JSONEncodeError:  # recursion, lone surrogates, unsupported keys
        return None


def _lenient(obj: Any) -> Any:
    """orjson ``default=``: a JSON-able stand-in for a leaf orjson cannot encode."""
    np = imported("numpy")
    if np is not None:
        if isinstance(obj, np.ndarray):
            return obj.tolist()
        if isinstance(obj, np.generic):
            item = obj.item()  # a numpy scalar again for longdouble: use the repr
            return safe_repr(obj) if isinstance(item, np.generic) else item
    pd = imported("pandas")
    if pd is not None and (obj is pd.NA or obj is pd.NaT):
        return None
    if isinstance(obj, AbstractSet):
        return list(obj)
    if isinstance(obj, Mapping):
        return dict(obj)
    if isinstance(obj, pydantic.BaseModel):
        return obj.model_dump(mode="json")
    isoformat = getattr(obj, "isoformat", None)
    if callable(isoformat):
        try:
            return str(isoformat())
        except Exception:  # noqa: BLE001 - fall through to the repr
            pass
    return safe_repr(obj)


def _as_text(value: Any, total: int | None) -> FullValue:
    return FullValue(safe_repr(value).encode("utf-8"), TEXT_MIME, total)


def _unrepresentable(value: Any, exc: BaseException) -> str:
    if isinstance(value, int):  # repr of huge ints hits the int/str digit limit
        try:
            return hex(value)
        except Exception:  # noqa: BLE001 - a custom __index__ may raise too
            pass
    return f"<{type(value).__name__} object; repr() raised {type(exc).__name__}>"
