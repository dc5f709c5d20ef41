"""Numbers: constants, arithmetic, comparisons, ranges and seeded random numbers."""

from __future__ import annotations

import math
import operator
import random
from collections.abc import Callable
from typing import Annotated, Any, Literal

from nodeweave.core.library import Shelf
from nodeweave.core.schema import Input
from nodeweave.core.spec import node

MAX_RANGE_ITEMS = 10_000_000
"""The largest list ``numbers.range`` builds (a typo should not eat the worker's memory)."""

Seed = Annotated[int | None, Input(description="same seed, same number; empty for a fresh one")]

CompareOp = Literal["==", "!=", "<", "<=", ">", ">="]

COMPARISONS: dict[str, Callable[[Any, Any], Any]] = {  # also used by tables.filter_rows
    "==": operator.eq,
    "!=": operator.ne,
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
}


# --- constants ------------------------------------------------------------------------------


@node(id="numbers.number", name="Number")
def number(value: float = 0.0) -> float:
    """A number typed in by hand."""
    return value


@node(id="numbers.integer", name="Integer")
def integer(value: int = 0) -> int:
    """A whole number typed in by hand."""
    return value


@node(id="numbers.slider", name="Slider")
def slider(
    value: Annotated[float, Input(min=0, max=100, step=1, widget="slider")] = 50.0,
) -> float:
    """A number picked with a slider between 0 and 100."""
    return value


# --- arithmetic -----------------------------------------------------------------------------


@node(id="numbers.add", name="Add")
def add(a: float = 0.0, b: float = 0.0) -> float:
    """The sum a + b."""
    return a + b


@node(id="numbers.subtract", name="Subtract")
def subtract(a: float = 0.0, b: float = 0.0) -> float:
    """The difference a - b."""
    return a - b


@node(id="numbers.multiply", name="Multiply")
def multiply(a: float = 1.0, b: float = 1.0) -> float:
    """The product a × b."""
    return a * b


@node(id="numbers.divide", name="Divide")
def divide(a: float = 1.0, b: float = 1.0) -> float:
    """The quotient a / b (dividing by zero is an error)."""
    if b == 0:
        raise ZeroDivisionError(f"cannot divide {a!r} by zero")
    return a / b


@node(id="numbers.floor_divide", name="Floor Divide")
def floor_divide(a: float = 1.0, b: float = 1.0) -> float:
    """The quotient a // b rounded down to a whole number."""
    if b == 0:
        raise ZeroDivisionError(f"cannot floor-divide {a!r} by zero")
    return a // b


@node(id="numbers.modulo", name="Modulo")
def modulo(a: float = 0.0, b: float = 1.0) -> float:
    """The remainder a % b (with the sign of b, as in Python)."""
    if b == 0:
        raise ZeroDivisionError(f"cannot take {a!r} modulo zero")
    return a % b


@node(id="numbers.power", name="Power")
def power(base: float = 1.0, exponent: float = 1.0) -> float:
    """The power base ** exponent."""
    if base == 0 and exponent < 0:
        raise ZeroDivisionError(f"cannot raise zero to the negative power {exponent!r}")
    try:
        result: float | complex = base**exponent
    except OverflowError as exc:
        raise OverflowError(f"{base!r} ** {exponent!r} is too large") from exc
    if isinstance(result, complex):
        raise ValueError(
            f"{base!r} ** {exponent!r} is not a real number (negative base, fractional exponent)"
        )
    return result


@node(id="numbers.negate", name="Negate")
def negate(value: float = 0.0) -> float:
    """The number with its sign flipped."""
    return -value


@node(id="numbers.abs", name="Absolute Value")
def absolute(value: float = 0.0) -> float:
    """The distance of the number from zero."""
    return abs(value)


@node(id="numbers.round", name="Round")
def round_number(
    value: float = 0.0,
    ndigits: Annotated[
        int, Input(min=-15, max=15, step=1, description="digits after the decimal point")
    ] = 0,
) -> float:
    """The number rounded to ndigits decimal places (halves round to even)."""
    return round(value, ndigits)


@node(id="numbers.min", name="Minimum")
def minimum(a: float = 0.0, b: float = 0.0) -> float:
    """The smaller of two numbers."""
    return min(a, b)


@node(id="numbers.max", name="Maximum")
def maximum(a: float = 0.0, b: float = 0.0) -> float:
    """The larger of two numbers."""
    return max(a, b)


@node(id="numbers.clamp", name="Clamp")
def clamp(value: float = 0.0, low: float = 0.0, high: float = 1.0) -> float:
    """The number limited to the interval [low, high]."""
    if low > high:
        raise ValueError(f"clamp needs low <= high, got low={low!r} and high={high!r}")
    return min(max(value, low), high)


# --- lists of numbers -----------------------------------------------------------------------


@node(id="numbers.sum", name="Sum")
def total(values: list[float]) -> float:
    """The sum of a list of numbers (0 for an empty list)."""
    return math.fsum(values) if any(isinstance(v, float) for v in values) else sum(values)


@node(id="numbers.mean", name="Mean")
def mean(values: list[float]) -> float:
    """The arithmetic mean of a list of numbers."""
    if not values:
        raise ValueError("the mean of an empty list is undefined")
    return math.fsum(values) / len(values)


@node(id="numbers.range", name="Range")
def int_range(start: int = 0, stop: int = 10, step: int = 1) -> list[int]:
    """The whole numbers from start up to (not including) stop, in steps of step."""
    if step == 0:
        raise ValueError("range step must not be zero")
    items = range(start, stop, step)
    if len(items) > MAX_RANGE_ITEMS:
        raise ValueError(
            f"range({start}, {stop}, {step}) has {len(items):,} items; "
            f"the limit is {MAX_RANGE_ITEMS:,}"
        )
    return list(items)


# --- comparison -----------------------------------------------------------------------------


@node(id="numbers.compare", name="Compare")
def compare(a: float = 0.0, op: CompareOp = "==", b: float = 0.0) -> bool:
    """Whether a op b holds, for op one of == != < <= > >=."""
    try:
        fn = COMPARISONS[op]
    except KeyError:
        raise ValueError(f"unknown comparison {op!r}; use one of {list(COMPARISONS)}") from None
    return bool(fn(a, b))


# --- random ---------------------------------------------------------------------------------


@node(id="numbers.random", name="Random Number")
def random_number(
    seed: Seed = None,
    low: float = 0.0,
    high: float = 1.0,
) -> float:
    """A random number between low and high, repeatable for a given seed."""
    if low > high:
        raise ValueError(f"random number needs low <= high, got low={low!r} and high={high!r}")
    return random.Random(seed).uniform(low, high)


@node(id="numbers.random_integer", name="Random Integer")
def random_integer(
    seed: Seed = None,
    low: int = 0,
    high: int = 100,
) -> int:
    """A random whole number from low to high inclusive, repeatable for a given seed."""
    if low > high:
        raise ValueError(f"random integer needs low <= high, got low={low!r} and high={high!r}")
    return random.Random(seed).randint(low, high)


NODE_SHELF = Shelf(
    name="numbers",
    description="Numbers: constants, arithmetic, comparisons, ranges and random numbers.",
    nodes=[
        number,
        integer,
        slider,
        add,
        subtract,
        multiply,
        divide,
        floor_divide,
        modulo,
        power,
        negate,
        absolute,
        round_number,
        minimum,
        maximum,
        clamp,
        total,
        mean,
        int_range,
        compare,
        random_number,
        random_integer,
    ],
)
