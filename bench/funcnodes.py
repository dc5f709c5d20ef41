"""Benchmark of FuncNodes modules in nodeweave: prints figures (median [min, max]) next to targets.

    python -m bench.funcnodes                 # all figures (about a minute and a half)
    python -m bench.funcnodes --quick         # fewer runs: a smoke test
    python -m bench.funcnodes --json          # the same, as JSON
    python -m bench.funcnodes --only chain    # some figures (names: see --help)

- ``coverage``: the node classes of funcnodes-basic, -numpy, -pandas and -plotly (every class on
  each package's ``NODE_SHELF`` tree, once) that :func:`~nodeweave.funcnodes.bridge.convert_shelf`
  turns into nodeweave specs, per package; every node that did not load is listed with the reason
  from its ``problems``. Also the time ``convert_shelf`` takes for the four packages.
- ``chain``: a chain of 1000 FuncNodes ``add_node`` (funcnodes-basic; ``out`` → next ``a``, every
  ``b`` = 1), from changing the first node's ``a`` to the whole chain settled. nodeweave: a
  :class:`~nodeweave.NodeSpace` with the converted shelf, ``set_input`` → ``await settle()``.
  FuncNodes: funcnodes-core's own ``NodeSpace`` with the same 1000 node instances connected, in
  this process: ``inputs["a"].set_value`` → the last node's ``out`` holds the new value and its
  trigger has finished (no node is still in a trigger: checked). nodeweave and FuncNodes with
  its pretrigger delay at 0 alternate change by change (the speed-up is the median of the per-pair
  ratios); then the same FuncNodes chain with every node's ``pretrigger_delay`` back at the class
  default (10 ms), a few changes, compared with nodeweave's median. Every change is a new value
  and the last node's value is checked in both systems.
- ``overhead``: the same 1000-chain of the bridged ``add_node`` next to a chain of a native
  ``@node`` with the same body (``float(a) + float(b)``, sync, as FuncNodes' ``o_func`` is),
  alternating change by change; the ratio bridged / native is the median of the per-pair ratios.
- ``launch``: a real ``python -m nodeweave worker run`` (see bench/worker.py: a fresh temporary
  state directory as ``FUNCNODES_CONFIG_DIR``, 127.0.0.1, a bytecode cache in a temporary folder,
  stopped by pid) with ``NODEWEAVE_FUNCNODES=on``: from just before the exec to (a) its
  ``NODEWEAVE_READY`` line and (b) ``list_modules`` (through :class:`nodeweave.client.Client`,
  connected after ready, woken by ``module_loaded`` events) listing the four packages as loaded.
  One warm-up launch (fills the bytecode cache) is not counted.

This process imports funcnodes-core, which writes ``config.json`` and ``logs/`` into
``FUNCNODES_CONFIG_DIR``: it is pointed at a temporary directory (removed at the end) before the
first import, and ``FUNCNODES_DEFAULT_PRETRIGGER_DELAY`` is dropped so that "default" is the
shipped default. Wrong results raise (exit code 1); a missed target is printed as MISS and the
exit code stays 0, as in the other benches.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import gc
import importlib
import json
import logging
import os
import statistics
import sys
import tempfile
import time
import warnings
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

if __package__ in (None, ""):
    # Run as a file, its folder comes first on sys.path, where this file would shadow the
    # ``funcnodes`` package for anything that imports it: the repository root instead.
    sys.path.pop(0)
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.worker import (
    BYTECODE_DIR,
    BenchError,
    Figure,
    Results,
    fmt,
    start_worker,
    summary,
)
from nodeweave import NodeSpace, Shelf, node
from nodeweave.client import Client
from nodeweave.core.spec import spec_of
from nodeweave.funcnodes.bridge import convert_shelf, walk_classes

PACKAGES = ("funcnodes_basic", "funcnodes_numpy", "funcnodes_pandas", "funcnodes_plotly")
CHAIN_LENGTH = 1000
WARMUP = 2
FN_NODE_ID = "add_node"


@node(id="bench.native_add")
def native_add(a: float, b: float) -> float:
    """The body of funcnodes-basic's ``add_node``, as a native nodeweave node."""
    return float(a) + float(b)


@dataclass(frozen=True)
class Plan:
    convert_runs: int = 5
    chain_changes: int = 30
    default_changes: int = 3
    overhead_changes: int = 60
    launches: int = 7


