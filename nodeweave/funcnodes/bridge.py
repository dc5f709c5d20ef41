"""FuncNodes node classes as nodeweave node specs, and FuncNodes shelves as nodeweave shelves.

Each FuncNodes node class becomes a :class:`~nodeweave.core.spec.NodeSpec` with the same id,
name and ports (hidden ports and the trigger ports ``_triggerinput``/``_triggeroutput`` left
out). It then runs in nodeweave's engine with all of its rules (glitch-free, latest wins, equal
inputs skip the run):

* a node made from a function (``@NodeDecorator``, ``make_node``: it has ``o_func``) calls that
  function — inline, or in nodeweave's thread or process executor for FuncNodes'
  ``separate_thread`` / ``separate_process`` — and maps its return value to the outputs the way
  FuncNodes does;
* any other node (a ``Node`` subclass with its own ``func``, or a function that asks for the
  ``node``) runs through a FuncNodes instance kept per nodeweave node: its inputs are set, its
  ``func`` awaited, its outputs read.

An input FuncNodes marks as not required and has no default is passed only when it has a value
(:data:`OMITTED` stands for "the function's own default"). A node class whose ``func`` streams
values through its outputs while it runs (FuncNodes' ``for``/``while`` loops, which feed their
children and wait for them) cannot run in a once-per-change engine: it is reported with that
reason, like a class that cannot be instantiated or described, and the rest of its shelf loads.
"""

from __future__ import annotations

import collections
import contextlib
import dataclasses
import functools
import importlib
import importlib.abc
import importlib.machinery
import inspect
import sys
from collections.abc import Callable, Iterator, Mapping
from typing import Any, Final

from nodeweave.core.context import NodeContext
from nodeweave.core.library import Shelf
from nodeweave.core.spec import Executor, InputSpec, NodeSpec, OutputSpec
from nodeweave.core.values import NO_VALUE

from .types import PortType, port_type

CONTEXT_PARAM: Final = "__nodeweave_context__"
TRIGGER_PORTS: Final = frozenset({"_triggerinput", "_triggeroutput"})
INSTANCES_PER_CLASS: Final = 4096
"""FuncNodes instances kept per class-based node type (least recently run dropped first)."""


class _Omitted:
    """The default of an optional FuncNodes input without a default: not passed to the node."""

    _instance: _Omitted | None = None

    def __new__(cls) -> _Omitted:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "(the node's default)"

    def __reduce__(self) -> str:
        return "OMITTED"


OMITTED: Final = _Omitted()


class BridgeError(Exception):
    """A FuncNodes node class that cannot become a nodeweave node (the message says why)."""


@dataclasses.dataclass(frozen=True, slots=True)
class Problem:
    node_id: str
    reason: str

    def __str__(self) -> str:
        return f"{self.node_id!r}: {self.reason}"


# --- shelves -----------------------------------------------------------------------------------


def is_funcnodes_shelf(obj: Any) -> bool:
    """Whether ``obj`` is a FuncNodes ``Shelf`` (checked without importing FuncNodes)."""
    kind = type(obj)
    return kind.__name__ == "Shelf" and kind.__module__.startswith("funcnodes_core")


def is_funcnodes_node_class(obj: Any) -> bool:
    if not isinstance(obj, type):
        return False
    return any(
        k.__name__ == "Node" and k.__module__.startswith("funcnodes_core") for k in obj.__mro__
    )


