"""The UI in a real browser: the system Chromium (headless) against a real hub and workers.

Every test drives the page the way a person does — clicks, typing, dragging — and checks both
what the page shows and what the worker holds. Screenshots of the key states are written to
``test-artifacts/ui/`` (``NODEWEAVE_ARTIFACTS`` moves the folder).
"""

from __future__ import annotations

import os
import re
import signal
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import Browser, Locator, Page, expect

from .ui_helpers import (
    HubProcess,
    card,
    hub_process,
    shot,
    wait_until,
)

pytestmark = pytest.mark.timeout(240)

EXPECT_MS = 15_000
expect.set_options(timeout=EXPECT_MS)


@pytest.fixture(scope="module")
def hub(tmp_path_factory: pytest.TempPathFactory) -> Iterator[HubProcess]:
    # No package index: a worker with requirements fails to build at once, with the reason.
    with hub_process(tmp_path_factory.mktemp("ui"), env={"PIP_NO_INDEX": "1"}) as running:
        yield running


# --- page helpers ---------------------------------------------------------------------------


def open_worker(page: Page, hub: HubProcess, worker_id: str) -> None:
    page.goto(hub.page_url(worker_id))
    view = page.locator(f'[data-testid="worker-view"][data-worker-id="{worker_id}"]')
    expect(view).to_have_attribute("data-state", "open")
    expect(view).to_have_attribute("data-loaded", "true")


def cards(page: Page) -> Locator:
    return page.locator('[data-testid="node-card"]')


def uuids(page: Page) -> set[str]:
    return {str(u) for u in cards(page).evaluate_all("els => els.map(e => e.dataset.uuid)")}


def add_from_library(page: Page, node_id: str) -> str:
    """Double-click a library entry; returns the new node's uuid."""
    before = uuids(page)
    page.locator(f'[data-testid="library-node"][data-node-id="{node_id}"]').dblclick()
    expect(cards(page)).to_have_count(len(before) + 1)
    (new,) = uuids(page) - before
    expect(card(page, new)).to_have_attribute("data-node-id", node_id)
    return new


def handle(page: Page, uuid: str, io: str, kind: str) -> Locator:
    return page.locator(f'.react-flow__handle.{kind}[data-nodeid="{uuid}"][data-handleid="{io}"]')


def drag(page: Page, start: Locator, end: Locator) -> None:
    a, b = start.bounding_box(), end.bounding_box()
    assert a is not None and b is not None
    page.mouse.move(a["x"] + a["width"] / 2, a["y"] + a["height"] / 2)
    page.mouse.down()
    page.mouse.move(b["x"] + b["width"] / 2, b["y"] + b["height"] / 2, steps=12)
    page.mouse.up()


def connect(page: Page, src: str, src_io: str, dst: str, dst_io: str) -> None:
    drag(page, handle(page, src, src_io, "source"), handle(page, dst, dst_io, "target"))


def input_row(page: Page, uuid: str, io: str) -> Locator:
    return card(page, uuid).locator(f'[data-testid="node-input"][data-io="{io}"]')


def output_preview(page: Page, uuid: str, io: str = "out") -> Locator:
    return card(page, uuid).locator(
        f'[data-testid="node-output"][data-io="{io}"] [data-testid="output-preview"]'
    )


def state(hub: HubProcess, worker_id: str) -> dict[str, Any]:
    result: dict[str, Any] = hub.worker_call(worker_id, "get_state")
    return result


def node_of(hub: HubProcess, worker_id: str, uuid: str) -> dict[str, Any]:
    (node,) = [n for n in state(hub, worker_id)["nodes"] if n["uuid"] == uuid]
    return node


def own_value(node: dict[str, Any], io: str) -> Any:
    (inp,) = [i for i in node["inputs"] if i["name"] == io]
    return inp.get("value")


