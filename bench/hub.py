"""Hub benchmark: prints figures (median [min, max] (runs)) against the targets.

    python bench/hub.py [--quick] [--json] [--only NAME ...]

Every figure runs a real ``nodeweave up`` in a fresh temporary state directory (127.0.0.1, a
free port), with a bytecode cache like an installed nodeweave, and stops every process it
started by pid. Each figure checks its own result.

The ``packages`` section manages workers' node packages with uv (``six`` from the real package
index), with ``NODEWEAVE_FUNCNODES=off`` and a temporary ``UV_CACHE_DIR``; what it compared is
printed as notes under the table.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import signal
import socket
import statistics
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp
import orjson

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.report import Figure, Results, print_table, summary  # noqa: E402
from nodeweave.client import Client  # noqa: E402
from nodeweave.workermanager import packages as pk  # noqa: E402
from nodeweave.workermanager.config import HubConfig  # noqa: E402
from nodeweave.workermanager.service import Hub as HubService  # noqa: E402

BYTECODE_DIR = tempfile.TemporaryDirectory(prefix="nodeweave-bench-pycache-")


class BenchError(AssertionError):
    pass


FIGURES = [
    Figure("launch", "launch `nodeweave up` → /health answers", "s", 0.6),
    Figure("launch_floor", "  floor: a bare aiohttp app, the same libraries → /health", "s"),
    Figure("create", "create_worker without venv", "ms", 50),
    Figure("create_venv", "create_worker with venv, no extra requirements", "s", 1.0),
    Figure("start", "start_worker → running (no venv), cold (no warm spare)", "s", 1.0),
    Figure("start_warm", "start_worker → running (no venv), from the warm spare", "s", 0.15),
    Figure("spare_rss", "  the warm spare's RSS, idle (what it costs)", "MB"),
    Figure("start_venv", "start_worker → running (venv)", "s", 1.2),
    Figure("stop", "stop_worker → process gone, state saved", "s", 0.5),
    Figure("crash_seen", "SIGKILL of a worker → worker_status reports it", "s", 0.2),
    Figure("crash_back", "SIGKILL of a worker → running again", "s", 1.5),
    Figure("start20", "20 workers started at once → all running", "s", 10),
    Figure("list_p99", "list_workers round trip p99 while those 20 start", "ms", 20),
    Figure("list_p50", "list_workers round trip p50 while those 20 start", "ms"),
    Figure("hub_stop", "hub SIGTERM with 5 running workers → all exited, saved", "s", 2.0),
    Figure("rss", "hub RSS, idle, 20 workers registered", "MB", 55),
    Figure("pkg_create", "create_worker {venv: true}, no requirements → reply", "s", 0.2),
    Figure("pkg_add", "add_packages six (warm cache) → running with it", "s", 2.0),
    Figure("pkg_dry_run", "add_packages six, dry_run → reply", "s", 1.0),
    Figure("pkg_rollback", "rollback_packages after an add → running, previous lock", "s", 1.5),
    Figure("pkg_sync_check", "sync check in a start (_ensure_env, stamp matches)", "µs", 50_000),
    Figure("pkg_start_added", "start_worker venv (stamp matches) − start_worker no venv", "ms", 50),
]

NOTES: list[str] = []
"""Printed under the table: what a figure compared, what it excluded."""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:  # a zombie child of ours counts as gone
        return Path(f"/proc/{pid}/stat").read_text().split(") ")[1][0] != "Z"
    except OSError:
        return False


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise BenchError(f"no VmRSS for {pid}")


class Hub:
    """A running ``nodeweave up`` and an RPC client to it."""

    def __init__(self, proc: asyncio.subprocess.Process, state: Path, port: int) -> None:
        self.proc = proc
        self.state = state
        self.port = port
        self.client: Client | None = None
        self.token = ""

    @classmethod
    async def start(
        cls, state: Path, extra_env: Mapping[str, str] | None = None
    ) -> tuple[Hub, float]:
        port = free_port()
        env = {**os.environ, "FUNCNODES_CONFIG_DIR": str(state), "NODEWEAVE_LOG_LEVEL": "WARNING"}
        env.update(extra_env or {})
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = BYTECODE_DIR.name
        env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH")) if p)
        t0 = time.perf_counter()
        proc = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "nodeweave",
            "up",
            "--no-browser",
            "--port",
            str(port),
            stdout=asyncio.subprocess.DEVNULL,
            stderr=(state / "hub.log").open("ab"),
            env=env,
        )
        hub = cls(proc, state, port)
        try:
            await health_answers(port, proc, lambda: f"hub: {(state / 'hub.log').read_text()}")
            elapsed = time.perf_counter() - t0
            hub.token = (state / "token").read_text().strip()
            hub.client = await Client.connect(f"ws://127.0.0.1:{port}/ws", hub.token)
        except BaseException:
            await hub.stop()
            raise
        return hub, elapsed

    async def call(self, cmd: str, **kwargs: Any) -> Any:
        assert self.client is not None
        return await self.client.call(cmd, **kwargs)

    async def stop(self) -> None:
        if self.client is not None:
            await self.client.close()
            self.client = None
        if self.proc.returncode is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                async with asyncio.timeout(15):
                    await self.proc.wait()
            except TimeoutError:
                self.proc.kill()
                await self.proc.wait()
        kill_leftover_workers(self.state)


async def health_answers(
    port: int, proc: asyncio.subprocess.Process, what: Callable[[], str]
) -> None:
    """Return once ``/health`` on ``port`` answers 200 (polled every 5 ms, 20 s at most); a
    :class:`BenchError` naming ``what()`` when the process exits first."""
    async with aiohttp.ClientSession() as http, asyncio.timeout(20):
        while True:
            with contextlib.suppress(aiohttp.ClientError, OSError):
                async with http.get(f"http://127.0.0.1:{port}/health") as resp:
                    if resp.status == 200:
                        return
            if proc.returncode is not None:
                raise BenchError(f"exited before /health answered: {what()}")
            await asyncio.sleep(0.005)


def kill_leftover_workers(state: Path) -> None:
    """Workers a failed figure may have left: by the pid their runtime.json names."""
    for runtime in state.glob("workers/*/runtime.json"):
        with contextlib.suppress(OSError, ValueError, KeyError):
            pid = int(orjson.loads(runtime.read_bytes())["pid"])
            with contextlib.suppress(ProcessLookupError):
                os.killpg(pid, signal.SIGKILL)


@contextlib.asynccontextmanager
async def hub(extra_env: Mapping[str, str] | None = None) -> AsyncIterator[tuple[Hub, float]]:
    with tempfile.TemporaryDirectory(prefix="nodeweave-bench-hub-") as tmp:
        h, elapsed = await Hub.start(Path(tmp), extra_env)
        try:
            yield h, elapsed
        finally:
            await h.stop()


async def gone(pids: list[int]) -> None:
    """Return when none of ``pids`` is alive (pidfds: no polling)."""
    loop = asyncio.get_running_loop()
    for pid in pids:
        try:
            fd = os.pidfd_open(pid)
        except ProcessLookupError:
            continue
        exited = loop.create_future()
        loop.add_reader(fd, exited.set_result, None)
        try:
            async with asyncio.timeout(30):
                await exited
        finally:
            loop.remove_reader(fd)
            os.close(fd)


async def timed(fn: Callable[[], Awaitable[Any]]) -> tuple[float, Any]:
    t0 = time.perf_counter()
    result = await fn()
    return time.perf_counter() - t0, result


# --- figures ---------------------------------------------------------------------------------


@dataclass
class Plan:
    runs: int
    quick: bool


# The floor of the launch: an aiohttp app that imports what the hub's start imports (aiohttp,
# pydantic, orjson, packaging) and answers /health — what any Python hub would pay. (``import
# pydantic`` alone loads nearly nothing, its names come on first use: an app using it imports
# BaseModel.)
FLOOR_APP = """
import sys
import aiohttp, orjson, packaging.requirements, pydantic
from aiohttp import web
from pydantic import BaseModel

