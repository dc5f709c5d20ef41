"""Benchmark of the data side of a worker: big tables, the data grid, charts; prints figures.

    python bench/data.py            # all figures (about a minute)
    python bench/data.py --quick    # fewer runs: a smoke test

Figures, median [min, max] (runs):

- ``read_csv``: a generated 1,000,000 × 6 CSV (numbers, text, dates) read by the
  ``files.read_csv`` node of a real worker — from ``set_input`` of its ``path`` to the table
  preview's ``value`` event at a WebSocket client — next to ``pandas.read_csv`` of the same file
  in this process, in the same run, and their ratio;
- ``page``: a sorted and filtered page of 50 rows of that table over HTTP
  (``GET /values/{uuid}/out?sort=…&filter=…&offset=…&limit=50``): the first (uncached) request on
  its own line, then p50 over requests at different offsets;
- ``launch``/``rss``: launch time (process start → ready handshake) and idle RSS of a worker
  with the data shelves (once ``get_library`` woke its engine and the shelves loaded), next to the same worker with the shelves of before (numbers, text,
  logic, collections, json, time: a launcher script written to a temporary folder stubs the
  other ``nodeweave.shelves`` modules out, so their code is not even imported, and
  registers only the six); the target is "unchanged": ± 1 MB, ± 5 %;
- ``plotly``: the preview of a 100,000-point ``plotly.express.scatter``, in bytes, as the worker
  sends it (``make_preview`` with the worker's default budgets).

Workers are real ``nodeweave worker run`` processes (helpers of bench/worker.py): a fresh
temporary ``FUNCNODES_CONFIG_DIR`` each, 127.0.0.1, stopped by pid; nothing is left on disk.
Every figure checks its result (row counts, sort order, the preview's shape).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import dataclasses
import gc
import json
import os
import statistics
import sys
import tempfile
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp
import orjson

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.report import Figure, Results, summary  # noqa: E402
from bench.worker import (  # noqa: E402
    BYTECODE_DIR,
    WORKER_ID,
    BenchError,
    Proc,
    idle_memory,
)
from nodeweave.client import Client  # noqa: E402
from nodeweave.state import read_token  # noqa: E402

ROWS = 1_000_000
PAGE = 50
CSV_NAME = "big.csv"
SORT = "x"
FILTERS = [
    {"column": "city", "op": "contains", "value": "an"},
    {"column": "n", "op": ">=", "value": 100},
]

FIGURES = [
    Figure("pandas_read", "pandas.read_csv alone, 1,000,000 × 6 CSV", "s"),
    Figure("node_read", "files.read_csv: set_input → table preview event", "s"),
    Figure("read_ratio", "  ratio node / pandas.read_csv", "×", 1.3),
    Figure("preview_table", "  of which: make_preview of that table (in this process)", "s"),
    Figure("page_first", "sorted + filtered page of 50 rows, first request (uncached)", "ms"),
    Figure("page_p50", "sorted + filtered page of 50 rows over HTTP, p50", "ms", 150),
    Figure("launch", "launch (process start → ready handshake), data shelves", "s", 0.8),
    Figure("launch_before", "launch, shelves of before (six)", "s", 0.8),
    Figure("launch_delta", "  launch change", "%", 5),
    Figure("rss", "idle RSS, data shelves, no data node used", "MB", 50),
    Figure("rss_before", "idle RSS, shelves of before (six)", "MB", 50),
    Figure("rss_delta", "  RSS change", "MB", 1),
    Figure("plotly_bytes", "preview of a 100,000-point plotly scatter", "bytes"),
]

# Runs ``nodeweave worker run`` the way ``python -m nodeweave`` does; with ``--before``, the
# shelves other than the six of before are stubbed out (their code never runs) and not listed;
# the shelves' private helpers (``_paths`` …) stay, since the worker itself uses them.
LAUNCHER = """
import importlib.abc, importlib.machinery, sys, types

BEFORE = ("numbers", "text", "logic", "collections", "json", "time")

