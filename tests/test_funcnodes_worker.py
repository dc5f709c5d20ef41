"""FuncNodes modules in a worker: installed packages are found by their ``funcnodes.module`` entry
points, and a FuncNodes module file in ``modules/`` loads and hot-reloads like a native one;
nodes that cannot run here are each named in a ``problem`` event; a small graph per package runs
end to end in a real worker process."""

from __future__ import annotations

import asyncio
import contextlib
import importlib.util
import os
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from nodeweave.client import Client
from nodeweave.state import read_token
from nodeweave.worker.app import create_app
from nodeweave.worker.config import WorkerConfig, config_from_env
from nodeweave.workermanager.provision import provision

from .test_provision import make_wheel
from .worker_helpers import TOKEN, WorkerProcess, config, make_worker_dir, spawn_worker

pytest.importorskip("funcnodes_basic")

FUNCNODES_FILE = '''
"""FuncNodes nodes in a module file."""
import funcnodes_core as fn


@fn.NodeDecorator("fnfile.scale", name="Scale")
def scale(x: float, factor: float = 2.0) -> float:
    return x * factor


@fn.NodeDecorator("fnfile.threaded", separate_thread=True)
def threaded(x: int) -> int:
    return x + 1


@fn.NodeDecorator("fnfile.elsewhere", separate_process=True)
def elsewhere(x: int) -> list:
    import os

    return [x, os.getpid()]


class Looping(fn.Node):
    node_id = "fnfile.loop"
    items = fn.NodeInput(id="items", type=list)
    each = fn.NodeOutput(id="each", type=int)

    async def func(self, items: list) -> None:
        for item in items:
            self.outputs["each"].set_value(item, does_trigger=True)
'''


async def settled_value(client: Client, uuid: str, io: str) -> dict[str, Any]:
    """The output's preview once it has a value (waiting for the worker if needed)."""
    async with asyncio.timeout(20):
        while True:
            preview: dict[str, Any] = await client.call("get_value", uuid=uuid, io=io)
            if preview["kind"] != "empty":
                return preview
            await client.next_event("value", lambda d: d["uuid"] == uuid and d["io"] == io)


@pytest.fixture
def funcnodes_config(tmp_path: Path) -> WorkerConfig:
    cfg = config(tmp_path, entry_points=True)
    (cfg.modules_dir / "fnfile.py").write_text(FUNCNODES_FILE)
    return cfg


@pytest.fixture
async def fn_http(aiohttp_client: Any, funcnodes_config: WorkerConfig) -> TestClient[Any, Any]:
    http: TestClient[Any, Any] = await aiohttp_client(create_app(funcnodes_config))
    return http


@pytest.fixture
async def fn_rpc(fn_http: TestClient[Any, Any]) -> AsyncIterator[Client]:
    client = await Client.connect(str(fn_http.make_url("/ws")), TOKEN)
    await client.next_event("hello")
    yield client
    await client.close()


async def loaded(client: Client, *names: str) -> dict[str, dict[str, Any]]:
    """The modules list once every one of ``names`` is in it (they load after ready)."""
    async with asyncio.timeout(30):
        while True:
            modules = {m["name"]: m for m in await client.call("list_modules")}
            if all(n in modules for n in names):
                return modules
            await client.next_event("module_loaded")


async def test_installed_funcnodes_modules_become_shelves_with_their_ids(fn_rpc: Client) -> None:
    modules = await loaded(fn_rpc, "funcnodes_basic", "funcnodes_numpy", "fnfile")
    basic = modules["funcnodes_basic"]
    assert basic["status"] == "loaded" and basic["origin"] == "entry_point"
    assert {"add_node", "string.split", "dict_get"} <= set(basic["node_ids"])
    assert basic["shelves"] == ["basics"]  # FuncNodes' own shelf name
    skipped = " ".join(basic["skipped"])
    assert "'for_node'" in skipped and "'while_node'" in skipped
    library = await fn_rpc.call("get_library")
    shelves = {s["name"]: s for s in library["shelves"]}
    assert "basics" in shelves and [s["name"] for s in shelves["basics"]["subshelves"]][:2] == [
        "Input",
        "Lists",
    ]