QUICK = Plan(convert_runs=2, chain_changes=5, default_changes=1, overhead_changes=10, launches=2)

FIGURES: list[Figure] = [
    *(
        Figure(f"coverage_{p}", f"{p}: node classes loaded as specs", "%", 98, True)
        for p in PACKAGES
    ),
    Figure("convert", "convert_shelf of the four packages", "ms"),
    Figure("chain_nodeweave", "1000 × add_node chain, change → settled: nodeweave", "ms"),
    Figure("chain_fn0", "… FuncNodes, pretrigger delay 0 (alternating with nodeweave)", "ms"),
    Figure("chain_speedup", "… speed-up FuncNodes (delay 0) / nodeweave, per pair", "×", 10, True),
    Figure("chain_fn_default", "… FuncNodes at its default (10 ms pretrigger delay)", "s"),
    Figure("chain_speedup_default", "… speed-up FuncNodes (default) / nodeweave", "×", 10, True),
    Figure("overhead_bridged", "1000-chain change → settled: bridged add_node", "ms"),
    Figure("overhead_native", "… the same body as a native @node (alternating)", "ms"),
    Figure("overhead_ratio", "… bridged / native, per pair", "×", 1.5),
    Figure("launch_ready", "worker with the 4 packages: spawn → ready line", "s"),
    Figure("launch_loaded", "… spawn → list_modules has all 4 loaded", "s", 1.5),
]


# --- FuncNodes in this process -------------------------------------------------------------------


@contextlib.contextmanager
def quiet() -> Iterator[None]:
    """FuncNodes' progress bars write to stderr on a node's first (slow-flagged) runs."""
    with open(os.devnull, "w") as sink, contextlib.redirect_stderr(sink):
        yield


def import_funcnodes() -> dict[str, Any]:
    """funcnodes_core and the four packages (``FUNCNODES_CONFIG_DIR`` must be set already)."""
    if not os.environ.get("FUNCNODES_CONFIG_DIR"):
        raise BenchError("FUNCNODES_CONFIG_DIR must be set before funcnodes_core is imported")
    modules: dict[str, Any] = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # funcnodes-numpy warns about ports it cannot type
        # funcnodes_core sets up the "funcnodes" logger when imported: quieted after that, before
        # the packages log their own warnings at import
        modules["funcnodes_core"] = importlib.import_module("funcnodes_core")
        logging.getLogger("funcnodes").setLevel(logging.ERROR)
        for name in PACKAGES:
            modules[name] = importlib.import_module(name)
    logging.getLogger("funcnodes").setLevel(logging.ERROR)
    return modules


def fn_class(modules: dict[str, Any], node_id: str) -> Any:
    for cls in walk_classes(modules["funcnodes_basic"].NODE_SHELF):
        if cls.node_id == node_id:
            return cls
    raise BenchError(f"funcnodes_basic has no node {node_id!r}")


class FuncNodesChain:
    """``n`` instances of a FuncNodes ``a + b`` class in a funcnodes-core NodeSpace, chained."""

    def __init__(self, core: Any, cls: Any, n: int, pretrigger_delay: float) -> None:
        self.space = core.NodeSpace()
        self.nodes: list[Any] = []
        for _ in range(n):
            fn_node = cls(pretrigger_delay=pretrigger_delay)
            self.space.add_node_instance(fn_node)
            fn_node.inputs["b"].set_value(1)
            if self.nodes:
                self.nodes[-1].outputs["out"].connect(fn_node.inputs["a"])
            self.nodes.append(fn_node)
        self.last = self.nodes[-1]
        self.expected: float | None = None
        self.arrived = asyncio.Event()
        self.last.outputs["out"].on("after_set_value", self._value_set)

    def _value_set(self, **_: Any) -> None:
        if self.last.outputs["out"].value == self.expected:
            self.arrived.set()

    def set_delay(self, seconds: float | None) -> None:
        """Every node's pretrigger delay (``None``: the class default)."""
        for fn_node in self.nodes:
            fn_node.pretrigger_delay = seconds

    async def change(self, value: int, wait: float) -> float:
        """Seconds from setting the first ``a`` to the last value arrived and its run finished."""
        self.expected = float(value + len(self.nodes))
        self.arrived.clear()
        gc.collect()
        t0 = time.perf_counter()
        self.nodes[0].inputs["a"].set_value(value)
        try:
            async with asyncio.timeout(wait):
                await self.arrived.wait()
                await self.last.wait_for_trigger_finish()
        except TimeoutError:
            raise BenchError(
                f"FuncNodes chain: no {self.expected} at the end in {wait} s"
            ) from None
        dt = time.perf_counter() - t0
        got = self.last.outputs["out"].value
        if got != self.expected:
            raise BenchError(f"FuncNodes chain: last value {got!r}, expected {self.expected}")
        busy = [n for n in self.nodes if n.in_trigger]
        if busy:
            raise BenchError(f"FuncNodes chain: {len(busy)} nodes still in a trigger")
        return dt

    def cleanup(self) -> None:
        for fn_node in self.nodes:
            with contextlib.suppress(Exception):
                self.space.remove_node_instance(fn_node)


