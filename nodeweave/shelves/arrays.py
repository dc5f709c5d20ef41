"""Arrays: build numpy arrays, reshape them, compute statistics and elementwise math.

numpy is imported when a node first runs, never when the shelf loads. Math that leaves the
numbers (the square root of a negative, a division by zero, an overflow) is an error, not a NaN.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Annotated, Any, Literal

from nodeweave.core.library import Shelf
from nodeweave.core.schema import Input
from nodeweave.core.spec import node

from ._tables import require_array

if TYPE_CHECKING:
    from typing import TypeAlias

    import numpy.typing as npt

    NDArray: TypeAlias = npt.NDArray[Any]
else:
    from nodeweave.core.lazytypes import NDArray

MAX_ARRAY_ITEMS = 50_000_000
"""The largest array the building nodes make (a typo should not eat the worker's memory)."""

Stat = Literal["mean", "std", "min", "max", "sum", "median"]
Unary = Literal["sqrt", "exp", "log", "abs", "sin", "cos"]
Binary = Literal["add", "subtract", "multiply", "divide", "power"]
SkipMissing = Annotated[bool, Input(description="ignore missing values (NaN)")]


def _check_size(n: int, what: str) -> None:
    if n > MAX_ARRAY_ITEMS:
        raise ValueError(f"{what} would have {n:,} items; the limit is {MAX_ARRAY_ITEMS:,}")


def _numeric(array: Any, name: str = "array") -> Any:
    import numpy as np

    require_array(array, name)
    if not (np.issubdtype(array.dtype, np.number) or np.issubdtype(array.dtype, np.bool_)):
        raise TypeError(f"{name} holds {array.dtype} values, not numbers")
    return array


@node(id="arrays.from_list", name="Array from List")
def from_list(
    values: Annotated[
        list[Any], Input(widget="json", description="numbers, or lists of numbers for 2-D")
    ],
    dtype: Annotated[
        Literal["auto", "float", "int", "bool"], Input(description="the element type")
    ] = "auto",
) -> NDArray:
    """An array made from a (nested) list of numbers."""
    import numpy as np

    kind = {"auto": None, "float": np.float64, "int": np.int64, "bool": np.bool_}[dtype]
    try:
        return np.array(values, dtype=kind)
    except (ValueError, TypeError) as exc:
        raise ValueError(f"cannot make an array of {dtype} from the list: {exc}") from None


@node(id="arrays.arange", name="Arange")
def arange(start: float = 0.0, stop: float = 10.0, step: float = 1.0) -> NDArray:
    """Evenly spaced numbers from start up to (not including) stop, step apart."""
    import math

    import numpy as np

    if step == 0:
        raise ValueError("the step must not be zero")
    _check_size(max(0, math.ceil((stop - start) / step)), f"arange({start}, {stop}, {step})")
    if all(float(v).is_integer() for v in (start, stop, step)):
        return np.arange(int(start), int(stop), int(step))
    return np.arange(start, stop, step)


@node(id="arrays.linspace", name="Linspace")
def linspace(
    start: float = 0.0,
    stop: float = 1.0,
    num: Annotated[int, Input(min=0, description="how many numbers")] = 50,
) -> NDArray:
    """num evenly spaced numbers from start to stop, both included."""
    import numpy as np

    _check_size(num, f"linspace with num={num}")
    return np.linspace(start, stop, num)


@node(id="arrays.reshape", name="Reshape")
def reshape(
    array: NDArray,
    shape: Annotated[
        list[int], Input(description="the new shape, e.g. [2, 3]; one -1 is inferred")
    ] = [-1],  # noqa: B006 - never mutated; a list default is what the UI edits
) -> NDArray:
    """The same numbers arranged in a new shape."""
    require_array(array)
    try:
        return array.reshape(tuple(shape))
    except ValueError:
        raise ValueError(
            f"an array of {array.size} items (shape {list(array.shape)}) cannot take the shape "
            f"{list(shape)}"
        ) from None


@node(id="arrays.to_list", name="Array to List")
def to_list(array: NDArray) -> list[Any]:
    """The array's values as a (nested) list."""
    values: list[Any] = require_array(array).tolist()
    return values


@node(id="arrays.stats", name="Statistic")
def stats(
    array: NDArray,
    stat: Annotated[Stat, Input(description="which statistic of all the values")] = "mean",
    skip_missing: SkipMissing = True,
) -> float:
    """One statistic (mean, std, min, max, sum, median) of all the values of an array."""
    import numpy as np

    _numeric(array)
    if array.size == 0:
        if stat == "sum":
            return 0.0
        raise ValueError(f"the {stat} of an empty array is undefined")
    plain: dict[str, Callable[[Any], Any]] = {
        "mean": np.mean,
        "std": np.std,
        "min": np.min,
        "max": np.max,
        "sum": np.sum,
        "median": np.median,
    }
    nan_aware: dict[str, Callable[[Any], Any]] = {
        "mean": np.nanmean,
        "std": np.nanstd,
        "min": np.nanmin,
        "max": np.nanmax,
        "sum": np.nansum,
        "median": np.nanmedian,
    }
    values = array.astype(np.float64)
    if skip_missing and np.isnan(values).all():
        raise ValueError(f"the {stat} is undefined: every value is missing")
    fn = (nan_aware if skip_missing else plain)[stat]
    return float(fn(values))


@node(id="arrays.percentile", name="Percentile")
def percentile(
    array: NDArray,
    q: Annotated[
        float, Input(min=0, max=100, step=1, description="the percentile, 0 to 100")
    ] = 50.0,
    skip_missing: SkipMissing = True,
) -> float:
    """The value below which q percent of the array's values lie."""
    import numpy as np

    _numeric(array)
    values = array.astype(np.float64)
    if values.size == 0 or (skip_missing and np.isnan(values).all()):
        raise ValueError("the percentile of an array without values is undefined")
    fn = np.nanpercentile if skip_missing else np.percentile
    return float(fn(values, q))


@node(id="arrays.math", name="Math")
def math_op(
    array: NDArray,
    op: Annotated[Unary, Input(description="the function applied to every value")] = "sqrt",
) -> NDArray:
    """A function (sqrt, exp, log, abs, sin, cos) applied to every value of an array."""
    import numpy as np

    _numeric(array)
    fn = {
        "sqrt": np.sqrt,
        "exp": np.exp,
        "log": np.log,
        "abs": np.abs,
        "sin": np.sin,
        "cos": np.cos,
    }[op]
    try:
        with np.errstate(all="raise", under="ignore"):
            result: NDArray = fn(array)
    except FloatingPointError as exc:
        hint = {"sqrt": " (values below 0)", "log": " (values of 0 or below)"}.get(op, "")
        raise ValueError(f"{op} of the array failed: {exc}{hint}") from None
    return result


@node(id="arrays.arithmetic", name="Arithmetic")
def arithmetic(
    a: NDArray,
    op: Annotated[Binary, Input(description="the operation, value by value")] = "add",
    b: Annotated[
        NDArray | float, Input(description="an array of a fitting shape, or one number")
    ] = 1.0,
) -> NDArray:
    """a op b value by value, for an array a and an array or number b."""
    import numpy as np

    _numeric(a, "a")
    if isinstance(b, bool) or not isinstance(b, int | float):
        _numeric(b, "b")
    fn = {
        "add": np.add,
        "subtract": np.subtract,
        "multiply": np.multiply,
        "divide": np.divide,
        "power": np.power,
    }[op]
    try:
        with np.errstate(all="raise", under="ignore"):
            if op == "power" and np.issubdtype(a.dtype, np.integer) and np.any(np.asarray(b) < 0):
                result: NDArray = fn(a.astype(np.float64), b)
            else:
                result = fn(a, b)
    except FloatingPointError as exc:
        raise ValueError(f"{op} failed: {exc}") from None
    except ValueError as exc:
        shape_b = list(np.shape(b))
        raise ValueError(
            f"a (shape {list(a.shape)}) and b (shape {shape_b}) do not fit together: {exc}"
        ) from None
    return result


@node(id="arrays.random", name="Random Array")
def random_array(
    distribution: Annotated[
        Literal["normal", "uniform", "integers"],
        Input(description="normal: mean and std; uniform and integers: low to high"),
    ] = "normal",
    size: Annotated[int, Input(min=0, description="how many numbers")] = 100,
    seed: Annotated[int | None, Input(description="same seed, same numbers; empty for fresh")] = 0,
    mean: float = 0.0,
    std: Annotated[float, Input(min=0, description="the spread of normal numbers")] = 1.0,
    low: float = 0.0,
    high: Annotated[float, Input(description="the upper end (not included)")] = 1.0,
) -> NDArray:
    """Random numbers from a normal or uniform distribution, or random whole numbers."""
    import numpy as np

    _check_size(size, f"a random array of size {size}")
    rng = np.random.default_rng(seed)
    if distribution == "normal":
        return rng.normal(mean, std, size)
    if low >= high:
        raise ValueError(f"{distribution} numbers need low < high, got {low} and {high}")
    if distribution == "uniform":
        return rng.uniform(low, high, size)
    return rng.integers(int(np.ceil(low)), int(np.ceil(high)), size)


NODE_SHELF = Shelf(
    name="arrays",
    description="Arrays: build numpy arrays, reshape them, statistics and elementwise math.",
    nodes=[
        from_list,
        arange,
        linspace,
        reshape,
        to_list,
        stats,
        percentile,
        math_op,
        arithmetic,
        random_array,
    ],
)
