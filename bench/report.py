"""What the benchmarks share: figures, summaries and the printed table."""

from __future__ import annotations

import statistics
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

Results = dict[str, dict[str, float]]


@dataclass(frozen=True)
class Figure:
    key: str
    label: str
    unit: str
    target: float | None = None


def summary(samples: list[float]) -> dict[str, float]:
    return {
        "median": statistics.median(samples),
        "min": min(samples),
        "max": max(samples),
        "runs": len(samples),
    }


def fmt(s: Mapping[str, float], unit: str) -> str:
    digits = 3 if unit == "s" else 1
    return (
        f"{s['median']:.{digits}f} {unit} [{s['min']:.{digits}f}, {s['max']:.{digits}f}] "
        f"({int(s['runs'])} runs)"
    )


def print_table(figures: Sequence[Figure], results: Results) -> None:
    """One line per measured figure: median [min, max] (runs), its target, ok or MISS."""
    missed = []
    for f in figures:
        if f.key not in results:
            continue
        s = results[f.key]
        mark = ""
        if f.target is not None:
            ok = s["median"] <= f.target
            mark = "ok" if ok else "MISS"
            if not ok:
                missed.append(f.key)
        target = f"≤ {f.target:g} {f.unit}" if f.target is not None else "—"
        print(f"  {f.label:<58} {fmt(s, f.unit):<34} target {target:<10} {mark}")
    if missed:
        print(f"  missed: {', '.join(missed)}")