def positions(page: Page) -> dict[str, tuple[float, float]]:
    """Each node's position in flow coordinates, from React Flow's transform."""
    raw = page.locator(".react-flow__node").evaluate_all(
        "els => els.map(e => [e.dataset.id, e.style.transform])"
    )
    out = {}
    for uuid, transform in raw:
        m = re.search(r"translate\(([-\d.]+)px,\s*([-\d.]+)px\)", transform)
        assert m, transform
        out[uuid] = (float(m.group(1)), float(m.group(2)))
    return out


# --- tests ----------------------------------------------------------------------------------


def test_the_page_takes_the_token_once_and_lists_workers(
    page: Page, hub: HubProcess, browser: Browser
) -> None:
    hub.new_worker("Listed one", start=False)
    page.goto(hub.page_url())
    row = page.locator('[data-testid="worker-row"][data-worker-id="listed-one"]')
    expect(row).to_be_visible()
    expect(row).to_have_attribute("data-status", "stopped")
    expect(page.get_by_test_id("connection-state")).to_have_attribute("data-state", "open")
    # The token left the address bar, and the page still works after a reload without it.
    assert "token" not in page.url
    page.reload()
    expect(row).to_be_visible()
    shot(page, "01-workers-listed")

    # Without the token the hub refuses the page's connection: no workers are shown.
    stranger = browser.new_context()
    try:
        other = stranger.new_page()
        other.goto(hub.page_url(token=False))
        expect(other.get_by_test_id("connection-state")).not_to_have_attribute("data-state", "open")
        other.wait_for_timeout(500)
        expect(other.locator('[data-testid="worker-row"]')).to_have_count(0)
    finally:
        stranger.close()