# --- nodeweave -------------------------------------------------------------------------------------


class NodeweaveChain:
    """``n`` nodes of ``node_id`` in a nodeweave NodeSpace, chained ``out`` → ``a``, ``b`` = 1."""

    def __init__(self, shelf: Shelf, node_id: str, n: int) -> None:
        self.space = NodeSpace()
        self.space.library.add_shelf(shelf)
        self.ids = [self.space.add_node(node_id, inputs={"a": 0, "b": 1})]
        for _ in range(n - 1):
            uuid = self.space.add_node(node_id, inputs={"b": 1})
            self.space.connect(self.ids[-1], "out", uuid, "a")
            self.ids.append(uuid)

    async def start(self) -> None:
        await self.space.settle()
        self.check(0)

    def check(self, value: int) -> None:
        got = self.space.get_value(self.ids[-1], "out")
        if got != value + len(self.ids):
            raise BenchError(
                f"nodeweave chain: last value {got!r}, expected {value + len(self.ids)}"
            )

    async def change(self, value: int) -> float:
        gc.collect()
        t0 = time.perf_counter()
        if not self.space.set_input(self.ids[0], "a", value):
            raise BenchError("nodeweave chain: set_input reported no change")
        await self.space.settle()
        dt = time.perf_counter() - t0
        self.check(value)
        return dt


def bridged_shelf(modules: dict[str, Any]) -> Shelf:
    shelf, _ = convert_shelf(modules["funcnodes_basic"].NODE_SHELF, "funcnodes_basic")
    return shelf


# --- the figures -------------------------------------------------------------------------------

Report = dict[str, Any]
"""Results (figures) plus what is printed under them: ``problems``, ``notes``."""


async def fig_coverage(plan: Plan, modules: dict[str, Any]) -> Report:
    results: Results = {}
    problems: list[str] = []
    notes: list[str] = []
    for name in PACKAGES:
        fn_shelf = modules[name].NODE_SHELF
        ids = {str(cls.node_id) for cls in walk_classes(fn_shelf)}
        shelf, found = convert_shelf(fn_shelf, name)
        loaded = {spec.id for spec in shelf.specs()} & ids
        pct = 100.0 * len(loaded) / len(ids)
        results[f"coverage_{name}"] = {"median": pct, "min": pct, "max": pct, "runs": 1}
        notes.append(f"{name}: {len(loaded)} of {len(ids)} node classes loaded")
        reasons = {p.node_id: p.reason for p in found}
        for node_id in sorted(ids - loaded):
            reason = reasons.get(node_id, "(not loaded, and not in the problems list)")
            problems.append(f"{name}: {node_id!r}: {reason}")
    samples = []
    for _ in range(plan.convert_runs):
        gc.collect()
        t0 = time.perf_counter()
        for name in PACKAGES:
            convert_shelf(modules[name].NODE_SHELF, name)
        samples.append((time.perf_counter() - t0) * 1e3)
    results["convert"] = summary(samples)
    return {"results": results, "problems": problems, "notes": notes}


