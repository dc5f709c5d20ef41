"""Makes what a FuncNodes user has: run as ``python -m tests.funcnodes_maker STATE OUT`` with
``FUNCNODES_CONFIG_DIR=STATE``, it builds a workflow in a real FuncNodes worker (funcnodes-worker,
in this process), lets FuncNodes compute it, saves it as FuncNodes does (``STATE/workers/
worker_<id>.json`` and ``STATE/workers/worker_<id>/nodespace.json``), exports it as ``OUT.fnw``
writes what FuncNodes computed to ``OUT.json``, and has FuncNodes' hub (its ``WorkerManager``,
not serving) create a second, empty worker (its id in ``OUT.hub.json``).
"""

from __future__ import annotations

import asyncio
import logging
import sys
import warnings
from pathlib import Path
from typing import Any

import orjson

WORKER_ID = "fnimport01"


async def build(state: Path, out: Path) -> None:
    from funcnodes_worker import Worker

    class LocalWorker(Worker):  # the abstract parts concern a worker's clients: none here
        def _on_nodespaceerror(self, error: Exception, src: Any) -> None:
            raise error

        def on_nodespaceevent(self, event: str, **kwargs: Any) -> None:
            pass

    worker = LocalWorker(
        data_path=str(state / "workers" / f"worker_{WORKER_ID}"), uuid=WORKER_ID, name="demo flow"
    )
    for module in ("funcnodes_basic", "funcnodes_numpy"):
        await worker.add_shelf_by_module(module)
    add = worker.add_node("add_node")
    mul = worker.add_node("mul_node")
    space = worker.add_node("np.linspace")
    split = worker.add_node("string.split")
    worker.set_io_value(add.uuid, "a", 2.5, set_default=True)
    worker.set_io_value(add.uuid, "b", 4, set_default=True)
    worker.set_io_value(mul.uuid, "b", 10, set_default=True)
    worker.add_edge(add.uuid, "out", mul.uuid, "a")
    worker.set_io_value(space.uuid, "start", 0, set_default=True)
    worker.set_io_value(space.uuid, "stop", 1, set_default=True)
    worker.set_io_value(space.uuid, "num", 5, set_default=True)
    worker.set_io_value(split.uuid, "s", "a b c", set_default=True)
    worker.update_node_view(add.uuid, {"pos": [120, 40]})
    worker.update_node_view(mul.uuid, {"pos": [400, 60]})
    for node in (add, mul, space, split):
        await node
    await mul  # after its input arrived from add
    await asyncio.sleep(0.2)
    outputs = {
        "mul": [mul.uuid, "out", mul.outputs["out"].value],
        "space": [space.uuid, "samples", space.outputs["samples"].value.tolist()],
        "split": [split.uuid, "split", split.outputs["split"].value],
    }
    worker.save()
    (out.with_suffix(".fnw")).write_bytes(worker.export_worker())
    out.with_suffix(".json").write_bytes(orjson.dumps({"outputs": outputs, "id": WORKER_ID}))
    worker.stop(save=False)
    # and a worker as FuncNodes' hub (its WorkerManager) creates one: config and folder
    from funcnodes.worker.worker_manager import WorkerManager

    manager = WorkerManager(host="127.0.0.1", port=1)
    created = await manager.new_worker(name="made by the FuncNodes hub", in_venv=False)
    (out.with_suffix(".hub.json")).write_bytes(orjson.dumps({"id": created["uuid"]}))


def main() -> None:
    warnings.simplefilter("ignore")
    logging.disable(logging.WARNING)
    asyncio.run(build(Path(sys.argv[1]), Path(sys.argv[2])))


if __name__ == "__main__":
    main()
