"""Node specifications and the ``@node`` decorator that builds them from typed functions."""

from __future__ import annotations

import collections.abc
import dataclasses
import inspect
import keyword
import re
import types
import typing
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Literal, TypeVar, get_args, get_origin, overload

import orjson

from .context import NodeContext
from .errors import DefinitionError, InvalidValueError
from .schema import describe, split_meta
from .values import NO_VALUE

Executor = Literal["inline", "async", "thread", "process", "dask"]
_EXECUTORS: frozenset[str] = frozenset({"inline", "thread", "process", "dask"})
_ID_RE = re.compile(r"^[A-Za-z_][\w.:\-]*$")
SPEC_ATTR = "__nodeweave_spec__"

F = TypeVar("F", bound=Callable[..., Any])


@dataclasses.dataclass(frozen=True, slots=True, eq=False)
class InputSpec:
    name: str
    type_name: str
    annotation: Any
    schema: dict[str, Any]
    default: Any
    """``NO_VALUE`` when the input has no default."""
    validate: Callable[[Any], Any]
    description: str | None = None
    options_from: str | None = None
    """Another input whose current value supplies this one's choices (a column picker)."""

    @property
    def required(self) -> bool:
        return self.default is NO_VALUE

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "name": self.name,
            "type": self.type_name,
            "schema": self.schema,
            "required": self.required,
        }
        if self.default is not NO_VALUE:
            try:
                orjson.dumps(self.default)
                out["default"] = self.default
            except TypeError:
                out["default_repr"] = repr(self.default)
        if self.description:
            out["description"] = self.description
        return out


@dataclasses.dataclass(frozen=True, slots=True, eq=False)
class OutputSpec:
    name: str
    type_name: str
    annotation: Any
    schema: dict[str, Any]
    description: str | None = None

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"name": self.name, "type": self.type_name, "schema": self.schema}
        if self.description:
            out["description"] = self.description
        return out


Migration = Callable[[dict[str, Any]], dict[str, Any]]
"""Saved input values (by name) → the values the node takes now."""


@dataclasses.dataclass(frozen=True, slots=True)
class Replaces:
    """A node id this node replaces: saved uses of ``id`` load as this node.

    ``inputs``/``outputs`` rename ports (old name → new name; edges follow); ``migrate`` turns
    the old node's saved input values (already renamed) into this node's.
    """

    id: str
    inputs: Mapping[str, str] = dataclasses.field(default_factory=dict)
    outputs: Mapping[str, str] = dataclasses.field(default_factory=dict)
    migrate: Migration | None = None


