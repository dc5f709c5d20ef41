"""Chart previews: plotly figures as plotly.js specs, Altair charts as Vega-Lite specs.

Loaded by the preview registry the first time a chart is previewed (see
:mod:`nodeweave.core.preview`). A chart preview is the chart itself, interactive in the browser,
not a picture of it; what keeps it within its budget is the data:

* numeric arrays travel as plotly typed arrays (``{"dtype": "f8", "bdata": <base64>}``, which
  plotly.js decodes natively) — a third of the size of JSON numbers;
* a trace with more points than fit is downsampled: lines keep each bucket's first, last, lowest
  and highest point (the shape a reader sees survives), markers keep an evenly spread sample;
  count histograms are binned here and sent as bars, boxes as their precomputed quartiles, so
  their statistics stay exact whatever the size;
* the figure's template (a large block of defaults) is left out, its colour sequence kept.
"""

from __future__ import annotations

import base64
import itertools
import sys
from typing import Any, Final

import orjson

from .preview import Preview, PreviewRequest

MAX_POINTS: Final = 10_000
"""Points a preview draws at most across its traces (an SVG chart stays quick to draw)."""

# The per-point attributes that must be sampled together with x and y.
_POINT_KEYS: Final = ("x", "y", "z", "text", "hovertext", "customdata", "ids", "r", "theta")
_MARKER_KEYS: Final = ("color", "size", "symbol", "opacity")
_TYPED: Final = {
    "float64": "f8",
    "float32": "f4",
    "int32": "i4",
    "int16": "i2",
    "int8": "i1",
    "uint32": "u4",
    "uint16": "u2",
    "uint8": "u1",
}


