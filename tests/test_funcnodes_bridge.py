"""FuncNodes modules as nodeweave shelves: what loads (and why the rest does not), and for a sample
of nodes across funcnodes-basic, -numpy, -pandas and -plotly, the same inputs give the same
outputs in nodeweave's engine as when funcnodes-core runs the node itself."""

from __future__ import annotations

import logging
import math
import warnings
from typing import Any

import pytest

from nodeweave import NodeSpace
from nodeweave.core.values import NO_VALUE
from nodeweave.funcnodes.bridge import OMITTED, convert_shelf, spec_from_class, walk_classes

with warnings.catch_warnings():
    warnings.simplefilter("ignore")  # the modules warn about numpy ports they cannot type
    logging.getLogger("funcnodes").setLevel(logging.ERROR)
    fn_basic = pytest.importorskip("funcnodes_basic")
    fn_numpy = pytest.importorskip("funcnodes_numpy")
    fn_pandas = pytest.importorskip("funcnodes_pandas")
    fn_plotly = pytest.importorskip("funcnodes_plotly")

import numpy as np
import pandas as pd
import plotly.graph_objects as go

PACKAGES = {"basic": fn_basic, "numpy": fn_numpy, "pandas": fn_pandas, "plotly": fn_plotly}
NOT_BRIDGED = {"for_node", "while_node"}  # loops over a cycle: reported, with the reason


@pytest.fixture(scope="module")
def space() -> NodeSpace:
    ns = NodeSpace()
    for module in PACKAGES.values():
        shelf, _problems = convert_shelf(module.NODE_SHELF, module.__name__)
        ns.library.add_shelf(shelf)
    return ns


def classes() -> dict[str, Any]:
    return {c.node_id: c for m in PACKAGES.values() for c in walk_classes(m.NODE_SHELF)}


@pytest.mark.parametrize("package", PACKAGES)
def test_at_least_98_percent_of_each_package_loads_and_the_rest_says_why(package: str) -> None:
    module = PACKAGES[package]
    shelf, problems = convert_shelf(module.NODE_SHELF, module.__name__)
    ids = {c.node_id for c in walk_classes(module.NODE_SHELF)}
    loaded = {spec.id for spec in shelf.specs()}
    assert loaded | {p.node_id for p in problems} == ids
    assert len(loaded) / len(ids) >= 0.98
    assert {p.node_id for p in problems} <= NOT_BRIDGED
    for problem in problems:
        assert "once per change" in problem.reason
    # the shelf tree keeps FuncNodes' names and order
    assert shelf.name == module.NODE_SHELF.name
    assert [s.name for s in shelf.subshelves] == [s.name for s in module.NODE_SHELF.subshelves]


def test_ports_keep_their_names_types_defaults_and_widget_schemas() -> None:
    spec = spec_from_class(classes()["np.linspace"])
    inputs = {i.name: i for i in spec.inputs}
    assert list(inputs) == ["start", "stop", "num", "endpoint", "dtype", "axis"]
    assert inputs["start"].required and inputs["start"].type_name.endswith("ndarray")
    assert {"type": "number"} in inputs["start"].schema["anyOf"]  # a number can be typed in
    assert inputs["num"].default == 50 and inputs["num"].schema["step"] == 1
    assert inputs["dtype"].schema["enum"][:2] == ["bool", "bytes"]  # keys shown, dtypes passed
    assert inputs["dtype"].default == "float64"
    assert [o.name for o in spec.outputs] == ["samples", "step"]
    assert spec.description.startswith("Return evenly spaced numbers")
    # hidden and trigger ports are left out
    shelf, _ = convert_shelf(fn_basic.NODE_SHELF)
    assert not any(i.name.startswith("_trigger") for s in shelf.specs() for i in s.inputs)


