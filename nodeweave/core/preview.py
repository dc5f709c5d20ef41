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
           A DataFrame adds ``summary``: per column ``{"nulls", "min", "max", "mean"}`` (numbers,
           datetimes) or ``{"nulls", "unique", "top": [[text, count], …]}`` (the rest); beyond
           100,000 rows all but the null counts come from an evenly spread sample whose size
           each entry gives as ``sample`` (a preview is recomputed on every change upstream,
           so its cost must not grow with the table). polars DataFrames and pyarrow
           Tables preview as tables too (no summary).
``plotly`` plotly figures: ``spec`` (``{"data", "layout"}`` for ``Plotly.react``; numeric arrays as
           plotly typed arrays ``{"dtype", "bdata"}``), ``points`` (in the figure), ``shown`` (in
           the spec), ``downsampled``, ``truncated``. Big traces are downsampled to fit.
``vega``   Altair/Vega-Lite charts: ``spec`` (the Vega-Lite spec, data inlined, rows cut to fit)
           and ``truncated``.
``error``  exceptions: ``value`` is ``str(exc)``; with ``length``/``truncated``.
``repr``   anything else: ``value`` is the repr; with ``length``/``truncated``.

**The registry.** Which preview a value gets is decided by :class:`PreviewRegistry`, keyed by the
qualified names of the classes in the value's MRO (``"pandas.DataFrame"``,
``"plotly.basedatatypes.BaseFigure"``): the most specific registered class wins. A handler may be
registered as a ``"module:function"`` string and is imported on first use, so registering costs
nothing: the built-in handlers for numpy, pandas, polars, pyarrow, plotly, Altair, matplotlib and
PIL live in sibling modules that load only when a value of theirs is previewed. Packages add their
own through the entry-point group ``nodeweave.previews`` (name: the qualified class name, value:
``"module:function"``), which the worker registers at start. A handler takes the value and a
:class:`PreviewRequest` and returns a preview dict, or ``None`` to fall back to the next class in
the MRO and finally to the generic container or ``repr`` preview. Chart kinds (``RICH_KINDS``) may
use ``rich_budget`` instead of ``budget``.
"""

from __future__ import annotations

import dataclasses
import datetime
import enum
import importlib
import math
import reprlib
from collections.abc import Callable, Mapping, Sequence, ValuesView
from collections.abc import Set as AbstractSet
from typing import Any, Final

import orjson

from .fullvalue import safe_repr, sniff_mime, utf8_safe
from .lazytypes import imported
from .remote import RemoteValue
from .values import NO_VALUE

PREVIEW_BUDGET: Final = 65536
MIN_PREVIEW_BUDGET: Final = 256
"""Smallest accepted budget: room for the fallback preview of any value."""
THUMBNAIL_SIDE: Final = 256
TABLE_ROWS: Final = 20

Preview = dict[str, Any]

RICH_PREVIEW_BUDGET: Final = 1 << 20
"""Default room for chart previews (``RICH_KINDS``), which are worth more than a table's head."""
RICH_KINDS: Final = frozenset({"plotly", "vega"})
PREVIEW_KINDS: Final = frozenset(
    {"empty", "json", "text", "error", "repr", "bytes", "image", "array", "table"} | RICH_KINDS
)
"""Every ``kind`` a preview may have (the protocol's tagged union); a plug-in's preview of
another kind is replaced by the value's repr preview."""

_SAFE_INT: Final = 2**53 - 1
_TYPE_CHARS: Final = 48
# Limits tried in turn until a structured preview fits: (depth, items per container, characters
# per string, divisor of the budget at which filling stops early).
_TIERS: Final = ((6, 100, 1000, 1), (4, 30, 200, 2), (2, 10, 60, 4), (1, 3, 20, 8))
TABLE_COLUMNS: Final = 50
_PLAIN_CONTAINERS: Final = frozenset({list, tuple, dict, set, frozenset})
_CONTAINER_ABCS: Final = (Mapping, Sequence, AbstractSet, ValuesView)
_NOT_CONTAINERS: Final = (str, bytes, bytearray, memoryview, range)
# Last resort for containers: reprlib bounds size and survives self-reference and deep nesting.
_BOUNDED_REPR: Final = reprlib.Repr()
for _attr in ("maxlist", "maxtuple", "maxdict", "maxset", "maxfrozenset", "maxdeque"):
    setattr(_BOUNDED_REPR, _attr, 100)
_BOUNDED_REPR.maxstring = _BOUNDED_REPR.maxother = 1000


@dataclasses.dataclass(frozen=True, slots=True)
class PreviewRequest:
    """What a handler is asked for: a preview of a value of type ``tname`` within ``budget``."""

    budget: int
    tname: str
    rich_budget: int
    """The room a chart kind (``RICH_KINDS``) may take; at least ``budget``."""


