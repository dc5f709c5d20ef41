"""Benchmark of the worker process: prints figures (median [min, max] over repeated runs).

    python bench/worker.py                  # all figures (about 2 minutes)
    python bench/worker.py --quick          # fewer runs: a smoke test
    python bench/worker.py --json           # the same, as JSON
    python bench/worker.py --only rtt chain # some figures (names: see --help)
    python bench/worker.py --only bundle    # export/import of a 1,000-node bundle, a preset
    python bench/worker.py --only restart   # a restart served from the result cache

Every figure runs real ``python -m nodeweave worker run bench`` processes, each in a fresh
temporary state directory (``FUNCNODES_CONFIG_DIR`` is set in the child's environment only),
bound to 127.0.0.1, stopped by pid (SIGTERM, SIGKILL after a timeout, always reaped); nothing is
left on disk. Every run checks its result, so a fast wrong answer cannot pass: the ping replies,
the chain's last value, the reloaded node's value, the edit in the saved ``nodespace.json``.

Clients: round trips and throughput are measured with a lean raw aiohttp loop (pre-encoded
frames, one ``ws.receive()`` per reply, no futures or event queue), so that the server is what is
measured; the same round trip through :class:`nodeweave.client.Client` is printed next to it, as
are the same loops against a minimal aiohttp WebSocket server (``floor``: what the transport
alone costs on this machine). The chain, reload and shutdown figures use
:class:`nodeweave.client.Client`, whose per-event cost (one ``orjson.loads`` and a queue hop) is
small next to the figures' targets.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import gc
import itertools
import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp
import orjson

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from nodeweave.client import Client
from nodeweave.state import read_token

THIS_FILE = Path(__file__).resolve()
ROOT = THIS_FILE.parent.parent

READY = "NODEWEAVE_READY "
BYTECODE_DIR = tempfile.TemporaryDirectory(prefix="nodeweave-bench-pycache-")
WORKER_ID = "bench"
CHAIN_LENGTH = 10

CHAIN_MODULE = '''"""Nodes for bench/worker.py."""
from nodeweave import node


@node(id="bench.add1")
def add1(a: int) -> int:
    return a + 1
'''

RELOAD_MODULE = '''"""A node module that bench/worker.py rewrites."""
from nodeweave import node


@node(id="bench.f")
def f(a: int) -> int:
    return a + {k}
'''


# --- the restart section: a graph whose nodes took 2 s in all, back from the result cache ---------

RESTART_NODES = 10
RESTART_SECONDS = 0.2
RESTART_MODULE = f'''"""Slow nodes for bench/worker.py's restart figure."""
import os
import time

from nodeweave import node


@node(id="bench.heavy", executor="thread")
def heavy(seed: int, upstream: list[int] | None = None) -> list[int]:
    time.sleep({RESTART_SECONDS})
    with open(os.environ["BENCH_RUNS_FILE"], "a") as fh:
        fh.write("run\\n")
    base = upstream[-1] if upstream else seed
    return list(range(base, base + 20000))


@node(id="bench.tail", cache=True)
def tail(values: list[int]) -> int:
    return values[-1]
'''


# --- the bundle section: a 1,000-node workflow of two modules, exported, imported, a preset ------

LATTICE_CHAINS = 50
LATTICE_LENGTH = 20
PRESET_AT = 6
"""The preset sets input ``b`` of each chain's node at this position (a ``bench.cadd``)."""
CROSS_AT = 10
"""Each chain's node here (but the first chain's) takes ``b`` from the chain before, node 9."""

COUNT_ADD_MODULE = '''"""Counting add node for bench/worker.py: its second output counts its runs per node."""
from collections import Counter

from nodeweave import NodeContext, node

RUNS: Counter[str] = Counter()


@node(id="bench.cadd", outputs=["out", "runs"])
def cadd(a: int, b: int, ctx: NodeContext) -> tuple[int, int]:
    RUNS[ctx.node] += 1
    return a + b, RUNS[ctx.node]
'''

COUNT_SCALE_MODULE = '''"""Counting scale node for bench/worker.py: its second output counts its runs per node."""
from collections import Counter

from nodeweave import NodeContext, node

RUNS: Counter[str] = Counter()


@node(id="bench.cscale", outputs=["out", "runs"])
def cscale(x: int, factor: int, ctx: NodeContext) -> tuple[int, int]:
    RUNS[ctx.node] += 1
    return x * factor, RUNS[ctx.node]