@dataclasses.dataclass(frozen=True, eq=False)
class NodeSpec:
    """Everything the engine needs to know about a kind of node."""

    id: str
    name: str
    description: str
    func: Callable[..., Any]
    inputs: tuple[InputSpec, ...]
    outputs: tuple[OutputSpec, ...]
    executor: Executor
    context_param: str | None = None
    module: str = ""
    pinned: bool = False
    """The module said ``executor="inline"``: the node stays on the loop even when it is slow."""
    cache: bool = True
    """Results may be reused for inputs seen before (``@node(cache=False)``: a node with side
    effects, or one that reads the world, runs every time)."""
    persist: bool = False
    """``@node(cache=True)``: every result goes to the worker's result cache on disk (by default
    only results that took a while to compute do)."""
    stream: bool = False
    """A generator function: each value it yields is the node's output in turn (a source)."""
    cache_stamp: Callable[[dict[str, Any]], Any] | None = None
    """What the result depends on besides the inputs (a file's size and time): called with the
    inputs before the cache is consulted; its value is part of the cache key."""
    version: int = 1
    """Bumped by the module when the node's inputs change; saved with each use of the node."""
    migrations: Mapping[int, Migration] = dataclasses.field(default_factory=dict)
    """``{k: fn}``: a use saved at version ``k`` gets its values through ``fn`` (then k+1's …)."""
    replaces: tuple[Replaces, ...] = ()
    input_map: Mapping[str, InputSpec] = dataclasses.field(init=False, repr=False)
    output_map: Mapping[str, OutputSpec] = dataclasses.field(init=False, repr=False)
    options_sources: Mapping[str, tuple[str, ...]] = dataclasses.field(init=False, repr=False)
    """Input name -> the inputs whose choices follow its value (empty for most nodes)."""

    def __post_init__(self) -> None:
        object.__setattr__(self, "input_map", {i.name: i for i in self.inputs})
        object.__setattr__(self, "output_map", {o.name: o for o in self.outputs})
        sources: dict[str, tuple[str, ...]] = {}
        for i in self.inputs:
            if i.options_from is not None:
                sources[i.options_from] = (*sources.get(i.options_from, ()), i.name)
        object.__setattr__(self, "options_sources", sources)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "id": self.id,
            "name": self.name,
            "description": self.description,
            "inputs": [i.to_dict() for i in self.inputs],
            "outputs": [o.to_dict() for o in self.outputs],
            "executor": self.executor,
            "module": self.module,
            "version": self.version,
        }
        if self.replaces:
            out["replaces"] = [r.id for r in self.replaces]
        if self.stream:
            out["stream"] = True
        return out

    def migrate_values(self, values: dict[str, Any], saved_version: int) -> dict[str, Any]:
        """Values saved at ``saved_version`` brought to :attr:`version` (each step's function in
        turn; a step without one keeps them)."""
        for step in range(max(saved_version, 1), self.version):
            fn = self.migrations.get(step)
            if fn is not None:
                values = dict(fn(dict(values)))
        return values


@overload
def node(func: F, /) -> F: ...


@overload
def node(
    *,
    id: str | None = None,
    name: str | None = None,
    description: str | None = None,
    outputs: list[str] | tuple[str, ...] | None = None,
    executor: Literal["inline", "thread", "process", "dask"] | None = None,
    version: int = 1,
    migrate: Mapping[int, Migration] | None = None,
    replaces: Sequence[str | Replaces] = (),
    cache: bool | None = None,
    cache_stamp: Callable[[dict[str, Any]], Any] | None = None,
) -> Callable[[F], F]: ...


def node(
    func: Callable[..., Any] | None = None,
    /,
    *,
    id: str | None = None,
    name: str | None = None,
    description: str | None = None,
    outputs: list[str] | tuple[str, ...] | None = None,
    executor: Literal["inline", "thread", "process", "dask"] | None = None,
    version: int = 1,
    migrate: Mapping[int, Migration] | None = None,
    replaces: Sequence[str | Replaces] = (),
    cache: bool | None = None,
    cache_stamp: Callable[[dict[str, Any]], Any] | None = None,
) -> Any:
    """Turn a typed function into a node.

    Parameters become inputs (their annotations give types and JSON Schemas, defaults make them
    optional); the return value becomes the output ``out``, or several outputs named by
    ``outputs=[...]`` for a tuple return. ``async def`` functions are awaited on the worker's event
    loop; ``executor="thread"`` or ``"process"`` runs a sync function off it. A parameter annotated
    :class:`NodeContext` is not an input: it receives the run's context (progress reports).

    Results are reused when a node's inputs come back to values it saw lately (a small memo of
    scalar inputs), and results that took a while are kept in the worker's result cache on disk,
    found again after a restart. ``cache=True`` keeps every result there; ``cache=False`` opts a
    node with side effects (or one that reads the world) out of both. ``cache_stamp=fn`` names
    what else the result depends on: ``fn(inputs)`` (a file's size and time, say) joins the key.

    Nodes that change: ``version=2, migrate={1: fn}`` brings uses saved at version 1 to the
    new inputs (``fn`` maps the saved values); ``replaces=["old.id", Replaces("other.id",
    inputs={"x": "value"})]`` makes saved uses of those ids load as this node, ports renamed.

    The function is returned unchanged (still callable and picklable), with its spec attached.
    """

    def wrap(fn: Callable[..., Any]) -> Callable[..., Any]:
        spec = build_spec(
            fn, id=id, name=name, description=description, outputs=outputs, executor=executor
        )
        spec = with_history(spec, version=version, migrate=migrate, replaces=replaces)
        if cache is not None and not isinstance(cache, bool):
            raise DefinitionError(f"@node {spec.id!r}: cache is True, False or None")
        if cache_stamp is not None and not callable(cache_stamp):
            raise DefinitionError(f"@node {spec.id!r}: cache_stamp must be a function")
        if cache is False:
            spec = dataclasses.replace(spec, cache=False)
        elif cache or cache_stamp is not None:
            spec = dataclasses.replace(spec, persist=bool(cache), cache_stamp=cache_stamp)
        try:
            setattr(fn, SPEC_ATTR, spec)
        except (AttributeError, TypeError) as exc:
            raise DefinitionError(f"@node cannot annotate {fn!r}: {exc}") from exc
        return fn

    if func is not None:
        return wrap(func)
    return wrap


