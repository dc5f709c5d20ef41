"""Python annotations → JSON Schema, value validation, and connection type compatibility.

The JSON Schema is what a UI renders as a widget; it comes from pydantic so that every type
pydantic understands (numbers, strings, enums, literals, lists, models, ``Field`` constraints) is
described the same way everywhere. Types pydantic cannot describe (arrays, frames, custom classes)
are still valid ports: they get a schema naming the Python type and are fed by connections.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from collections.abc import Callable
from typing import Annotated, Any, Literal, TypeVar, Union, get_args, get_origin

from pydantic import ConfigDict, TypeAdapter, ValidationError
from pydantic.errors import PydanticInvalidForJsonSchema, PydanticUserError

from .errors import DefinitionError, InvalidValueError
from .lazytypes import LazyType

_CONFIG = ConfigDict(arbitrary_types_allowed=True)


@dataclasses.dataclass(frozen=True, slots=True)
class Input:
    """Widget metadata for a node input, used inside ``typing.Annotated``::

        def scale(x: Annotated[float, Input(min=0, max=10, step=0.5)] = 1.0) -> float: ...

    ``options`` restricts the value to a list (rendered as a select), ``widget`` names a preferred
    widget ("slider", "textarea", "file", …) for the UI.

    ``options_from`` names another input of the same node whose current value supplies this
    input's choices (a column picker: ``column: Annotated[str, Input(options_from="table")]``
    offers the columns of the table connected to ``table``); see :mod:`nodeweave.core.options`.
    The choices are suggestions that follow the data, not a constraint: the node itself says
    clearly when a value does not fit.
    """

    min: float | None = None
    max: float | None = None
    step: float | None = None
    options: tuple[Any, ...] | None = None
    description: str | None = None
    widget: str | None = None
    options_from: str | None = None

    def __post_init__(self) -> None:
        if self.options is not None and not isinstance(self.options, tuple):
            object.__setattr__(self, "options", tuple(self.options))
        if self.min is not None and self.max is not None and self.min > self.max:
            raise DefinitionError(f"Input(min={self.min}, max={self.max}): min is above max")
        if self.step is not None and self.step <= 0:
            raise DefinitionError(f"Input(step={self.step}): step must be positive")


Button = Annotated[
    int,
    Input(min=0, widget="button", description="press to run the node again (a count of presses)"),
]
"""A trigger input: the UI shows a button that adds one to its value, so the node runs again
with its other inputs unchanged (a reader that reads its file anew). Connect a counter to it —
a file watcher's ``version``, an interval's ``tick`` — to run the node on each of their values."""


@dataclasses.dataclass(frozen=True, slots=True)
class TypeInfo:
    """What the core knows about one port's annotation."""

    annotation: Any
    """The annotation without nodeweave's own metadata (``Any`` when there was none)."""
    name: str
    schema: dict[str, Any]
    validate: Callable[[Any], Any]
    meta: Input | None


def _identity(value: Any) -> Any:
    return value


_adapter_cache: dict[Any, TypeAdapter[Any]] = {}


def _adapter(annotation: Any) -> TypeAdapter[Any]:
    try:
        cached = _adapter_cache.get(annotation)
    except TypeError:  # unhashable annotation (e.g. metadata holding a list)
        return TypeAdapter(annotation, config=_CONFIG)
    if cached is None:
        cached = TypeAdapter(annotation, config=_CONFIG)
        _adapter_cache[annotation] = cached
    return cached


def split_meta(annotation: Any) -> tuple[Any, Input | None]:
    """Separate nodeweave ``Input`` metadata from an annotation, keeping pydantic's metadata."""
    if get_origin(annotation) is not Annotated:
        return annotation, None
    base, *extras = get_args(annotation)
    ours = [m for m in extras if isinstance(m, Input)]
    rest = [m for m in extras if not isinstance(m, Input)]
    merged: Input | None = None
    for meta in ours:
        if merged is None:
            merged = meta
        else:  # later metadata wins field by field
            merged = Input(
                **{
                    f.name: getattr(meta, f.name)
                    if getattr(meta, f.name) is not None
                    else getattr(merged, f.name)
                    for f in dataclasses.fields(Input)
                }
            )
    if rest:
        base = Annotated[(base, *rest)]
    return base, merged