def test_build_a_graph_in_the_browser(page: Page, hub: HubProcess) -> None:
    page.goto(hub.page_url())
    expect(page.get_by_test_id("connection-state")).to_have_attribute("data-state", "open")

    # Create a worker from the panel: it starts and opens.
    page.get_by_test_id("worker-new").click()
    page.get_by_test_id("worker-create-name").fill("Flow")
    page.get_by_test_id("worker-create-submit").click()
    row = page.locator('[data-testid="worker-row"][data-worker-id="flow"]')
    expect(row).to_have_attribute("data-status", "running")
    view = page.locator('[data-testid="worker-view"][data-worker-id="flow"]')
    expect(view).to_have_attribute("data-state", "open")
    expect(view).to_have_attribute("data-loaded", "true")
    assert page.url.endswith("#/w/flow")
    shot(page, "02-worker-created")

    # Two nodes from the library: one by double-click, one dragged onto the canvas.
    page.get_by_test_id("library-search").fill("number")
    number = add_from_library(page, "numbers.number")
    page.get_by_test_id("library-search").fill("")
    before = uuids(page)
    page.locator('[data-testid="library-node"][data-node-id="numbers.add"]').drag_to(
        page.get_by_test_id("canvas"), target_position={"x": 700, "y": 250}
    )
    expect(cards(page)).to_have_count(len(before) + 1)
    (add,) = uuids(page) - before

    # Wire them: number.out → add.a.
    connect(page, number, "out", add, "a")
    expect(input_row(page, add, "a")).to_have_attribute("data-connected", "true")
    assert {(e["src"], e["dst"], e["dst_io"]) for e in state(hub, "flow")["edges"]} == {
        (number, add, "a")
    }

    # Type a value: the downstream preview follows.
    field = input_row(page, number, "value").locator("input")
    field.fill("7")
    expect(output_preview(page, add)).to_have_text(re.compile(r"^\s*7(\.0)?\s*$"))
    field.fill("2.5")
    expect(output_preview(page, add)).to_have_text(re.compile(r"^\s*2\.5\s*$"))
    assert own_value(node_of(hub, "flow", number), "value") == 2.5
    shot(page, "03-connected-preview")

    # A slider drives add.b: dragging it updates the sum continuously.
    slider = add_from_library(page, "numbers.slider")
    connect(page, slider, "out", add, "b")
    expect(input_row(page, add, "b")).to_have_attribute("data-connected", "true")
    seen = watch_text(page, output_preview(page, add))
    rng = input_row(page, slider, "value").locator('input[type="range"]')
    box = rng.bounding_box()
    assert box is not None
    y = box["y"] + box["height"] / 2
    page.mouse.move(box["x"] + 2, y)
    page.mouse.down()
    for i in range(1, 31):
        page.mouse.move(box["x"] + 2 + (box["width"] - 4) * i / 30, y)
        page.wait_for_timeout(16)
    page.mouse.up()
    final = wait_until(lambda: own_value(node_of(hub, "flow", slider), "value") == 100.0, 10)
    assert final
    expect(output_preview(page, add)).to_have_text(re.compile(r"^\s*102\.5\s*$"))
    distinct = set(page.evaluate(seen))
    assert len(distinct) >= 5, distinct  # it moved along, not only at the end
    shot(page, "04-slider-dragged")

    # Move a node; positions are saved in the worker and a reload shows the same picture.
    header = card(page, add).locator('[data-testid="node-status"]')
    start = positions(page)[add]
    box = header.bounding_box()
    assert box is not None
    page.mouse.move(box["x"] - 30, box["y"] + box["height"] / 2)
    page.mouse.down()
    page.mouse.move(box["x"] + 90, box["y"] + 80, steps=8)
    page.mouse.up()
    wait_until(lambda: positions(page)[add] != start)
    moved = positions(page)
    wait_until(
        lambda: (
            (node_of(hub, "flow", add)["properties"].get("position") or {}).get("x")
            == round(moved[add][0])
        )
    )
    page.reload()
    expect(view).to_have_attribute("data-loaded", "true")
    expect(cards(page)).to_have_count(3)
    expect(page.locator(".react-flow__edge")).to_have_count(2)
    after = positions(page)
    for uuid, (x, y) in moved.items():
        assert abs(after[uuid][0] - x) <= 1 and abs(after[uuid][1] - y) <= 1, (uuid, after)
    expect(output_preview(page, add)).to_have_text(re.compile(r"^\s*102\.5\s*$"))
    shot(page, "05-after-reload")

    # A refused connection says why: add.out → number.value would close a cycle.
    connect(page, add, "out", number, "value")
    expect(page.locator('[data-testid="toast"][data-kind="error"]').first).to_contain_text("cycle")
    expect(page.locator(".react-flow__edge")).to_have_count(2)
    shot(page, "06-cycle-refused")

    # A failing node shows its error and traceback.
    divide = add_from_library(page, "numbers.divide")
    input_row(page, divide, "b").locator("input").first.fill("0")
    expect(card(page, divide)).to_have_attribute("data-status", "error")
    error = card(page, divide).get_by_test_id("node-error")
    expect(error).to_contain_text("ZeroDivisionError")
    trace = card(page, divide).get_by_test_id("node-traceback")
    trace.locator("summary").click()
    expect(trace).to_contain_text("Traceback")
    shot(page, "07-node-error")

    # Stop the worker from the panel.
    row.get_by_test_id("worker-stop").click()
    expect(row).to_have_attribute("data-status", "stopped")
    expect(page.get_by_test_id("worker-not-running")).to_be_visible()
    shot(page, "08-worker-stopped")


def watch_text(page: Page, target: Locator) -> str:
    """Start recording every text ``target`` shows; returns the JS that reads the record."""
    target.evaluate(
        """el => {
            window.__seen = [el.textContent];
            new MutationObserver(() => window.__seen.push(el.textContent)).observe(
                el, {subtree: true, childList: true, characterData: true});
        }"""
    )
    return "() => window.__seen"