def convert_shelf(shelf: Any, module: str = "") -> tuple[Shelf, list[Problem]]:
    """A nodeweave shelf tree for a FuncNodes shelf (same names, ids and order).

    A class listed on several shelves becomes one spec shared by them (as in FuncNodes);
    classes that cannot be bridged are left out and returned as problems.
    """
    specs: dict[int, NodeSpec | Problem] = {}
    problems: list[Problem] = []

    def convert(fn_shelf: Any) -> Shelf:
        nodes: list[NodeSpec] = []
        for cls in getattr(fn_shelf, "nodes", ()) or ():
            found = specs.get(id(cls))
            if found is None:
                try:
                    found = spec_from_class(cls, module=module)
                except BridgeError as exc:
                    found = Problem(str(getattr(cls, "node_id", cls)), str(exc))
                    problems.append(found)
                specs[id(cls)] = found
            if isinstance(found, NodeSpec) and found not in nodes:
                nodes.append(found)
        subs = [convert(sub) for sub in getattr(fn_shelf, "subshelves", ()) or ()]
        name = str(getattr(fn_shelf, "name", "") or module or "funcnodes")
        return Shelf(
            name=name,
            description=str(getattr(fn_shelf, "description", "") or ""),
            nodes=nodes,
            subshelves=subs,
        )

    return convert(shelf), problems


def walk_classes(shelf: Any) -> Iterator[Any]:
    """Every node class on a FuncNodes shelf tree, once."""
    seen: set[int] = set()
    stack = [shelf]
    while stack:
        current = stack.pop(0)
        for cls in getattr(current, "nodes", ()) or ():
            if id(cls) not in seen:
                seen.add(id(cls))
                yield cls
        stack.extend(getattr(current, "subshelves", ()) or ())


# --- node classes --------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True, slots=True)
class _Port:
    name: str
    type: PortType
    default: Any
    """``NO_VALUE``: required; ``OMITTED``: optional without a default."""
    description: str | None
    hidden: bool


def spec_from_class(cls: Any, module: str = "") -> NodeSpec:
    """The nodeweave spec of a FuncNodes node class; raises :class:`BridgeError` with a reason."""
    if not is_funcnodes_node_class(cls):
        raise BridgeError(f"{cls!r} is not a FuncNodes node class")
    node_id = getattr(cls, "node_id", None)
    if not isinstance(node_id, str) or not node_id:
        raise BridgeError("it has no node_id")
    if _streams(cls):
        raise BridgeError(
            "its func feeds values to its children while it runs and waits for them (a FuncNodes "
            "loop over a cycle); nodeweave runs a node once per change of its inputs and has no "
            "cycles — use a node that maps over a list instead"
        )
    try:
        inputs, outputs = _class_ports(cls)
    except BridgeError:
        raise
    except Exception as exc:  # noqa: BLE001 - the reason is the report
        raise BridgeError(f"its ports cannot be described: {type(exc).__name__}: {exc}") from None
    shown = [p for p in inputs if not p.hidden]
    hidden = {p.name: p.default for p in inputs if p.hidden and p.default not in (NO_VALUE,)}
    out_ports = [p for p in outputs if not p.hidden]
    all_outputs = [p.name for p in outputs]
    choices = {p.name: dict(p.type.choices) for p in shown if p.type.choices}
    omittable = any(p.default is OMITTED for p in shown)
    prepare = _preparer(hidden, choices, omittable)
    call: Callable[..., Any]
    if "o_func" in vars(cls) and _wrapper_kind(cls) == "process":
        call = functools.partial(_run_in_process, _module_of(cls), node_id, hidden, choices)
        executor: Executor = "process"
        context = False
    else:
        call, executor, context = _runner(cls, [p.name for p in out_ports], all_outputs, prepare)
    return NodeSpec(
        id=node_id,
        name=str(getattr(cls, "node_name", "") or node_id),
        description=_first_paragraph(getattr(cls, "description", None) or cls.__doc__),
        func=call,
        inputs=tuple(
            InputSpec(
                name=p.name,
                type_name=p.type.name,
                annotation=p.type.annotation,
                schema=_with_description(p.type.schema, p.description),
                default=p.default,
                validate=_allow_omitted(p.type.validate),
                description=p.description,
            )
            for p in shown
        ),
        outputs=tuple(
            OutputSpec(p.name, p.type.name, p.type.annotation, p.type.schema, p.description)
            for p in out_ports
        ),
        executor=executor,
        context_param=CONTEXT_PARAM if context else None,
        module=module or _module_of(cls),
    )