def type_name(annotation: Any) -> str:
    """A short, readable name for an annotation (``int``, ``list[str]``, ``ndarray``)."""
    if annotation is Any:
        return "any"
    if annotation is None or annotation is type(None):
        return "None"
    if get_origin(annotation) is Annotated:
        return type_name(get_args(annotation)[0])
    if isinstance(annotation, type) and not get_args(annotation):
        return annotation.__name__
    text = repr(annotation)
    for prefix in ("typing.", "collections.abc.", "builtins."):
        text = text.replace(prefix, "")
    return text


def describe(annotation: Any, *, where: str) -> TypeInfo:
    """Describe an annotation; ``where`` names the port in error messages."""
    if annotation is Any or annotation is typing.Any:
        return TypeInfo(Any, "any", {}, _identity, None)
    base, meta = split_meta(annotation)
    if base is Any:
        schema: dict[str, Any] = {}
        validate: Callable[[Any], Any] = _identity
    else:
        try:
            adapter = _adapter(base)
        except (PydanticUserError, TypeError, ValueError, AttributeError) as exc:
            raise DefinitionError(
                f"{where}: type {type_name(base)} cannot be described: {exc}"
            ) from exc
        schema = _json_schema(adapter, base, where)
        validate = _validator(adapter, type_name(base), base)
    if meta is not None:
        schema = _apply_meta(schema, meta)
        if meta.options is not None:
            validate = _options_validator(validate, meta.options)
        if meta.min is not None or meta.max is not None:
            validate = _range_validator(validate, meta.min, meta.max)
    return TypeInfo(base, type_name(base), schema, validate, meta)


_schema_cache: dict[int, tuple[TypeAdapter[Any], dict[str, Any]]] = {}


def _json_schema(adapter: TypeAdapter[Any], base: Any, where: str) -> dict[str, Any]:
    """The adapter's JSON Schema, computed once per adapter: a shelf repeats its types a lot.

    Schemas are shared between specs: treat them as read-only.
    """
    cached = _schema_cache.get(id(adapter))
    if cached is not None and cached[0] is adapter:
        return cached[1]
    try:
        schema = adapter.json_schema()
    except PydanticInvalidForJsonSchema:
        # A valid port type with no JSON form (ndarray, DataFrame, a class): fed by edges.
        schema = {"x-python-type": _qualname(base)}
    except (PydanticUserError, TypeError, ValueError) as exc:
        raise DefinitionError(
            f"{where}: type {type_name(base)} cannot be described: {exc}"
        ) from exc
    _schema_cache[id(adapter)] = (adapter, schema)
    return schema


def _qualname(tp: Any) -> str:
    origin = get_origin(tp) or tp
    if isinstance(origin, type):
        return f"{origin.__module__}.{origin.__qualname__}"
    return type_name(tp)


def _apply_meta(schema: dict[str, Any], meta: Input) -> dict[str, Any]:
    out = dict(schema)
    if meta.min is not None:
        out["minimum"] = meta.min
    if meta.max is not None:
        out["maximum"] = meta.max
    if meta.step is not None:
        out["step"] = meta.step
    if meta.options is not None:
        out["enum"] = list(meta.options)
    if meta.description is not None:
        out["description"] = meta.description
    if meta.widget is not None:
        out["x-widget"] = meta.widget
    if meta.options_from is not None:
        out["x-options-from"] = meta.options_from
    return out


