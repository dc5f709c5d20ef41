"""Heavy and stuck nodes in a real browser: safe start, superseded runs still finishing, and a
sync node moved off the worker's event loop.

The system Chromium (headless) against a real ``nodeweave up``. A worker whose graph holds a node
that never returns is started in safe start: the page says nothing has run, the node is removed
from the canvas and "Run the graph" runs the rest. A thread node that ignores its context and is
superseded shows "superseded, finishing" on its card until its thread ends; a sync node that
blocks the loop is announced in a toast, and a process node's card says where it runs. Screenshots go to ``test-artifacts/ui/``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Page, expect

from .test_ui_browser import open_worker, output_preview, state
from .ui_helpers import HubProcess, card, hub_process, shot, wait_until

pytestmark = pytest.mark.timeout(120)

expect.set_options(timeout=15_000)

HANG = """
from nodeweave import node


@node(id="hang.forever", executor="inline")
def forever(x: int) -> int:
    while True:
        pass
"""

SPIN = """
from nodeweave import node


@node(id="slow.spin", executor="thread")
def spin(x: int) -> int:
    import time

    time.sleep(2)
    return x
"""

NAP = """
from nodeweave import node


@node(id="slow.nap")
def nap(x: int) -> int:
    import time

    time.sleep(0.3)
    return x


@node(id="slow.apart", executor="process")
def apart(x: int) -> int:
    return x
"""


@pytest.fixture(scope="module")
def hub(tmp_path_factory: pytest.TempPathFactory) -> Iterator[HubProcess]:
    with hub_process(tmp_path_factory.mktemp("ui-heavy"), env={"PIP_NO_INDEX": "1"}) as running:
        yield running


def add(hub: HubProcess, worker: str, node_id: str, inputs: dict[str, object], x: int = 300) -> str:
    made = hub.worker_call(
        worker,
        "add_node",
        node_id=node_id,
        properties={"position": {"x": x, "y": 200}},
        inputs=inputs,
    )
    return str(made["uuid"])


def test_safe_start_loads_the_graph_runs_nothing_and_runs_it_once_the_hanging_node_is_gone(
    page: Page, hub: HubProcess
) -> None:
    record = hub.new_worker("Safe")
    wid = str(record["id"])
    hub.worker_call(wid, "write_module", name="hang.py", source=HANG)
    hub.call("stop_worker", id=wid)
    wait_until(lambda: hub.call("get_worker", id=wid)["status"] == "stopped")
    folder = hub.state / "workers" / wid
    assert (folder / "modules" / "hang.py").is_file()
    (folder / "nodespace.json").write_text(
        json.dumps(
            {
                "schema_version": 1,
                "nodes": [
                    {
                        "uuid": "ok",
                        "node_id": "numbers.number",
                        "inputs": {"value": 4.0},
                        "properties": {"position": {"x": 0, "y": 0}},
                    },
                    {
                        "uuid": "bad",
                        "node_id": "hang.forever",
                        "inputs": {"x": 1},
                        "properties": {"position": {"x": 360, "y": 0}},
                    },
                ],
                "edges": [],
            }
        )
    )
    started = hub.call("start_worker", id=wid, safe=True)
    assert started["safe"] is True
    wait_until(lambda: hub.call("get_worker", id=wid)["status"] == "running", timeout=30)

    # The row says it runs in safe start; the canvas says nothing has run.
    open_worker(page, hub, wid)
    row = page.locator(f'[data-testid="worker-row"][data-worker-id="{wid}"]')
    expect(row.get_by_test_id("worker-safe")).to_have_text("safe start")
    banner = page.get_by_test_id("safe-start-banner")
    expect(banner).to_contain_text("Safe start — the graph is loaded and nothing has run.")
    expect(card(page, "ok")).to_have_count(1)
    expect(card(page, "bad")).to_have_count(1)
    for uuid in ("ok", "bad"):
        expect(card(page, uuid).get_by_test_id("node-status")).to_have_text("not run")
    shot(page, "heavy-01-safe-start")

    # Remove the node that hangs from the canvas (select it, Delete), then run the graph.
    card(page, "bad").get_by_test_id("node-status").click()
    page.keyboard.press("Delete")
    expect(card(page, "bad")).to_have_count(0)
    wait_until(lambda: {n["uuid"] for n in state(hub, wid)["nodes"]} == {"ok"})
    expect(banner).to_be_visible()
    page.get_by_test_id("safe-start-run").click()
    expect(banner).to_have_count(0)
    expect(output_preview(page, "ok")).to_have_text(re.compile(r"^\s*4(\.0)?\s*$"))
    expect(card(page, "ok").get_by_test_id("node-status")).to_have_text("done")
    shot(page, "heavy-02-safe-start-resumed")


def test_a_superseded_thread_run_shows_superseded_finishing_until_it_ends(
    page: Page, hub: HubProcess
) -> None:
    record = hub.new_worker("Spin")
    wid = str(record["id"])
    hub.worker_call(wid, "write_module", name="spin.py", source=SPIN)
    open_worker(page, hub, wid)
    uuid = add(hub, wid, "slow.spin", {"x": 1})
    expect(card(page, uuid).get_by_test_id("node-status")).to_have_text("running")

    # Two new inputs while the first run sleeps: the runs it superseded keep their threads.
    hub.worker_call(wid, "set_input", uuid=uuid, io="x", value=2)
    hub.worker_call(wid, "set_input", uuid=uuid, io="x", value=3)
    note = card(page, uuid).get_by_test_id("node-finishing")
    expect(note).to_contain_text("superseded, finishing", timeout=5_000)
    expect(note).to_have_attribute(
        "title", re.compile("still finishing; its result will be dropped")
    )
    shot(page, "heavy-03-superseded-finishing")

    # Their threads end within about 2 s; the last run's value is the one shown.
    expect(note).to_have_count(0, timeout=10_000)
    expect(output_preview(page, uuid)).to_have_text(re.compile(r"^\s*3\s*$"), timeout=10_000)
    shot(page, "heavy-04-superseded-done")


def test_a_sync_node_that_blocks_the_loop_is_announced_as_moved_to_a_thread(
    page: Page, hub: HubProcess
) -> None:
    record = hub.new_worker("Nap")
    wid = str(record["id"])
    hub.worker_call(wid, "write_module", name="nap.py", source=NAP)
    open_worker(page, hub, wid)
    uuid = add(hub, wid, "slow.nap", {"x": 5})
    toast = page.get_by_test_id("toast").filter(has_text="blocked the worker")
    expect(toast).to_have_count(1)
    expect(toast).to_have_attribute("data-kind", "info")
    expect(toast).to_contain_text(
        re.compile(r"slow\.nap blocked the worker for 0\.\d+ s — it now runs in a thread\.")
    )
    expect(toast).to_contain_text("Declare executor='thread' or 'process' in its module.")
    expect(output_preview(page, uuid)).to_have_text(re.compile(r"^\s*5\s*$"))
    # A node type that runs in a process of its own says so in its header; the others do not.
    other = add(hub, wid, "slow.apart", {"x": 6}, x=640)
    expect(card(page, other).get_by_test_id("node-executor")).to_have_text("process")
    expect(card(page, uuid).get_by_test_id("node-executor")).to_have_count(0)
    shot(page, "heavy-05-moved-off-loop")