def _class_ports(cls: Any) -> tuple[list[_Port], list[_Port]]:
    """The ports a FuncNodes instance of ``cls`` would have, read from the class: its serialized
    ports with the class's ``io_options`` on top (creating an instance per class to look at it
    would cost about 1 ms each, deep copies included)."""
    serialized = getattr(cls, "_class_io_serialized", None)
    if not isinstance(serialized, Mapping):
        raise BridgeError("it has no port declarations (_class_io_serialized)")
    overrides = getattr(cls, "default_io_options", None) or {}
    inputs: list[_Port] = []
    outputs: list[_Port] = []
    for io_id, ser in serialized.items():
        if io_id in TRIGGER_PORTS or not isinstance(ser, Mapping):
            continue
        extra = overrides.get(io_id) if isinstance(overrides, Mapping) else None
        merged = {**ser, **extra} if isinstance(extra, Mapping) else dict(ser)
        is_input = bool(merged.get("is_input"))
        (inputs if is_input else outputs).append(_port(io_id, merged, is_input))
    return inputs, outputs


def _port(name: Any, ser: Mapping[str, Any], is_input: bool) -> _Port:
    if not isinstance(name, str) or not name.strip() or not name.isprintable():
        raise BridgeError(f"port {name!r} has no usable name")
    ptype = port_type(ser.get("type") or "Any", ser.get("value_options"))
    default: Any = NO_VALUE
    if is_input:
        raw = ser.get("default", _NOVALUE_MARK)
        if raw is _NOVALUE_MARK or _is_novalue(raw):
            default = NO_VALUE if ser.get("required", True) else OMITTED
        elif ptype.choices is not None:
            default = next((k for k, v in ptype.choices if _same(v, raw)), str(raw))
        else:
            default = raw
    description = ser.get("description")
    return _Port(
        name,
        ptype,
        default,
        str(description) if description else None,
        bool(ser.get("hidden", False)),
    )


_NOVALUE_MARK: Final = object()


def _same(a: Any, b: Any) -> bool:
    try:
        return bool(a is b or a == b)
    except Exception:  # noqa: BLE001 - arrays and friends
        return False


def _is_novalue(value: Any) -> bool:
    return type(value).__name__ == "NoValueType"


def _with_description(schema: dict[str, Any], description: str | None) -> dict[str, Any]:
    if not description or "description" in schema:
        return schema
    return {**schema, "description": description}


def _allow_omitted(validate: Callable[[Any], Any]) -> Callable[[Any], Any]:
    def check(value: Any) -> Any:
        return value if value is OMITTED else validate(value)

    return check


def _first_paragraph(doc: Any) -> str:
    text = inspect.cleandoc(doc) if isinstance(doc, str) else ""
    return text.split("\n\n")[0].strip()


def _module_of(cls: Any) -> str:
    return str(getattr(cls, "__module__", "") or "")


def _cleanup(instance: Any) -> None:
    with contextlib.suppress(Exception):  # a dropped instance: nothing depends on it any more
        instance.cleanup()


def _streams(cls: Any) -> bool:
    """Whether ``func`` pushes values into its children and waits for them while it runs."""
    func = vars(cls).get("func")
    if func is None or "o_func" in vars(cls):
        return False
    try:
        source = inspect.getsource(func)
    except (OSError, TypeError):
        return False
    return ".datapath" in source or "does_trigger=True" in source


def _wrapper_kind(cls: Any) -> str:
    wrapped = getattr(vars(cls).get("func"), "__wrapped__", None)
    tagged = getattr(wrapped, PROCESS_TAG, None)
    if tagged is not None:
        return str(tagged)
    name = type(wrapped).__name__
    if name == "ThreadExecutorWrapper":
        return "thread"
    if name == "ProcessExecutorWrapper":
        return "process"
    return "direct"


def _takes_node(func: Any) -> bool:
    try:
        return "node" in inspect.signature(func).parameters
    except (TypeError, ValueError):
        return False


Prepare = Callable[[dict[str, Any]], dict[str, Any]]