async def test_each_node_that_cannot_load_is_a_problem_event_and_in_hello(
    fn_rpc: Client, fn_http: TestClient[Any, Any], funcnodes_config: WorkerConfig
) -> None:
    await loaded(fn_rpc, "funcnodes_basic", "fnfile")
    # a module that arrives now: its loop node is said at once, the rest of it loads
    looping = FUNCNODES_FILE.replace("fnfile.", "fnlater.")
    (funcnodes_config.modules_dir / "fnlater.py").write_text(looping)
    await fn_rpc.call("reload_modules")
    said = await fn_rpc.next_event("problem", lambda d: "'fnlater.loop'" in d["message"])
    assert "once per change" in said["data"]["message"]
    assert "fnlater.scale" in {n for m in await fn_rpc.call("list_modules") for n in m["node_ids"]}
    # and a client that connects later finds every one of them in its hello
    async with await Client.connect(str(fn_http.make_url("/ws")), TOKEN) as late:
        hello = await late.next_event("hello")
    problems = hello["data"]["problems"]
    assert any("'for_node'" in p and "once per change" in p for p in problems)
    assert any("'fnfile.loop'" in p for p in problems)


async def test_a_funcnodes_module_file_runs_and_hot_reloads(
    fn_rpc: Client, funcnodes_config: WorkerConfig
) -> None:
    modules = await loaded(fn_rpc, "fnfile")
    assert set(modules["fnfile"]["node_ids"]) == {
        "fnfile.scale",
        "fnfile.threaded",
        "fnfile.elsewhere",
    }
    library = await fn_rpc.call("get_library")
    specs = {n["id"]: n for s in library["shelves"] for n in s["nodes"]}
    assert specs["fnfile.threaded"]["executor"] == "thread"  # FuncNodes' separate_thread
    assert specs["fnfile.elsewhere"]["executor"] == "process"  # and separate_process
    away = (await fn_rpc.call("add_node", node_id="fnfile.elsewhere", inputs={"x": 5}))["uuid"]
    value, pid = (await settled_value(fn_rpc, away, "out"))["value"]
    assert value == 5 and pid != os.getpid()
    node = (await fn_rpc.call("add_node", node_id="fnfile.scale", inputs={"x": 4}))["uuid"]
    assert (await settled_value(fn_rpc, node, "out"))["value"] == 8
    path = funcnodes_config.modules_dir / "fnfile.py"
    path.write_text(FUNCNODES_FILE.replace("return x * factor", "return x * factor + 1"))
    reloaded = await fn_rpc.call("reload_modules")
    assert ("reloaded", "fnfile") in [(e["kind"], e["module"]) for e in reloaded]
    await fn_rpc.next_event("value", lambda d: d["uuid"] == node and d["preview"].get("value") == 9)


# --- a real worker process -------------------------------------------------------------------


@pytest.fixture
async def worker(tmp_path: Path) -> AsyncIterator[WorkerProcess]:
    make_worker_dir(tmp_path, "w1")
    proc = await spawn_worker(tmp_path, "w1", env={"NODEWEAVE_FUNCNODES": "on"})
    try:
        await proc.ready()
        yield proc
    finally:
        await proc.kill()


async def test_a_small_graph_per_package_runs_in_a_real_worker(
    worker: WorkerProcess, tmp_path: Path
) -> None:
    async with await Client.connect(worker.url, read_token(tmp_path)) as client:
        await client.next_event("hello")
        await loaded(
            client, "funcnodes_basic", "funcnodes_numpy", "funcnodes_pandas", "funcnodes_plotly"
        )

        async def chain(
            first: tuple[str, dict[str, Any]],
            second: tuple[str, dict[str, Any]],
            src: str,
            dst: str,
        ) -> str:
            a = (await client.call("add_node", node_id=first[0], inputs=first[1]))["uuid"]
            b = (await client.call("add_node", node_id=second[0], inputs=second[1]))["uuid"]
            await client.call("connect", src=a, src_io=src, dst=b, dst_io=dst)
            return str(b)

        basic = await chain(("add_node", {"a": 2, "b": 3}), ("mul_node", {"b": 10}), "out", "a")
        numbers = await chain(
            ("np.linspace", {"start": 0, "stop": 1, "num": 5}),
            ("np.multiply", {"x2": 4}),
            "samples",
            "x1",
        )
        series = await chain(
            ("pd.ser_from_list", {"data": [3, 1, 2]}), ("pd.ser_to_list", {}), "series", "ser"
        )
        figure = await chain(
            ("plotly.make_scatter", {"y": [1.0, 3.0, 2.0]}),
            ("plotly.add_trace", {}),
            "trace",
            "trace",
        )
        assert (await settled_value(client, basic, "out"))["value"] == 50
        array = await settled_value(client, numbers, "y")
        assert array["kind"] == "array" and array["head"] == [0.0, 1.0, 2.0, 3.0, 4.0]
        assert (await settled_value(client, series, "list"))["value"] == [3, 1, 2]
        chart = await settled_value(client, figure, "new figure")
        assert chart["kind"] == "plotly" and chart["points"] == 3
    # FuncNodes' config and logs went to the worker's folder, not the shared state directory
    assert (tmp_path / "workers" / "w1" / "funcnodes" / "config.json").is_file()
    assert not (tmp_path / "config.json").exists() and not (tmp_path / "logs").exists()


