"""Port types from heavy libraries, named without importing them.

A node annotated ``table: DataFrame`` must not make every worker import pandas when its shelf
loads. ``lazy_type("pandas", "DataFrame")`` is a stand-in class that behaves like the real type
where the engine asks: ``isinstance``/``issubclass`` resolve the real class only once its library is
already in ``sys.modules`` (a value of that type cannot exist before), pydantic validates values with
it, its JSON Schema is ``{"x-python-type": "pandas.DataFrame"}`` (a port fed by a connection), and
:func:`nodeweave.core.schema.compatible` matches it against the real class and against itself::

    from nodeweave.core.lazytypes import DataFrame

    @node(id="tables.head")
    def head(table: DataFrame, n: int = 5) -> DataFrame:
        return table.head(n)

Under a type checker, import the real class instead (``if TYPE_CHECKING: from pandas import
DataFrame``) so that the function body is checked against it.
"""

from __future__ import annotations

import sys
import types
from typing import Any

from pydantic import GetCoreSchemaHandler, GetJsonSchemaHandler
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import core_schema


def imported(name: str) -> types.ModuleType | None:
    """The module ``name`` if it is imported — completely: ``None`` while a thread is still
    importing it (a node running in a thread may be the first to import pandas while the loop
    looks at values; the half-made module would lack its classes). Never imports."""
    module = sys.modules.get(name)
    if module is None:
        return None
    spec = getattr(module, "__spec__", None)
    if spec is not None and getattr(spec, "_initializing", False):
        return None
    return module


class LazyType(type):
    """Metaclass of the stand-ins: instance and subclass checks against the real class."""

    __lazy_module__: str
    __lazy_attr__: str

    @property
    def target(cls) -> str:
        """The real class's public name, e.g. ``pandas.DataFrame``."""
        return f"{cls.__lazy_module__}.{cls.__lazy_attr__}"

    def resolve(cls) -> type | None:
        """The real class if its library is imported already, else ``None`` (never imports)."""
        module = imported(cls.__lazy_module__)
        if module is None:
            return None
        found: Any = module
        for part in cls.__lazy_attr__.split("."):
            found = getattr(found, part, None)
            if found is None:
                return None
        return found if isinstance(found, type) else None

    def __instancecheck__(cls, value: Any) -> bool:
        real = cls.resolve()
        return real is not None and isinstance(value, real)

    def __subclasscheck__(cls, sub: Any) -> bool:
        if isinstance(sub, LazyType):
            return sub.target == cls.target
        real = cls.resolve()
        return real is not None and isinstance(sub, type) and issubclass(sub, real)

    def feeds(cls, dst: Any) -> bool:
        """Whether a value declared as this stand-in may feed an input declared as ``dst``.

        Unknown (the library is not imported yet, so nothing can tell): allowed, the run decides.
        """
        if isinstance(dst, LazyType):
            return dst.target == cls.target
        real = cls.resolve()
        if real is None:
            return True
        try:
            return issubclass(real, dst)
        except TypeError:
            return True


def lazy_type(module: str, attr: str, *, name: str | None = None) -> LazyType:
    """A stand-in for the class ``module.attr`` (``attr`` may be dotted) that never imports it."""
    label = name or attr.rsplit(".", 1)[-1]

    def check(value: Any) -> Any:
        if isinstance(value, stand_in):
            return value
        raise ValueError(f"expected a {stand_in.target}, got {type(value).__name__}")

    def core(cls: Any, source: Any, handler: GetCoreSchemaHandler) -> core_schema.CoreSchema:
        return core_schema.no_info_plain_validator_function(check)

    def json_schema(
        cls: Any, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        return {"x-python-type": f"{module}.{attr}"}

    namespace = {
        "__lazy_module__": module,
        "__lazy_attr__": attr,
        "__module__": __name__,
        "__qualname__": label,
        "__doc__": f"Stand-in for ``{module}.{attr}`` (see :mod:`nodeweave.core.lazytypes`).",
        "__get_pydantic_core_schema__": classmethod(core),
        "__get_pydantic_json_schema__": classmethod(json_schema),
    }
    stand_in = LazyType(label, (), namespace)
    return stand_in


DataFrame = lazy_type("pandas", "DataFrame")
Series = lazy_type("pandas", "Series")
NDArray = lazy_type("numpy", "ndarray", name="ndarray")
PlotlyFigure = lazy_type("plotly.graph_objects", "Figure", name="Figure")

__all__ = ["DataFrame", "LazyType", "NDArray", "PlotlyFigure", "Series", "lazy_type"]
