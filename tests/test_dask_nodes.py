"""executor="dask": nodes run on a real Dask LocalCluster (2 processes, 1 thread each)."""

from __future__ import annotations

import asyncio
import dataclasses
import os
import signal
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from nodeweave import Status
from nodeweave.client import Client
from nodeweave.core.events import ProgressReported
from nodeweave.core.library import Library, Shelf
from nodeweave.core.nodespace import NodeSpace
from nodeweave.core.remote import local
from nodeweave.worker import cluster
from nodeweave.worker.app import WORKER_KEY, create_app
from nodeweave.worker.cluster import ClusterValue, DaskExecutor
from nodeweave.worker.config import DaskSettings

from .helpers import (
    Recorder,
    cluster_boom,
    cluster_make,
    cluster_slow,
    cluster_split,
    cluster_square,
    cluster_steps,
    cluster_total,
    local_count,
)
from .worker_helpers import TOKEN, config

AUTH = {"Authorization": f"Bearer {TOKEN}"}

pytest.importorskip("distributed")
pytestmark = pytest.mark.timeout(120)

SHELF = Shelf(
    "cluster",
    nodes=[
        cluster_square,
        cluster_slow,
        cluster_boom,
        cluster_steps,
        cluster_make,
        cluster_total,
        cluster_split,
        local_count,
    ],
)


def value(ns: NodeSpace, uuid: str, io: str = "out") -> Any:
    """An output's value, fetched from the cluster if it is kept there."""
    return local(ns.get_value(uuid, io))


@pytest.fixture(scope="module")
def dask() -> Iterator[DaskExecutor]:
    executor = DaskExecutor(DaskSettings(workers=2, threads=1))
    yield executor
    executor.shutdown()


@pytest.fixture
async def ns(dask: DaskExecutor) -> AsyncIterator[NodeSpace]:
    space = NodeSpace(Library([SHELF]), executors={"dask": dask})
    yield space
    await space.aclose()


async def settled(ns: NodeSpace, seconds: float = 60) -> None:
    async with asyncio.timeout(seconds):
        await ns.settle()


async def test_nodes_run_on_the_cluster_and_in_its_processes(ns: NodeSpace) -> None:
    uuids = [ns.add_node("cluster.square", inputs={"x": x}) for x in range(6)]
    await settled(ns)
    results = [value(ns, u) for u in uuids]
    assert [r[0] for r in results] == [x * x for x in range(6)]
    assert os.getpid() not in {r[1] for r in results}


async def test_outputs_stay_on_the_cluster_between_dask_nodes(
    ns: NodeSpace, monkeypatch: pytest.MonkeyPatch
) -> None:
    fetched: list[Any] = []
    real_fetch = ClusterValue.fetch

    def counting_fetch(self: ClusterValue) -> Any:
        fetched.append(self.preview)
        return real_fetch(self)

    monkeypatch.setattr(ClusterValue, "fetch", counting_fetch)
    make = ns.add_node("cluster.make", inputs={"n": 100_000})
    total = ns.add_node("cluster.total")
    split = ns.add_node("cluster.split")
    ns.connect(make, "out", total, "values")
    ns.connect(make, "out", split, "values")
    await settled(ns)
    kept = ns.get_value(make, "out")
    assert isinstance(kept, ClusterValue)
    assert kept.preview["type"] == "list" and kept.preview["length"] == 100_000
    assert fetched == []  # make → total and make → split never came through here
    assert isinstance(ns.get_value(split, "evens"), ClusterValue)
    assert isinstance(ns.get_value(split, "odds"), ClusterValue)
    assert local(ns.get_value(total, "out")) == sum(range(100_000))
    assert local(ns.get_value(split, "odds"))[:3] == [1, 3, 5]
    fetched.clear()
    # a node of the worker needs the values themselves: fetched for it, off the loop
    count = ns.add_node("local.count")
    ns.connect(split, "evens", count, "values")
    await settled(ns)
    assert ns.get_value(count, "out") == 50_000
    assert len(fetched) == 1


async def test_an_error_comes_back_with_its_traceback(ns: NodeSpace) -> None:
    u = ns.add_node("cluster.boom", inputs={"x": 3})
    await settled(ns)
    error = ns.error(u)
    assert ns.status(u) is Status.ERROR and error is not None
    assert error.type == "ValueError" and "cluster says no to 3" in error.message
    assert "cluster_boom" in error.traceback


async def test_progress_from_the_cluster_reaches_the_worker(ns: NodeSpace) -> None:
    rec = Recorder(ns)
    u = ns.add_node("cluster.steps", inputs={"n": 4})
    await settled(ns)
    assert value(ns, u) == 4
    messages = [e.message for e in rec.of(ProgressReported) if e.uuid == u]
    assert messages and set(messages) <= {f"step {i} of 4" for i in range(1, 5)}


async def test_a_superseded_run_is_cancelled_and_the_latest_wins(
    ns: NodeSpace, dask: DaskExecutor
) -> None:
    # (a Dask worker cannot stop a task it runs: the stale one sleeps on there, briefly)
    u = ns.add_node("cluster.slow", inputs={"x": 1, "seconds": 6.0})
    await asyncio.sleep(1.0)  # running on the cluster now
    ns.set_input(u, "seconds", 0.0)
    ns.set_input(u, "x", 2)
    await settled(ns, 4)  # not 6 s: the stale run neither holds the result nor blocks it
    assert value(ns, u) == 2