def with_history(
    spec: NodeSpec,
    *,
    version: int = 1,
    migrate: Mapping[int, Migration] | None = None,
    replaces: Sequence[str | Replaces] = (),
) -> NodeSpec:
    """``spec`` with its version, migrations and the ids it replaces (checked)."""
    where = f"@node {spec.id!r}"
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise DefinitionError(f"{where}: version must be a whole number ≥ 1, got {version!r}")
    steps = dict(migrate or {})
    for step, fn in steps.items():
        if not isinstance(step, int) or not 1 <= step < version or not callable(fn):
            raise DefinitionError(
                f"{where}: migrate maps versions 1…{version - 1} to functions, got {step!r}"
            )
    found: list[Replaces] = []
    for item in replaces:
        rep = Replaces(item) if isinstance(item, str) else item
        if not isinstance(rep, Replaces) or not _ID_RE.match(str(rep.id)) or rep.id == spec.id:
            raise DefinitionError(f"{where}: replaces takes other node ids, got {item!r}")
        for old, new in rep.inputs.items():
            if new not in spec.input_map:
                raise DefinitionError(f"{where}: replaces {rep.id!r} maps {old!r} to no input")
        for old, new in rep.outputs.items():
            if new not in spec.output_map:
                raise DefinitionError(f"{where}: replaces {rep.id!r} maps {old!r} to no output")
        if rep.migrate is not None and not callable(rep.migrate):
            raise DefinitionError(f"{where}: replaces {rep.id!r}: migrate must be a function")
        found.append(rep)
    if version == 1 and not steps and not found:
        return spec
    return dataclasses.replace(spec, version=version, migrations=steps, replaces=tuple(found))


def spec_of(obj: Any) -> NodeSpec:
    """The spec of a ``@node`` function (or a spec itself)."""
    if isinstance(obj, NodeSpec):
        return obj
    spec = getattr(obj, SPEC_ATTR, None)
    if isinstance(spec, NodeSpec):
        return spec
    raise DefinitionError(f"{obj!r} is not a node: decorate it with @node")


def is_node(obj: Any) -> bool:
    return isinstance(obj, NodeSpec) or isinstance(getattr(obj, SPEC_ATTR, None), NodeSpec)