'''

LATTICE_MODULES = {"benchcadd.py": COUNT_ADD_MODULE, "benchcscale.py": COUNT_SCALE_MODULE}


class BenchError(AssertionError):
    """A figure got a wrong result, or a process misbehaved."""


# --- statistics and output -------------------------------------------------------------------


def summary(samples: list[float]) -> dict[str, float]:
    return {
        "median": statistics.median(samples),
        "min": min(samples),
        "max": max(samples),
        "runs": len(samples),
    }


def percentile(samples: list[float], p: int) -> float:
    """The p-th percentile (1…99), interpolated."""
    return statistics.quantiles(samples, n=100, method="inclusive")[p - 1]


@dataclass(frozen=True)
class Figure:
    key: str
    label: str
    unit: str
    target: float | None = None
    higher_is_better: bool = False
    exact: bool = False
    """The target is a count the figure must equal."""

    def target_text(self) -> str:
        if self.target is None:
            return "—"
        sign = "=" if self.exact else "≥" if self.higher_is_better else "≤"
        return f"{sign} {self.target:,g} {self.unit}"

    def met(self, value: float) -> bool | None:
        if self.target is None:
            return None
        if self.exact:
            return value == self.target
        return value >= self.target if self.higher_is_better else value <= self.target


FIGURES: list[Figure] = [
    Figure("launch", "launch `worker run` → ready line read (cold)", "s", 0.6),
    Figure("sigterm_stop", "SIGTERM → exit (empty nodespace)", "s"),
    Figure("rtt_p50", "ping round trip p50 (raw loop, median of reps)", "ms", 0.25),
    Figure("rtt_p99", "ping round trip p99 (raw loop, median of reps)", "ms", 1.0),
    Figure("rtt_client_p50", "ping round trip p50 via nodeweave.client.Client", "ms"),
    Figure("rtt_client_p99", "ping round trip p99 via nodeweave.client.Client", "ms"),
    Figure("pipelined", "pipelined pings on one connection (raw loop)", "cmd/s", 20000, True),
    Figure("chain", f"{CHAIN_LENGTH}-node chain: set_input → last value event", "ms", 2.0),
    Figure("rss", "idle RSS, a new worker at rest (+ 0.5 s + 1 ping)", "MB", 50),
    Figure("rss_anon", "  of which RssAnon (private; the rest is shared libraries)", "MB"),
    Figure("rss_floor", "  floor: aiohttp WS server + pydantic, watchfiles in use", "MB"),
    Figure("rss_awake", "  the same once get_state woke its engine (built-in shelves)", "MB"),
    Figure("rss_deferred", "  FuncNodes modules installed, not needed yet (deferred), awake", "MB"),
    Figure("rss_funcnodes", "  the same once get_library has loaded them", "MB"),
    Figure("rss_cached", "  next start: get_library answered from the library cache", "MB"),
    Figure("rss_part_worker", "  above the floor (RssAnon): the worker at rest", "MB"),
    Figure("rss_part_engine", "  … then its engine, woken (argument models included)", "MB"),
    Figure("rss_part_shelves", "  … then the built-in shelves (their node specs)", "MB"),
    Figure("library_load", "get_library, FuncNodes modules deferred, no cache (loads)", "s"),
    Figure("library_cached", "get_library, FuncNodes modules deferred, from the cache", "s"),
    Figure("reload", "save module file → value event of the new code", "s", 0.5),
    Figure("shutdown", "`shutdown` command → process exit (after an edit)", "s", 0.3),
    Figure("export_cli", "export 1,000 nodes → .nwflow: `nodeweave export` process", "s", 0.5),
    Figure("export_inproc", "  in process: of_worker + bundles.write + write file", "s", 0.5),
    Figure("import_cli", "import .nwflow → worker folder: `nodeweave import` process", "s", 0.5),
    Figure("import_inproc", "  in process: bundles.read + create_worker", "s", 0.5),
    Figure("cli_floor", "  floor: `python -m nodeweave --help` process", "s"),
    Figure("preset_settle", "50-input preset: apply_preset → every affected node done", "ms"),
    Figure(
        "preset_runs",
        "  node executions per apply (affected nodes: the target)",
        "runs",
        float(LATTICE_CHAINS * (LATTICE_LENGTH - PRESET_AT)),
        exact=True,
    ),
    Figure(
        "restart_cached",
        f"restart, {RESTART_NODES} nodes of {RESTART_SECONDS} s: ready → all values back",
        "s",
        0.5,
    ),
    Figure("restart_cached_runs", "  node executions during that restart", "runs", 0.0, exact=True),
    Figure("restart_cached_spawn", "  the same from spawn (process start included)", "s"),
    Figure("restart_uncached", "  the same restart with the result cache off", "s"),
    Figure("restart_floor", "  floor: ready → modules loaded, empty graph", "s"),
    Figure("floor_rtt_p50", "floor: minimal aiohttp WS server, ping p50", "ms"),
    Figure("floor_rtt_p99", "floor: minimal aiohttp WS server, ping p99", "ms"),
    Figure("floor_pipelined", "floor: minimal aiohttp WS server, pipelined", "cmd/s", None, True),
    Figure("floor_rss", "floor: minimal aiohttp WS server, idle RSS", "MB"),
    Figure("floor_rss_anon", "floor: minimal aiohttp WS server, idle RssAnon", "MB"),
    Figure("floor_libs_rss", "floor: the same + pydantic, watchfiles in use, idle RSS", "MB"),
]


def fmt(s: dict[str, float], unit: str) -> str:
    if unit in ("cmd/s", "runs"):
        return (
            f"{s['median']:,.0f} {unit} [{s['min']:,.0f}, {s['max']:,.0f}] ({int(s['runs'])} runs)"
        )
    digits = 3 if unit in ("ms", "s") else 1
    return (
        f"{s['median']:.{digits}f} {unit} [{s['min']:.{digits}f}, {s['max']:.{digits}f}] "
        f"({int(s['runs'])} runs)"
    )


# --- processes -------------------------------------------------------------------------------


def child_env(env: dict[str, str]) -> dict[str, str]:
    full_env = {**os.environ, **env}
    # Run workers as an installed nodeweave runs (pip compiles bytecode at install): with a
    # bytecode cache, kept in a temporary folder of this run, not next to the sources.
    full_env.pop("PYTHONDONTWRITEBYTECODE", None)
    full_env["PYTHONPYCACHEPREFIX"] = BYTECODE_DIR.name
    # This checkout's code, whatever is installed (as bench/core.py does for itself).
    full_env["PYTHONPATH"] = os.pathsep.join(
        p for p in (str(ROOT), os.environ.get("PYTHONPATH", "")) if p
    )
    return full_env


class Proc:
    """A child that prints a ``NODEWEAVE_READY {json}`` line when it serves; always reaped."""

    def __init__(self, proc: asyncio.subprocess.Process, log: Path, started: float) -> None:
        self.proc = proc
        self.log = log
        self.started = started
        self.info: dict[str, Any] = {}
        self.ready_after = 0.0
        """Seconds from just before the exec to the ready line read."""

    @classmethod
    async def start(cls, argv: list[str], *, log: Path, cwd: Path, env: dict[str, str]) -> Proc:
        full_env = child_env(env)
        with log.open("ab") as err:
            started = time.perf_counter()
            proc = await asyncio.create_subprocess_exec(
                *argv,
                stdin=asyncio.subprocess.DEVNULL,
                stdout=asyncio.subprocess.PIPE,
                stderr=err,
                env=full_env,
                cwd=cwd,
            )
        return cls(proc, log, started)

    @property
    def pid(self) -> int:
        return self.proc.pid

    @property
    def url(self) -> str:
        return str(self.info["url"])

    def log_tail(self, lines: int = 30) -> str:
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no log)"

    async def ready(self, wait: float = 30.0) -> dict[str, Any]:
        assert self.proc.stdout is not None
        try:
            async with asyncio.timeout(wait):
                while True:
                    line = await self.proc.stdout.readline()
                    if not line:
                        await self.proc.wait()
                        raise BenchError(
                            f"pid {self.pid} exited ({self.proc.returncode}) before ready:\n"
                            + self.log_tail()
                        )
                    text = line.decode()
                    if text.startswith(READY):
                        self.ready_after = time.perf_counter() - self.started
                        self.info = orjson.loads(text[len(READY) :])
                        break
        except TimeoutError:
            raise BenchError(f"pid {self.pid} not ready in {wait} s:\n{self.log_tail()}") from None
        if self.info.get("pid") != self.pid:
            raise BenchError(f"handshake pid {self.info.get('pid')} is not the child {self.pid}")
        return self.info

    async def wait_exit(self, wait: float = 10.0) -> int:
        async with asyncio.timeout(wait):
            return await self.proc.wait()

    async def stop(self, wait: float = 10.0) -> None:
        """SIGTERM, then SIGKILL if it is still there after ``wait`` seconds; always reaped."""
        if self.proc.returncode is None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.pid, signal.SIGTERM)
            try:
                await self.wait_exit(wait)
            except TimeoutError:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(self.pid, signal.SIGKILL)
        await self.proc.wait()


@dataclass
class RunningWorker:
    proc: Proc
    state: Path
    token: str

    @property
    def directory(self) -> Path:
        return self.state / "workers" / WORKER_ID

    @property
    def url(self) -> str:
        return self.proc.url


async def start_worker(
    root: Path, modules: dict[str, str] | None = None, env: dict[str, str] | None = None
) -> RunningWorker:
    """``python -m nodeweave worker run bench`` on the state dir ``root/state``; ready."""
    state = root / "state"
    mdir = state / "workers" / WORKER_ID / "modules"
    mdir.mkdir(parents=True, exist_ok=True)
    for name, text in (modules or {}).items():
        (mdir / name).write_text(text)
    argv = [sys.executable, "-m", "nodeweave", "worker", "run", WORKER_ID, "--host", "127.0.0.1"]
    proc = await Proc.start(
        argv,
        log=root / "worker.log",
        cwd=root,
        env={"FUNCNODES_CONFIG_DIR": str(state), **(env or {})},
    )
    try:
        await proc.ready()
        token = read_token(state)
        if token is None:
            raise BenchError(f"the worker wrote no token into {state}")
    except BaseException:
        await proc.stop()
        raise
    return RunningWorker(proc, state, token)


@contextlib.asynccontextmanager
async def worker(
    modules: dict[str, str] | None = None, env: dict[str, str] | None = None
) -> AsyncIterator[RunningWorker]:
    """A ready worker in a fresh temporary state dir; stopped and removed afterwards."""
    with tempfile.TemporaryDirectory(prefix="nodeweave-bench-") as tmp:
        w = await start_worker(Path(tmp), modules, env)
        try:
            yield w
        finally:
            await w.proc.stop()


# The floor: an aiohttp WebSocket server that answers every frame at once, as the worker answers
# ``ping`` — parse, reply — without dispatch, validation or an outbox. Run with ``python -c`` so
# that it imports only asyncio, aiohttp and orjson (not nodeweave): its RSS is the floor too.
FLOOR_SERVER = """
import asyncio, json, os, signal
import orjson
from aiohttp import WSMsgType, web

async def ws_handler(request):
    ws = web.WebSocketResponse(compress=False, autoping=True)
    await ws.prepare(request)
    async for msg in ws:
        if msg.type is WSMsgType.TEXT:
            rid = orjson.loads(msg.data)["id"]
            reply = orjson.dumps({"type": "result", "id": rid, "result": {"pong": True}})
            await ws.send_frame(reply, WSMsgType.TEXT)
    return ws

async def serve():
    app = web.Application()
    app.router.add_get("/ws", ws_handler)
    runner = web.AppRunner(app, handle_signals=False, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    port = int(runner.addresses[0][1])
    stop = asyncio.Event()
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
    info = {"pid": os.getpid(), "port": port, "url": f"ws://127.0.0.1:{port}/ws"}
    print("NODEWEAVE_READY " + json.dumps(info), flush=True)
    await stop.wait()
    await runner.cleanup()

asyncio.run(serve())
"""


# The worker's other libraries, in use: what any worker built on them pays before its own code.
LIBRARIES_PRELUDE = """
import argparse, importlib.metadata, watchfiles
from pydantic import BaseModel, TypeAdapter

class Model(BaseModel):
    a: int

TypeAdapter(list[int]).json_schema()
"""


@contextlib.asynccontextmanager
async def floor_server(libraries: bool = False) -> AsyncIterator[Proc]:
    with tempfile.TemporaryDirectory(prefix="nodeweave-bench-floor-") as tmp:
        root = Path(tmp)
        proc = await Proc.start(
            [sys.executable, "-c", (LIBRARIES_PRELUDE if libraries else "") + FLOOR_SERVER],
            log=root / "floor.log",
            cwd=root,
            env={},
        )
        try:
            await proc.ready()
            yield proc
        finally:
            await proc.stop()


# --- a lean raw client -----------------------------------------------------------------------


class Raw:
    """A bare aiohttp WebSocket: pre-encoded frames, replies read in line, events skipped."""

    def __init__(self, session: aiohttp.ClientSession, ws: aiohttp.ClientWebSocketResponse) -> None:
        self.session = session
        self.ws = ws
        self.next_id = 1

    @classmethod
    async def connect(cls, url: str, token: str | None) -> Raw:
        session = aiohttp.ClientSession()
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        try:
            ws = await session.ws_connect(url, headers=headers, compress=0, autoping=True)
        except BaseException:
            await session.close()
            raise
        return cls(session, ws)

    async def close(self) -> None:
        with contextlib.suppress(Exception):
            async with asyncio.timeout(5):
                await self.ws.close()
        await self.session.close()

    def ping_frames(self, n: int) -> tuple[int, list[str]]:
        first = self.next_id
        self.next_id += n
        return first, [
            orjson.dumps({"type": "cmd", "id": first + i, "cmd": "ping", "kwargs": {}}).decode()
            for i in range(n)
        ]

    async def reply(self) -> dict[str, Any]:
        """The next reply frame (events before it are skipped)."""
        while True:
            msg = await self.ws.receive()
            if msg.type is not aiohttp.WSMsgType.TEXT:
                raise BenchError(f"expected a text frame, got {msg.type!r} ({msg.data!r})")
            data: dict[str, Any] = orjson.loads(msg.data)
            if data.get("type") != "event":
                return data


def check_pong(reply: dict[str, Any], rid: int) -> None:
    if reply.get("type") != "result" or reply.get("id") != rid or reply["result"] != {"pong": True}:
        raise BenchError(f"ping {rid}: unexpected reply {reply!r}")


async def raw_round_trips(raw: Raw, n: int) -> list[float]:
    """``n`` sequential pings; the round trip of each, in ms."""
    first, frames = raw.ping_frames(n)
    samples = [0.0] * n
    send, reply, clock = raw.ws.send_str, raw.reply, time.perf_counter
    replies: list[dict[str, Any]] = [{}] * n
    for i, frame in enumerate(frames):
        t0 = clock()
        await send(frame)
        replies[i] = await reply()
        samples[i] = clock() - t0
    for i, r in enumerate(replies):
        check_pong(r, first + i)
    return [s * 1e3 for s in samples]


async def client_round_trips(client: Client, n: int) -> list[float]:
    samples = [0.0] * n
    clock = time.perf_counter
    for i in range(n):
        t0 = clock()
        result = await client.call("ping")
        samples[i] = clock() - t0
        if result != {"pong": True}:
            raise BenchError(f"ping: unexpected result {result!r}")
    return [s * 1e3 for s in samples]


async def raw_pipelined(raw: Raw, n: int) -> float:
    """Send ``n`` pings without waiting, read all replies; commands per second.

    A reader task runs while the frames are sent: the worker stops reading a client that lets
    too many replies queue up (backpressure), so a client that only sent would deadlock.
    """
    first, frames = raw.ping_frames(n)

    async def read_all() -> float:
        ids = 0
        for _ in range(n):
            r = await raw.reply()
            if r.get("type") != "result" or r["result"] != {"pong": True}:
                raise BenchError(f"pipelined ping: unexpected reply {r!r}")
            ids += r["id"]
        if ids != sum(range(first, first + n)):
            raise BenchError("pipelined pings: the reply ids do not match the requests")
        return time.perf_counter()

    send = raw.ws.send_str
    t0 = time.perf_counter()
    reader = asyncio.create_task(read_all())
    try:
        for frame in frames:
            await send(frame)
        async with asyncio.timeout(120):
            t_end = await reader
    finally:
        reader.cancel()
    return n / (t_end - t0)


# --- the figures -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Plan:
    launches: int = 15
    rtt_reps: int = 5
    rtt_calls: int = 5000
    client_reps: int = 3
    pipelined_reps: int = 5
    pipelined_n: int = 20000
    chain_changes: int = 300
    rss_runs: int = 5
    reloads: int = 20
    shutdowns: int = 10
    bundle_runs: int = 10
    preset_applies: int = 10
    restarts: int = 7


QUICK = Plan(
    launches=3,
    rtt_reps=2,
    rtt_calls=1000,
    client_reps=1,
    pipelined_reps=2,
    pipelined_n=20000,
    chain_changes=50,
    rss_runs=2,
    reloads=5,
    shutdowns=3,
    bundle_runs=3,
    preset_applies=3,
    restarts=2,
)

Results = dict[str, dict[str, float]]


async def fig_launch(plan: Plan) -> Results:
    """A fresh process and state dir per run; one warm-up run (disk cache) not counted."""
    launch, stop = [], []
    for i in range(plan.launches + 1):
        with tempfile.TemporaryDirectory(prefix="nodeweave-bench-") as tmp:
            w = await start_worker(Path(tmp))
            try:
                # The handshake promises it answers at once.
                raw = await Raw.connect(w.url, w.token)
                try:
                    first, (frame,) = raw.ping_frames(1)
                    await raw.ws.send_str(frame)
                    check_pong(await raw.reply(), first)
                finally:
                    await raw.close()
                t0 = time.perf_counter()
                os.kill(w.proc.pid, signal.SIGTERM)
                code = await w.proc.wait_exit()
                stopped = time.perf_counter() - t0
                if code != 0:
                    raise BenchError(f"SIGTERM: exit code {code}:\n{w.proc.log_tail()}")
            finally:
                await w.proc.stop()
        if i:
            launch.append(w.proc.ready_after)
            stop.append(stopped)
    return {"launch": summary(launch), "sigterm_stop": summary(stop)}


def rtt_results(prefix: str, reps: list[list[float]]) -> Results:
    pooled = [s for rep in reps for s in rep]
    out = {
        f"{prefix}_p50": summary([statistics.median(r) for r in reps]),
        f"{prefix}_p99": summary([percentile(r, 99) for r in reps]),
    }
    out[f"{prefix}_p50"]["pooled"] = statistics.median(pooled)
    out[f"{prefix}_p99"]["pooled"] = percentile(pooled, 99)
    out[f"{prefix}_p50"]["calls_per_rep"] = len(reps[0])
    return out


async def measure_rtt(url: str, token: str | None, plan: Plan, prefix: str) -> Results:
    raw = await Raw.connect(url, token)
    try:
        await raw_round_trips(raw, 500)  # warm-up
        reps = []
        for _ in range(plan.rtt_reps):
            gc.collect()
            reps.append(await raw_round_trips(raw, plan.rtt_calls))
    finally:
        await raw.close()
    return rtt_results(prefix, reps)


async def measure_pipelined(url: str, token: str | None, plan: Plan, key: str) -> Results:
    raw = await Raw.connect(url, token)
    try:
        await raw_pipelined(raw, 2000)  # warm-up
        rates = []
        for _ in range(plan.pipelined_reps):
            gc.collect()
            rates.append(await raw_pipelined(raw, plan.pipelined_n))
    finally:
        await raw.close()
    result = summary(rates)
    result["n"] = plan.pipelined_n
    return {key: result}


async def modules_loaded(w: RunningWorker) -> None:
    """Return once the worker has loaded its node modules (``get_state`` waits for them). Until
    then installed packages import in threads and contend for the GIL: round trips measured in
    that second are the start's, not the steady state's (a p99 of ~5 ms instead of ~0.13 ms
    with the FuncNodes packages installed)."""
    async with await Client.connect(w.url, w.token) as client:
        await client.call("get_state")


async def fig_rtt(plan: Plan) -> Results:
    async with worker() as w:
        await modules_loaded(w)
        results = await measure_rtt(w.url, w.token, plan, "rtt")
        async with await Client.connect(w.url, w.token) as client:
            await client_round_trips(client, 500)
            reps = []
            for _ in range(plan.client_reps):
                gc.collect()
                reps.append(await client_round_trips(client, plan.rtt_calls))
        results.update(rtt_results("rtt_client", reps))
    return results


async def fig_pipelined(plan: Plan) -> Results:
    async with worker() as w:
        await modules_loaded(w)
        return await measure_pipelined(w.url, w.token, plan, "pipelined")


async def fig_floor(plan: Plan) -> Results:
    memory: list[dict[str, float]] = []
    for _ in range(plan.rss_runs):
        async with floor_server() as proc:
            memory.append(await idle_memory(proc.url, None, proc.pid))
    async with floor_server() as proc:
        results = await measure_rtt(proc.url, None, plan, "floor_rtt")
        results.update(await measure_pipelined(proc.url, None, plan, "floor_pipelined"))
    results["floor_rss"] = summary([m["VmRSS"] for m in memory])
    results["floor_rss_anon"] = summary([m["RssAnon"] for m in memory])
    with_libraries: list[dict[str, float]] = []
    for _ in range(plan.rss_runs):
        async with floor_server(libraries=True) as proc:
            with_libraries.append(await idle_memory(proc.url, None, proc.pid))
    results["floor_libs_rss"] = summary([m["VmRSS"] for m in with_libraries])
    return results


async def value_event(
    client: Client, uuid: str, accept: Callable[[Any], bool], wait: float = 10.0
) -> Any:
    """The value of the next ``value`` event of (uuid, out) that ``accept``s it."""
    try:
        event = await client.next_event(
            "value",
            lambda d: d["uuid"] == uuid and d["io"] == "out" and accept(d["preview"].get("value")),
            wait=wait,
        )
    except TimeoutError:
        raise BenchError(f"no accepted value event for {uuid} within {wait} s") from None
    return event["data"]["preview"].get("value")


async def output_value(client: Client, uuid: str, expected: int) -> None:
    """Wait until (uuid, out) holds ``expected`` (it may be computed already)."""
    preview = await client.call("get_value", uuid=uuid, io="out")
    if preview.get("value") != expected:
        await value_event(client, uuid, lambda v: v == expected)


async def fig_chain(plan: Plan) -> Results:
    """set_input on the first node → the last node's value event with the expected value.

    Each change is a new value; events left over from the previous change are drained first,
    and the first value event of the last node after the send must carry the new result.
    """
    async with (
        worker({"benchchain.py": CHAIN_MODULE}) as w,
        await Client.connect(w.url, w.token) as client,
    ):
        ids: list[str] = []
        for i in range(CHAIN_LENGTH):
            node = await client.call(
                "add_node", node_id="bench.add1", inputs={"a": 0} if not i else {}
            )
            ids.append(node["uuid"])
        for src, dst in itertools.pairwise(ids):
            await client.call("connect", src=src, src_io="out", dst=dst, dst_io="a")
        first, last = ids[0], ids[-1]
        await output_value(client, last, CHAIN_LENGTH)
        warmup = 20
        samples = []
        events = []
        clock = time.perf_counter
        for i in range(1, warmup + plan.chain_changes + 1):
            await asyncio.sleep(0.002)  # let the previous change's trailing events arrive
            client.drain_events()
            seq = client.last_seq
            t0 = clock()
            reply = await client.send("set_input", uuid=first, io="a", value=i)
            got = await value_event(client, last, lambda _v: True)
            dt = clock() - t0
            events.append(client.last_seq - seq)
            if got != i + CHAIN_LENGTH:
                raise BenchError(f"chain: last value {got!r}, expected {i + CHAIN_LENGTH}")
            if (await reply) != {"changed": True}:
                raise BenchError("chain: set_input did not report a change")
            if i > warmup:
                samples.append(dt * 1e3)
        if client.gaps:
            raise BenchError(f"chain: {client.gaps} event gaps (events dropped)")
    result = summary(samples)
    result["p90"] = percentile(samples, 90)
    # Event frames the client had received when the last value arrived (statuses, values, …).
    result["events_per_change"] = statistics.median(events[warmup:])
    return {"chain": result}


def memory_mb(pid: int) -> dict[str, float]:
    """VmRSS and its split: RssAnon (private to the process) and RssFile (mapped files, mostly
    shared libraries, whose pages every worker on the machine shares)."""
    status = Path(f"/proc/{pid}/status").read_text()
    return {
        key: int(status.split(f"{key}:")[1].split()[0]) / 1024
        for key in ("VmRSS", "RssAnon", "RssFile")
    }


async def idle_memory(url: str, token: str | None, pid: int) -> dict[str, float]:
    """Memory after a short settle and one ping."""
    await asyncio.sleep(0.5)
    raw = await Raw.connect(url, token)
    try:
        first, (frame,) = raw.ping_frames(1)
        await raw.ws.send_str(frame)
        check_pong(await raw.reply(), first)
        return memory_mb(pid)
    finally:
        await raw.close()


# Where an idle worker's memory above the floor goes: after the floor's libraries, nodeweave's
# parts are imported one after the other in a fresh interpreter, each step's RssAnon growth.
RSS_PARTS = (
    """
import gc, json, os
def anon():
    with open(f"/proc/{os.getpid()}/status") as f:
        return next(int(l.split()[1]) for l in f if l.startswith("RssAnon")) / 1024
"""
    + LIBRARIES_PRELUDE
    + """
from aiohttp import web
gc.collect()
parts, last = {}, anon()
for name, stmt in (
    ("worker", "import nodeweave.worker.main"),
    ("engine", "import nodeweave.worker.engine, nodeweave.protocol.worker_args"),
    ("shelves", "from nodeweave.shelves import builtin_shelves; builtin_shelves()"),
):
    exec(stmt)
    gc.collect()
    now = anon()
    parts[name], last = now - last, now
print(json.dumps(parts))
"""
)


def rss_parts() -> dict[str, float]:
    done = subprocess.run(
        [sys.executable, "-c", RSS_PARTS],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
        env=child_env({"NODEWEAVE_FUNCNODES": "off"}),
    )
    parts: dict[str, float] = json.loads(done.stdout)
    return parts


async def engine_state(w: RunningWorker) -> str:
    """What the worker's ``/health`` says of its engine: ``rest`` or ``awake``."""
    url = w.url.replace("ws://", "http://", 1).removesuffix("/ws") + "/health"
    async with aiohttp.ClientSession() as session, session.get(url) as response:
        state: str = (await response.json())["engine"]
        return state


async def fig_rss(plan: Plan) -> Results:
    """Idle memory of a new worker: at rest (installed FuncNodes modules off, as the floor's
    libraries are all it has), then once ``get_state`` woke its engine; with the installed
    FuncNodes modules deferred, once ``get_library`` has loaded them, and on the next start
    when ``get_library`` is answered from the library cache; and the floor, interleaved."""
    own: list[dict[str, float]] = []
    awake: list[dict[str, float]] = []
    deferred: list[dict[str, float]] = []
    funcnodes: list[dict[str, float]] = []
    cached: list[dict[str, float]] = []
    list_load: list[float] = []
    list_cached: list[float] = []
    floor: list[dict[str, float]] = []
    quiet = {"NODEWEAVE_FUNCNODES": "off"}
    async with worker(env=quiet):
        pass  # warm-up, not counted: the first start of a run fills the bytecode cache
    for _ in range(plan.rss_runs):
        async with worker(env=quiet) as w:
            own.append(await idle_memory(w.url, w.token, w.proc.pid))
            if await engine_state(w) != "rest":
                raise BenchError("rss: a new worker with nothing to load is not at rest")
            async with await Client.connect(w.url, w.token) as client:
                state = await client.call("get_state")  # wakes the engine
                if state["nodes"]:
                    raise BenchError(f"rss: the nodespace is not empty: {state}")
            if await engine_state(w) != "awake":
                raise BenchError("rss: get_state did not wake the engine")
            awake.append(await idle_memory(w.url, w.token, w.proc.pid))
        with tempfile.TemporaryDirectory(prefix="nodeweave-bench-") as tmp:
            for samples, after, times in (
                (deferred, funcnodes, list_load),
                ([], cached, list_cached),
            ):
                w = await start_worker(Path(tmp))
                try:
                    await modules_loaded(w)
                    if samples is deferred:
                        samples.append(await idle_memory(w.url, w.token, w.proc.pid))
                    async with await Client.connect(w.url, w.token) as client:
                        t0 = time.perf_counter()
                        library = await client.call("get_library")
                        times.append(time.perf_counter() - t0)
                    if not any(s["name"] == "basics" for s in library["shelves"]):
                        raise BenchError("rss: get_library has no FuncNodes shelf 'basics'")
                    after.append(await idle_memory(w.url, w.token, w.proc.pid))
                finally:
                    await w.proc.stop()
        async with floor_server(libraries=True) as proc:
            floor.append(await idle_memory(proc.url, None, proc.pid))
    return {
        "rss": summary([m["VmRSS"] for m in own]),
        "rss_anon": summary([m["RssAnon"] for m in own]),
        "rss_floor": summary([m["VmRSS"] for m in floor]),
        "rss_awake": summary([m["VmRSS"] for m in awake]),
        "rss_deferred": summary([m["VmRSS"] for m in deferred]),
        "rss_funcnodes": summary([m["VmRSS"] for m in funcnodes]),
        "rss_cached": summary([m["VmRSS"] for m in cached]),
        "library_load": summary(list_load),
        "library_cached": summary(list_cached),
        **{
            f"rss_part_{name}": summary(values)
            for name, values in _by_part([rss_parts() for _ in range(plan.rss_runs)]).items()
        },
    }


def _by_part(runs: list[dict[str, float]]) -> dict[str, list[float]]:
    return {name: [run[name] for run in runs] for name in runs[0]}


def write_like_an_editor(path: Path, text: str) -> None:
    """Write a temp file next to it, then rename it over the original (what editors do)."""
    tmp = path.with_name(f".{path.name}.bench-tmp")
    tmp.write_text(text)
    os.replace(tmp, path)


async def fig_reload(plan: Plan) -> Results:
    """Rewrite benchmod.py with a new K; time from the write to the value event of a + K."""
    a = 1
    samples = []
    async with (
        worker({"benchmod.py": RELOAD_MODULE.format(k=0)}) as w,
        await Client.connect(w.url, w.token) as client,
    ):
        path = w.directory / "modules" / "benchmod.py"
        node = await client.call("add_node", node_id="bench.f", inputs={"a": a})
        uuid = node["uuid"]
        await output_value(client, uuid, a)
        for run in range(plan.reloads + 1):
            k = 100 + run
            # Let the watcher finish with the last edit, so each edit is a batch of its own.
            await asyncio.sleep(0.2)
            client.drain_events()
            t0 = time.perf_counter()
            write_like_an_editor(path, RELOAD_MODULE.format(k=k))
            got = await value_event(client, uuid, lambda _v: True)
            dt = time.perf_counter() - t0
            if got != a + k:
                raise BenchError(f"reload: value {got!r}, expected {a + k}:\n{w.proc.log_tail()}")
            if run:  # the first reload imports more for the first time: a warm-up
                samples.append(dt)
        preview = await client.call("get_value", uuid=uuid, io="out")
        if preview.get("value") != a + k:
            raise BenchError(f"reload: get_value says {preview!r}, expected {a + k}")
    return {"reload": summary(samples)}


async def fig_shutdown(plan: Plan) -> Results:
    """A fresh worker per run: add a node, set an input, then ``shutdown`` at once (before the
    autosave's debounce), and time until the process has exited; the file must hold the edit."""
    samples = []
    for run in range(plan.shutdowns + 1):
        value = 1000 + run
        async with worker({"benchchain.py": CHAIN_MODULE}) as w:
            client = await Client.connect(w.url, w.token)
            try:
                node = await client.call("add_node", node_id="bench.add1", inputs={"a": 0})
                uuid = node["uuid"]
                await output_value(client, uuid, 1)
                if await client.call("set_input", uuid=uuid, io="a", value=value) != {
                    "changed": True
                }:
                    raise BenchError("shutdown: set_input did not report a change")
                t0 = time.perf_counter()
                reply = await client.send("shutdown")
                code = await w.proc.wait_exit()
                dt = time.perf_counter() - t0
                try:
                    async with asyncio.timeout(1):
                        if await reply is not None:
                            raise BenchError("shutdown: the reply is not null")
                except (ConnectionError, TimeoutError):
                    raise BenchError("shutdown: no reply before the connection closed") from None
            finally:
                await client.close()
            if code != 0:
                raise BenchError(f"shutdown: exit code {code}:\n{w.proc.log_tail()}")
            doc = orjson.loads((w.directory / "nodespace.json").read_bytes())
            saved = {n["uuid"]: n for n in doc["nodes"]}
            if uuid not in saved or saved[uuid].get("inputs", {}).get("a") != value:
                raise BenchError(f"shutdown: nodespace.json lacks the edit a={value}: {doc}")
            if (w.directory / "runtime.json").exists():
                raise BenchError("shutdown: runtime.json is still there")
        if run:
            samples.append(dt)
    return {"shutdown": summary(samples)}


# --- bundles and presets ---------------------------------------------------------------------


@dataclass(frozen=True)
class Lattice:
    """50 chains of 20 nodes (``bench.cadd`` at even positions, ``bench.cscale`` at odd ones),
    each fed by the one before; node 10 of every chain but the first also takes ``b`` from node
    9 of the chain before (a join: two changed inputs, one run expected). The presets set ``b``
    of node 6 of every chain: 50 inputs whose downstream is nodes 6…19 of every chain."""

    document: dict[str, Any]
    inputs: list[str]
    affected: frozenset[str]


def lattice_uuid(chain: int, pos: int) -> str:
    return f"c{chain:02d}p{pos:02d}"


def lattice_factor(pos: int) -> int:
    return 2 if pos % 3 == 0 else 1


def lattice_values(k: int) -> dict[str, int]:
    """Every node's ``out`` with the preset value ``k`` (0: as saved)."""
    out: dict[str, int] = {}
    for c in range(LATTICE_CHAINS):
        for p in range(LATTICE_LENGTH):
            if p % 2:
                out[lattice_uuid(c, p)] = out[lattice_uuid(c, p - 1)] * lattice_factor(p)
                continue
            a = c if p == 0 else out[lattice_uuid(c, p - 1)]
            if p == 0:
                b = 0
            elif p == PRESET_AT:
                b = k
            elif p == CROSS_AT and c:
                b = out[lattice_uuid(c - 1, CROSS_AT - 1)]
            else:
                b = 1
            out[lattice_uuid(c, p)] = a + b
    return out


def build_lattice(presets: int) -> Lattice:
    nodes: list[dict[str, Any]] = []
    edges: list[dict[str, str]] = []
    for c in range(LATTICE_CHAINS):
        for p in range(LATTICE_LENGTH):
            uuid = lattice_uuid(c, p)
            inputs: dict[str, int] = {}
            if p % 2:
                node_id = "bench.cscale"
                inputs = {"factor": lattice_factor(p)}
            else:
                node_id = "bench.cadd"
                if p == 0:
                    inputs = {"a": c, "b": 0}
                elif p == PRESET_AT:
                    inputs = {"b": 0}
                elif not (p == CROSS_AT and c):
                    inputs = {"b": 1}
            if p:
                dst_io = "x" if p % 2 else "a"
                edges.append(
                    {"src": lattice_uuid(c, p - 1), "src_io": "out", "dst": uuid, "dst_io": dst_io}
                )
            if p == CROSS_AT and c:
                edges.append(
                    {
                        "src": lattice_uuid(c - 1, CROSS_AT - 1),
                        "src_io": "out",
                        "dst": uuid,
                        "dst_io": "b",
                    }
                )
            nodes.append(
                {
                    "uuid": uuid,
                    "node_id": node_id,
                    "inputs": inputs,
                    "properties": {"position": {"x": 220.0 * p, "y": 120.0 * c}},
                }
            )
    inputs_ = [lattice_uuid(c, PRESET_AT) for c in range(LATTICE_CHAINS)]
    document = {
        "schema_version": 1,
        "nodes": nodes,
        "edges": edges,
        "presets": {
            f"set{k}": {"values": [{"node": u, "io": "b", "value": k} for u in inputs_]}
            for k in range(1, presets + 1)
        },
    }
    downstream: dict[str, list[str]] = {}
    for e in edges:
        downstream.setdefault(e["src"], []).append(e["dst"])
    affected: set[str] = set()
    todo = list(inputs_)
    while todo:
        uuid = todo.pop()
        if uuid not in affected:
            affected.add(uuid)
            todo.extend(downstream.get(uuid, []))
    return Lattice(document, inputs_, frozenset(affected))


def write_lattice_worker(state: Path, lattice: Lattice) -> Path:
    """A registered worker ``bench`` in ``state``: the two modules and the saved graph."""
    from nodeweave.workermanager.registry import Registry

    entry = Registry(state).create(WORKER_ID, requirements=[], venv=False)
    if entry.id != WORKER_ID:
        raise BenchError(f"the registry made worker {entry.id!r}, not {WORKER_ID!r}")
    folder = state / "workers" / WORKER_ID
    (folder / "modules").mkdir(exist_ok=True)
    for name, text in LATTICE_MODULES.items():
        (folder / "modules" / name).write_text(text)
    (folder / "nodespace.json").write_bytes(
        orjson.dumps(lattice.document, option=orjson.OPT_INDENT_2)
    )
    return folder


def check_document(document: Any, lattice: Lattice, what: str) -> None:
    if not isinstance(document, dict):
        raise BenchError(f"{what}: not a workflow document")
    nodes, edges = document.get("nodes") or [], document.get("edges") or []
    want = lattice.document
    if (len(nodes), len(edges)) != (len(want["nodes"]), len(want["edges"])):
        raise BenchError(f"{what}: {len(nodes)} nodes, {len(edges)} edges: not the workflow's")
    if document.get("presets") != want["presets"]:
        raise BenchError(f"{what}: the presets differ from the workflow's")


def check_bundle(data: bytes, lattice: Lattice) -> None:
    from nodeweave import bundles

    bundle = bundles.read(data)
    check_document(bundle.document, lattice, "the bundle")
    if bundle.modules != {k: v.encode() for k, v in LATTICE_MODULES.items()}:
        raise BenchError(f"the bundle's modules are {sorted(bundle.modules)}")


def check_imported(folder: Path, lattice: Lattice) -> None:
    if not (folder / "worker.json").is_file():
        raise BenchError(f"import: no worker.json in {folder}")
    check_document(orjson.loads((folder / "nodespace.json").read_bytes()), lattice, "import")
    for name, text in LATTICE_MODULES.items():
        if (folder / "modules" / name).read_text() != text:
            raise BenchError(f"import: modules/{name} differs")


def file_tail(path: Path, lines: int = 20) -> str:
    return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])


async def run_cli(args: list[str], env: dict[str, str], cwd: Path, log: Path) -> tuple[float, str]:
    """``python -m nodeweave ARGS``: wall time from just before the exec to its exit (exit 0
    required), and its stdout. Killed by pid after 60 s; always reaped."""
    with log.open("ab") as err:
        t0 = time.perf_counter()
        proc = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "nodeweave",
            *args,
            stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.PIPE,
            stderr=err,
            env=child_env(env),
            cwd=cwd,
        )
    try:
        async with asyncio.timeout(60):
            out, _ = await proc.communicate()
        dt = time.perf_counter() - t0
    finally:
        if proc.returncode is None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(proc.pid, signal.SIGKILL)
            await proc.wait()
    if proc.returncode != 0:
        raise BenchError(f"nodeweave {' '.join(args)}: exit {proc.returncode}:\n{file_tail(log)}")
    return dt, out.decode()


def fresh_state(root: Path, name: str) -> Path:
    state = root / name / "state"
    state.mkdir(parents=True, mode=0o700)
    return state


async def lattice_state(client: Client) -> tuple[dict[str, Any], dict[str, int], dict[str, str]]:
    """Every node's ``out`` and ``runs`` values and its status, from one ``get_state``."""
    outs: dict[str, Any] = {}
    runs: dict[str, int] = {}
    status: dict[str, str] = {}
    for n in (await client.call("get_state"))["nodes"]:
        status[n["uuid"]] = n["status"]
        for o in n["outputs"]:
            value = (o.get("preview") or {}).get("value")
            if o["name"] == "out":
                outs[n["uuid"]] = value
            elif o["name"] == "runs":
                runs[n["uuid"]] = value if isinstance(value, int) else 0
    return outs, runs, status


async def fig_preset(root: Path, lattice: Lattice, plan: Plan) -> Results:
    """A real worker on the folder ``nodeweave import`` wrote; apply_preset ``set{k}`` (50 new
    values), then read events until every node downstream of the 50 inputs has sent a higher
    ``runs`` value and a ``done`` status: that is the settle time. Then, after a quiet 0.3 s, one ``get_state``: every
    node done with the values the preset gives, and the runs each node made (a node run twice,
    or a node outside the affected set run at all, shows in the count)."""
    settle: list[float] = []
    executions: list[float] = []
    wrong: list[float] = []
    frames: list[float] = []
    async with asyncio.timeout(600):
        w = await start_worker(root, env={"NODEWEAVE_FUNCNODES": "off"})
        try:
            async with await Client.connect(w.url, w.token) as client:
                expected = lattice_values(0)
                async with asyncio.timeout(60):
                    while True:
                        outs, runs, status = await lattice_state(client)
                        if outs == expected and set(status.values()) == {"done"}:
                            break
                        await asyncio.sleep(0.1)
                for k in range(1, plan.preset_applies + 2):
                    await asyncio.sleep(0.05)
                    client.drain_events()
                    seq = client.last_seq
                    pending = set(lattice.affected)
                    not_done = set(lattice.affected)
                    t0 = time.perf_counter()
                    reply = await client.send("apply_preset", name=f"set{k}")
                    try:
                        async with asyncio.timeout(30):
                            while pending or not_done:
                                msg = await client.events.get()
                                d = msg["data"]
                                if msg["event"] == "node_status" and d["status"] == "done":
                                    not_done.discard(d["uuid"])
                                elif (
                                    msg["event"] == "value"
                                    and d["io"] == "runs"
                                    and d["uuid"] in pending
                                    and (d["preview"] or {}).get("value", 0) > runs[d["uuid"]]
                                ):
                                    pending.discard(d["uuid"])
                    except TimeoutError:
                        raise BenchError(
                            f"preset set{k}: {len(pending)} affected nodes sent no new runs "
                            f"value, {len(not_done)} no done status"
                        ) from None
                    dt = time.perf_counter() - t0
                    n_frames = client.last_seq - seq
                    if (await reply) != {"changed": len(lattice.inputs)}:
                        raise BenchError(f"preset set{k}: apply_preset replied {await reply!r}")
                    await asyncio.sleep(0.3)
                    before = runs
                    outs, runs, status = await lattice_state(client)
                    if set(status.values()) != {"done"}:
                        raise BenchError(f"preset set{k}: statuses {set(status.values())}")
                    if outs != lattice_values(k):
                        raise BenchError(f"preset set{k}: wrong values after the preset")
                    delta = {u: runs[u] - before[u] for u in runs}
                    if k > 1:  # the first apply is a warm-up
                        settle.append(dt * 1e3)
                        executions.append(sum(delta.values()))
                        wrong.append(
                            sum(
                                1
                                for u, n in delta.items()
                                if n != (1 if u in lattice.affected else 0)
                            )
                        )
                        frames.append(n_frames)
                if client.gaps:
                    raise BenchError(f"preset: {client.gaps} event gaps (events dropped)")
        finally:
            await w.proc.stop()
    runs_summary = summary(executions)
    runs_summary["affected"] = len(lattice.affected)
    runs_summary["inputs"] = len(lattice.inputs)
    runs_summary["nodes_not_run_once_max"] = max(wrong)
    settle_summary = summary(settle)
    settle_summary["event_frames"] = statistics.median(frames)
    return {"preset_settle": settle_summary, "preset_runs": runs_summary}


async def fig_bundle(plan: Plan) -> Results:
    """Export (CLI process and in process), import (likewise, each into a fresh state dir),
    then the preset figure on the worker the last CLI import made. One warm-up run of each is
    not counted."""
    from nodeweave import __version__, bundles
    from nodeweave.workermanager.bundle_import import create_worker, of_worker
    from nodeweave.workermanager.registry import Registry

    lattice = build_lattice(plan.preset_applies + 1)
    n = plan.bundle_runs
    timed: dict[str, list[float]] = {
        k: [] for k in ("cli_floor", "export_cli", "export_inproc", "import_cli", "import_inproc")
    }

    def keep(key: str, run: int, dt: float) -> None:
        if run:
            timed[key].append(dt)

    quiet = {"NODEWEAVE_FUNCNODES": "off"}
    with tempfile.TemporaryDirectory(prefix="nodeweave-bench-bundle-") as tmp:
        root = Path(tmp)
        log = root / "cli.log"
        origin = fresh_state(root, "origin")
        write_lattice_worker(origin, lattice)
        env = {"FUNCNODES_CONFIG_DIR": str(origin), **quiet}
        target = root / "flow.nwflow"
        for run in range(n + 1):
            dt, _ = await run_cli(["--help"], env, root, log)
            keep("cli_floor", run, dt)
        for run in range(n + 1):
            target.unlink(missing_ok=True)
            dt, out = await run_cli(["export", WORKER_ID, "-o", str(target)], env, root, log)
            if "1000 nodes, 2 modules" not in out:
                raise BenchError(f"export said: {out!r}")
            check_bundle(target.read_bytes(), lattice)
            keep("export_cli", run, dt)
        registry = Registry(origin)
        for run in range(n + 1):
            target.unlink()
            gc.collect()
            t0 = time.perf_counter()
            target.write_bytes(bundles.write(of_worker(registry, WORKER_ID, []), __version__))
            keep("export_inproc", run, time.perf_counter() - t0)
            check_bundle(target.read_bytes(), lattice)
        size = target.stat().st_size
        for run in range(n + 1):
            fresh = fresh_state(root, f"import-cli-{run}")
            dt, out = await run_cli(
                ["import", str(target), "--yes"],
                {"FUNCNODES_CONFIG_DIR": str(fresh), **quiet},
                root,
                log,
            )
            if f"as worker {WORKER_ID}: 1000 nodes" not in out:
                raise BenchError(f"import said: {out!r}")
            check_imported(fresh / "workers" / WORKER_ID, lattice)
            keep("import_cli", run, dt)
        for run in range(n + 1):
            fresh = fresh_state(root, f"import-inproc-{run}")
            gc.collect()
            t0 = time.perf_counter()
            made = create_worker(Registry(fresh), bundles.read(target.read_bytes()))
            keep("import_inproc", run, time.perf_counter() - t0)
            if made.entry.id != WORKER_ID:
                raise BenchError(f"import: worker {made.entry.id!r}")
            check_imported(fresh / "workers" / WORKER_ID, lattice)
        results = {key: summary(samples) for key, samples in timed.items()}
        results["export_cli"]["bytes"] = size
        results.update(await fig_preset(root / f"import-cli-{n}", lattice, plan))
    return results


async def all_done(client: Client, n: int, wait: float = 30.0) -> dict[str, Any]:
    """Poll get_state until ``n`` nodes are all done; the state."""
    async with asyncio.timeout(wait):
        while True:
            state = await client.call("get_state")
            nodes = state["nodes"]
            if len(nodes) == n and all(node["status"] == "done" for node in nodes):
                return dict(state)
            await asyncio.sleep(0.005)


async def fig_restart(plan: Plan) -> Results:
    """A chain of slow nodes computed once; then the worker is stopped and started again, and
    timed from its ready line (and from its spawn) until every node is done with its value —
    served from the result cache, the executions counted by the nodes themselves (must be 0).
    The same restart with ``NODEWEAVE_CACHE_MB=0`` shows what it costs without the cache."""
    timed: dict[str, list[float]] = {
        "restart_cached": [],
        "restart_cached_spawn": [],
        "restart_uncached": [],
        "restart_floor": [],
    }
    runs_seen: list[float] = []
    last = RESTART_NODES - 1
    expected = last * 19999 + 1 + 19999  # each node adds 19999 to the previous node's last
    with tempfile.TemporaryDirectory(prefix="nodeweave-bench-") as tmp:
        root = Path(tmp)
        runs_file = root / "runs.txt"
        modules = {"benchheavy.py": RESTART_MODULE}
        # Installed FuncNodes modules stay out: their import time is not the cache's to show
        # (the floor figure is the time to load what is left: the built-ins and this module).
        env = {"BENCH_RUNS_FILE": str(runs_file), "NODEWEAVE_FUNCNODES": "off"}
        for _ in range(max(1, plan.restarts // 2)):
            empty = root / "empty"
            w = await start_worker(empty, modules, env)
            t_ready = time.perf_counter()
            try:
                async with await Client.connect(w.url, w.token) as client:
                    await client.call("get_state")
                    timed["restart_floor"].append(time.perf_counter() - t_ready)
            finally:
                await w.proc.stop()
        w = await start_worker(root, modules, env)
        try:
            async with await Client.connect(w.url, w.token) as client:
                ids = []
                for i in range(RESTART_NODES):
                    inputs = {"seed": 1} if i == 0 else {"seed": 0}
                    node = await client.call("add_node", node_id="bench.heavy", inputs=inputs)
                    ids.append(node["uuid"])
                for src, dst in itertools.pairwise(ids):
                    await client.call("connect", src=src, src_io="out", dst=dst, dst_io="upstream")
                ids.append((await client.call("add_node", node_id="bench.tail"))["uuid"])
                await client.call(
                    "connect", src=ids[-2], src_io="out", dst=ids[-1], dst_io="values"
                )
                await all_done(client, RESTART_NODES + 1)
                cache_dir = w.directory / "cache"
                for _ in range(1500):
                    if len(list(cache_dir.rglob("*.nwc"))) == RESTART_NODES + 1:
                        break
                    await asyncio.sleep(0.02)
                else:
                    raise BenchError("restart: the results were not all written to the cache")
                await client.call("save")
        finally:
            await w.proc.stop()
        if runs_file.read_text().count("run") < RESTART_NODES:  # (more: edits while building)
            raise BenchError("restart: the first computation did not run every node")
        for cached in [True] * plan.restarts + [False] * max(1, plan.restarts // 3):
            runs_file.write_text("")
            extra = {} if cached else {"NODEWEAVE_CACHE_MB": "0"}
            t0 = time.perf_counter()
            w = await start_worker(root, modules, {**env, **extra})
            t_ready = time.perf_counter()
            try:
                async with await Client.connect(w.url, w.token) as client:
                    state = await all_done(client, RESTART_NODES + 1)
                    t_done = time.perf_counter()
                    values = {n["uuid"]: n for n in state["nodes"]}
                    tail = await client.call("get_value", uuid=ids[-1], io="out")
            finally:
                await w.proc.stop()
            if tail.get("value") != expected:
                raise BenchError(f"restart: the last value is {tail.get('value')!r}")
            runs = runs_file.read_text().count("run")
            if cached:
                if any(values[u].get("cached") != "disk" for u in ids):
                    raise BenchError("restart: a node was not served from the result cache")
                timed["restart_cached"].append(t_done - t_ready)
                timed["restart_cached_spawn"].append(t_done - t0)
                runs_seen.append(float(runs))
            else:
                if runs != RESTART_NODES:
                    raise BenchError(f"restart without cache: {runs} runs")
                timed["restart_uncached"].append(t_done - t_ready)
    results = {key: summary(samples) for key, samples in timed.items()}
    results["restart_cached_runs"] = summary(runs_seen)
    return results


RUNNERS: dict[str, Callable[[Plan], Awaitable[Results]]] = {
    "launch": fig_launch,
    "rtt": fig_rtt,
    "pipelined": fig_pipelined,
    "chain": fig_chain,
    "rss": fig_rss,
    "reload": fig_reload,
    "shutdown": fig_shutdown,
    "floor": fig_floor,
    "bundle": fig_bundle,
    "restart": fig_restart,
}


async def main_async(plan: Plan, only: list[str], as_json: bool) -> int:
    results: dict[str, Any] = {}
    started = time.perf_counter()
    for name in only:
        if not as_json:
            print(f"  … {name}", file=sys.stderr, flush=True)
        results.update(await RUNNERS[name](plan))
    elapsed = time.perf_counter() - started
    header = {
        "python": sys.version.split()[0],
        "cpus": os.cpu_count(),
        "aiohttp": aiohttp.__version__,
        "seconds": round(elapsed, 1),
        "bytecode_cache": "workers use one, in a temporary folder",
    }
    misses = [
        f.key for f in FIGURES if f.key in results and f.met(results[f.key]["median"]) is False
    ]
    if as_json:
        out = {
            "header": header,
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
        }
        print(json.dumps(out, indent=2))
        return 0
    print(
        f"nodeweave worker benchmark — Python {header['python']}, {header['cpus']} CPUs, "
        f"aiohttp {header['aiohttp']}; median [min, max] ({elapsed:.0f} s)"
    )
    print("  (workers run with a bytecode cache, as an installed nodeweave does)")
    for f in FIGURES:
        if f.key not in results:
            continue
        s = results[f.key]
        met = f.met(s["median"])
        mark = "" if met is None else ("ok" if met else "MISS")
        extra = ""
        if "pooled" in s:
            extra = f"  (pooled {s['pooled']:.3f})"
        elif "p90" in s:
            extra = f"  (p90 {s['p90']:.3f}; {s['events_per_change']:.0f} event frames a change)"
        elif f.key == "preset_settle":
            extra = f"  ({s['event_frames']:.0f} event frames an apply)"
        elif f.key == "preset_runs":
            extra = (
                f"  ({int(s['affected'])} affected nodes downstream of {int(s['inputs'])} inputs; "
                f"nodes not run exactly as often as affected (1) or not (0): "
                f"{int(s['nodes_not_run_once_max'])} at most)"
            )
        print(f"  {f.label:<56} {fmt(s, f.unit):<42} target {f.target_text():<14} {mark}{extra}")
    if "rtt_p50" in results:
        print(f"  (round trips: {int(results['rtt_p50']['calls_per_rep'])} sequential calls a rep)")
    if "pipelined" in results:
        print(f"  (pipelined: {int(results['pipelined']['n'])} pings a run)")
    if "export_cli" in results:
        print(
            f"  (bundle: 1,000 nodes = {LATTICE_CHAINS} chains × {LATTICE_LENGTH} of two module "
            f"node types, 2 modules, {LATTICE_CHAINS - 1} cross edges, "
            f"{int(results['export_cli']['bytes']):,} bytes; `process` = wall time of "
            "`python -m nodeweave export|import` from exec to exit, interpreter start and imports "
            "included; `in process` = the library calls the command makes, timed in this process "
            "(import: without the CLI's scan of installed node modules for unknown types))"
        )
    if "preset_settle" in results:
        print(
            f"  (preset: {LATTICE_CHAINS} inputs, b of node {PRESET_AT} of every chain, on the "
            "worker the CLI import made; settled = a new `runs` value event and a `done` status "
            "event from every affected node, read with nodeweave.client.Client; executions counted by the nodes themselves)"
        )
    if "rss" in results:
        floor = results["rss_floor"]["median"]
        ratio = results["rss"]["median"] / floor
        woken = results["rss_awake"]["median"] / floor
        print(
            f"  (idle RSS / floor: {ratio:.3f}× at rest (target ≤ 1.03×), {woken:.3f}× once its "
            "engine woke; installed FuncNodes modules off for both, as the floor has none of "
            "their libraries)"
        )
    if misses:
        print(f"  missed: {', '.join(misses)}")
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer runs (a smoke test)")
    parser.add_argument("--json", action="store_true")
    parser.add_argument(
        "--only", nargs="+", choices=list(RUNNERS), metavar="NAME", help=f"of {', '.join(RUNNERS)}"
    )
    args = parser.parse_args()
    plan = QUICK if args.quick else Plan()
    try:
        return asyncio.run(main_async(plan, args.only or list(RUNNERS), args.json))
    finally:
        BYTECODE_DIR.cleanup()


if __name__ == "__main__":
    raise SystemExit(main())