def _preparer(
    hidden: Mapping[str, Any], choices: Mapping[str, Mapping[str, Any]], omittable: bool
) -> Prepare | None:
    """What the arguments need before the call: omitted inputs dropped, enum keys turned into
    their values, hidden inputs' defaults added. ``None`` when nothing (the common case)."""
    if not hidden and not choices and not omittable:
        return None
    extra = {name: value for name, value in hidden.items() if value is not OMITTED}

    def prepare(kwargs: dict[str, Any]) -> dict[str, Any]:
        if omittable:
            for name in [n for n, v in kwargs.items() if v is OMITTED]:
                del kwargs[name]
        for name, table in choices.items():
            value = kwargs.get(name)
            if value is not None and name in kwargs:
                kwargs[name] = table.get(value, value)
        for name, value in extra.items():
            kwargs.setdefault(name, value)
        return kwargs

    return prepare


def _runner(
    cls: Any, outputs: list[str], all_outputs: list[str], prepare: Prepare | None
) -> tuple[Callable[..., Any], Executor, bool]:
    """(the callable the engine runs, its executor, whether it takes a context).

    One closure per node type, doing only what the type needs: a bridged node costs about what
    the same function costs as a native node (``python -m bench.funcnodes``).
    """
    novalue = _funcnodes_novalue()
    o_func = vars(cls).get("o_func")
    if o_func is not None and not _takes_node(o_func):
        kind = _wrapper_kind(cls)
        single = len(all_outputs) == 1 and outputs == all_outputs
        mapper = _output_mapper(all_outputs, outputs, novalue)
        if inspect.iscoroutinefunction(o_func):
            if prepare is None and single:

                async def run_async_plain(**kwargs: Any) -> Any:
                    result = await o_func(**kwargs)
                    return NO_VALUE if result is novalue else result

                return run_async_plain, "async", False

            async def run_async(**kwargs: Any) -> Any:
                return mapper(await o_func(**(prepare(kwargs) if prepare else kwargs)))

            return run_async, "async", False
        executor: Executor = "thread" if kind == "thread" else "inline"
        if prepare is None and single:

            def run_plain(**kwargs: Any) -> Any:
                result = o_func(**kwargs)
                return NO_VALUE if result is novalue else result

            return run_plain, executor, False

        def run(**kwargs: Any) -> Any:
            return mapper(o_func(**(prepare(kwargs) if prepare else kwargs)))

        return run, executor, False
    instances = _Instances(cls)

    async def run_instance(**kwargs: Any) -> Any:
        ctx: NodeContext = kwargs.pop(CONTEXT_PARAM)
        node = instances.get(ctx.node)
        if prepare is not None:
            kwargs = prepare(kwargs)
        for name, value in kwargs.items():
            node.inputs[name].set_value(value, does_trigger=False)
        await node.func(**kwargs)
        values = {n: _from_funcnodes(node.outputs[n].value, novalue) for n in outputs}
        if len(outputs) == 1:
            return values[outputs[0]]
        return values if outputs else None

    return run_instance, "async", True


def _funcnodes_novalue() -> Any:
    """FuncNodes' "no value" marker (funcnodes_core is loaded: its classes are being bridged)."""
    return importlib.import_module("funcnodes_core").NoValue


def _output_mapper(all_outputs: list[str], shown: list[str], novalue: Any) -> Callable[[Any], Any]:
    """FuncNodes' rule: several outputs take the returned sequence in order; one takes it all."""
    positions = [all_outputs.index(name) for name in shown]
    if len(all_outputs) > 1:

        def several(result: Any) -> Any:
            values = list(result)
            picked = {
                name: _from_funcnodes(values[i], novalue)
                for name, i in zip(shown, positions, strict=True)
            }
            return picked if len(shown) > 1 else picked[shown[0]] if shown else None

        return several
    if len(shown) == 1:
        return lambda result: _from_funcnodes(result, novalue)
    return lambda result: None


def _from_funcnodes(value: Any, novalue: Any) -> Any:
    return NO_VALUE if value is novalue else value