def build_spec(
    fn: Callable[..., Any],
    *,
    id: str | None = None,
    name: str | None = None,
    description: str | None = None,
    outputs: list[str] | tuple[str, ...] | None = None,
    executor: Literal["inline", "thread", "process", "dask"] | None = None,
) -> NodeSpec:
    if not callable(fn):
        raise DefinitionError(f"@node needs a function, got {fn!r}")
    fn_name = getattr(fn, "__qualname__", getattr(fn, "__name__", repr(fn)))
    module = getattr(fn, "__module__", None) or ""
    if id is None:
        # Functions defined inside functions have "<locals>" in their qualname: not id material.
        derived = fn_name.replace("<locals>.", "").replace("<", "").replace(">", "")
        node_id = f"{module}.{derived}" if module else derived
    else:
        node_id = id
    where = f"@node {node_id!r}"
    if not isinstance(node_id, str) or not _ID_RE.match(node_id):
        raise DefinitionError(
            f"{where}: the id must start with a letter or _ and contain only letters, digits, "
            "'_', '.', ':' and '-'"
        )
    is_agen = inspect.isasyncgenfunction(fn)
    stream = is_agen or inspect.isgeneratorfunction(fn)
    is_async = inspect.iscoroutinefunction(fn) or is_agen
    if executor is not None and executor not in _EXECUTORS:
        raise DefinitionError(
            f"{where}: executor must be one of {sorted(_EXECUTORS)}, got {executor!r}"
        )
    if is_async and executor not in (None, "inline"):
        raise DefinitionError(
            f"{where}: async functions run on the event loop; executor={executor!r} is for sync "
            "functions"
        )
    if stream and not is_async and executor not in (None, "thread"):
        raise DefinitionError(
            f"{where}: a generator runs in a thread of its own (executor='thread'); "
            f"executor={executor!r} cannot keep it going"
        )
    run_in: Executor = "async" if is_async else (executor or ("thread" if stream else "inline"))

    try:
        hints = typing.get_type_hints(fn, include_extras=True)
    except Exception as exc:  # NameError for unresolved forward references, and friends
        raise DefinitionError(f"{where}: cannot resolve the type annotations: {exc}") from exc
    try:
        sig = inspect.signature(fn)
    except (TypeError, ValueError) as exc:
        raise DefinitionError(f"{where}: cannot read the signature: {exc}") from exc

    inputs: list[InputSpec] = []
    context_param: str | None = None
    for param in sig.parameters.values():
        pwhere = f"{where}, parameter {param.name!r}"
        if param.kind in (param.VAR_POSITIONAL, param.VAR_KEYWORD):
            raise DefinitionError(f"{pwhere}: *args and **kwargs cannot be inputs")
        if param.kind is param.POSITIONAL_ONLY:
            raise DefinitionError(f"{pwhere}: positional-only parameters are not supported")
        annotation = hints.get(param.name, Any)
        if _is_context(annotation):
            if context_param is not None:
                raise DefinitionError(f"{pwhere}: only one NodeContext parameter is allowed")
            if run_in == "process":
                raise DefinitionError(
                    f"{pwhere}: a NodeContext cannot cross into executor='process'"
                )
            context_param = param.name
            continue
        info = describe(annotation, where=pwhere)
        default = NO_VALUE if param.default is param.empty else param.default
        if default is not NO_VALUE:
            try:
                default = info.validate(default)
            except InvalidValueError as exc:
                hint = (
                    f"; annotate it as {info.name} | None if None is meant"
                    if default is None
                    else ""
                )
                raise DefinitionError(
                    f"{pwhere}: the default {default!r} does not fit the type {info.name} "
                    f"({exc.message}){hint}"
                ) from exc
        desc = info.meta.description if info.meta else None
        if desc is None:
            desc = info.schema.get("description")
        inputs.append(
            InputSpec(
                name=param.name,
                type_name=info.name,
                annotation=info.annotation,
                schema=info.schema,
                default=default,
                validate=info.validate,
                description=desc,
                options_from=info.meta.options_from if info.meta else None,
            )
        )
    names = {i.name for i in inputs}
    for ispec in inputs:
        if ispec.options_from is not None and (
            ispec.options_from not in names or ispec.options_from == ispec.name
        ):
            raise DefinitionError(
                f"{where}, parameter {ispec.name!r}: Input(options_from={ispec.options_from!r}) "
                f"must name another input of the node ({sorted(names - {ispec.name})})"
            )

    ret = hints.get("return", Any)
    if stream and "return" in hints:
        ret = _yielded(where, ret)
    out_specs = _outputs(where, ret, "return" in hints, outputs)
    doc = inspect.getdoc(fn) or ""
    return NodeSpec(
        id=node_id,
        name=name or _title(getattr(fn, "__name__", node_id)),
        description=description if description is not None else doc.split("\n\n")[0].strip(),
        func=fn,
        inputs=tuple(inputs),
        outputs=tuple(out_specs),
        executor=run_in,
        context_param=context_param,
        module=module,
        pinned=executor == "inline" and not is_async,
        stream=stream,
        cache=not stream,
    )