async def health(request):
    return web.Response(body=orjson.dumps({"status": "ok"}), content_type="application/json")

app = web.Application()
app.router.add_get("/health", health)
web.run_app(app, host="127.0.0.1", port=int(sys.argv[1]), print=None)
"""


async def floor_launch() -> float:
    """Spawn → /health answered, for :data:`FLOOR_APP` (stopped by its pid)."""
    port = free_port()
    env = {**os.environ, "PYTHONPYCACHEPREFIX": BYTECODE_DIR.name}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    t0 = time.perf_counter()
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-c", FLOOR_APP, str(port), env=env, stdout=asyncio.subprocess.DEVNULL
    )
    try:
        await health_answers(port, proc, lambda: "the floor app")
        return time.perf_counter() - t0
    finally:
        if proc.returncode is None:
            proc.send_signal(signal.SIGTERM)
            await proc.wait()


async def fig_launch(plan: Plan) -> Results:
    async with hub():
        pass  # warm-up (bytecode cache)
    await floor_launch()
    samples, floor = [], []
    for _ in range(plan.runs):  # interleaved: the machine is shared
        async with hub() as (_h, elapsed):
            samples.append(elapsed)
        floor.append(await floor_launch())
    ratio = statistics.median(samples) / statistics.median(floor)
    NOTES.append(f"launch / floor: {ratio:.2f}× (target ≤ 1.3×)")
    return {"launch": summary(samples), "launch_floor": summary(floor)}


async def warm_spare(h: Hub) -> dict[str, Any]:
    """The hub's spare once it is warm (as ``/health`` reports it)."""
    async with aiohttp.ClientSession() as http, asyncio.timeout(30):
        while True:
            async with http.get(f"http://127.0.0.1:{h.port}/health") as resp:
                spare: dict[str, Any] | None = (await resp.json())["spare"]
            if spare is not None and spare["warm"]:
                return spare
            await asyncio.sleep(0.01)


