"""A worker process freezes its imports out of the cyclic collector's sight once its modules
are loaded, and gives them back at the first module reload (old code may be cyclic garbage)."""

from __future__ import annotations

import asyncio
from pathlib import Path

from nodeweave.client import Client
from nodeweave.state import read_token

from .worker_helpers import make_worker_dir, spawn_worker

MODULE = """
import gc
from nodeweave import node


@node(id="heap.frozen", cache=False)
def frozen(version: int = {v}) -> int:
    return gc.get_freeze_count()
"""


async def frozen_count(client: Client, uuid: str, expect_version: int) -> int:
    for _ in range(200):
        node_ = await client.call("get_node", uuid=uuid)
        version = next(i for i in node_["inputs"] if i["name"] == "version")["preview"]["value"]
        if node_["status"] == "done" and version == expect_version:
            return int(node_["outputs"][0]["preview"]["value"])
        await asyncio.sleep(0.02)
    raise AssertionError("the node did not run")


async def test_imports_are_frozen_after_start_and_thawed_by_a_reload(tmp_path: Path) -> None:
    make_worker_dir(tmp_path, "w1", MODULE.format(v=1))
    proc = await spawn_worker(tmp_path, "w1")
    try:
        await proc.ready()
        async with await Client.connect(proc.url, read_token(tmp_path)) as client:
            await client.call("get_state")  # the modules are loaded
            uuid = (await client.call("add_node", node_id="heap.frozen"))["uuid"]
            assert await frozen_count(client, uuid, 1) > 1000  # the imports are frozen
            await client.call("write_module", name="testnodes.py", source=MODULE.format(v=2))
            assert await frozen_count(client, uuid, 2) == 0  # a reload gave them back
    finally:
        await proc.kill()