class _Instances:
    """FuncNodes instances of one class, one per nodeweave node (by uuid), least recent first."""

    def __init__(self, cls: Any) -> None:
        self._cls = cls
        self._by_uuid: collections.OrderedDict[str, Any] = collections.OrderedDict()

    def get(self, uuid: str) -> Any:
        node = self._by_uuid.get(uuid)
        if node is None:
            node = self._by_uuid[uuid] = self._cls()
            while len(self._by_uuid) > INSTANCES_PER_CLASS:
                _cleanup(self._by_uuid.popitem(last=False)[1])
        else:
            self._by_uuid.move_to_end(uuid)
        return node


# --- process nodes ---------------------------------------------------------------------------------

PROCESS_TAG: Final = "__nodeweave_executor__"
_NODEMAKER: Final = "funcnodes_core.nodemaker"


def watch_process_nodes() -> None:
    """Make FuncNodes' ``separate_process`` nodes recognisable, so they run in nodeweave's process
    executor (funcnodes-core runs them in a thread and keeps no trace of the flag).

    Wraps ``funcnodes_core.nodemaker.make_run_in_new_process`` to tag what it returns — now if
    that module is loaded, else the moment it is (an import hook: nothing is imported here).
    Nodes made before the tag keep running in a thread.
    """
    module = sys.modules.get(_NODEMAKER)
    if module is not None:
        _tag_process_wrapper(module)
    elif not any(isinstance(f, _NodemakerFinder) for f in sys.meta_path):
        sys.meta_path.insert(0, _NodemakerFinder())


def _tag_process_wrapper(module: Any) -> None:
    original = getattr(module, "make_run_in_new_process", None)
    if original is None or getattr(original, PROCESS_TAG, None):
        return

    @functools.wraps(original)
    def tagged(func: Any) -> Any:
        wrapper = original(func)
        with contextlib.suppress(AttributeError, TypeError):
            setattr(wrapper, PROCESS_TAG, "process")
        return wrapper

    setattr(tagged, PROCESS_TAG, "hook")
    module.make_run_in_new_process = tagged


class _NodemakerFinder(importlib.abc.MetaPathFinder):
    def find_spec(self, fullname: str, path: Any, target: Any = None) -> Any:
        if fullname != _NODEMAKER:
            return None
        spec = importlib.machinery.PathFinder.find_spec(fullname, path)
        if spec is not None and isinstance(spec.loader, importlib.abc.Loader):
            spec.loader = _TaggingLoader(spec.loader)
        return spec


class _TaggingLoader(importlib.abc.Loader):
    def __init__(self, inner: importlib.abc.Loader) -> None:
        self._inner = inner

    def create_module(self, spec: Any) -> Any:
        return self._inner.create_module(spec)

    def exec_module(self, module: Any) -> None:
        self._inner.exec_module(module)
        _tag_process_wrapper(module)


_PROCESS_CLASSES: dict[tuple[str, str], Any] = {}


def _run_in_process(
    module: str,
    node_id: str,
    hidden: Mapping[str, Any],
    choices: Mapping[str, Mapping[str, Any]],
    **kwargs: Any,
) -> Any:
    """A ``separate_process`` FuncNodes function, called in a pool process (picklable by name)."""
    cls = _PROCESS_CLASSES.get((module, node_id))
    if cls is None:
        found = importlib.import_module(module)
        for value in vars(found).values():
            if is_funcnodes_node_class(value) and getattr(value, "node_id", None) == node_id:
                cls = _PROCESS_CLASSES[(module, node_id)] = value
                break
        else:
            raise LookupError(f"FuncNodes node {node_id!r} is not in module {module!r}")
    inputs, outs = _class_ports(cls)
    outputs = [port.name for port in outs]
    shown = [port.name for port in outs if not port.hidden]
    omittable = any(port.default is OMITTED for port in inputs)
    prepare = _preparer(hidden, choices, omittable)
    result = vars(cls)["o_func"](**(prepare(kwargs) if prepare else kwargs))
    return _output_mapper(outputs, shown, _funcnodes_novalue())(result)