async def test_a_cluster_worker_killed_mid_run_leaves_the_nodeweave_worker_serving(
    ns: NodeSpace, dask: DaskExecutor
) -> None:
    u = ns.add_node("cluster.slow", inputs={"x": 7, "seconds": 3.0})
    await asyncio.sleep(1.0)
    client = dask._connect()
    processing = await asyncio.to_thread(client.processing)
    busy = [address for address, keys in processing.items() if keys]
    assert busy, processing
    pids = await asyncio.to_thread(client.run, os.getpid, workers=busy)
    os.kill(pids[busy[0]], signal.SIGKILL)
    await settled(ns, 60)
    # Dask runs the task again elsewhere (or gives up with an error): either way it ends
    assert ns.status(u) in (Status.DONE, Status.ERROR)
    if ns.status(u) is Status.DONE:
        assert value(ns, u) == 7
    v = ns.add_node("cluster.square", inputs={"x": 5})
    await settled(ns, 60)
    assert value(ns, v)[0] == 25


async def test_without_the_extra_a_dask_node_says_which_extra(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(cluster, "dask_installed", lambda: False)
    executor = DaskExecutor(DaskSettings())
    ns = NodeSpace(Library([SHELF]), executors={"dask": executor})
    u = ns.add_node("cluster.square", inputs={"x": 1})
    await settled(ns, 10)
    error = ns.error(u)
    assert error is not None and "pip install 'nodeweave[dask]'" in error.message
    await ns.aclose()
    executor.shutdown()


async def test_a_nodespace_without_a_cluster_says_so() -> None:
    ns = NodeSpace(Library([SHELF]))
    u = ns.add_node("cluster.square", inputs={"x": 1})
    await settled(ns, 10)
    error = ns.error(u)
    assert error is not None and "nodeweave[dask]" in error.message
    await ns.aclose()


CLUSTER_MODULE = '''"""A Dask node in a worker's module folder."""
from nodeweave import node


@node(id="mine.cube", executor="dask")
def cube(x: int) -> int:
    return x * x * x


@node(id="mine.many", executor="dask")
def many(n: int) -> list[int]:
    return list(range(n))
'''


async def test_a_worker_runs_a_module_dask_node_and_closes_its_cluster(
    aiohttp_client: Any, tmp_path: Path
) -> None:
    cfg = dataclasses.replace(config(tmp_path), dask=DaskSettings(workers=1, threads=1))
    cfg.modules_dir.mkdir(parents=True, exist_ok=True)
    (cfg.modules_dir / "mine.py").write_text(CLUSTER_MODULE)
    app = create_app(cfg)
    http = await aiohttp_client(app)
    client = await Client.connect(str(http.make_url("/ws")), TOKEN)
    try:
        node = await client.call("add_node", node_id="mine.cube", inputs={"x": 3})
        # clients learn where the cluster is (it connects before the run goes there)
        info = (await client.next_event("cluster", wait=60))["data"]
        await client.next_event(
            "node_status",
            where=lambda d: d["uuid"] == node["uuid"] and d["status"] in ("done", "error"),
            wait=60,
        )
        got = await client.call("get_node", uuid=node["uuid"])
        assert got["status"] == "done", got["error"]
        assert (await client.call("get_value", uuid=node["uuid"], io="out"))["value"] == 27
        # a value kept on the cluster: its preview came from there; the full value on request
        big = await client.call("add_node", node_id="mine.many", inputs={"n": 50_000})
        await client.next_event(
            "node_status",
            where=lambda d: d["uuid"] == big["uuid"] and d["status"] == "done",
            wait=60,
        )
        preview = await client.call("get_value", uuid=big["uuid"], io="out")
        assert preview["length"] == 50_000 and preview["truncated"] is True
        assert isinstance(app[WORKER_KEY].ns.get_value(big["uuid"], "out"), ClusterValue)
        full = await http.get(
            f"/values/{big['uuid']}/out", params={"offset": 49_990, "limit": 5}, headers=AUTH
        )
        assert full.status == 200, await full.text()
        page = await full.json()
        assert full.headers["X-Total-Count"] == "50000"
        assert page["items"] == [49_990, 49_991, 49_992, 49_993, 49_994]
        executor = app[WORKER_KEY].ns._executors.get("dask")
        assert isinstance(executor, DaskExecutor)
        scheduler = executor._connect().scheduler_info()
        assert len(scheduler["workers"]) == 1
        # ... and its dashboard answers, on 127.0.0.1
        assert info["scheduler"].startswith("tcp://127.0.0.1:") and info["local"] is True
        assert info["workers"] == 1
        assert (await client.call("hello"))["cluster"] == info
        if info["dashboard"] is not None:
            assert info["dashboard"].startswith("http://127.0.0.1:")
            async with (
                aiohttp.ClientSession() as session,
                session.get(info["dashboard"]) as response,
            ):
                assert response.status == 200
    finally:
        await client.close()
    await http.close()  # the worker stops: its LocalCluster with it
    assert executor._client is None and executor._cluster is None