def plotly_preview(figure: Any, request: PreviewRequest) -> Preview | None:
    np = sys.modules["numpy"]
    spec = figure.to_plotly_json()
    traces: list[dict[str, Any]] = [_decode(dict(t), np) for t in spec.get("data", ())]
    layout = dict(spec.get("layout", {}))
    template = layout.pop("template", None)
    colorway = _get(template, "layout", "colorway")
    if colorway is not None and "colorway" not in layout:
        layout["colorway"] = list(colorway)
    total = sum(_trace_points(t, np) for t in traces)
    cap = MAX_POINTS
    while True:
        shown, out = 0, []
        share = max(1, cap // max(len(traces), 1))
        for trace in traces:
            small = _shrink(trace, share, np)
            shown += _trace_points(small, np)
            out.append(_encode(small, np))
        preview: Preview = {
            "kind": "plotly",
            "type": request.tname,
            "spec": {"data": out, "layout": _encode(layout, np)},
            "points": total,
            "shown": shown,
            "downsampled": shown < total,
            "truncated": shown < total,
        }
        size = len(orjson.dumps(preview, option=orjson.OPT_SERIALIZE_NUMPY))
        if size <= request.rich_budget or cap <= 100:
            break
        cap = max(100, int(cap * request.rich_budget / size * 0.9))
    return orjson.loads(orjson.dumps(preview, option=orjson.OPT_SERIALIZE_NUMPY))  # type: ignore[no-any-return]


def vega_preview(chart: Any, request: PreviewRequest) -> Preview | None:
    spec = chart.to_dict()
    preview: Preview = {"kind": "vega", "type": request.tname, "spec": spec, "truncated": False}
    size = len(orjson.dumps(preview, default=str))
    datasets = spec.get("datasets")
    if size > request.rich_budget and isinstance(datasets, dict):
        # Cut every inline dataset in proportion until the spec fits.
        for _ in range(8):
            ratio = request.rich_budget / size * 0.9
            for name, rows in datasets.items():
                if isinstance(rows, list):
                    datasets[name] = rows[: max(1, int(len(rows) * ratio))]
            preview["truncated"] = True
            size = len(orjson.dumps(preview, default=str))
            if size <= request.rich_budget:
                break
    return orjson.loads(orjson.dumps(preview, default=str))  # type: ignore[no-any-return]


# --- downsampling -----------------------------------------------------------------------------


def _get(obj: Any, *path: str) -> Any:
    for key in path:
        if obj is None:
            return None
        obj = obj.get(key) if isinstance(obj, dict) else getattr(obj, key, None)
    return obj


def _length(value: Any, np: Any) -> int:
    if isinstance(value, np.ndarray):
        return int(value.shape[0]) if value.ndim else 0
    if isinstance(value, list | tuple):
        return len(value)
    return 0


def _trace_points(trace: dict[str, Any], np: Any) -> int:
    if "_binned" in trace:
        return int(trace["_binned"])
    if "z" in trace and _length(trace["z"], np) and trace.get("type") in ("heatmap", "contour"):
        z = np.asarray(trace["z"], dtype=object)
        return int(z.size)
    return max((_length(trace.get(k), np) for k in ("x", "y")), default=0)


def _shrink(trace: dict[str, Any], cap: int, np: Any) -> dict[str, Any]:
    kind = trace.get("type", "scatter")
    if kind == "scattergl":  # plotly.js' WebGL build is not needed for a preview of ≤ cap points
        trace = {**trace, "type": "scatter"}
        kind = "scatter"
    n = _trace_points(trace, np)
    if kind == "histogram" and n > cap and _is_count_histogram(trace):
        return _binned_histogram(trace, np)
    if kind == "box" and n > cap:
        return _box_stats(trace, np)
    if kind == "histogram2d" and n > cap and trace.get("histfunc", "count") == "count":
        return _binned_heatmap(trace, np)
    if n <= cap or kind not in ("scatter", "histogram", "box", "violin", "bar"):
        return trace
    lines = kind == "scatter" and "lines" in str(trace.get("mode", "markers"))
    x = trace.get("x")
    if lines and x is not None and _length(x, np) == n:
        index = _envelope(np.asarray(trace.get("y")), n, cap, np)
    else:
        index = np.unique(np.linspace(0, n - 1, num=cap).astype(np.int64))
    out = dict(trace)
    for key in _POINT_KEYS:
        if _length(trace.get(key), np) == n:
            out[key] = np.asarray(trace[key])[index]
    marker = trace.get("marker")
    if isinstance(marker, dict):
        marker = dict(marker)
        for key in _MARKER_KEYS:
            if _length(marker.get(key), np) == n:
                marker[key] = np.asarray(marker[key])[index]
        out["marker"] = marker
    return out


def _envelope(y: Any, n: int, cap: int, np: Any) -> Any:
    """Indices keeping each bucket's first, last, lowest and highest point (the drawn shape)."""
    buckets = max(1, cap // 4)
    edges = np.linspace(0, n, num=buckets + 1).astype(np.int64)
    keep = [edges[:-1], np.maximum(edges[1:] - 1, edges[:-1])]
    try:
        values = y.astype(np.float64)
    except (TypeError, ValueError):
        values = None
    if values is not None and values.shape[0] == n:
        for start, stop in itertools.pairwise(edges):
            if stop > start:
                chunk = values[start:stop]
                if np.isfinite(chunk).any():
                    keep.append(
                        np.array([start + np.nanargmin(chunk), start + np.nanargmax(chunk)])
                    )
    return np.unique(np.concatenate(keep))


def _is_count_histogram(trace: dict[str, Any]) -> bool:
    histfunc = trace.get("histfunc", "count")
    horizontal = trace.get("orientation") == "h"
    data = trace.get("y" if horizontal else "x")
    other = trace.get("x" if horizontal else "y")
    return histfunc == "count" and data is not None and other is None


def _binned_histogram(trace: dict[str, Any], np: Any) -> dict[str, Any]:
    horizontal = trace.get("orientation") == "h"
    raw = np.asarray(trace["y" if horizontal else "x"])
    try:
        values = raw.astype(np.float64)
    except (TypeError, ValueError):  # categories: count them
        labels, counts = np.unique(raw.astype(str), return_counts=True)
        centers, widths = labels, None
    else:
        values = values[np.isfinite(values)]
        bins = trace.get("nbinsx" if not horizontal else "nbinsy") or "auto"
        counts, edges = np.histogram(values, bins=bins)
        centers, widths = (edges[:-1] + edges[1:]) / 2, np.diff(edges)
    keep = {k: v for k, v in trace.items() if k in ("name", "marker", "legendgroup", "showlegend")}
    bar: dict[str, Any] = {
        "type": "bar",
        **keep,
        "orientation": "h" if horizontal else "v",
        "_binned": int(raw.shape[0]),
    }
    bar["y" if horizontal else "x"], bar["x" if horizontal else "y"] = centers, counts
    if widths is not None:
        bar["width"] = widths
    bar.setdefault("marker", {})
    return bar


def _binned_heatmap(trace: dict[str, Any], np: Any) -> dict[str, Any]:
    x = np.asarray(trace["x"], dtype=np.float64)
    y = np.asarray(trace["y"], dtype=np.float64)
    finite = np.isfinite(x) & np.isfinite(y)
    bins = [int(trace.get("nbinsx") or 40), int(trace.get("nbinsy") or 40)]
    counts, x_edges, y_edges = np.histogram2d(x[finite], y[finite], bins=bins)
    keep = {
        k: v
        for k, v in trace.items()
        if k in ("name", "coloraxis", "colorscale", "hovertemplate", "xaxis", "yaxis")
    }
    return {
        **keep,
        "type": "heatmap",
        "x": (x_edges[:-1] + x_edges[1:]) / 2,
        "y": (y_edges[:-1] + y_edges[1:]) / 2,
        "z": counts.T.tolist(),
        "_binned": int(x.shape[0]),
    }


def _box_stats(trace: dict[str, Any], np: Any) -> dict[str, Any]:
    horizontal = trace.get("orientation") == "h"
    values = np.asarray(trace["x" if horizontal else "y"], dtype=np.float64)
    groups = trace.get("y" if horizontal else "x")
    labels: list[Any] = [trace.get("name") or ""]
    masks = [np.ones(values.shape[0], dtype=bool)]
    if groups is not None and _length(groups, np) == values.shape[0]:
        keys = np.asarray(groups).astype(str)
        labels = list(np.unique(keys))
        masks = [keys == label for label in labels]
    stats: dict[str, list[float]] = {
        k: [] for k in ("q1", "median", "q3", "lowerfence", "upperfence", "mean")
    }
    for mask in masks:
        part = values[mask]
        part = part[np.isfinite(part)]
        if part.size == 0:
            part = np.array([np.nan])
        q1, median, q3 = np.nanpercentile(part, [25, 50, 75])
        iqr = q3 - q1
        inside = part[(part >= q1 - 1.5 * iqr) & (part <= q3 + 1.5 * iqr)]
        stats["q1"].append(q1)
        stats["median"].append(median)
        stats["q3"].append(q3)
        stats["lowerfence"].append(float(inside.min()) if inside.size else q1)
        stats["upperfence"].append(float(inside.max()) if inside.size else q3)
        stats["mean"].append(float(np.nanmean(part)))
    keep = {
        k: v
        for k, v in trace.items()
        if k
        in (
            "name",
            "marker",
            "legendgroup",
            "showlegend",
            "orientation",
            "type",
            "offsetgroup",
            "alignmentgroup",
        )
    }
    box: dict[str, Any] = {**keep, "_binned": int(values.shape[0])}
    box["y" if horizontal else "x"] = labels
    box.update({k: np.asarray(v) for k, v in stats.items()})
    return box


# --- encoding ---------------------------------------------------------------------------------


def _decode(obj: Any, np: Any) -> Any:
    """Numpy arrays for the typed arrays plotly itself may have produced (``dtype``/``bdata``)."""
    if isinstance(obj, dict):
        if isinstance(obj.get("bdata"), str) and isinstance(obj.get("dtype"), str):
            array = np.frombuffer(base64.b64decode(obj["bdata"]), dtype=np.dtype(obj["dtype"]))
            shape = obj.get("shape")
            if isinstance(shape, str):
                shape = [int(d) for d in shape.split(",")]
            return array.reshape(shape) if shape else array
        return {k: _decode(v, np) for k, v in obj.items()}
    if isinstance(obj, list):
        return [_decode(v, np) for v in obj]
    return obj


def _encode(obj: Any, np: Any) -> Any:
    """Plain JSON data, numeric arrays as plotly typed arrays, other arrays as lists."""
    if isinstance(obj, dict):
        return {k: _encode(v, np) for k, v in obj.items() if k != "_binned"}
    if isinstance(obj, list | tuple):
        return [_encode(v, np) for v in obj]
    if isinstance(obj, np.ndarray):
        return _array(obj, np)
    return obj


def _array(array: Any, np: Any) -> Any:
    kind = array.dtype.kind
    if kind in "iu" and array.dtype.itemsize == 8:
        info = np.iinfo(np.int32)
        fits = array.size == 0 or (array.min() >= info.min and array.max() <= info.max)
        array = array.astype(np.int32 if fits else np.float64)
    elif kind == "b":
        return array.tolist()
    elif kind == "f" and array.dtype.itemsize > 8:
        array = array.astype(np.float64)
    code = _TYPED.get(str(array.dtype))
    if code is None or array.ndim != 1:
        if kind == "M":
            return np.datetime_as_string(array).tolist()
        return [_encode(v, np) for v in array.tolist()] if kind == "O" else array.tolist()
    data = np.ascontiguousarray(array).astype(array.dtype.newbyteorder("<"), copy=False)
    return {"dtype": code, "bdata": base64.b64encode(data.tobytes()).decode("ascii")}