@pytest.mark.parametrize(
    ("funcnodes_type", "schema"),
    [
        ("float", {"type": "number"}),
        ("ndarray", {"x-python-type": "ndarray"}),  # an edge brings it
        (
            {"anyOf": ["plotly.graph_objs._figure.Figure", "None"]},
            {"x-python-type": "Figure | None"},
        ),
        (
            {"anyOf": ["float", "ndarray", "None"]},
            {"anyOf": [{"type": "number"}, {"type": "null"}]},
        ),
        (
            {"type": "array", "uniqueItems": False, "items": "int"},
            {"type": "array", "items": {"type": "integer"}},
        ),
        (
            {"type": "enum", "values": [1, 2], "keys": ["one", "two"], "nullable": False},
            {"enum": [1, 2], "x-enum-labels": ["one", "two"]},
        ),
    ],
)
def test_funcnodes_types_become_the_widget_schemas_of_native_nodes(
    funcnodes_type: Any, schema: dict[str, Any]
) -> None:
    from nodeweave.funcnodes.types import port_type

    assert port_type(funcnodes_type).schema == schema


def test_an_optional_input_without_a_default_is_not_passed() -> None:
    """FuncNodes' collector has an optional `reset` without a default: the node runs without it
    (test_a_class_node_keeps_its_state_per_node runs it)."""
    reset = spec_from_class(classes()["collector_node"]).input_map["reset"]
    assert not reset.required and reset.default is OMITTED
    assert reset.validate(OMITTED) is OMITTED


def frame() -> pd.DataFrame:
    return pd.DataFrame(
        {"g": ["a", "b", "a", "b"], "x": [1.0, 2.0, 3.0, 4.0], "y": [10, 20, 30, 45]}
    )


# (node id, inputs, the output to compare)
SAMPLE: list[tuple[str, dict[str, Any], str]] = [
    ("add_node", {"a": 2.5, "b": 4}, "out"),
    ("sub_node", {"a": 2.5, "b": 4}, "out"),
    ("mul_node", {"a": 3, "b": 7}, "out"),
    ("div_node", {"a": 1, "b": 8}, "out"),
    ("pow_node", {"a": 2, "b": 10}, "out"),
    ("mod_node", {"a": 17, "b": 5}, "out"),
    ("abs_node", {"a": -3.5}, "out"),
    ("string.concat", {"s1": "node", "s2": "weave"}, "concatenated"),
    ("string.split", {"s": "a,b,c", "delimiter": ","}, "split"),
    ("string.upper", {"s": "Mixed Case"}, "upper"),
    ("string.replace", {"s": "a-b-c", "old": "-", "new": "+"}, "replaced"),
    ("list_get", {"lst": [4, 5, 6], "index": 1}, "element"),
    ("dict_get", {"dictionary": {"k": [1, 2]}, "key": "k"}, "value"),
    ("dict_keys", {"dictionary": {"a": 1, "b": 2}}, "out"),
    ("if_node", {"condition": True, "input": 42}, "on_true"),
    ("input.json", {"input": '{"a": [1, 2]}'}, "json"),
    ("re.findall", {"pattern": r"\d+", "string": "a1b22c333"}, "matches"),
    ("np.linspace", {"start": 0, "stop": 1, "num": 5}, "samples"),
    ("np.arange", {"start": 2, "stop": 9, "step": 3}, "arange"),
    ("np.zeros", {"shape": [2, 3]}, "out"),
    ("np.add", {"x1": np.arange(4.0), "x2": 2}, "add"),
    ("np.cumsum", {"a": np.arange(6)}, "cumsum_along_axis"),
    ("np.multiply", {"x1": np.arange(5), "x2": 3}, "y"),
    ("np.reshape", {"a": np.arange(6), "newshape": [2, 3]}, "reshaped_array"),
    ("np.clip", {"a": np.arange(10), "a_min": 2, "a_max": 5}, "clipped_array"),
    ("np.transpose", {"a": np.arange(6).reshape(2, 3)}, "p"),
    ("pd.ser_from_list", {"data": [1, 2, 3], "name": "n"}, "series"),
    ("pd.ser_to_list", {"ser": pd.Series([1.5, 2.5])}, "list"),
    ("pd.ser_iloc", {"ser": pd.Series([7, 8, 9]), "index": 2}, "value"),
    ("pd.gr.groupby_column", {"df": frame(), "column": "g"}, "group"),
    ("pd.gr.sum", {"group": frame().groupby("g")}, "sum"),
    ("pd.gr.mean", {"group": frame().groupby("g")}, "mean"),
    ("plotly.make_scatter", {"y": [1.0, 3.0, 2.0], "x": [0.0, 1.0, 2.0]}, "trace"),
    ("plotly.make_figure", {}, "out"),
    ("plotly.title", {"fig": go.Figure(), "title": "hello"}, "out"),
    ("plotly.express.scatter", {"data": frame(), "x": "x", "y": "y"}, "figure"),
]