def test_two_tabs_on_one_worker_stay_in_sync(page: Page, hub: HubProcess) -> None:
    hub.new_worker("Synced")
    open_worker(page, hub, "synced")
    other = page.context.new_page()
    open_worker(other, hub, "synced")

    uuid = add_from_library(page, "numbers.integer")
    expect(card(other, uuid)).to_be_visible()
    input_row(page, uuid, "value").locator("input").first.fill("42")
    expect(output_preview(other, uuid)).to_have_text(re.compile(r"^\s*42\s*$"))
    expect(input_row(other, uuid, "value").locator("input").first).to_have_value("42")

    # A node moved in one tab moves in the other.
    start = positions(other)[uuid]
    box = card(page, uuid).get_by_test_id("node-status").bounding_box()
    assert box is not None
    page.mouse.move(box["x"] - 30, box["y"] + box["height"] / 2)
    page.mouse.down()
    page.mouse.move(box["x"] + 60, box["y"] + 120, steps=8)
    page.mouse.up()
    wait_until(lambda: positions(other)[uuid] != start)
    wait_until(lambda: positions(other)[uuid] == positions(page)[uuid])

    # Delete with the keyboard in one tab: gone in both.
    card(page, uuid).get_by_test_id("node-status").click()
    page.keyboard.press("Delete")
    expect(card(page, uuid)).to_have_count(0)
    expect(card(other, uuid)).to_have_count(0)
    assert state(hub, "synced")["nodes"] == []
    other.close()

    # The worker's log tail, from its row.
    row = page.locator('[data-testid="worker-row"][data-worker-id="synced"]')
    row.get_by_test_id("worker-logs").click()
    expect(page.get_by_test_id("worker-log")).to_contain_text("worker synced ready on")


def test_context_menu_deletes_nodes_and_disconnects_edges(page: Page, hub: HubProcess) -> None:
    hub.new_worker("Menus")
    # Placed apart, so that the edge between them is long and clear of both cards.
    a = hub.worker_call(
        "menus", "add_node", node_id="numbers.number", properties={"position": {"x": 0, "y": 0}}
    )["uuid"]
    b = hub.worker_call(
        "menus", "add_node", node_id="numbers.negate", properties={"position": {"x": 500, "y": 0}}
    )["uuid"]
    hub.worker_call("menus", "connect", src=a, src_io="out", dst=b, dst_io="value")
    open_worker(page, hub, "menus")
    expect(page.locator(".react-flow__edge")).to_have_count(1)

    edge = page.locator(".react-flow__edge").first
    edge.click(button="right", force=True)
    page.get_by_test_id("menu-disconnect").click()
    expect(page.locator(".react-flow__edge")).to_have_count(0)
    assert state(hub, "menus")["edges"] == []

    card(page, b).get_by_test_id("node-status").click(button="right")
    expect(page.get_by_test_id("context-menu")).to_be_visible()
    page.get_by_test_id("menu-delete").click()
    expect(card(page, b)).to_have_count(0)
    assert [n["uuid"] for n in state(hub, "menus")["nodes"]] == [a]


def test_inspector_pages_a_big_list_from_the_worker(page: Page, hub: HubProcess) -> None:
    hub.new_worker("Inspect")
    uuid = hub.worker_call("inspect", "add_node", node_id="numbers.range", inputs={"stop": 1000})[
        "uuid"
    ]
    open_worker(page, hub, "inspect")
    card(page, uuid).get_by_test_id("node-status").click()
    inspector = page.get_by_test_id("inspector")
    expect(inspector).to_have_attribute("data-uuid", uuid)
    output = inspector.locator('[data-testid="inspector-output"][data-io="out"]')
    output.get_by_test_id("full-value-button").click()
    expect(output.get_by_test_id("table-range")).to_have_text(
        re.compile(r"1\s*[–-]\s*50 of 1,?000")
    )
    expect(output.get_by_test_id("full-table")).to_contain_text("49")
    output.get_by_test_id("table-next").click()
    expect(output.get_by_test_id("table-range")).to_have_text(
        re.compile(r"51\s*[–-]\s*100 of 1,?000")
    )
    expect(output.get_by_test_id("full-table")).to_contain_text("99")
    shot(page, "09-inspector-table")

    # Editing in the inspector changes the node; the open full value follows.
    inspector.locator('[data-testid="inspector-input"][data-io="stop"] input').first.fill("1200")
    expect(output.get_by_test_id("table-range")).to_have_text(
        re.compile(r"51\s*[–-]\s*100 of 1,?200")
    )