def numpy_mapped(pid: int) -> bool:
    """Whether the process has numpy's compiled core loaded (what funcnodes-numpy imports)."""
    return "_multiarray_umath" in Path(f"/proc/{pid}/maps").read_text()


@contextlib.asynccontextmanager
async def funcnodes_worker(state: Path) -> AsyncIterator[tuple[WorkerProcess, Client]]:
    """A ``nodeweave worker run w1`` process with installed FuncNodes modules on (as a user's
    worker has them), and a client that has read its hello."""
    proc = await spawn_worker(state, "w1", env={"NODEWEAVE_FUNCNODES": "on"})
    try:
        await proc.ready()
        async with await Client.connect(proc.url, read_token(state)) as client:
            await client.next_event("hello")
            yield proc, client
    finally:
        await proc.kill()


async def test_installed_funcnodes_modules_wait_until_something_needs_them(
    tmp_path: Path,
) -> None:
    """A worker whose graph uses no FuncNodes node starts without importing the installed
    FuncNodes modules (and their numpy, pandas, plotly); naming one of their node types loads
    them, a saved graph that uses one has them before it runs, and listing the library is
    answered from the library cache their last load left (else it loads them)."""
    make_worker_dir(tmp_path, "w1")
    async with funcnodes_worker(tmp_path) as (proc, client):
        await client.call("get_state")  # the modules it has are loaded
        total = (await client.call("add_node", node_id="numbers.add", inputs={"a": 1}))["uuid"]
        await client.call("set_input", uuid=total, io="b", value=2)
        assert (await settled_value(client, total, "out"))["value"] == 3
        assert not numpy_mapped(proc.pid)  # nothing asked for them yet
        # A FuncNodes node type named: its modules load, then the node is added.
        node = (await client.call("add_node", node_id="add_node", inputs={"a": 2, "b": 3}))["uuid"]
        assert (await settled_value(client, node, "out"))["value"] == 5
        assert numpy_mapped(proc.pid)
        await client.call("save")
    async with funcnodes_worker(tmp_path) as (proc, client):
        # No command asked for the library: the graph needed the module, so it is there.
        assert (await settled_value(client, node, "out"))["value"] == 5
        state = await client.call("get_state")
        assert not any(n.get("placeholder") for n in state["nodes"])
        for uuid in (node, total):  # an empty graph again, for the next start
            await client.call("remove_node", uuid=uuid)
        await client.call("save")
    # Their load left what they give in the worker's library cache: listing the library and
    # the modules is answered from it, and nothing is imported until one of them is used.
    cache = tmp_path / "workers" / "w1" / "library.json"
    assert cache.is_file()
    async with funcnodes_worker(tmp_path) as (proc, client):
        library = await client.call("get_library")
        basics = {s["name"]: s for s in library["shelves"]}["basics"]
        modules = {m["name"]: m for m in await client.call("list_modules")}
        assert modules["funcnodes_basic"]["status"] == "deferred"
        assert "add_node" in modules["funcnodes_basic"]["node_ids"]
        assert modules["numbers"]["status"] == "loaded"
        assert not numpy_mapped(proc.pid)
        # The node the library showed: its module loads as it is added.
        shown = next(n for sub in basics["subshelves"] for n in sub["nodes"])
        await client.call("add_node", node_id=shown["id"])
        assert numpy_mapped(proc.pid)
        modules = {m["name"]: m for m in await client.call("list_modules")}
        assert modules["funcnodes_basic"]["status"] == "loaded"
        library = await client.call("get_library")
        assert {s["name"]: s for s in library["shelves"]}["basics"] == basics
    # A cache for other packages (a changed fingerprint) is no cache: listing loads them.
    cache.write_bytes(cache.read_bytes().replace(b'"fingerprint":"', b'"fingerprint":"x'))
    async with funcnodes_worker(tmp_path) as (proc, client):
        library = await client.call("get_library")
        assert "basics" in {s["name"] for s in library["shelves"]}
        assert numpy_mapped(proc.pid)