def same(a: Any, b: Any) -> bool:
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        return bool(np.array_equal(np.asarray(a), np.asarray(b)))
    if isinstance(a, pd.DataFrame | pd.Series):
        return bool(a.equals(b))
    if isinstance(a, pd.api.typing.DataFrameGroupBy):
        return bool(a.sum().equals(b.sum()))
    if isinstance(a, go.Figure):  # its JSON carries fresh ids, its title the node's: the traces
        return [_trace(t) for t in a.data] == [_trace(t) for t in b.data]
    if hasattr(a, "to_plotly_json"):
        return _trace(a) == _trace(b)
    if isinstance(a, float) and isinstance(b, float) and math.isnan(a):
        return math.isnan(b)
    return bool(a == b)


def _trace(trace: Any) -> tuple[Any, ...]:
    def values(column: Any) -> list[Any]:
        return [] if column is None else np.asarray(column).tolist()

    return (trace.type, values(trace.x), values(trace.y), trace.mode)


async def run_in_funcnodes(node_id: str, inputs: dict[str, Any], output: str) -> Any:
    node = classes()[node_id]()
    for name, value in inputs.items():
        node.inputs[name].value = value
    await node
    value = node.outputs[output].value
    return NO_VALUE if type(value).__name__ == "NoValueType" else value


def test_the_sample_covers_30_nodes_and_every_package() -> None:
    assert len({node_id for node_id, _, _ in SAMPLE}) >= 30
    prefixes = {node_id.split(".")[0] for node_id, _, _ in SAMPLE}
    assert {"np", "pd", "plotly"} <= prefixes


@pytest.mark.parametrize(("node_id", "inputs", "output"), SAMPLE, ids=[s[0] for s in SAMPLE])
async def test_the_same_inputs_give_the_same_outputs_as_in_funcnodes(
    space: NodeSpace, node_id: str, inputs: dict[str, Any], output: str
) -> None:
    expected = await run_in_funcnodes(node_id, inputs, output)
    assert expected is not NO_VALUE, "the sample must produce a value in FuncNodes"
    uuid = space.add_node(node_id)
    try:
        for name, value in inputs.items():
            space.set_input(uuid, name, value)
        await space.settle()
        assert space.error(uuid) is None, space.error(uuid)
        assert same(space.get_value(uuid, output, NO_VALUE), expected)
    finally:
        space.remove_node(uuid)


async def test_a_class_node_keeps_its_state_per_node(space: NodeSpace) -> None:
    """FuncNodes' collector gathers every value it got: one instance per nodeweave node."""
    first, second = space.add_node("collector_node"), space.add_node("collector_node")
    try:
        for value in (1, 2, 3):
            space.set_input(first, "input", value)
            await space.settle()
        space.set_input(second, "input", "x")
        await space.settle()
        assert space.get_value(first, "output") == [1, 2, 3]
        assert space.get_value(second, "output") == ["x"]
    finally:
        space.remove_node(first)
        space.remove_node(second)


async def test_an_inactive_branch_leaves_its_children_waiting(space: NodeSpace) -> None:
    branch = space.add_node("if_node")
    after = space.add_node("abs_node")
    try:
        space.connect(branch, "on_false", after, "a")
        space.set_input(branch, "condition", True)
        space.set_input(branch, "input", -4)
        await space.settle()
        assert space.get_value(branch, "on_true") == -4
        assert space.status(after).value == "waiting"
        space.set_input(branch, "condition", False)
        await space.settle()
        assert space.get_value(after, "out") == 4
    finally:
        space.remove_node(branch)
        space.remove_node(after)


def test_the_omitted_marker_survives_pickling() -> None:
    import pickle

    assert pickle.loads(pickle.dumps(OMITTED)) is OMITTED