def test_the_page_reconnects_and_resyncs_after_a_worker_crash(page: Page, hub: HubProcess) -> None:
    record = hub.new_worker("Crashy")
    uuid = hub.worker_call("crashy", "add_node", node_id="numbers.integer", inputs={"value": 5})[
        "uuid"
    ]
    hub.worker_call("crashy", "save")
    open_worker(page, hub, "crashy")
    expect(output_preview(page, uuid)).to_have_text(re.compile(r"^\s*5\s*$"))

    # The hub restarts the worker within moments: note every banner the page shows meanwhile.
    page.evaluate(
        """() => {
            window.__banners = new Set();
            const note = () => document.querySelectorAll('.banner[data-testid]').forEach(
                b => window.__banners.add(b.dataset.testid));
            new MutationObserver(note).observe(document.body, {subtree: true, childList: true});
        }"""
    )
    os.kill(record["pid"], signal.SIGKILL)
    page.wait_for_function("() => window.__banners.has('connection-banner')")
    # Meanwhile the last known graph stays on screen (greyed, not editable).
    expect(card(page, uuid)).to_be_visible()
    if page.get_by_test_id("connection-banner").count():
        shot(page, "10-connection-lost")
    # The page finds the worker's new port by itself and refetches the graph.
    expect(page.get_by_test_id("connection-banner")).to_have_count(0, timeout=30_000)
    assert "worker-not-running" not in page.evaluate("() => [...window.__banners]")
    assert record["pid"] != hub.call("get_worker", id="crashy")["pid"]
    view = page.locator('[data-testid="worker-view"][data-worker-id="crashy"]')
    expect(view).to_have_attribute("data-loaded", "true")
    expect(output_preview(page, uuid)).to_have_text(re.compile(r"^\s*5\s*$"))
    other = hub.worker_call("crashy", "add_node", node_id="numbers.number")["uuid"]
    expect(card(page, other)).to_be_visible()


def test_delete_asks_first_and_failures_say_why(page: Page, hub: HubProcess) -> None:
    hub.new_worker("Doomed", start=False)
    page.goto(hub.page_url())
    row = page.locator('[data-testid="worker-row"][data-worker-id="doomed"]')
    row.get_by_test_id("worker-delete").click()
    dialog = page.get_by_test_id("confirm-dialog")
    expect(dialog).to_contain_text("Doomed")
    page.get_by_test_id("confirm-cancel").click()
    expect(dialog).to_have_count(0)
    expect(row).to_be_visible()
    row.get_by_test_id("worker-delete").click()
    page.get_by_test_id("confirm-ok").click()
    expect(row).to_have_count(0)
    assert all(w["id"] != "doomed" for w in hub.call("list_workers"))

    # A worker whose environment cannot be built says why (no package index here).
    page.get_by_test_id("worker-new").click()
    page.get_by_test_id("worker-create-name").fill("Broken env")
    page.get_by_test_id("worker-create-requirements").fill("nodeweave-no-such-package==1.0")
    page.get_by_test_id("worker-create-submit").click()
    broken = page.locator('[data-testid="worker-row"][data-worker-id="broken-env"]')
    expect(broken).to_have_attribute("data-status", "failed", timeout=60_000)
    expect(broken.get_by_test_id("worker-error")).to_be_visible()
    shot(page, "11-environment-failed")


