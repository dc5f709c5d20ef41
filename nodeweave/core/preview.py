"""Compact, size-bounded previews of node output values, pushed to browsers as JSON.

``make_preview(value, budget)`` never raises for any value and returns a dict that
``orjson.dumps`` (no options) encodes in at most ``budget`` bytes. Every preview has ``"kind"``
and ``"type"`` (the short Python type name). Kinds:

``empty``  ``NO_VALUE`` (no value at all; Python ``None`` is ``json`` with ``"value": null``).
``json``   ``value`` is JSON data. A scalar JSON cannot hold exactly (NaN, ±inf, an int beyond
           ±(2**53 - 1), the range browsers hold exactly) comes as its Python repr text, flagged
           ``"repr": true`` (with ``length``/``truncated``, as ints may have thousands of digits).
           Containers (dicts, lists, tuples, sets, other Mappings/Sequences) add ``length`` and
           ``truncated``; their ``value`` is bounded in depth, items per container and characters
           per string. Inside it dict keys become strings; such scalars, dates and other objects
           become (short) repr/ISO text; cut strings end in "…"; deeper or self-containing
           containers become text like ``"<dict len=3>"``; ``truncated`` says anything was cut.
``text``   ``str``: ``value`` (a prefix), ``length`` (full length in characters), ``truncated``.
``bytes``  ``length``, ``mime`` (sniffed), ``head`` (hex of the first 32 bytes).
``image``  ``mime``, base64 ``data``, the original's ``width``/``height`` (``null`` if unknown),
           for image bytes, PIL images, matplotlib figures and uint8 H×W×3/4 numpy arrays (these
           add ``shape`` and ``dtype``): with Pillow a PNG thumbnail, ≤ 256 px a side; without, the
           original bytes if they fit the budget, else a ``bytes`` preview.
``array``  numpy arrays: ``shape``, ``dtype``, ``head`` (the leading corner as nested lists),
           ``truncated``. numpy scalars preview as their Python value (``type`` stays numpy's).
``table``  pandas DataFrames/Series: ``columns``, ``dtypes``, ``index``, ``rows`` (≤ 20, cells
           JSON-safe as in ``json``), ``shape`` (``[n, 1]`` and a ``name`` for a Series),
           ``truncated``.
``error``  exceptions: ``value`` is ``str(exc)``; with ``length``/``truncated``.
``repr``   anything else: ``value`` is the repr; with ``length``/``truncated``.

numpy, pandas, PIL and matplotlib are only looked up in ``sys.modules``, never imported to check a
type; Pillow alone is imported on demand, to thumbnail image bytes.
"""

from __future__ import annotations

import base64
import datetime
import enum
import importlib
import io
import math
import reprlib
import sys
from collections.abc import Callable, Mapping, Sequence, ValuesView
from collections.abc import Set as AbstractSet
from typing import Any, Final

import orjson

from .fullvalue import PNG_MIME, image_size, safe_repr, sniff_mime, utf8_safe
from .values import NO_VALUE

PREVIEW_BUDGET: Final = 65536
MIN_PREVIEW_BUDGET: Final = 256
"""Smallest accepted budget: room for the fallback preview of any value."""
THUMBNAIL_SIDE: Final = 256
TABLE_ROWS: Final = 20

Preview = dict[str, Any]

_SAFE_INT: Final = 2**53 - 1
_TYPE_CHARS: Final = 48
# Limits tried in turn until a structured preview fits: (depth, items per container, characters
# per string, divisor of the budget at which filling stops early).
_TIERS: Final = ((6, 100, 1000, 1), (4, 30, 200, 2), (2, 10, 60, 4), (1, 3, 20, 8))
_TABLE_COLUMNS: Final = 50
_ARRAY_CELLS: Final = 4096
_PLAIN_CONTAINERS: Final = frozenset({list, tuple, dict, set, frozenset})
_CONTAINER_ABCS: Final = (Mapping, Sequence, AbstractSet, ValuesView)
_NOT_CONTAINERS: Final = (str, bytes, bytearray, memoryview, range)
# Last resort for containers: reprlib bounds size and survives self-reference and deep nesting.
_BOUNDED_REPR: Final = reprlib.Repr()
for _attr in ("maxlist", "maxtuple", "maxdict", "maxset", "maxfrozenset", "maxdeque"):
    setattr(_BOUNDED_REPR, _attr, 100)