def _validator(adapter: TypeAdapter[Any], name: str, base: Any) -> Callable[[Any], Any]:
    ints_are_floats = base is float  # PEP 484: an int is acceptable where a float is expected

    def validate(value: Any) -> Any:
        if ints_are_floats and type(value) is int:
            return value
        try:
            return adapter.validate_python(value)
        except ValidationError as exc:
            first = exc.errors(include_url=False)[0]
            raise InvalidValueError(
                f"{_short_repr(value)} is not a valid {name}: {first['msg']}",
                details={
                    "errors": exc.errors(
                        include_url=False, include_context=False, include_input=False
                    )
                },
            ) from None

    return validate


def _options_validator(
    inner: Callable[[Any], Any], options: tuple[Any, ...]
) -> Callable[[Any], Any]:
    def validate(value: Any) -> Any:
        value = inner(value)
        if value not in options:
            raise InvalidValueError(f"{_short_repr(value)} is not one of {list(options)!r}")
        return value

    return validate


def _range_validator(
    inner: Callable[[Any], Any], lo: float | None, hi: float | None
) -> Callable[[Any], Any]:
    def validate(value: Any) -> Any:
        value = inner(value)
        try:
            if lo is not None and value < lo:
                raise InvalidValueError(f"{value!r} is below the minimum {lo}")
            if hi is not None and value > hi:
                raise InvalidValueError(f"{value!r} is above the maximum {hi}")
        except TypeError:  # not orderable: the type check above already had its say
            pass
        return value

    return validate


def _short_repr(value: Any, limit: int = 60) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


# --- connection compatibility -------------------------------------------------------------

_NUMERIC_WIDENING: dict[type, tuple[type, ...]] = {
    int: (float, complex),
    float: (complex,),
}


def _strip(tp: Any) -> Any:
    while get_origin(tp) is Annotated:
        tp = get_args(tp)[0]
    if tp is None:
        return type(None)
    return tp


def _members(tp: Any) -> tuple[Any, ...] | None:
    origin = get_origin(tp)
    if origin is Union or origin is types.UnionType:
        return get_args(tp)
    return None


def compatible(src: Any, dst: Any) -> bool:
    """Whether a value declared as ``src`` may feed an input declared as ``dst``.

    Lenient where Python is: ``Any``/unannotated and type variables match everything, unions match
    when any member does, ``int`` widens to ``float``, and generic arguments are compared only when
    both sides spell them out. It rejects only what is surely wrong (``str`` into ``int``).
    """
    src, dst = _strip(src), _strip(dst)
    if src is Any or dst is Any or dst is object:
        return True
    if isinstance(src, LazyType) and _members(dst) is None:
        return src.feeds(get_origin(dst) or dst)
    if isinstance(dst, LazyType) and isinstance(src, type) and _members(src) is None:
        # Unknown while the library is not imported (the run decides), else a subclass check.
        return dst.resolve() is None or issubclass(src, dst)
    if isinstance(src, TypeVar) or isinstance(dst, TypeVar):
        return True
    dst_members = _members(dst)
    if dst_members is not None:
        return any(compatible(src, m) for m in dst_members)
    src_members = _members(src)
    if src_members is not None:
        return any(compatible(m, dst) for m in src_members)
    if get_origin(src) is Literal:
        return any(compatible(type(v), dst) for v in get_args(src))
    if get_origin(dst) is Literal:
        return any(compatible(src, type(v)) for v in get_args(dst))
    src_o = get_origin(src) or src
    dst_o = get_origin(dst) or dst
    if not (isinstance(src_o, type) and isinstance(dst_o, type)):
        return True  # a construct we do not reason about: let the run decide
    if dst_o in _NUMERIC_WIDENING.get(src_o, ()):
        return True
    try:
        if not issubclass(src_o, dst_o):
            return False
    except TypeError:
        return True
    src_args, dst_args = get_args(src), get_args(dst)
    if src_args and dst_args and src_o is dst_o and len(src_args) == len(dst_args):
        return all(
            a is Ellipsis or b is Ellipsis or compatible(a, b)
            for a, b in zip(src_args, dst_args, strict=True)
        )
    return True


__all__ = [
    "Input",
    "TypeInfo",
    "compatible",
    "describe",
    "split_meta",
    "type_name",
]