def test_funcnodes_modules_can_be_left_out_of_a_worker(tmp_path: Path) -> None:
    env = {"FUNCNODES_CONFIG_DIR": str(tmp_path)}
    assert config_from_env("w1", environ=env).funcnodes
    for off in ("off", "0", "false", "NO"):
        assert not config_from_env("w1", environ={**env, "NODEWEAVE_FUNCNODES": off}).funcnodes
    assert config_from_env("w1", environ=env).defer_funcnodes
    eager = config_from_env("w1", environ={**env, "NODEWEAVE_FUNCNODES": "eager"})
    assert eager.funcnodes and not eager.defer_funcnodes


# --- a FuncNodes module in one worker's own environment ----------------------------------------

WHEEL_MODULE = """
import funcnodes_core as fn


@fn.NodeDecorator("fnwheel.triple", name="Triple")
def triple(x: int) -> int:
    return 3 * x


NODE_SHELF = fn.Shelf(name="fnwheel", nodes=[triple], subshelves=[], description="from a wheel")
"""


async def test_a_funcnodes_package_in_one_workers_environment_is_only_that_workers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PIP_NO_INDEX", "1")
    monkeypatch.setenv("PIP_CACHE_DIR", str(tmp_path / "pip-cache"))
    dist = tmp_path / "dist"
    dist.mkdir()
    wheel = make_wheel(
        dist,
        "fnwheeltest",
        source=WHEEL_MODULE,
        entry_points="[funcnodes.module]\nmodule = fnwheeltest\nshelf = fnwheeltest:NODE_SHELF\n",
    )
    for worker_id in ("own", "plain"):
        make_worker_dir(tmp_path, worker_id)
    env_dir = tmp_path / "workers" / "own" / ".venv"
    python = await provision(
        env_dir, [str(wheel)], installer="pip", app_data=tmp_path / "venv-data"
    )
    assert importlib.util.find_spec("fnwheeltest") is None  # not in this (the hub's) environment
    on = {"NODEWEAVE_FUNCNODES": "on"}
    own = await spawn_worker(tmp_path, "own", env=on, python=python)
    plain = await spawn_worker(tmp_path, "plain", env=on)
    try:
        await own.ready()
        await plain.ready()
        token = read_token(tmp_path)
        async with await Client.connect(own.url, token) as client:
            await client.next_event("hello")
            modules = await loaded(client, "fnwheeltest")
            assert modules["fnwheeltest"]["node_ids"] == ["fnwheel.triple"]
            node = (await client.call("add_node", node_id="fnwheel.triple", inputs={"x": 7}))[
                "uuid"
            ]
            assert (await settled_value(client, node, "out"))["value"] == 21
        async with await Client.connect(plain.url, token) as client:
            await client.next_event("hello")
            names = set(await loaded(client, "funcnodes_basic"))
            assert "fnwheeltest" not in names
    finally:
        await own.kill()
        await plain.kill()


def test_nodeweave_run_imports_the_funcnodes_modules_only_for_a_workflow_that_uses_them(
    tmp_path: Path,
) -> None:
    """``nodeweave run`` of a workflow of built-in nodes does not import the installed FuncNodes
    modules; one that uses a FuncNodes node type has them."""
    import subprocess
    import sys

    import orjson

    probe = (
        "import asyncio, io, sys\n"
        "from pathlib import Path\n"
        "from nodeweave.worker.headless import run_workflow\n"
        "out = io.StringIO()\n"
        "code = asyncio.run(run_workflow(Path(sys.argv[1]), out=out,"
        " environ={'NODEWEAVE_FUNCNODES': 'on'}))\n"
        "print(code, out.getvalue().strip(), 'funcnodes_numpy' in sys.modules)\n"
    )
    results = []
    for name, node_id in (("plain", "numbers.add"), ("fn", "add_node")):
        path = tmp_path / f"{name}.json"
        document = {
            "schema_version": 1,
            "nodes": [{"uuid": "n", "node_id": node_id, "inputs": {"a": 2, "b": 3}}],
            "edges": [],
        }
        path.write_bytes(orjson.dumps(document))
        done = subprocess.run(
            [sys.executable, "-c", probe, str(path)],
            capture_output=True,
            text=True,
            timeout=120,
            check=True,
            env={**os.environ, "FUNCNODES_CONFIG_DIR": str(tmp_path / "state")},
        )
        results.append(done.stdout.split())
    plain, fn = results
    assert plain[0] == "0" and plain[-1] == "False"
    assert fn[0] == "0" and "5" in " ".join(fn[1:-1]) and fn[-1] == "True"
