"""A worker's environment variables and secrets, through ``nodeweave worker env`` / ``secret``:
applied at its next start, read by node code as environment variables — and a secret's value
never in worker.json, a log, an export or any protocol message."""

from __future__ import annotations

import asyncio
import hashlib
import stat
import sys
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import orjson
import pytest

from nodeweave.client import Client

from .test_hub_cli import Env

SECRET = "s3cr3t-VALUE-8d1f0c"
ENV_MODULE = """
import hashlib
import os

from nodeweave import node


@node(id="envtest.get")
def get(name: str) -> str:
    return os.environ.get(name, "(unset)")


@node(id="envtest.digest")
def digest(name: str) -> str:
    return hashlib.sha256(os.environ.get(name, "").encode()).hexdigest()
"""


@pytest.fixture
async def env(tmp_path: Path) -> AsyncIterator[Env]:
    e = Env(tmp_path)
    yield e
    await e.close()


async def value(client: Client, node_id: str, name: str) -> Any:
    node = await client.call("add_node", node_id=node_id, inputs={"name": name})
    async with asyncio.timeout(20):
        while True:
            got = await client.call("get_node", uuid=node["uuid"])
            if got["status"] == "done":
                return got["outputs"][0]["preview"]["value"]
            await client.next_event("node_status", lambda d: d["uuid"] == node["uuid"])


async def test_env_and_secrets_reach_the_worker_and_the_secret_nowhere_else(env: Env) -> None:
    await env.up()
    await env.worker("new", "cfg", "--no-venv")
    folder = env.state / "workers" / "cfg"
    (folder / "modules").mkdir(exist_ok=True)
    (folder / "modules" / "envtest.py").write_text(ENV_MODULE)

    out = await env.worker("env", "cfg", "GREETING=hello there", "MODE=test")
    assert "GREETING=hello there" in out and "applied at its next start" in out
    out = await env.worker("env", "cfg", "--unset", "MODE")
    assert "MODE" not in out

    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "nodeweave",
        *("worker", "secret", "set", "cfg", "API_KEY"),
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        env=env.env,
    )
    said, err = await proc.communicate(SECRET.encode() + b"\n")
    assert proc.returncode == 0, err
    assert SECRET.encode() not in said + err
    secrets_file = folder / "secrets.json"
    assert stat.S_IMODE(secrets_file.stat().st_mode) == 0o600
    assert (await env.worker("secret", "list", "cfg")).split() == ["API_KEY"]
    code, _out, err = await env.run("worker", "secret", "set", "cfg", "1bad")
    assert code == 2 and "name" in err

    # the client sees every frame; none may hold the value
    token = (env.state / "token").read_text().strip()
    info = orjson.loads((env.state / "hub.json").read_bytes())
    frames: list[bytes] = []
    async with await Client.connect(info["ws"], token) as hub:
        record = await hub.call("start_worker", id="cfg")
        assert record["secrets"] == ["API_KEY"] and record["env"] == {"GREETING": "hello there"}
        frames.append(orjson.dumps(record))
        frames.append(orjson.dumps(await hub.call("list_workers")))
        frames.append(orjson.dumps(await hub.call("list_secrets", id="cfg")))
        async with await Client.connect(record["url"], token) as worker:
            frames.append(orjson.dumps(await worker.next_event("hello")))
            assert await value(worker, "envtest.get", "GREETING") == "hello there"
            digest = await value(worker, "envtest.digest", "API_KEY")
            assert digest == hashlib.sha256(SECRET.encode()).hexdigest()
            frames.append(orjson.dumps(await worker.call("export_workflow")))
            frames.append(orjson.dumps(await worker.call("get_state")))
            frames += [orjson.dumps(e) for e in worker.drain_events()]
        frames += [orjson.dumps(e) for e in hub.drain_events()]
        # set and delete over the protocol answer with names only
        names = await hub.call("set_secret", id="cfg", name="OTHER", value=SECRET + "-2")
        assert names == {"id": "cfg", "names": ["API_KEY", "OTHER"]}
        assert (await hub.call("delete_secret", id="cfg", name="OTHER"))["names"] == ["API_KEY"]
        await hub.call("stop_worker", id="cfg")
        frames += [orjson.dumps(e) for e in hub.drain_events()]
    assert not [f for f in frames if SECRET.encode() in f]

    # and no file but secrets.json holds it: worker.json, the logs, the saved graph …
    holders = [
        p
        for p in env.root.rglob("*")
        if p.is_file() and SECRET.encode() in p.read_bytes() and p != secrets_file
    ]
    assert holders == []
    assert "API_KEY" not in (folder / "worker.json").read_text()