_BOUNDED_REPR.maxstring = _BOUNDED_REPR.maxother = 1000


def make_preview(value: Any, budget: int = PREVIEW_BUDGET) -> Preview:
    """A JSON-ready preview of ``value`` that ``orjson.dumps`` encodes in ≤ ``budget`` bytes.

    Never raises for any value; raises ``ValueError`` if ``budget < MIN_PREVIEW_BUDGET``.
    """
    if budget < MIN_PREVIEW_BUDGET:
        raise ValueError(f"preview budget must be at least {MIN_PREVIEW_BUDGET} bytes")
    kind = type(value)
    # Fast paths: these previews are tiny by construction, so they skip the size check.
    if kind is int and -_SAFE_INT <= value <= _SAFE_INT:
        return {"kind": "json", "type": "int", "value": value}
    if kind is bool or value is None:
        return {"kind": "json", "type": kind.__name__, "value": value}
    if kind is float and math.isfinite(value):
        return {"kind": "json", "type": "float", "value": value}
    try:
        preview = _preview(value, _type_name(value), budget)
        if preview is not None and len(orjson.dumps(preview)) <= budget:
            return preview
    except Exception:  # noqa: BLE001 - any failure degrades to the repr preview below
        pass
    try:
        return _repr_preview(value, budget, bounded=_is_container(value))
    except Exception:  # noqa: BLE001 - last resort, fits any accepted budget
        return {"kind": "repr", "type": "?", "value": "<preview failed>", "truncated": True}


def _preview(value: Any, tname: str, budget: int) -> Preview | None:
    if value is NO_VALUE:
        return {"kind": "empty", "type": "NoValue"}
    if isinstance(value, BaseException):
        return _with_text({"kind": "error", "type": tname}, _safe_str(value), budget)
    if isinstance(value, enum.Enum):  # before int/str: IntEnum/StrEnum read better as repr
        return _repr_preview(value, budget)
    if isinstance(value, str):
        return _with_text({"kind": "text", "type": tname}, value, budget)
    if isinstance(value, int | float):
        scalar = _scalar(value)
        if isinstance(scalar, str):  # may be long: thousands of digits
            return _with_text({"kind": "json", "type": tname, "repr": True}, scalar, budget)
        return {"kind": "json", "type": tname, "value": scalar}
    if isinstance(value, bytes | bytearray | memoryview):
        return _bytes_preview(value, tname, budget)
    np = sys.modules.get("numpy")
    if np is not None and isinstance(value, np.ndarray):
        return _array_preview(value, tname, budget)
    if np is not None and isinstance(value, np.generic):
        item = value.item()
        if isinstance(item, np.generic):  # e.g. longdouble: no Python type holds it
            return _repr_preview(value, budget)
        inner = _preview(item, tname, budget)
        return None if inner is None else {**inner, "type": tname}
    pd = sys.modules.get("pandas")
    if pd is not None and isinstance(value, pd.DataFrame | pd.Series):
        return _table_preview(value, tname, budget, isinstance(value, pd.Series))
    pil = sys.modules.get("PIL.Image")
    if pil is not None and isinstance(value, pil.Image):
        return _thumbnail(value, {"kind": "image", "type": tname}, budget)
    module = getattr(type(value), "__module__", None)
    if isinstance(module, str) and module.startswith("matplotlib") and hasattr(value, "savefig"):
        return _figure_preview(value, tname, budget)
    if _is_container(value):
        return _container_preview(value, tname, budget)
    return _repr_preview(value, budget)


# --- text ------------------------------------------------------------------------------------


def _with_text(preview: Preview, text: str, budget: int) -> Preview:
    """``preview`` plus the ``value`` prefix of ``text`` that fits, ``length`` and ``truncated``."""
    preview.update(value="", length=len(text), truncated=False)  # "false" is the longer bool
    preview["value"], preview["truncated"] = _fit_text(text, budget - len(orjson.dumps(preview)))
    return preview


