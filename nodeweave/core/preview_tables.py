"""Previews of tables: pandas DataFrames and Series (with column summaries), polars, pyarrow.

Loaded by the preview registry the first time such a value is previewed (see
:mod:`nodeweave.core.preview`). A table preview carries the first rows (cells made JSON-safe and
bounded like any container preview), the column names and dtypes, the shape and, for a pandas
DataFrame, a ``summary`` per column.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any, Final

from .preview import TABLE_COLUMNS, TABLE_ROWS, Bounded, Preview, PreviewRequest, fit

EXACT_SUMMARY_ROWS: Final = 100_000
"""Up to this many rows a summary is exact; beyond, ranges, means and distinct values come from
an evenly spread sample of ``SUMMARY_SAMPLE`` rows (flagged ``sample``), so that a live preview
costs the same for a table of a million rows as for one of a hundred thousand — it is
recomputed on every change upstream (a dragged slider). Null counts are always exact."""
SUMMARY_SAMPLE: Final = 10_000
SAMPLE_BLOCKS: Final = 20
TOP_VALUES: Final = 3


def pandas_preview(table: Any, request: PreviewRequest) -> Preview | None:
    pd = sys.modules["pandas"]
    is_series = isinstance(table, pd.Series)
    rows, cols = (len(table), 1) if is_series else table.shape
    summary = None if is_series else _summary(table.iloc[:, :TABLE_COLUMNS], pd)

    def part(n_rows: int, n_cols: int) -> tuple[list[Any], list[Any], list[Any], list[Any]]:
        head = table.iloc[:n_rows] if is_series else table.iloc[:n_rows, :n_cols]
        names = [table.name] if is_series else list(head.columns)
        dtypes = [table.dtype] if is_series else list(head.dtypes)
        cells = head.to_numpy(dtype=object).tolist()
        return names, dtypes, head.index.tolist(), [[c] for c in cells] if is_series else cells

    preview = _fit_table(request, rows, cols, part, summary)
    if preview is not None and is_series:
        name = table.name
        preview["name"] = None if name is None else str(name)[:200]
    return preview


def polars_preview(table: Any, request: PreviewRequest) -> Preview | None:
    rows, cols = table.shape

    def part(n_rows: int, n_cols: int) -> tuple[list[Any], list[Any], list[Any], list[Any]]:
        head = table.head(n_rows).select(table.columns[:n_cols])
        rows_ = [list(r) for r in head.rows()]
        return list(head.columns), list(head.dtypes), list(range(len(rows_))), rows_

    return _fit_table(request, rows, cols, part, None)


def arrow_preview(table: Any, request: PreviewRequest) -> Preview | None:
    rows, cols = table.num_rows, table.num_columns

    def part(n_rows: int, n_cols: int) -> tuple[list[Any], list[Any], list[Any], list[Any]]:
        head = table.slice(0, n_rows).select(list(range(n_cols)))
        columns = [c.to_pylist() for c in head.columns]
        cells = [list(r) for r in zip(*columns, strict=True)] if columns else []
        return list(head.schema.names), list(head.schema.types), list(range(len(cells))), cells

    return _fit_table(request, rows, cols, part, None)


Part = Callable[[int, int], tuple[list[Any], list[Any], list[Any], list[Any]]]


def _fit_table(
    request: PreviewRequest, rows: int, cols: int, part: Part, summary: list[Any] | None
) -> Preview | None:
    def make(bounded: Bounded) -> Preview:
        n_rows = min(rows, TABLE_ROWS, bounded.items)
        n_cols = min(cols, TABLE_COLUMNS, bounded.items)
        names, dtypes, index, cells = part(n_rows, n_cols)
        preview: Preview = {"kind": "table", "type": request.tname}
        preview["columns"] = [bounded.text(str(name)) for name in names]
        preview["dtypes"] = [bounded.text(str(dtype)) for dtype in dtypes]
        preview["index"] = bounded.build(index)
        preview["rows"] = out = list[Any]()
        for row in cells:  # one build per row, so that even the shallowest tier keeps cells
            if bounded.used > bounded.room:
                bounded.truncated = True
                break
            out.append(bounded.build(row))
        preview["shape"] = [rows, cols]
        if summary is not None:
            preview["summary"] = bounded.build(summary[: len(names)])
        bounded.truncated |= n_rows < rows or n_cols < cols
        return preview

    return fit(request.budget, make)


def _summary(frame: Any, pd: Any) -> list[Any]:
    """Per column: nulls and range (numbers, datetimes) or distinct and top values (the rest).

    Column by column: a frame-wide ``isna()`` would build a boolean copy of the whole table.
    """
    out: list[Any] = []
    sampled = len(frame) > EXACT_SUMMARY_ROWS
    rows = _spread_sample(frame, pd) if sampled else frame
    types = pd.api.types
    for position in range(frame.shape[1]):
        full = frame.iloc[:, position]
        column = rows.iloc[:, position]
        entry: dict[str, Any] = {"nulls": int(len(full) - full.count())}
        nulls = int(len(column) - column.count()) if sampled else entry["nulls"]
        try:
            if types.is_bool_dtype(column.dtype):
                entry.update(_distinct(column))
            elif types.is_numeric_dtype(column.dtype):
                entry.update(_numeric(column, nulls))
            elif types.is_datetime64_any_dtype(column.dtype):
                some = nulls < len(column)
                entry["min"] = column.min().isoformat() if some else None
                entry["max"] = column.max().isoformat() if some else None
                entry["mean"] = None
            else:
                entry.update(_distinct(column))
        except (TypeError, ValueError):  # unorderable or unhashable cells: nulls only
            pass
        if sampled:
            entry["sample"] = len(rows)
        out.append(entry)
    return out


def _spread_sample(frame: Any, pd: Any) -> Any:
    """``SUMMARY_SAMPLE`` rows in ``SAMPLE_BLOCKS`` contiguous blocks spread over the table
    (contiguous slices are cheap for every column type, Arrow-backed text included)."""
    size = SUMMARY_SAMPLE // SAMPLE_BLOCKS
    last = len(frame) - size
    starts = [round(last * i / (SAMPLE_BLOCKS - 1)) for i in range(SAMPLE_BLOCKS)]
    return pd.concat([frame.iloc[s : s + size] for s in starts])


def _numeric(column: Any, nulls: int) -> dict[str, Any]:
    """min, max and mean; plain numpy columns in single passes (pandas' own copy and mask)."""
    if nulls == len(column):
        return {"min": None, "max": None, "mean": None}
    np = sys.modules["numpy"]
    if isinstance(column.dtype, np.dtype) and column.dtype.kind in "iuf":
        values = column.to_numpy()
        low, high = np.fmin.reduce(values), np.fmax.reduce(values)  # fmin/fmax skip NaN
        if nulls:
            total = np.add.reduce(values, where=~np.isnan(values), dtype=np.float64)
        else:
            total = np.add.reduce(values, dtype=np.float64)
        mean = float(total) / (len(values) - nulls)
        return {"min": _plain(low), "max": _plain(high), "mean": _plain(mean)}
    return {
        "min": _plain(column.min()),
        "max": _plain(column.max()),
        "mean": _plain(column.mean()),
    }


def _distinct(column: Any) -> dict[str, Any]:
    counts = column.value_counts(dropna=True)
    top = [[str(value)[:200], int(n)] for value, n in counts.head(TOP_VALUES).items()]
    return {"unique": len(counts), "top": top}


def _plain(value: Any) -> Any:
    item = value.item() if hasattr(value, "item") else value
    if isinstance(item, float) and item != item:
        return None
    return item if isinstance(item, int | float | bool) else str(item)
