"""``nodeweave up`` as a real process, driven by the ``nodeweave worker …`` commands (§4, §9)."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import stat
import sys
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import orjson
import pytest

from nodeweave.client import Client

from .hub_helpers import alive, call, kill_all, wait_gone, worker_processes

HUB_LINE = "nodeweave hub on "


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Env:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.state = root / "state"
        self.env = {
            **os.environ,
            "FUNCNODES_CONFIG_DIR": str(self.state),
            "NODEWEAVE_LOG_LEVEL": "INFO",
        }
        self.hubs: list[asyncio.subprocess.Process] = []

    async def up(self, port: int | None = None) -> tuple[asyncio.subprocess.Process, int, str]:
        """Start ``nodeweave up``; return it, its port and the URL it printed."""
        port = port or free_port()
        log = self.root / f"hub-{len(self.hubs)}.log"
        with log.open("ab") as err:
            proc = await asyncio.create_subprocess_exec(
                sys.executable,
                "-m",
                "nodeweave",
                "up",
                "--no-browser",
                "--port",
                str(port),
                stdout=asyncio.subprocess.PIPE,
                stderr=err,
                env=self.env,
            )
        self.hubs.append(proc)
        assert proc.stdout is not None
        async with asyncio.timeout(20):
            line = (await proc.stdout.readline()).decode()
        assert line.startswith(HUB_LINE), (line, log.read_text())
        return proc, port, line[len(HUB_LINE) :].strip()

    async def run(self, *args: str, wait: float = 30.0) -> tuple[int, str, str]:
        """``python -m nodeweave ARGS``: exit code, stdout, stderr."""
        proc = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "nodeweave",
            *args,
            stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
            env=self.env,
        )
        try:
            async with asyncio.timeout(wait):
                out, err = await proc.communicate()
        except TimeoutError:
            proc.kill()
            await proc.wait()
            raise
        assert proc.returncode is not None
        return proc.returncode, out.decode(), err.decode()

    async def worker(self, *args: str) -> str:
        """``nodeweave worker ARGS`` that must succeed: its stdout."""
        code, out, err = await self.run("worker", *args)
        assert code == 0, (args, out, err)
        return out

    async def rpc(self, cmd: str, **kwargs: object) -> Any:
        """One command straight to the running hub (quicker than a ``nodeweave`` process)."""
        info = orjson.loads((self.state / "hub.json").read_bytes())
        token = (self.state / "token").read_text().strip()
        async with await Client.connect(info["ws"], token) as client:
            return await call(client, cmd, **kwargs)

    async def close(self) -> None:
        try:
            for proc in self.hubs:
                if proc.returncode is None:
                    proc.send_signal(signal.SIGTERM)
                    try:
                        async with asyncio.timeout(15):
                            await proc.wait()
                    except TimeoutError:
                        proc.kill()
                        await proc.wait()
        finally:
            kill_all(self.state)


@pytest.fixture
async def env(tmp_path: Path) -> AsyncIterator[Env]:
    e = Env(tmp_path)
    yield e
    await e.close()


async def stop_hub(proc: asyncio.subprocess.Process, wait: float = 10.0) -> int:
    proc.send_signal(signal.SIGTERM)
    async with asyncio.timeout(wait):
        return await proc.wait()


async def test_worker_commands_drive_the_running_hub(env: Env) -> None:
    hub, port, url = await env.up()
    assert url.startswith(f"http://127.0.0.1:{port}/?token=")
    token = (env.state / "token").read_text().strip()
    assert url.endswith(f"?token={token}")

    out = await env.worker("new", "demo", "--no-venv")
    assert out.split()[:3] == ["demo", "stopped", "demo"]
    out = await env.worker("list")
    assert out.split()[:2] == ["demo", "stopped"]
    [record] = orjson.loads(await env.worker("list", "--json"))
    assert record["id"] == "demo" and record["status"] == "stopped" and record["venv"] is False

    out = await env.worker("start", "demo")
    assert out.split()[:2] == ["demo", "running"]
    [record] = orjson.loads(await env.worker("list", "--json"))
    pid = record["pid"]
    assert f"pid {pid}" in out and record["url"] in out
    assert worker_processes(env.state, "demo") == [pid]

    logs = await env.worker("logs", "demo")
    assert f"ready on {record['url']} (pid {pid})" in logs

    out = await env.worker("stop", "demo")
    assert out.split()[:2] == ["demo", "stopped"]
    await wait_gone(pid)
    assert "worker demo stopped in" in (env.state / "workers" / "demo" / "worker.log").read_text()

    assert (await env.worker("delete", "demo")).strip() == "deleted demo"
    assert orjson.loads(await env.worker("list", "--json")) == []
    assert not (env.state / "workers" / "demo").exists()
    assert await stop_hub(hub) == 0


async def test_worker_command_errors_exit_1_with_the_reason(env: Env) -> None:
    await env.up()
    for args in (("start", "nope"), ("logs", "nope")):
        code, out, err = await env.run("worker", *args)
        assert code == 1, (args, out, err)
        assert "not_found" in err and "nope" in err
        assert out == ""


async def test_no_hub_running_means_exit_1_and_how_to_start_one(env: Env) -> None:
    code, out, err = await env.run("worker", "list")
    assert code == 1
    assert out == ""
    assert f"no hub is running for {env.state}" in err
    assert "nodeweave up" in err


async def test_one_hub_per_state_directory(env: Env) -> None:
    hub, port, _ = await env.up()
    code, _, err = await env.run("up", "--no-browser", "--port", str(free_port()))
    assert code != 0
    assert "already running" in err
    assert f"pid {hub.pid}" in err
    assert f"http://127.0.0.1:{port}/" in err
    # The first one is unharmed, hub.json still says where it is.
    info = orjson.loads((env.state / "hub.json").read_bytes())
    assert info["pid"] == hub.pid and info["port"] == port
    assert orjson.loads(await env.worker("list", "--json")) == []


async def test_a_busy_port_exits_1_and_frees_the_state_directory(env: Env) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        code, _, err = await env.run("up", "--no-browser", "--port", str(port))
    assert code == 1
    assert f"cannot listen on 127.0.0.1:{port}" in err
    assert not (env.state / "hub.json").exists()
    await env.up()  # the lock was released


async def test_token_file_is_private_and_hub_json_says_where(env: Env) -> None:
    hub, port, _ = await env.up()
    mode = stat.S_IMODE((env.state / "token").stat().st_mode)
    assert mode == 0o600
    info = orjson.loads((env.state / "hub.json").read_bytes())
    assert info["pid"] == hub.pid
    assert info["url"] == f"http://127.0.0.1:{port}/"
    assert info["ws"] == f"ws://127.0.0.1:{port}/ws"


async def test_sigterm_stops_the_hub_and_its_workers(env: Env) -> None:
    hub, _, _ = await env.up()
    for name in ("one", "two"):
        await env.rpc("create_worker", name=name, venv=False)
    pids = [(await env.rpc("start_worker", id=wid))["pid"] for wid in ("one", "two")]
    assert all(isinstance(p, int) and alive(p) for p in pids)
    assert await stop_hub(hub) == 0
    for pid in pids:
        await wait_gone(pid, wait=1.0)  # stopped before the hub exited, not after
    assert not (env.state / "hub.json").exists()
    for wid in ("one", "two"):  # each had the time to stop cleanly
        assert (
            f"worker {wid} stopped in" in (env.state / "workers" / wid / "worker.log").read_text()
        )
    code, _, err = await env.run("worker", "list")
    assert code == 1 and "no hub is running" in err


async def test_a_hub_killed_hard_leaves_its_workers_to_the_next_one(env: Env) -> None:
    hub, _, _ = await env.up()
    await env.rpc("create_worker", name="demo", venv=False)
    record = await env.rpc("start_worker", id="demo")
    hub.kill()
    await hub.wait()
    assert alive(record["pid"])
    # hub.json is stale now: the CLI says that the hub does not answer.
    code, _, err = await env.run("worker", "list")
    assert code == 1 and "does not answer" in err

    await env.up()
    [again] = orjson.loads(await env.worker("list", "--json"))
    assert again["status"] == "running"
    assert again["pid"] == record["pid"]
    assert worker_processes(env.state, "demo") == [record["pid"]]
    await env.worker("stop", "demo")
    await wait_gone(record["pid"])


async def test_an_up_that_cannot_listen_leaves_running_workers_alone(env: Env) -> None:
    hub, _, _ = await env.up()
    await env.rpc("create_worker", name="demo", venv=False)
    record = await env.rpc("start_worker", id="demo")
    hub.kill()  # the hub dies; its worker runs on, waiting for the next hub
    await hub.wait()
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        code, _, err = await env.run("up", "--no-browser", "--port", str(busy.getsockname()[1]))
    assert code == 1 and "cannot listen" in err
    assert alive(record["pid"]), "a failed 'nodeweave up' stopped a running worker"