Handler = Callable[[Any, PreviewRequest], "Preview | None"]


class PreviewRegistry:
    """Preview handlers keyed by qualified class name, looked up along a value's MRO."""

    def __init__(self) -> None:
        self._handlers: dict[str, Handler | str] = {}
        self._by_type: dict[type, Handler | None] = {}

    def register(self, type_name: str, handler: Handler | str) -> None:
        """Preview values of the class named ``type_name`` (``module.QualName``) with ``handler``.

        ``handler`` may be a ``"module:function"`` string, imported when first needed. A later
        registration for the same name replaces the earlier one.
        """
        if not isinstance(type_name, str) or "." not in type_name:
            raise ValueError(f"register a qualified class name like 'pkg.Class', not {type_name!r}")
        if isinstance(handler, str) and ":" not in handler:
            raise ValueError(f"a handler path looks like 'module:function', not {handler!r}")
        self._handlers[type_name] = handler
        self._by_type.clear()

    def names(self) -> list[str]:
        return sorted(self._handlers)

    def handler_for(self, kind: type) -> Handler | None:
        """The handler of the most specific registered class in ``kind``'s MRO (cached)."""
        try:
            return self._by_type[kind]
        except KeyError:
            pass
        found: Handler | None = None
        for klass in getattr(kind, "__mro__", (kind,)):
            name = f"{getattr(klass, '__module__', '?')}.{getattr(klass, '__qualname__', '?')}"
            entry = self._handlers.get(name)
            if entry is None:
                continue
            if isinstance(entry, str):
                entry = _load(entry)
                if entry is None:
                    continue  # a broken plug-in: the next class in the MRO, or the generic preview
                self._handlers[name] = entry
            found = entry
            break
        self._by_type[kind] = found
        return found


def _load(path: str) -> Handler | None:
    module_name, _, attr = path.partition(":")
    try:
        found: Any = importlib.import_module(module_name)
        for part in attr.split("."):
            found = getattr(found, part)
    except Exception:  # noqa: BLE001 - a plug-in that fails to import only loses its previews
        return None
    return found if callable(found) else None