async def fig_warm_start(plan: Plan) -> Results:
    """start_worker served by the warm spare: each start waits until the next spare is warm."""
    start, rss = [], []
    async with hub() as (h, _):
        for i in range(plan.runs + 1):
            rec = await h.call("create_worker", name=f"w{i}", venv=False)
            spare = await warm_spare(h)
            rss.append(spare["rss_bytes"] / 2**20)
            dt, rec = await timed(lambda rec=rec: h.call("start_worker", id=rec["id"]))
            if rec["status"] != "running" or rec["pid"] != spare["pid"]:
                raise BenchError(f"start from the spare {spare}: {rec}")
            async with await Client.connect(rec["url"], h.token) as w:
                await w.call("add_node", node_id="numbers.add", inputs={"a": i, "b": 1})
            await h.call("stop_worker", id=rec["id"])
            if i:  # the first: with the hub's own start still settling
                start.append(dt)
    return {"start_warm": summary(start), "spare_rss": summary(rss)}


async def fig_create_start_stop(plan: Plan) -> Results:
    create, start, stop, create_venv, start_venv = [], [], [], [], []
    async with hub({"NODEWEAVE_WARM_SPARE": "0"}) as (h, _):
        for i in range(plan.runs):
            dt, rec = await timed(lambda i=i: h.call("create_worker", name=f"w{i}", venv=False))
            if rec["status"] != "stopped":
                raise BenchError(f"create: {rec}")
            create.append(dt * 1e3)
            dt, rec = await timed(lambda rec=rec: h.call("start_worker", id=rec["id"]))
            if rec["status"] != "running" or not alive(rec["pid"]):
                raise BenchError(f"start: {rec}")
            start.append(dt)
            async with await Client.connect(rec["url"], h.token) as w:
                await w.call("add_node", node_id="numbers.add", inputs={"a": i, "b": 1})
            pid = rec["pid"]
            dt, rec = await timed(lambda rec=rec: h.call("stop_worker", id=rec["id"]))
            saved = h.state / "workers" / rec["id"] / "nodespace.json"
            if rec["status"] != "stopped" or alive(pid) or b"numbers.add" not in saved.read_bytes():
                raise BenchError(f"stop: {rec}")
            stop.append(dt)
        for i in range(max(2, plan.runs // 2)):
            dt, rec = await timed(lambda i=i: h.call("create_worker", name=f"v{i}", venv=True))
            if not (h.state / "workers" / rec["id"] / ".venv").is_dir():
                raise BenchError(f"create with venv: no .venv: {rec}")
            create_venv.append(dt)
            dt, rec = await timed(lambda rec=rec: h.call("start_worker", id=rec["id"]))
            if rec["status"] != "running":
                raise BenchError(f"start venv: {rec}")
            start_venv.append(dt)
            await h.call("stop_worker", id=rec["id"])
    return {
        "create": summary(create),
        "start": summary(start),
        "stop": summary(stop),
        "create_venv": summary(create_venv),
        "start_venv": summary(start_venv),
    }


async def fig_crash(plan: Plan) -> Results:
    """Kill -9 a running worker; time until the hub reports it and until it runs again.

    A worker is killed at most 4 times: a fifth crash within a minute would (rightly) mark it
    failed as a crash loop.
    """
    seen, back = [], []
    async with hub() as (h, _):
        assert h.client is not None
        rec: dict[str, Any] = {}
        for run in range(plan.runs):
            if run % 4 == 0:
                if rec:
                    await h.call("stop_worker", id=rec["id"])
                rec = await h.call("create_worker", name=f"crashy {run}", venv=False)
                rec = await h.call("start_worker", id=rec["id"])
            wid, pid = rec["id"], rec["pid"]
            await asyncio.sleep(0.3)
            h.client.drain_events()
            t0 = time.perf_counter()
            os.kill(pid, signal.SIGKILL)
            await h.client.next_event(
                "worker_status", lambda d, pid=pid, wid=wid: d["id"] == wid and d["pid"] != pid
            )
            seen.append(time.perf_counter() - t0)
            event = await h.client.next_event(
                "worker_status", lambda d, wid=wid: d["id"] == wid and d["status"] == "running"
            )
            back.append(time.perf_counter() - t0)
            rec = event["data"]
            if rec["pid"] == pid or not alive(rec["pid"]):
                raise BenchError(f"not restarted: {rec}")
        await h.call("stop_worker", id=rec["id"])
    return {"crash_seen": summary(seen), "crash_back": summary(back)}


async def probe(h: Hub, rtts: list[float], done: asyncio.Event) -> None:
    """list_workers every 10 ms until ``done``, recording round trips in ms."""
    while not done.is_set():
        t0 = time.perf_counter()
        await h.call("list_workers")
        rtts.append((time.perf_counter() - t0) * 1e3)
        await asyncio.sleep(0.01)


async def fig_many(plan: Plan) -> Results:
    starts, p99s, p50s = [], [], []
    for _ in range(1 if plan.quick else 2):
        async with hub() as (h, _):
            ids = [
                (await h.call("create_worker", name=f"many {i}", venv=False))["id"]
                for i in range(20)
            ]
            rtts: list[float] = []
            done = asyncio.Event()
            prober = asyncio.create_task(probe(h, rtts, done))
            t0 = time.perf_counter()
            recs = await asyncio.gather(*(h.call("start_worker", id=i) for i in ids))
            starts.append(time.perf_counter() - t0)
            done.set()
            await prober
            if any(r["status"] != "running" for r in recs):
                raise BenchError(f"not all running: {[r['status'] for r in recs]}")
            p99s.append(statistics.quantiles(rtts, n=100, method="inclusive")[98])
            p50s.append(statistics.median(rtts))
            await asyncio.gather(*(h.call("stop_worker", id=i) for i in ids))
    return {"start20": summary(starts), "list_p99": summary(p99s), "list_p50": summary(p50s)}


async def fig_hub_stop(plan: Plan) -> Results:
    samples = []
    for _ in range(max(2, plan.runs // 2)):
        async with hub() as (h, _):
            pids, ids = [], []
            for i in range(5):
                rec = await h.call("create_worker", name=f"s{i}", venv=False)
                rec = await h.call("start_worker", id=rec["id"])
                async with await Client.connect(rec["url"], h.token) as w:
                    await w.call("add_node", node_id="numbers.add", inputs={"a": i})
                pids.append(rec["pid"])
                ids.append(rec["id"])
            assert h.client is not None
            await h.client.close()
            h.client = None
            t0 = time.perf_counter()
            h.proc.send_signal(signal.SIGTERM)
            async with asyncio.timeout(30):
                await h.proc.wait()
            await gone(pids)
            samples.append(time.perf_counter() - t0)
            for wid in ids:
                saved = h.state / "workers" / wid / "nodespace.json"
                if b"numbers.add" not in saved.read_bytes():
                    raise BenchError(f"{wid} not saved")
    return {"hub_stop": summary(samples)}


async def fig_rss(plan: Plan) -> Results:
    samples = []
    for _ in range(max(2, plan.runs // 2)):
        async with hub() as (h, _):
            for i in range(20):
                await h.call("create_worker", name=f"idle {i}", venv=False)
            await h.call("list_workers")
            await asyncio.sleep(0.5)
            samples.append(rss_mb(h.proc.pid))
    return {"rss": summary(samples)}


PACKAGE = "six"
PACKAGE_CALL_TIMEOUT = 300.0


def site_file(env_dir: Path, name: str) -> bool:
    """Whether the environment installed ``name`` (a module file or package) itself."""
    return any(env_dir.glob(f"lib/python*/site-packages/{name}.py")) or any(
        env_dir.glob(f"lib/python*/site-packages/{name}/__init__.py")
    )


async def pkg_call(h: Hub, cmd: str, **kwargs: Any) -> Any:
    async with asyncio.timeout(PACKAGE_CALL_TIMEOUT):
        return await h.call(cmd, **kwargs)


async def pkg_cycle(h: Hub, name: str) -> tuple[str, dict[str, float]]:
    """A fresh venv worker: create, start, dry-run an add, add, roll back, stop; each checked."""
    out: dict[str, float] = {}
    t0 = time.perf_counter()
    rec = await pkg_call(h, "create_worker", name=name, venv=True)
    out["create"] = time.perf_counter() - t0
    wid = rec["id"]
    folder = h.state / "workers" / wid
    env_dir = folder / ".venv"
    lock = pk.read_lock(folder)
    if rec["status"] != "stopped" or lock is None or not pk.stamp_matches(env_dir, lock):
        raise BenchError(f"create with venv: no environment stamped with its lock: {rec}")
    rec = await pkg_call(h, "start_worker", id=wid)
    if rec["status"] != "running" or not alive(rec["pid"]):
        raise BenchError(f"start venv: {rec}")
    pid = rec["pid"]

    t0 = time.perf_counter()
    reply = await pkg_call(h, "add_packages", id=wid, packages=[PACKAGE], dry_run=True)
    out["dry_run"] = time.perf_counter() - t0
    added = {p["name"] for p in reply["diff"]["added"]}
    if reply["applied"] or PACKAGE not in added or pk.read_lock(folder) != lock:
        raise BenchError(f"dry run: {reply}")
    if (await pkg_call(h, "get_worker", id=wid))["pid"] != pid:
        raise BenchError("dry run restarted the worker")

    t0 = time.perf_counter()
    reply = await pkg_call(h, "add_packages", id=wid, packages=[PACKAGE])
    out["add"] = time.perf_counter() - t0
    rec = await pkg_call(h, "get_worker", id=wid)
    if not (reply["applied"] and reply["restarted"]) or rec["status"] != "running":
        raise BenchError(f"add: {reply} {rec}")
    if rec["pid"] == pid or not alive(rec["pid"]) or alive(pid):
        raise BenchError(f"add: not restarted on a new process: {pid} → {rec}")
    added_lock = pk.read_lock(folder) or ""
    if f"{PACKAGE}==" not in added_lock or not site_file(env_dir, PACKAGE):
        raise BenchError(f"add: {PACKAGE} not in the lock or the environment: {added_lock!r}")
    if not pk.stamp_matches(env_dir, added_lock):
        raise BenchError("add: environment not stamped with the new lock")
    pid = rec["pid"]

    t0 = time.perf_counter()
    reply = await pkg_call(h, "rollback_packages", id=wid)
    out["rollback"] = time.perf_counter() - t0
    rec = await pkg_call(h, "get_worker", id=wid)
    if not (reply["applied"] and reply["restarted"]) or rec["status"] != "running":
        raise BenchError(f"rollback: {reply} {rec}")
    if rec["pid"] == pid or not alive(rec["pid"]) or alive(pid):
        raise BenchError(f"rollback: not restarted on a new process: {pid} → {rec}")
    if pk.read_lock(folder) != lock or site_file(env_dir, PACKAGE):
        raise BenchError(f"rollback: not back on the previous lock {lock!r}")
    if not pk.stamp_matches(env_dir, lock) or rec["requirements"]:
        raise BenchError(f"rollback: environment or requirements not back: {rec}")

    rec = await pkg_call(h, "stop_worker", id=wid)
    if rec["status"] != "stopped":
        raise BenchError(f"stop: {rec}")
    return wid, out


async def sync_check(h: Hub, wid: str, runs: int) -> list[float]:
    """The hub's own ``_ensure_env`` (in this process, on the worker's real folder) for a worker
    whose environment matches its lock: what a start of it adds before spawning, in µs."""
    service = HubService(HubConfig(state=h.state, token=None))
    env_dir = h.state / "workers" / wid / ".venv"
    stamp = env_dir / pk.STAMP_FILE
    built = stamp.stat().st_mtime_ns
    samples = []
    for _ in range(runs):
        entry = service.registry.get(wid)
        t0 = time.perf_counter()
        python = await service._ensure_env(entry)
        samples.append((time.perf_counter() - t0) * 1e6)
        if python != env_dir / "bin" / "python" or stamp.stat().st_mtime_ns != built:
            raise BenchError("the sync check rebuilt an environment whose stamp matches")
    return samples


async def start_stop(h: Hub, wid: str) -> float:
    t0 = time.perf_counter()
    rec = await pkg_call(h, "start_worker", id=wid)
    elapsed = time.perf_counter() - t0
    if rec["status"] != "running" or not alive(rec["pid"]):
        raise BenchError(f"start: {rec}")
    await pkg_call(h, "stop_worker", id=wid)
    return elapsed


async def fig_packages(plan: Plan) -> Results:
    cycles: list[dict[str, float]] = []
    with tempfile.TemporaryDirectory(prefix="nodeweave-bench-uv-cache-") as cache:
        # No warm spare: the start difference compares cold starts (a venv worker has its own
        # interpreter, which a spare of the hub's cannot become).
        env = {"NODEWEAVE_FUNCNODES": "off", "UV_CACHE_DIR": cache, "NODEWEAVE_WARM_SPARE": "0"}
        async with hub(env) as (h, _):
            # warm-up: virtualenv's app data (in the fresh state directory), bytecode, and the
            # uv cache (the index's answers and the wheel of six)
            _, warm = await pkg_cycle(h, "warm-up")
            venv_id = ""
            for i in range(plan.runs):
                venv_id, cycle = await pkg_cycle(h, f"pk{i}")
                cycles.append(cycle)

            # the sync check: a venv worker whose stamp matches (its last cycle) vs a plain one
            plain_id = (await pkg_call(h, "create_worker", name="plain", venv=False))["id"]
            check = await sync_check(h, venv_id, max(20, plan.runs * 5))
            await start_stop(h, venv_id)
            await start_stop(h, plain_id)  # warm-up
            added = []
            for i in range(max(8, 2 * plan.runs)):
                # alternating which goes first: neither pays for the other's exit
                if i % 2:
                    plain_start = await start_stop(h, plain_id)
                    venv_start = await start_stop(h, venv_id)
                else:
                    venv_start = await start_stop(h, venv_id)
                    plain_start = await start_stop(h, plain_id)
                added.append((venv_start - plain_start) * 1e3)
    NOTES.extend(
        [
            "packages: excluded, the warm-up cycle (the hub's first environment, uv cache cold): "
            f"create {warm['create']:.3f} s, dry run {warm['dry_run']:.3f} s, "
            f"add {warm['add']:.3f} s, rollback {warm['rollback']:.3f} s",
            "packages: each run: a fresh venv worker without requirements is created, started, "
            f"a dry-run add of {PACKAGE}, an add (its reply comes after the restart), a rollback "
            "(to the empty lock: a new environment, nothing to install, a restart)",
            "packages: sync check = the hub's own _ensure_env, run in this process on the "
            "worker's folder (lock read, environment check, stamp compare; it matches: nothing "
            "built)",
            "packages: start difference = start_worker of that venv worker minus start_worker "
            "of one without its own environment, in pairs (which goes first alternates): all a "
            "venv adds to a start, the check included, and its interpreter's startup too",
        ]
    )
    return {
        "pkg_create": summary([c["create"] for c in cycles]),
        "pkg_add": summary([c["add"] for c in cycles]),
        "pkg_dry_run": summary([c["dry_run"] for c in cycles]),
        "pkg_rollback": summary([c["rollback"] for c in cycles]),
        "pkg_sync_check": summary(check),
        "pkg_start_added": summary(added),
    }


RUNNERS: dict[str, Callable[[Plan], Awaitable[Results]]] = {
    "launch": fig_launch,
    "warm": fig_warm_start,
    "lifecycle": fig_create_start_stop,
    "crash": fig_crash,
    "many": fig_many,
    "hub_stop": fig_hub_stop,
    "rss": fig_rss,
    "packages": fig_packages,
}


async def main_async(plan: Plan, only: list[str], as_json: bool) -> int:
    results: Results = {}
    t0 = time.perf_counter()
    for name in only:
        print(f"  … {name}", file=sys.stderr, flush=True)
        results.update(await RUNNERS[name](plan))
    if as_json:
        print(json.dumps(results, indent=2))
        for note in NOTES:
            print(f"  note: {note}", file=sys.stderr)
        return 0
    print(
        f"nodeweave hub benchmark — Python {sys.version.split()[0]}, {os.cpu_count()} CPUs; "
        f"median [min, max] ({time.perf_counter() - t0:.0f} s)"
    )
    print_table(FIGURES, results)
    for note in NOTES:
        print(f"  note: {note}")
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="fewer runs")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--only", nargs="+", choices=list(RUNNERS), help="run only these")
    args = parser.parse_args()
    plan = Plan(runs=3 if args.quick else 8, quick=args.quick)
    try:
        return asyncio.run(main_async(plan, args.only or list(RUNNERS), args.json))
    finally:
        BYTECODE_DIR.cleanup()


if __name__ == "__main__":
    sys.exit(main())