_ITERATORS = frozenset(
    {
        collections.abc.Iterator,
        collections.abc.Iterable,
        collections.abc.Generator,
        collections.abc.AsyncIterator,
        collections.abc.AsyncIterable,
        collections.abc.AsyncGenerator,
    }
)


def _yielded(where: str, ret: Any) -> Any:
    """What a generator's return annotation says it yields (``Iterator[T]`` → ``T``)."""
    base = split_meta(ret)[0]
    origin = get_origin(base)
    if origin in _ITERATORS:
        args = get_args(base)
        return args[0] if args else Any
    if base in _ITERATORS or base is Any:
        return Any
    raise DefinitionError(
        f"{where}: a generator node is annotated with what it yields, e.g. -> Iterator[int] "
        f"(or AsyncIterator[int]); got {ret!r}"
    )


def _is_context(annotation: Any) -> bool:
    """``NodeContext``, or ``NodeContext | None`` (so the function can also be called without
    one, by hand or in a test)."""
    base = split_meta(annotation)[0]
    if base is NodeContext:
        return True
    if typing.get_origin(base) in (typing.Union, types.UnionType):
        return set(typing.get_args(base)) == {NodeContext, type(None)}
    return False


def _outputs(
    where: str,
    ret: Any,
    annotated: bool,
    names: list[str] | tuple[str, ...] | None,
) -> list[OutputSpec]:
    if names is not None:
        if isinstance(names, str) or not all(isinstance(n, str) for n in names):
            raise DefinitionError(f"{where}: outputs must be a list of names, got {names!r}")
        names = list(names)
        for n in names:
            if not n.isidentifier() or keyword.iskeyword(n):
                raise DefinitionError(f"{where}: output name {n!r} is not a valid identifier")
        dupes = sorted({n for n in names if names.count(n) > 1})
        if dupes:
            raise DefinitionError(f"{where}: duplicate output names {dupes}")
        if not names:
            raise DefinitionError(f"{where}: outputs=[] — use a '-> None' return for no outputs")
    base, _meta = split_meta(ret)
    if annotated and (base is None or base is type(None)):
        if names:
            raise DefinitionError(f"{where}: returns None but names outputs {names}")
        return []
    if names is None or len(names) == 1:
        out_name = names[0] if names else "out"
        info = describe(ret, where=f"{where}, output {out_name!r}")
        return [OutputSpec(out_name, info.name, info.annotation, info.schema)]
    # Several outputs: the annotation, if any, must be a tuple of the same length.
    if not annotated or base is Any:
        element_types: list[Any] = [Any] * len(names)
    else:
        if get_origin(base) is not tuple:
            raise DefinitionError(
                f"{where}: {len(names)} outputs need a tuple return annotation, got {base!r}"
            )
        args = list(get_args(base))
        if len(args) == 2 and args[1] is Ellipsis:
            element_types = [args[0]] * len(names)
        elif len(args) != len(names):
            raise DefinitionError(
                f"{where}: outputs {names} name {len(names)} values but the return annotation "
                f"has {len(args)}"
            )
        else:
            element_types = args
    specs = []
    for out_name, tp in zip(names, element_types, strict=True):
        info = describe(tp, where=f"{where}, output {out_name!r}")
        specs.append(OutputSpec(out_name, info.name, info.annotation, info.schema))
    return specs


def _title(name: str) -> str:
    words = name.strip("_").replace("_", " ").split()
    return " ".join(w[:1].upper() + w[1:] for w in words) or name