def _fit_text(text: str, room: int) -> tuple[str, bool]:
    """The longest prefix of ``text`` that JSON-encodes in ≤ ``room`` bytes, and whether it is cut."""
    head = text[: max(room, 0)]  # every character takes at least one byte
    cut = len(head) < len(text)
    head = utf8_safe(head)
    size = len(orjson.dumps(head)) - 2
    while size > room:  # escapes and multi-byte characters: shrink in proportion, then retry
        head, cut = head[: max(0, len(head) * room // size - 1)], True
        size = len(orjson.dumps(head)) - 2
    return head, cut


def _type_name(value: Any) -> str:
    name = type(value).__name__
    if len(name) <= _TYPE_CHARS and name.isascii() and name.isprintable():
        return name
    return _fit_text(str.__str__(name), _TYPE_CHARS)[0]


def _safe_str(exc: BaseException) -> str:
    try:
        return utf8_safe(str(exc))
    except Exception as err:  # noqa: BLE001 - a broken __str__ must not break the preview
        return f"<str() raised {type(err).__name__}>"


def _scalar(value: int | float) -> int | float | str:
    """``value`` as a JSON number, or its repr text if a JSON number cannot hold it exactly."""
    if isinstance(value, int):
        return int(value) if -_SAFE_INT <= value <= _SAFE_INT else safe_repr(int(value))
    number = float(value)
    return number if math.isfinite(number) else repr(number)


def _repr_preview(value: Any, budget: int, *, bounded: bool = False) -> Preview:
    text = utf8_safe(_BOUNDED_REPR.repr(value)) if bounded else safe_repr(value)
    preview = _with_text({"kind": "repr", "type": _type_name(value)}, text, budget)
    preview["truncated"] = preview["truncated"] or bounded  # reprlib may have cut silently
    return preview


# --- containers ------------------------------------------------------------------------------


def _is_container(value: Any) -> bool:
    """Mappings, sequences and sets, which preview as JSON (not text, bytes or ranges)."""
    if type(value) in _PLAIN_CONTAINERS:
        return True
    return isinstance(value, _CONTAINER_ABCS) and not isinstance(value, _NOT_CONTAINERS)


def _length(value: Any) -> int | None:
    try:
        return len(value)
    except Exception:  # noqa: BLE001 - a broken __len__ only loses the length
        return None


class _Bounded:
    """Builds a JSON-safe copy of a structure within one tier of limits, noting any cut."""

    def __init__(self, depth: int, items: int, chars: int, room: int) -> None:
        self.depth, self.items, self.chars, self.room = depth, items, chars, room
        self.used = 0  # estimated encoded bytes so far, to stop filling near the room
        self.truncated = False
        self._open: set[int] = set()  # ids of the containers being built: spots self-reference

    def build(self, value: Any, level: int = 0) -> Any:
        kind = type(value)
        if kind is str:
            return self.text(value)
        if value is None or kind is bool:
            self.used += 6
            return value
        if kind is int or kind is float:
            self.used += 24
            scalar = _scalar(value)
            return self.text(scalar) if isinstance(scalar, str) else scalar
        if not _is_container(value):
            return self._leaf(value, level)
        if id(value) in self._open or level >= self.depth:  # self-reference, or too deep
            self.truncated = True
            name = type(value).__name__
            label = (
                f"recursive {name}" if id(value) in self._open else f"{name} len={_length(value)}"
            )
            return self.text(f"<{label}>")
        self._open.add(id(value))
        try:
            return self._children(value, level + 1)
        finally:
            self._open.discard(id(value))

    def text(self, text: str) -> str:
        if len(text) > self.chars:
            text = text[: self.chars - 1] + "…"
            self.truncated = True
        text = utf8_safe(text)
        self.used += len(text) + 3
        return text

    def _leaf(self, value: Any, level: int) -> Any:
        np = sys.modules.get("numpy")
        if np is not None and isinstance(value, np.generic):
            item = value.item()  # a numpy scalar again for longdouble: keep it as text
            return (
                self.text(safe_repr(value))
                if isinstance(item, np.generic)
                else self.build(item, level)
            )
        if isinstance(value, enum.Enum):
            return self.text(safe_repr(value))
        if isinstance(value, str | int | float):  # subclasses: as their base type
            base = str if isinstance(value, str) else int if isinstance(value, int) else float
            return self.build(base(value), level)
        if isinstance(value, datetime.date | datetime.time):
            return self.text(value.isoformat())
        return self.text(safe_repr(value))

    def _children(self, value: Any, level: int) -> list[Any] | dict[str, Any]:
        is_mapping = isinstance(value, Mapping)
        items: list[Any] = []
        mapping: dict[str, Any] = {}
        self.used += 2
        for index, entry in enumerate(value.items() if is_mapping else value):
            if index >= self.items or self.used > self.room:
                self.truncated = True
                break
            if is_mapping:
                key, item = entry
                name = self.text(key if isinstance(key, str) else safe_repr(key))
                mapping[name] = self.build(item, level)
            else:
                items.append(self.build(entry, level))
        return mapping if is_mapping else items


def _fit(budget: int, make: Callable[[_Bounded], Preview]) -> Preview | None:
    """The preview of the first tier of limits that fits ``budget``, or ``None``."""
    for depth, items, chars, divisor in _TIERS:
        bounded = _Bounded(depth, items, chars, budget // divisor)
        preview = make(bounded)
        preview["truncated"] = bounded.truncated
        if len(orjson.dumps(preview)) <= budget:
            return preview
    return None


def _container_preview(value: Any, tname: str, budget: int) -> Preview | None:
    length = _length(value)

    def make(bounded: _Bounded) -> Preview:
        return {"kind": "json", "type": tname, "value": bounded.build(value), "length": length}

    return _fit(budget, make)


# --- bytes and images ------------------------------------------------------------------------


def _bytes_preview(value: bytes | bytearray | memoryview, tname: str, budget: int) -> Preview:
    data = value.tobytes() if isinstance(value, memoryview) else value
    mime = sniff_mime(data[:16])
    if mime.startswith("image/"):
        image = _image_bytes_preview(bytes(data), mime, tname, budget)
        if image is not None:
            return image
    head = bytes(data[:32]).hex()
    return {"kind": "bytes", "type": tname, "length": len(data), "mime": mime, "head": head}


def _image_bytes_preview(data: bytes, mime: str, tname: str, budget: int) -> Preview | None:
    pil = _pil()
    if pil is not None:
        try:
            image = pil.open(io.BytesIO(data))
            size = image.size
            if mime != PNG_MIME or max(size) > THUMBNAIL_SIDE:  # a small PNG is its own thumbnail
                image.draft(None, (THUMBNAIL_SIDE, THUMBNAIL_SIDE))  # fast JPEG downscale
                return _thumbnail(image, {"kind": "image", "type": tname}, budget, size)
        except Exception:  # noqa: BLE001 - undecodable here; the browser may still show it
            pass
    width, height = image_size(data, mime)
    preview = {"kind": "image", "type": tname, "mime": mime, "data": "", "width": width}
    preview["height"] = height
    # base64 grows data by 4/3: check before encoding megabytes for nothing.
    if len(orjson.dumps(preview)) + 4 * ((len(data) + 2) // 3) > budget:
        return None
    preview["data"] = base64.b64encode(data).decode("ascii")
    return preview


def _thumbnail(
    image: Any, preview: Preview, budget: int, size: tuple[int, int] | None = None
) -> Preview | None:
    """A PNG thumbnail, ≤ 256 px a side (smaller if needed to fit); ``size`` is the original's."""
    width, height = size or image.size
    preview.update(mime=PNG_MIME, data="", width=width, height=height)
    base = len(orjson.dumps(preview))
    for side in (THUMBNAIL_SIDE, 128, 64, 32):
        scale = min(1.0, side / max(*image.size, 1))
        target = (max(1, round(image.size[0] * scale)), max(1, round(image.size[1] * scale)))
        if target != image.size:  # each step shrinks the previous one, never the original again
            image = image.resize(target, reducing_gap=3.0)
        if image.mode not in ("RGB", "RGBA", "L", "LA"):
            image = image.convert("RGBA")
        buffer = io.BytesIO()
        image.save(buffer, format="PNG")
        if base + 4 * ((buffer.tell() + 2) // 3) <= budget:
            preview["data"] = base64.b64encode(buffer.getvalue()).decode("ascii")
            return preview
    return None


def _figure_preview(figure: Any, tname: str, budget: int) -> Preview | None:
    try:
        inches = max(float(x) for x in figure.get_size_inches())
    except Exception:  # noqa: BLE001 - figure-like object without a size: matplotlib's default
        inches = 6.4
    buffer = io.BytesIO()
    # Render near thumbnail size right away: cheaper than rendering big, then shrinking.
    dpi = max(10.0, min(100.0, THUMBNAIL_SIDE / max(inches, 0.1)))
    figure.savefig(buffer, format="png", dpi=dpi)
    return _image_bytes_preview(buffer.getvalue(), PNG_MIME, tname, budget)


def _pil() -> Any:
    """The ``PIL.Image`` module, imported on demand, or ``None`` without Pillow."""
    module = sys.modules.get("PIL.Image")
    if module is not None:
        return module
    try:
        return importlib.import_module("PIL.Image")
    except Exception:  # noqa: BLE001 - not installed, or a blocked/broken install
        return None


# --- numpy and pandas ------------------------------------------------------------------------


def _array_preview(array: Any, tname: str, budget: int) -> Preview | None:
    shape, dtype = list(array.shape), str(array.dtype)
    if dtype == "uint8" and array.ndim == 3 and shape[2] in (3, 4) and min(shape[:2]) > 1:
        pil = _pil()
        if pil is not None:
            preview = {"kind": "image", "type": tname, "shape": shape, "dtype": dtype}
            thumb = _thumbnail(pil.fromarray(array), preview, budget)
            if thumb is not None:
                return thumb

    def make(bounded: _Bounded) -> Preview:
        per_axis = max(1, min(bounded.items, int(_ARRAY_CELLS ** (1 / max(array.ndim, 1)))))
        corner = array[tuple(slice(0, per_axis) for _ in shape)]
        if array.dtype.kind in "mM":  # tolist() would give raw integers for ns datetimes
            corner = corner.astype(str)
        head = bounded.build(corner.tolist())
        bounded.truncated |= corner.shape != array.shape
        return {"kind": "array", "type": tname, "shape": shape, "dtype": dtype, "head": head}

    return _fit(budget, make)


def _table_preview(table: Any, tname: str, budget: int, is_series: bool) -> Preview | None:
    rows, cols = (len(table), 1) if is_series else table.shape

    def make(bounded: _Bounded) -> Preview:
        n_rows = min(rows, TABLE_ROWS, bounded.items)
        n_cols = min(cols, _TABLE_COLUMNS, bounded.items)
        part = table.iloc[:n_rows] if is_series else table.iloc[:n_rows, :n_cols]
        names = [table.name] if is_series else list(part.columns)
        dtypes = [table.dtype] if is_series else list(part.dtypes)
        cells = part.to_numpy(dtype=object).tolist()
        preview: Preview = {"kind": "table", "type": tname}
        preview["columns"] = [bounded.text(str(name)) for name in names]
        preview["dtypes"] = [bounded.text(str(dtype)) for dtype in dtypes]
        preview["index"] = bounded.build(part.index.tolist())
        preview["rows"] = out = list[Any]()
        for row in cells:  # one build per row, so that even the shallowest tier keeps cells
            if bounded.used > bounded.room:
                bounded.truncated = True
                break
            out.append(bounded.build([row] if is_series else row))
        preview["shape"] = [rows, cols]
        if is_series:
            preview["name"] = None if table.name is None else bounded.text(str(table.name))
        bounded.truncated |= n_rows < rows or n_cols < cols
        return preview

    return _fit(budget, make)