async def fig_chain(plan: Plan, modules: dict[str, Any]) -> Report:
    core = modules["funcnodes_core"]
    cls = fn_class(modules, FN_NODE_ID)
    default_delay = float(cls.default_pretrigger_delay)
    ours = NodeweaveChain(bridged_shelf(modules), FN_NODE_ID, CHAIN_LENGTH)
    await ours.start()
    with quiet():
        theirs = FuncNodesChain(core, cls, CHAIN_LENGTH, pretrigger_delay=0.0)
        try:
            await theirs.change(0, wait=60)  # the first run of every node (and its progress bar)
            nw: list[float] = []
            fn0: list[float] = []
            ratios: list[float] = []
            for i in range(1, WARMUP + plan.chain_changes + 1):
                a = await ours.change(i)
                b = await theirs.change(i, wait=60)
                if i > WARMUP:
                    nw.append(a * 1e3)
                    fn0.append(b * 1e3)
                    ratios.append(b / a)
            theirs.set_delay(None)  # back to the class default
            delays = {float(n.pretrigger_delay) for n in theirs.nodes}
            if delays != {default_delay}:
                raise BenchError(f"FuncNodes chain: pretrigger delays {delays}, not the default")
            slow = [
                await theirs.change(10_000 + i, wait=CHAIN_LENGTH * default_delay * 10)
                for i in range(plan.default_changes)
            ]
        finally:
            theirs.cleanup()
    nw_median = statistics.median(nw)
    speedup_default = statistics.median(slow) * 1e3 / nw_median
    return {
        "results": {
            "chain_nodeweave": summary(nw),
            "chain_fn0": summary(fn0),
            "chain_speedup": summary(ratios),
            "chain_fn_default": summary(slow),
            "chain_speedup_default": {
                "median": speedup_default,
                "min": speedup_default,
                "max": speedup_default,
                "runs": 1,
            },
        },
        "notes": [
            f"FuncNodes' default pretrigger delay here: {default_delay * 1e3:g} ms per node; "
            "the default figure is the same chain with every node's delay set back to it"
        ],
    }


async def fig_overhead(plan: Plan, modules: dict[str, Any]) -> Report:
    bridged = NodeweaveChain(bridged_shelf(modules), FN_NODE_ID, CHAIN_LENGTH)
    native = NodeweaveChain(
        Shelf(name="bench", nodes=[native_add]), spec_of(native_add).id, CHAIN_LENGTH
    )
    executors = {
        "bridged": bridged.space.library.get(FN_NODE_ID).executor,
        "native": spec_of(native_add).executor,
    }
    await bridged.start()
    await native.start()
    b_times: list[float] = []
    n_times: list[float] = []
    ratios: list[float] = []
    for i in range(1, WARMUP + plan.overhead_changes + 1):
        b = await bridged.change(i)
        n = await native.change(i)
        if i > WARMUP:
            b_times.append(b * 1e3)
            n_times.append(n * 1e3)
            ratios.append(b / n)
    return {
        "results": {
            "overhead_bridged": summary(b_times),
            "overhead_native": summary(n_times),
            "overhead_ratio": summary(ratios),
        },
        "notes": [
            f"executors: bridged add_node {executors['bridged']!r}, "
            f"native @node {executors['native']!r}"
        ],
    }


async def all_loaded(client: Client, wait: float = 60.0) -> dict[str, dict[str, Any]]:
    """``list_modules`` once the four packages are in it, loaded (woken by module events)."""
    try:
        async with asyncio.timeout(wait):
            while True:
                listed = {m["name"]: m for m in await client.call("list_modules")}
                mine = {name: listed[name] for name in PACKAGES if name in listed}
                failed = [m for m in mine.values() if m.get("status") == "failed"]
                if failed:
                    raise BenchError(f"launch: modules failed to load: {failed}")
                if len(mine) == len(PACKAGES) and all(
                    m.get("status") == "loaded" for m in mine.values()
                ):
                    return mine
                await client.next_event("module_loaded", wait=wait)
    except TimeoutError:
        raise BenchError(f"launch: the four packages were not loaded within {wait} s") from None


