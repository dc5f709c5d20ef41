"""Hub benchmark: prints figures (median [min, max] (runs)) against the targets.

    python bench/hub.py [--quick] [--json] [--only NAME ...]

Every figure runs a real ``nodeweave up`` in a fresh temporary state directory (127.0.0.1, a
free port), with a bytecode cache like an installed nodeweave, and stops every process it
started by pid. Each figure checks its own result.
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
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp
import orjson

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.report import Figure, Results, print_table, summary  # noqa: E402
from nodeweave.client import Client  # noqa: E402

BYTECODE_DIR = tempfile.TemporaryDirectory(prefix="nodeweave-bench-pycache-")


class BenchError(AssertionError):
    pass


FIGURES = [
    Figure("launch", "launch `nodeweave up` → /health answers", "s", 0.6),
    Figure("create", "create_worker without venv", "ms", 50),
    Figure("create_venv", "create_worker with venv, no extra requirements", "s", 1.0),
    Figure("start", "start_worker → running (no venv)", "s", 1.0),
    Figure("start_venv", "start_worker → running (venv)", "s", 1.2),
    Figure("stop", "stop_worker → process gone, state saved", "s", 0.5),
    Figure("crash_seen", "SIGKILL of a worker → worker_status reports it", "s", 0.2),
    Figure("crash_back", "SIGKILL of a worker → running again", "s", 1.5),
    Figure("start20", "20 workers started at once → all running", "s", 10),
    Figure("list_p99", "list_workers round trip p99 while those 20 start", "ms", 20),
    Figure("list_p50", "list_workers round trip p50 while those 20 start", "ms"),
    Figure("hub_stop", "hub SIGTERM with 5 running workers → all exited, saved", "s", 2.0),
    Figure("rss", "hub RSS, idle, 20 workers registered", "MB", 55),
]


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
    async def start(cls, state: Path) -> tuple[Hub, float]:
        port = free_port()
        env = {**os.environ, "FUNCNODES_CONFIG_DIR": str(state), "NODEWEAVE_LOG_LEVEL": "WARNING"}
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
            async with aiohttp.ClientSession() as http, asyncio.timeout(20):
                while True:
                    with contextlib.suppress(aiohttp.ClientError, OSError):
                        async with http.get(f"http://127.0.0.1:{port}/health") as resp:
                            if resp.status == 200:
                                break
                    if proc.returncode is not None:
                        raise BenchError(f"hub exited: {(state / 'hub.log').read_text()}")
                    await asyncio.sleep(0.005)
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


def kill_leftover_workers(state: Path) -> None:
    """Workers a failed figure may have left: by the pid their runtime.json names."""
    for runtime in state.glob("workers/*/runtime.json"):
        with contextlib.suppress(OSError, ValueError, KeyError):
            pid = int(orjson.loads(runtime.read_bytes())["pid"])
            with contextlib.suppress(ProcessLookupError):
                os.killpg(pid, signal.SIGKILL)


@contextlib.asynccontextmanager
async def hub() -> AsyncIterator[tuple[Hub, float]]:
    with tempfile.TemporaryDirectory(prefix="nodeweave-bench-hub-") as tmp:
        h, elapsed = await Hub.start(Path(tmp))
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


async def fig_launch(plan: Plan) -> Results:
    async with hub():
        pass  # warm-up (bytecode cache)
    samples = []
    for _ in range(plan.runs):
        async with hub() as (_h, elapsed):
            samples.append(elapsed)
    return {"launch": summary(samples)}


async def fig_create_start_stop(plan: Plan) -> Results:
    create, start, stop, create_venv, start_venv = [], [], [], [], []
    async with hub() as (h, _):
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


RUNNERS: dict[str, Callable[[Plan], Awaitable[Results]]] = {
    "launch": fig_launch,
    "lifecycle": fig_create_start_stop,
    "crash": fig_crash,
    "many": fig_many,
    "hub_stop": fig_hub_stop,
    "rss": fig_rss,
}


async def main_async(plan: Plan, only: list[str], as_json: bool) -> int:
    results: Results = {}
    t0 = time.perf_counter()
    for name in only:
        print(f"  … {name}", file=sys.stderr, flush=True)
        results.update(await RUNNERS[name](plan))
    if as_json:
        print(json.dumps(results, indent=2))
        return 0
    print(
        f"nodeweave hub benchmark — Python {sys.version.split()[0]}, {os.cpu_count()} CPUs; "
        f"median [min, max] ({time.perf_counter() - t0:.0f} s)"
    )
    print_table(FIGURES, results)
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
