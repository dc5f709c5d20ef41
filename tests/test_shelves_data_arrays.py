"""The arrays shelf: numpy arrays built, reshaped, summarised and combined."""

from __future__ import annotations

from collections.abc import AsyncIterator

import numpy as np
import pytest

from nodeweave import Library, NodeSpace
from nodeweave.core.spec import spec_of
from nodeweave.shelves import arrays as ar
from nodeweave.shelves import builtin_shelves


def test_building_arrays() -> None:
    assert ar.from_list([1, 2, 3]).tolist() == [1, 2, 3]
    assert ar.from_list([[1, 2], [3, 4]]).shape == (2, 2)
    assert ar.from_list([1, 2], dtype="float").dtype == np.float64
    assert ar.from_list([0, 1], dtype="bool").tolist() == [False, True]
    assert ar.from_list([]).shape == (0,)
    with pytest.raises(ValueError, match="cannot make an array"):
        ar.from_list([[1, 2], [3]])
    with pytest.raises(ValueError, match="cannot make an array of int"):
        ar.from_list(["a"], dtype="int")
    assert ar.arange().tolist() == list(range(10))
    assert ar.arange(0, 1, 0.25).tolist() == [0, 0.25, 0.5, 0.75]
    assert ar.arange(5, 0, 1).size == 0
    with pytest.raises(ValueError, match="step must not be zero"):
        ar.arange(0, 1, 0)
    with pytest.raises(ValueError, match="the limit is"):
        ar.arange(0, 1e12, 1)
    assert ar.linspace(0, 1, 5).tolist() == [0, 0.25, 0.5, 0.75, 1]
    assert ar.linspace(0, 1, 0).size == 0


def test_reshape_and_to_list() -> None:
    six = ar.arange(0, 6)
    assert ar.reshape(six, [2, 3]).shape == (2, 3)
    assert ar.reshape(ar.reshape(six, [3, 2])).shape == (6,)
    assert ar.to_list(ar.reshape(six, [2, -1])) == [[0, 1, 2], [3, 4, 5]]
    with pytest.raises(
        ValueError, match=r"an array of 6 items \(shape \[6\]\) cannot take the shape \[4, 2\]"
    ):
        ar.reshape(six, [4, 2])
    with pytest.raises(TypeError, match="array must be a numpy array, got list"):
        ar.reshape([1, 2], [2])  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("stat", "expected"),
    [
        ("mean", 2.5),
        ("std", np.std([1, 2, 3, 4])),
        ("min", 1),
        ("max", 4),
        ("sum", 10),
        ("median", 2.5),
    ],
)
def test_stats(stat: ar.Stat, expected: float) -> None:
    values = np.array([1.0, 2.0, np.nan, 3.0, 4.0])
    assert ar.stats(values, stat) == pytest.approx(expected)
    assert np.isnan(ar.stats(values, stat, skip_missing=False))
    assert isinstance(ar.stats(np.array([1, 2]), stat), float)


def test_stats_edge_cases() -> None:
    empty = np.array([])
    assert ar.stats(empty, "sum") == 0.0
    with pytest.raises(ValueError, match="the mean of an empty array is undefined"):
        ar.stats(empty, "mean")
    with pytest.raises(ValueError, match="every value is missing"):
        ar.stats(np.array([np.nan]), "max")
    with pytest.raises(TypeError, match="holds <U1 values, not numbers"):
        ar.stats(np.array(["a"]), "mean")
    with pytest.raises(TypeError, match="got list"):
        ar.stats([1, 2], "mean")  # type: ignore[arg-type]
    assert ar.percentile(ar.arange(0, 101), 90) == 90
    assert ar.percentile(np.array([1.0, np.nan, 3.0])) == 2
    with pytest.raises(ValueError, match="without values"):
        ar.percentile(empty)
    with pytest.raises(TypeError, match="got str"):
        ar.percentile("1 2 3")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("op", "fn"),
    [
        ("sqrt", np.sqrt),
        ("exp", np.exp),
        ("log", np.log),
        ("abs", np.abs),
        ("sin", np.sin),
        ("cos", np.cos),
    ],
)
def test_math(op: ar.Unary, fn: np.ufunc) -> None:
    values = np.array([0.5, 1.0, 4.0])
    np.testing.assert_allclose(ar.math_op(values, op), fn(values))
    assert ar.math_op(np.array([]), op).size == 0