async def fig_launch(plan: Plan, modules: dict[str, Any]) -> Report:
    ready: list[float] = []
    loaded: list[float] = []
    counts: dict[str, int] = {}
    for run in range(plan.launches + 1):
        with tempfile.TemporaryDirectory(prefix="nodeweave-bench-fn-") as tmp:
            w = await start_worker(Path(tmp), env={"NODEWEAVE_FUNCNODES": "on"})
            try:
                async with await Client.connect(w.url, w.token) as client:
                    listed = await all_loaded(client)
                    took = time.perf_counter() - w.proc.started
            finally:
                await w.proc.stop()
        counts = {name: len(m.get("node_ids") or ()) for name, m in listed.items()}
        if run:  # the first launch fills the bytecode cache: a warm-up
            ready.append(w.proc.ready_after)
            loaded.append(took)
    return {
        "results": {"launch_ready": summary(ready), "launch_loaded": summary(loaded)},
        "notes": [
            "nodes listed by the worker: " + ", ".join(f"{k} {v}" for k, v in counts.items())
        ],
    }


RUNNERS: dict[str, Callable[[Plan, dict[str, Any]], Awaitable[Report]]] = {
    "coverage": fig_coverage,
    "chain": fig_chain,
    "overhead": fig_overhead,
    "launch": fig_launch,
}


async def main_async(plan: Plan, only: list[str], as_json: bool) -> int:
    started = time.perf_counter()
    modules = import_funcnodes()
    results: Results = {}
    problems: list[str] = []
    notes: list[str] = []
    for name in only:
        if not as_json:
            print(f"  … {name}", file=sys.stderr, flush=True)
        report = await RUNNERS[name](plan, modules)
        results.update(report["results"])
        problems.extend(report.get("problems", []))
        notes.extend(report.get("notes", []))
    elapsed = time.perf_counter() - started
    versions = {name: _version(name.replace("_", "-")) for name in ("funcnodes_core", *PACKAGES)}
    misses = [
        f.key for f in FIGURES if f.key in results and f.met(results[f.key]["median"]) is False
    ]
    if as_json:
        out = {
            "header": {
                "python": sys.version.split()[0],
                "cpus": os.cpu_count(),
                "versions": versions,
                "seconds": round(elapsed, 1),
            },
            "figures": {
                f.key: {
                    **results[f.key],
                    "unit": f.unit,
                    "target": f.target,
                    "higher_is_better": f.higher_is_better,
                    "met": f.met(results[f.key]["median"]),
                }
                for f in FIGURES
                if f.key in results
            },
            "not_loaded": problems,
            "notes": notes,
        }
        print(json.dumps(out, indent=2))
        return 0
    print(
        f"nodeweave FuncNodes benchmark — Python {sys.version.split()[0]}, {os.cpu_count()} CPUs; "
        f"median [min, max] ({elapsed:.0f} s)"
    )
    print("  " + ", ".join(f"{k.replace('_', '-')} {v}" for k, v in versions.items()))
    for f in FIGURES:
        if f.key not in results:
            continue
        s = results[f.key]
        met = f.met(s["median"])
        mark = "" if met is None else ("ok" if met else "MISS")
        print(f"  {f.label:<62} {fmt(s, f.unit):<36} target {f.target_text():<8} {mark}")
    for note in notes:
        print(f"  ({note})")
    if "coverage" in only:
        print(f"  nodes that did not load ({len(problems)}):")
        for problem in problems:
            print(f"    {problem}")
    if misses:
        print(f"  missed: {', '.join(misses)}")
    return 0


def _version(distribution: str) -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(distribution)
    except PackageNotFoundError:
        return "?"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer runs (a smoke test)")
    parser.add_argument("--json", action="store_true")
    parser.add_argument(
        "--only", nargs="+", choices=list(RUNNERS), metavar="NAME", help=f"of {', '.join(RUNNERS)}"
    )
    args = parser.parse_args()
    plan = QUICK if args.quick else Plan()
    # Importing funcnodes_core writes config.json and logs/ into FUNCNODES_CONFIG_DIR (by default
    # ~/.funcnodes): a temporary one, set before the first import, removed at the end.
    config_dir = tempfile.TemporaryDirectory(prefix="nodeweave-bench-fnconfig-")
    os.environ["FUNCNODES_CONFIG_DIR"] = config_dir.name
    os.environ.pop("FUNCNODES_DEFAULT_PRETRIGGER_DELAY", None)
    try:
        return asyncio.run(main_async(plan, args.only or list(RUNNERS), args.json))
    finally:
        logging.shutdown()  # closes FuncNodes' log files before their folder goes
        config_dir.cleanup()
        BYTECODE_DIR.cleanup()


if __name__ == "__main__":
    raise SystemExit(main())