class Stub(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    def find_spec(self, name, path, target=None):
        package, _, leaf = name.rpartition(".")
        if package == "nodeweave.shelves" and leaf not in BEFORE and not leaf.startswith("_"):
            return importlib.machinery.ModuleSpec(name, self)
        return None

    def create_module(self, spec):
        return types.ModuleType(spec.name)

    def exec_module(self, module):
        pass

if sys.argv[1] == "--before":
    sys.meta_path.insert(0, Stub())
    import nodeweave.shelves as shelves
    shelves._MODULES = tuple(name for name in shelves._MODULES if name in BEFORE)
    if len(shelves._MODULES) != len(BEFORE):
        raise SystemExit(f"expected the six shelves of before, got {shelves._MODULES}")

from nodeweave.cli import main

raise SystemExit(main(sys.argv[2:]))
"""


@dataclass(frozen=True)
class Plan:
    reads: int = 9
    pages: int = 40
    launches: int = 5


WARM_UP_READS = 2

QUICK = Plan(reads=1, pages=30, launches=2)


@dataclass
class DataWorker:
    proc: Proc
    state: Path
    token: str

    @property
    def files(self) -> Path:
        return self.state / "workers" / WORKER_ID / "files"

    @property
    def url(self) -> str:
        return self.proc.url

    @property
    def http(self) -> str:
        return self.proc.url.removeprefix("ws://").removesuffix("/ws")


@contextlib.asynccontextmanager
async def data_worker(
    root: Path, launcher: Path, *, before: bool = False
) -> AsyncIterator[DataWorker]:
    """A ready worker on the state dir ``root/state``; stopped by pid afterwards."""
    state = root / "state"
    (state / "workers" / WORKER_ID / "files").mkdir(parents=True, exist_ok=True)
    argv = [
        sys.executable,
        str(launcher),
        "--before" if before else "--now",
        "worker",
        "run",
        WORKER_ID,
        "--host",
        "127.0.0.1",
    ]
    proc = await Proc.start(
        argv, log=root / "worker.log", cwd=root, env={"FUNCNODES_CONFIG_DIR": str(state)}
    )
    try:
        await proc.ready()
        token = read_token(state)
        if token is None:
            raise BenchError(f"the worker wrote no token into {state}")
        yield DataWorker(proc, state, token)
    finally:
        await proc.stop()


# --- the table ---------------------------------------------------------------------------------


def write_csv(path: Path, rows: int) -> None:
    """rows × 6: id, x (float, some missing), n (int), name and city (text), when (dates)."""
    import numpy as np
    import pandas as pd

    rng = np.random.default_rng(11)
    cities = np.array(["Berlin", "Lisbon", "Santiago", "Osaka", "Nairobi", "Vancouver", "Oslo"])
    x = rng.normal(100, 30, rows).round(4)
    x[rng.random(rows) < 0.02] = np.nan
    frame = pd.DataFrame(
        {
            "id": np.arange(rows),
            "x": x,
            "n": rng.integers(0, 1000, rows),
            "name": pd.Series(rng.integers(0, 50_000, rows)).map("item {}".format),
            "city": cities[rng.integers(0, len(cities), rows)],
            "when": pd.Timestamp("2020-01-01")
            + pd.to_timedelta(rng.integers(0, 5 * 365 * 86400, rows), unit="s"),
        }
    )
    frame.to_csv(path, index=False, date_format="%Y-%m-%dT%H:%M:%S")


def pandas_read(path: Path) -> float:
    import pandas as pd

    gc.collect()
    t0 = time.perf_counter()
    table = pd.read_csv(path)
    dt = time.perf_counter() - t0
    if table.shape != (ROWS, 6):
        raise BenchError(f"pandas.read_csv: shape {table.shape}")
    del table
    gc.collect()
    return dt


def worker_budgets() -> tuple[int, int | None]:
    """The worker's default preview budgets: any value, and charts (if it has one)."""
    from nodeweave.worker.config import WorkerConfig

    defaults: dict[str, Any] = {f.name: f.default for f in dataclasses.fields(WorkerConfig)}
    chart = defaults.get("chart_preview_budget")
    return int(defaults["preview_budget"]), chart if isinstance(chart, int) else None


def preview_times(path: Path, runs: int) -> list[float]:
    """``make_preview`` of the table, with the worker's budget: what the node's event adds."""
    import pandas as pd

    from nodeweave.core.preview import make_preview

    budget, _ = worker_budgets()
    table = pd.read_csv(path)
    samples = []
    for _ in range(runs):
        t0 = time.perf_counter()
        preview = make_preview(table, budget)
        samples.append(time.perf_counter() - t0)
        if preview.get("kind") != "table":
            raise BenchError(f"make_preview: {str(preview)[:300]}")
    return samples


async def node_reads(w: DataWorker, plan: Plan) -> tuple[str, list[float]]:
    """Add a ``files.read_csv`` node; time ``set_input(path)`` → its table ``value`` event.

    The path alternates between two names of the same file (hard links), so each set is a
    change and a fresh read; the first two reads are a warm-up (the first imports pandas in the
    worker, and both size the process's heap for tables of this size).
    """
    names = [CSV_NAME, "big-again.csv"]
    os.link(w.files / CSV_NAME, w.files / names[1])
    samples = []
    async with await Client.connect(w.url, w.token) as client:
        uuid = (await client.call("add_node", node_id="files.read_csv"))["uuid"]
        for i in range(plan.reads + WARM_UP_READS):
            await asyncio.sleep(0.2)
            client.drain_events()
            t0 = time.perf_counter()
            reply = await client.send("set_input", uuid=uuid, io="path", value=names[i % 2])
            event = await client.next_event(
                "value", lambda d: d["uuid"] == uuid and d["io"] == "out", wait=60
            )
            dt = time.perf_counter() - t0
            if await reply != {"changed": True}:
                raise BenchError("read_csv: set_input did not report a change")
            preview = event["data"]["preview"]
            if preview.get("kind") != "table" or preview.get("shape") != [ROWS, 6]:
                raise BenchError(f"read_csv: unexpected preview {str(preview)[:300]}")
            if i >= WARM_UP_READS:
                samples.append(dt)
    return uuid, samples


async def pages(w: DataWorker, uuid: str, plan: Plan) -> Results:
    """The first sorted + filtered page (uncached), then ``plan.pages`` pages at other offsets."""
    headers = {"Authorization": f"Bearer {w.token}"}
    base = f"http://{w.http}/values/{uuid}/out"
    params = {"sort": SORT, "descending": "1", "filter": json.dumps(FILTERS), "limit": str(PAGE)}
    async with aiohttp.ClientSession(headers=headers) as session:

        async def page(offset: int) -> tuple[float, dict[str, Any]]:
            t0 = time.perf_counter()
            async with session.get(base, params={**params, "offset": str(offset)}) as resp:
                data = await resp.read()
                dt = time.perf_counter() - t0
                if resp.status != 200:
                    raise BenchError(f"page: HTTP {resp.status}: {data[:300]!r}")
            body: dict[str, Any] = orjson.loads(data)
            return dt * 1e3, body

        first, body = await page(0)
        total = body["total"]
        check_page(body, 0, total)
        if not 0 < total < ROWS:
            raise BenchError(f"page: the filter kept {total} of {ROWS} rows")
        step = max(1, (total - PAGE) // plan.pages)
        samples = []
        for i in range(1, plan.pages + 1):
            offset = i * step
            dt, body = await page(offset)
            check_page(body, offset, total)
            samples.append(dt)
    result = summary(samples)
    result["rows"] = total
    return {"page_first": summary([first]), "page_p50": result}


def check_page(body: dict[str, Any], offset: int, total: int) -> None:
    """The page holds the right rows: filtered, in descending ``x`` order."""
    columns = body["columns"]
    x, n, city = columns.index("x"), columns.index("n"), columns.index("city")
    rows = body["rows"]
    if body["total"] != total or body["offset"] != offset or len(rows) != min(PAGE, total - offset):
        raise BenchError(f"page at {offset}: {len(rows)} rows, total {body['total']}")
    if body["unfiltered"] != ROWS:
        raise BenchError(f"page: unfiltered {body['unfiltered']}")
    values = [r[x] for r in rows]
    numbers = [v for v in values if v is not None]
    if numbers != sorted(numbers, reverse=True) or None in values[: len(numbers)]:
        raise BenchError(f"page at {offset}: x is not in descending order: {values[:5]}…")
    if any(r[n] < 100 or "an" not in r[city].lower() for r in rows):
        raise BenchError(f"page at {offset}: a row does not pass the filter")


async def fig_table(plan: Plan, launcher: Path) -> Results:
    with tempfile.TemporaryDirectory(prefix="nodeweave-bench-data-") as tmp:
        root = Path(tmp)
        async with data_worker(root, launcher) as w:
            path = w.files / CSV_NAME
            print("  … writing the 1,000,000-row CSV", file=sys.stderr, flush=True)
            await asyncio.to_thread(write_csv, path, ROWS)
            print("  … read_csv", file=sys.stderr, flush=True)
            await asyncio.to_thread(pandas_read, path)  # warm-up: imports, the page cache
            pandas_times: list[float] = []
            # Interleaved: pandas, then the node, so both see the same machine load.
            for _ in range(plan.reads):
                pandas_times.append(await asyncio.to_thread(pandas_read, path))
            uuid, node_times = await node_reads(w, plan)
            for _ in range(plan.reads):
                pandas_times.append(await asyncio.to_thread(pandas_read, path))
            preview = await asyncio.to_thread(preview_times, path, plan.reads)
            print("  … pages", file=sys.stderr, flush=True)
            results = await pages(w, uuid, plan)
    results["pandas_read"] = summary(pandas_times)
    results["node_read"] = summary(node_times)
    results["preview_table"] = summary(preview)
    ratio = statistics.median(node_times) / statistics.median(pandas_times)
    results["read_ratio"] = {"median": ratio, "min": ratio, "max": ratio, "runs": 1}
    return results


async def fig_launch(plan: Plan, launcher: Path) -> Results:
    """Alternating launches of the two variants; one warm-up each, not counted."""
    samples: dict[bool, list[dict[str, float]]] = {False: [], True: []}
    for i in range(plan.launches + 1):
        for before in (False, True):
            with tempfile.TemporaryDirectory(prefix="nodeweave-bench-data-") as tmp:
                async with data_worker(Path(tmp), launcher, before=before) as w:
                    await check_shelves(w, before)  # get_library: the engine wakes with them
                    memory = await idle_memory(w.url, w.token, w.proc.pid)
                    if i:
                        samples[before].append({"launch": w.proc.ready_after, **memory})
    out: Results = {}
    for before, suffix in ((False, ""), (True, "_before")):
        out[f"launch{suffix}"] = summary([s["launch"] for s in samples[before]])
        out[f"rss{suffix}"] = summary([s["VmRSS"] for s in samples[before]])
    launch_now, launch_before = out["launch"]["median"], out["launch_before"]["median"]
    delta = 100 * (launch_now - launch_before) / launch_before
    out["launch_delta"] = {"median": delta, "min": delta, "max": delta, "runs": 1}
    rss_delta = out["rss"]["median"] - out["rss_before"]["median"]
    out["rss_delta"] = {"median": rss_delta, "min": rss_delta, "max": rss_delta, "runs": 1}
    return out


async def check_shelves(w: DataWorker, before: bool) -> None:
    async with await Client.connect(w.url, w.token) as client:
        library = await client.call("get_library")
    text = orjson.dumps(library).decode()
    if ("files.read_csv" in text) == before:
        raise BenchError(f"the {'before' if before else 'current'} worker's library is wrong")


def fig_plotly() -> Results:
    """Preview size of a 100,000-point scatter; absent if plotly previews are not there."""
    import numpy as np
    import pandas as pd
    import plotly.express as px

    from nodeweave.core.preview import make_preview

    budget, rich = worker_budgets()
    rng = np.random.default_rng(5)
    points = 100_000
    frame = pd.DataFrame({"a": rng.normal(size=points), "b": rng.normal(size=points)})
    figure = px.scatter(frame, x="a", y="b")
    t0 = time.perf_counter()
    preview = make_preview(figure, budget, rich_budget=rich)
    dt = time.perf_counter() - t0
    if preview.get("kind") != "plotly":
        return {}
    if preview.get("points") != points:
        raise BenchError(f"plotly: the preview counts {preview.get('points')} points")
    size = float(len(orjson.dumps(preview)))
    return {
        "plotly_bytes": {
            "median": size,
            "min": size,
            "max": size,
            "runs": 1,
            "shown": preview.get("shown", 0),
            "budget": rich or budget,
            "seconds": dt,
        }
    }


# --- output ------------------------------------------------------------------------------------


def measured(s: dict[str, float], unit: str) -> str:
    digits = {"s": 3, "ms": 1, "MB": 1, "×": 2, "%": 1, "bytes": 0}.get(unit, 1)
    if s["runs"] == 1:
        sign = "+" if unit in ("%", "MB") and s["median"] >= 0 else ""
        return f"{sign}{s['median']:,.{digits}f} {unit}"
    return (
        f"{s['median']:,.{digits}f} {unit} [{s['min']:,.{digits}f}, {s['max']:,.{digits}f}] "
        f"({int(s['runs'])} runs)"
    )


def print_results(results: Results, elapsed: float) -> None:
    print(
        f"nodeweave data benchmark — Python {sys.version.split()[0]}, {os.cpu_count()} CPUs; "
        f"median [min, max] ({elapsed:.0f} s)"
    )
    print(f"  {'figure':<62} {'measured':<36} target")
    missed = []
    for f in FIGURES:
        if f.key not in results:
            if f.key == "plotly_bytes":
                print(f"  {f.label:<62} {'n/a (no plotly preview kind)':<36} —")
            continue
        s = results[f.key]
        mark = ""
        target = "—"
        if f.target is not None:
            bounded = f.key.endswith("_delta")  # "unchanged": within ± target
            ok = abs(s["median"]) <= f.target if bounded else s["median"] <= f.target
            mark = "ok" if ok else "MISS"
            target = f"{'±' if bounded else '≤'} {f.target:g} {f.unit}"
            if not ok:
                missed.append(f.key)
        elif f.key == "plotly_bytes":
            target = f"≤ {int(s['budget']):,} bytes (chart budget)"
            mark = "ok" if s["median"] <= s["budget"] else "MISS"
        print(f"  {f.label:<62} {measured(s, f.unit):<36} {target:<14} {mark}")
    if "page_p50" in results:
        print(
            f"  (pages: sort {SORT} descending, filter {json.dumps(FILTERS)} → "
            f"{int(results['page_p50']['rows']):,} rows; offsets spread over them)"
        )
    if "plotly_bytes" in results:
        s = results["plotly_bytes"]
        print(
            f"  (plotly: {int(s['shown']):,} points shown; make_preview took {s['seconds']:.2f} s)"
        )
    print(
        "  (bench/worker.py targets for comparison: launch ≤ 0.8 s, idle RSS ≤ 50 MB, "
        "empty nodespace)"
    )
    if missed:
        print(f"  missed: {', '.join(missed)}")


async def main_async(plan: Plan) -> int:
    started = time.perf_counter()
    results: Results = {}
    with tempfile.TemporaryDirectory(prefix="nodeweave-bench-launcher-") as tmp:
        launcher = Path(tmp) / "launch_worker.py"
        launcher.write_text(LAUNCHER)
        results.update(await fig_table(plan, launcher))
        print("  … launch and idle RSS", file=sys.stderr, flush=True)
        results.update(await fig_launch(plan, launcher))
    print("  … plotly preview", file=sys.stderr, flush=True)
    results.update(await asyncio.to_thread(fig_plotly))
    print_results(results, time.perf_counter() - started)
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer runs (a smoke test)")
    args = parser.parse_args()
    try:
        return asyncio.run(main_async(QUICK if args.quick else Plan()))
    finally:
        BYTECODE_DIR.cleanup()


if __name__ == "__main__":
    raise SystemExit(main())