def make_preview(
    value: Any,
    budget: int = PREVIEW_BUDGET,
    *,
    rich_budget: int | None = None,
    registry: PreviewRegistry | None = None,
) -> Preview:
    """A JSON-ready preview of ``value`` that ``orjson.dumps`` encodes in ≤ ``budget`` bytes.

    Chart kinds (``RICH_KINDS``) may take up to ``rich_budget`` bytes instead (default
    ``budget``). ``registry`` defaults to :data:`PREVIEWS`. Never raises for any value; raises
    ``ValueError`` if ``budget < MIN_PREVIEW_BUDGET``.
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
    if issubclass(kind, RemoteValue):  # previewed where it lives (type(): never raises)
        remote: Preview = value.preview
        return remote
    request = PreviewRequest(budget, _type_name(value), max(budget, rich_budget or budget))
    try:
        preview = _preview(value, request, registry or PREVIEWS)
        if isinstance(preview, dict) and preview.get("kind") in PREVIEW_KINDS:
            limit = request.rich_budget if preview["kind"] in RICH_KINDS else budget
            if len(orjson.dumps(preview)) <= limit:
                return preview
    except Exception:  # noqa: BLE001 - any failure degrades to the repr preview below
        pass
    try:
        return repr_preview(value, budget, bounded=_is_container(value))
    except Exception:  # noqa: BLE001 - last resort, fits any accepted budget
        return {"kind": "repr", "type": "?", "value": "<preview failed>", "truncated": True}


def _preview(value: Any, request: PreviewRequest, registry: PreviewRegistry) -> Preview | None:
    if value is NO_VALUE:
        return {"kind": "empty", "type": "NoValue"}
    if isinstance(value, enum.Enum):  # before the MRO: IntEnum/StrEnum read better as repr
        return repr_preview(value, request.budget)
    handler = registry.handler_for(type(value))
    if handler is not None:
        preview = handler(value, request)
        if preview is not None:
            return preview
    if _is_container(value):
        return _container_preview(value, request.tname, request.budget)
    return repr_preview(value, request.budget)


# --- Python's own types ----------------------------------------------------------------------


def _error_preview(value: BaseException, request: PreviewRequest) -> Preview:
    return with_text({"kind": "error", "type": request.tname}, _safe_str(value), request.budget)


def _text_preview(value: str, request: PreviewRequest) -> Preview:
    return with_text({"kind": "text", "type": request.tname}, value, request.budget)


def _number_preview(value: int | float, request: PreviewRequest) -> Preview:
    scalar = _scalar(value)
    if isinstance(scalar, str):  # may be long: thousands of digits
        preview = {"kind": "json", "type": request.tname, "repr": True}
        return with_text(preview, scalar, request.budget)
    return {"kind": "json", "type": request.tname, "value": scalar}


# --- text ------------------------------------------------------------------------------------


def with_text(preview: Preview, text: str, budget: int) -> Preview:
    """``preview`` plus the ``value`` prefix of ``text`` that fits, ``length`` and ``truncated``."""
    preview.update(value="", length=len(text), truncated=False)  # "false" is the longer bool
    preview["value"], preview["truncated"] = fit_text(text, budget - len(orjson.dumps(preview)))
    return preview


def fit_text(text: str, room: int) -> tuple[str, bool]:
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
    return fit_text(str.__str__(name), _TYPE_CHARS)[0]


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


def repr_preview(value: Any, budget: int, *, bounded: bool = False) -> Preview:
    text = utf8_safe(_BOUNDED_REPR.repr(value)) if bounded else safe_repr(value)
    preview = with_text({"kind": "repr", "type": _type_name(value)}, text, budget)
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


class Bounded:
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
        np = imported("numpy")
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


def fit(budget: int, make: Callable[[Bounded], Preview]) -> Preview | None:
    """The preview of the first tier of limits that fits ``budget``, or ``None``."""
    for depth, items, chars, divisor in _TIERS:
        bounded = Bounded(depth, items, chars, budget // divisor)
        preview = make(bounded)
        preview["truncated"] = bounded.truncated
        if len(orjson.dumps(preview)) <= budget:
            return preview
    return None


def _container_preview(value: Any, tname: str, budget: int) -> Preview | None:
    length = _length(value)

    def make(bounded: Bounded) -> Preview:
        return {"kind": "json", "type": tname, "value": bounded.build(value), "length": length}

    return fit(budget, make)


# --- bytes ---------------------------------------------------------------------------------


def _bytes_preview(value: bytes | bytearray | memoryview, request: PreviewRequest) -> Preview:
    data = value.tobytes() if isinstance(value, memoryview) else value
    mime = sniff_mime(data[:16])
    if mime.startswith("image/"):
        from .preview_media import image_bytes_preview

        image = image_bytes_preview(bytes(data), mime, request.tname, request.budget)
        if image is not None:
            return image
    head = bytes(data[:32]).hex()
    return {"kind": "bytes", "type": request.tname, "length": len(data), "mime": mime, "head": head}


PREVIEWS: Final = PreviewRegistry()
"""The registry :func:`make_preview` uses by default: the built-in handlers, plus plug-ins."""

_BUILTIN: Final[dict[str, Handler | str]] = {
    "builtins.BaseException": _error_preview,
    "builtins.str": _text_preview,
    "builtins.int": _number_preview,
    "builtins.float": _number_preview,
    "builtins.bytes": _bytes_preview,
    "builtins.bytearray": _bytes_preview,
    "builtins.memoryview": _bytes_preview,
    "numpy.ndarray": "nodeweave.core.preview_media:array_preview",
    "numpy.generic": "nodeweave.core.preview_media:numpy_scalar_preview",
    "PIL.Image.Image": "nodeweave.core.preview_media:pil_preview",
    "matplotlib.figure.Figure": "nodeweave.core.preview_media:figure_preview",
    "matplotlib.figure.SubFigure": "nodeweave.core.preview_media:figure_preview",
    "pandas.DataFrame": "nodeweave.core.preview_tables:pandas_preview",
    "pandas.Series": "nodeweave.core.preview_tables:pandas_preview",
    "pandas.core.frame.DataFrame": "nodeweave.core.preview_tables:pandas_preview",
    "pandas.core.series.Series": "nodeweave.core.preview_tables:pandas_preview",
    "polars.dataframe.frame.DataFrame": "nodeweave.core.preview_tables:polars_preview",
    "pyarrow.lib.Table": "nodeweave.core.preview_tables:arrow_preview",
    "pyarrow.lib.RecordBatch": "nodeweave.core.preview_tables:arrow_preview",
    "plotly.basedatatypes.BaseFigure": "nodeweave.core.preview_charts:plotly_preview",
    "altair.vegalite.v5.api.TopLevelMixin": "nodeweave.core.preview_charts:vega_preview",
    "altair.vegalite.v6.api.TopLevelMixin": "nodeweave.core.preview_charts:vega_preview",
}
for _name, _handler in _BUILTIN.items():
    PREVIEWS.register(_name, _handler)


def register_preview(type_name: str, handler: Handler | str) -> None:
    """Register a handler in the default registry (see :meth:`PreviewRegistry.register`)."""
    PREVIEWS.register(type_name, handler)