def test_math_outside_the_domain_is_an_error() -> None:
    with pytest.raises(ValueError, match=r"sqrt of the array failed: .*\(values below 0\)"):
        ar.math_op(np.array([-1.0]), "sqrt")
    with pytest.raises(ValueError, match=r"log .*\(values of 0 or below\)"):
        ar.math_op(np.array([0.0]), "log")
    with pytest.raises(ValueError, match="exp of the array failed: overflow"):
        ar.math_op(np.array([1e6]), "exp")
    with pytest.raises(TypeError, match="got tuple"):
        ar.math_op((1, 2), "abs")  # type: ignore[arg-type]


def test_arithmetic() -> None:
    a = np.array([1, 2, 4])
    assert ar.arithmetic(a, "add", 1.0).tolist() == [2, 3, 5]
    assert ar.arithmetic(a, "subtract", np.array([1, 1, 1])).tolist() == [0, 1, 3]
    assert ar.arithmetic(a, "multiply", np.array([[1], [2]])).shape == (2, 3)
    assert ar.arithmetic(a, "divide", 2.0).tolist() == [0.5, 1, 2]
    assert ar.arithmetic(a, "power", 2.0).tolist() == [1, 4, 16]
    assert ar.arithmetic(a, "power", -1.0).tolist() == [1, 0.5, 0.25]
    assert ar.arithmetic(np.array([]), "add", 1.0).size == 0
    with pytest.raises(ValueError, match="divide failed: divide by zero"):
        ar.arithmetic(a, "divide", 0.0)
    with pytest.raises(ValueError, match=r"a \(shape \[3\]\) and b \(shape \[2\]\) do not fit"):
        ar.arithmetic(a, "add", np.array([1, 2]))
    with pytest.raises(TypeError, match="b must be a numpy array, got str"):
        ar.arithmetic(a, "add", "1")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="a must be a numpy array, got list"):
        ar.arithmetic([1], "add", 1.0)  # type: ignore[arg-type]


def test_random_is_repeatable_per_seed() -> None:
    normal = ar.random_array("normal", 1000, seed=3, mean=10, std=2)
    assert normal.shape == (1000,)
    assert abs(normal.mean() - 10) < 0.5
    np.testing.assert_array_equal(normal, ar.random_array("normal", 1000, seed=3, mean=10, std=2))
    uniform = ar.random_array("uniform", 100, seed=1, low=2, high=3)
    assert ((uniform >= 2) & (uniform < 3)).all()
    ints = ar.random_array("integers", 100, seed=1, low=0, high=5)
    assert ints.dtype.kind == "i" and set(ints.tolist()) <= {0, 1, 2, 3, 4}
    assert ar.random_array("normal", 0).size == 0
    with pytest.raises(ValueError, match="need low < high"):
        ar.random_array("uniform", 10, low=1, high=1)


def test_specs() -> None:
    stats = spec_of(ar.stats)
    assert stats.input_map["stat"].schema["enum"] == ["mean", "std", "min", "max", "sum", "median"]
    q = spec_of(ar.percentile).input_map["q"].schema
    assert (q["minimum"], q["maximum"], q["step"]) == (0, 100, 1)
    assert spec_of(ar.arange).outputs[0].schema == {"x-python-type": "numpy.ndarray"}
    assert spec_of(ar.arange).outputs[0].type_name == "ndarray"


@pytest.fixture
async def ns() -> AsyncIterator[NodeSpace]:
    space = NodeSpace(Library(builtin_shelves()))
    yield space
    await space.aclose()


async def test_arrays_in_a_graph(ns: NodeSpace) -> None:
    rng = ns.add_node("arrays.linspace", inputs={"start": 1, "stop": 4, "num": 4})
    sq = ns.add_node("arrays.arithmetic", inputs={"op": "power", "b": 2.0})
    total = ns.add_node("arrays.stats", inputs={"stat": "sum"})
    ns.connect(rng, "out", sq, "a")
    ns.connect(sq, "out", total, "array")
    await ns.settle()
    assert ns.get_value(total, "out") == 30.0
    # An array fits b as well as a number does.
    ns.connect(rng, "out", sq, "b")
    await ns.settle()
    assert ns.get_value(total, "out") == 1 + 4 + 27 + 256