def test_running_nodes_show_progress_then_done(page: Page, hub: HubProcess) -> None:
    hub.new_worker("Slow")
    open_worker(page, hub, "slow")
    uuid = hub.worker_call("slow", "add_node", node_id="time.sleep", inputs={"seconds": 2.5})[
        "uuid"
    ]
    expect(card(page, uuid)).to_have_attribute("data-status", "running")
    bar = card(page, uuid).get_by_test_id("node-progress")
    expect(bar).to_be_visible()
    first = float(bar.get_attribute("value") or 0)
    wait_until(lambda: float(bar.get_attribute("value") or 0) > first, timeout=5)
    # The message is on the card, not only in a tooltip.
    expect(card(page, uuid).get_by_test_id("node-progress-text")).to_contain_text("%")
    shot(page, "12-progress")
    expect(card(page, uuid)).to_have_attribute("data-status", "done", timeout=10_000)
    expect(card(page, uuid).get_by_test_id("node-progress")).to_have_count(0)


DEMO_MODULE = '''
"""Nodes whose values preview as a table, an image and JSON (browser test)."""
import pandas as pd
from PIL import Image

from nodeweave import Shelf, node


@node(id="demo.table", name="Table")
def table(rows: int = 300) -> pd.DataFrame:
    return pd.DataFrame({"n": range(rows), "square": [i * i for i in range(rows)]})


@node(id="demo.image", name="Image")
def image(size: int = 64) -> Image.Image:
    return Image.new("RGB", (size, size), (91, 157, 255))


@node(id="demo.record", name="Record")
def record() -> dict[str, object]:
    return {"name": "nodeweave", "tags": ["reactive", "typed"], "nested": {"depth": 2}}


NODE_SHELF = Shelf(name="demo", nodes=[table, image, record])
'''


def test_previews_show_tables_images_and_json(page: Page, hub: HubProcess) -> None:
    hub.new_worker("Rich", start=False)
    modules = hub.state / "workers" / "rich" / "modules"
    modules.mkdir(parents=True, exist_ok=True)
    (modules / "demo.py").write_text(DEMO_MODULE)
    hub.call("start_worker", id="rich")
    made = {
        node_id: hub.worker_call("rich", "add_node", node_id=node_id)["uuid"]
        for node_id in ("demo.table", "demo.image", "demo.record")
    }
    open_worker(page, hub, "rich")
    expect(page.locator('[data-testid="library-node"][data-node-id="demo.table"]')).to_be_visible()

    table = output_preview(page, made["demo.table"]).get_by_test_id("preview")
    expect(table).to_have_attribute("data-kind", "table")
    expect(table).to_contain_text("square")
    img = output_preview(page, made["demo.image"]).get_by_test_id("preview-image")
    expect(img).to_be_visible()
    assert (img.get_attribute("src") or "").startswith("data:image/png;base64,")
    assert img.evaluate("el => el.naturalWidth") == 64
    record = output_preview(page, made["demo.record"]).get_by_test_id("preview")
    expect(record).to_have_attribute("data-kind", "json")
    expect(record).to_contain_text("nodeweave")

    # The inspector pages the whole table from the worker, and shows JSON as a tree.
    card(page, made["demo.table"]).get_by_test_id("node-status").click()
    output = page.locator('[data-testid="inspector-output"][data-io="out"]')
    output.get_by_test_id("full-value-button").click()
    expect(output.get_by_test_id("table-range")).to_have_text(re.compile(r"1\s*[–-]\s*50 of 300"))
    expect(output.get_by_test_id("full-table")).to_contain_text("2401")  # 49²
    shot(page, "13-table-inspector")
    card(page, made["demo.record"]).get_by_test_id("node-status").click()
    inspector = page.get_by_test_id("inspector")
    expect(inspector).to_have_attribute("data-uuid", made["demo.record"])
    expect(inspector.get_by_test_id("json-tree").first).to_contain_text("tags")
    shot(page, "14-json-inspector")
