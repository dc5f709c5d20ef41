"""Composites, sources and pauses from the UI, in a real browser.

The system Chromium (headless) against a real ``nodeweave up``: a chain Add → Add → Add (1 + 2,
+ 10, + 100 = 113) is made (by RPC); in the page the middle and last nodes are selected and made
a composite from the node menu (a name asked for): one composite node shows 113. Opened (a
double-click), its inside shows under a breadcrumb "Workflow › Add twice" with a ports panel; an
inner value changed there (100 → 1000) is the definition's, and back on the workflow (the
breadcrumb) the composite shows 1013; undo brings 113 back, and a second undo the three nodes.
The composite is exported as ``add-twice.composite.json`` and merged into a second worker,
whose library then lists it. An Interval source (period 0.2 s) goes live and ticks; paused from
its card it stops and keeps its value; resumed from its menu, it ticks again. A Sleep node whose
input goes 0.2 → 0.3 → 0.2 shows "cached" (its memory). A composite inside another opens level
by level under a breadcrumb "Workflow › Outer › Add twice", shows that instance's values, takes
an inner edit and goes back two levels by the breadcrumb; a composite that runs shows "n of m
inside" on its card. Screenshots go to the test's tmp_path.
"""

from __future__ import annotations

import itertools
import json
import re
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Locator, Page, expect

from .test_ui_browser import add_from_library, cards, drag, input_row, output_preview
from .ui_helpers import HubProcess, card, hub_process, upload_file, wait_until

pytestmark = pytest.mark.timeout(120)

expect.set_options(timeout=15_000)


@pytest.fixture
def hub(tmp_path: Path) -> Iterator[HubProcess]:
    with hub_process(tmp_path / "hub", env={"PIP_NO_INDEX": "1"}) as running:
        yield running


def number_text(value: int) -> re.Pattern[str]:
    return re.compile(rf"^\s*{value}(\.0)?\s*$")


def make_chain(hub: HubProcess) -> tuple[str, list[str]]:
    """A worker with Add(1, 2) → Add(·, 10) → Add(·, 100), left to right."""
    worker_id: str = hub.new_worker("composites")["id"]
    uuids = []
    for i, inputs in enumerate(({"a": 1, "b": 2}, {"b": 10}, {"b": 100})):
        node = hub.worker_call(
            worker_id,
            "add_node",
            node_id="numbers.add",
            inputs=inputs,
            properties={"position": {"x": 40 + 320 * i, "y": 120}},
        )
        uuids.append(node["uuid"])
    for src, dst in itertools.pairwise(uuids):
        hub.worker_call(worker_id, "connect", src=src, src_io="out", dst=dst, dst_io="a")
    return worker_id, uuids


def sleep_settled(hub: HubProcess, worker_id: str, uuid: str, seconds: float) -> bool:
    node = hub.worker_call(worker_id, "get_node", uuid=uuid)
    (inp,) = [i for i in node["inputs"] if i["name"] == "seconds"]
    return bool(inp.get("value") == seconds and node["status"] == "done")


def open_worker(page: Page, hub: HubProcess, worker_id: str) -> None:
    page.goto(hub.page_url(worker_id))
    view = page.locator(f'[data-testid="worker-view"][data-worker-id="{worker_id}"]')
    expect(view).to_have_attribute("data-state", "open")
    expect(view).to_have_attribute("data-loaded", "true")


def test_make_open_edit_export_a_composite_and_pause_a_source(
    page: Page, hub: HubProcess, tmp_path: Path
) -> None:
    started = time.monotonic()
    worker_id, (_first, middle, last) = make_chain(hub)
    open_worker(page, hub, worker_id)
    expect(cards(page)).to_have_count(3)
    expect(output_preview(page, last)).to_have_text(number_text(113))

    # Select the middle and the last node, and make them a composite from the node menu.
    card(page, middle).get_by_test_id("node-status").click()
    card(page, last).get_by_test_id("node-status").click(modifiers=["Shift"])
    expect(page.locator(".react-flow__node.selected")).to_have_count(2)
    card(page, last).get_by_test_id("node-status").click(button="right")
    menu = page.get_by_test_id("context-menu")
    expect(menu.get_by_test_id("menu-make-composite")).to_have_text(
        re.compile(r"Make composite of 2 nodes…\s*Ctrl\+G")
    )
    menu.get_by_test_id("menu-make-composite").click()
    dialog = page.get_by_test_id("make-composite-dialog")
    dialog.get_by_test_id("prompt-input").fill("Add twice")
    page.wait_for_timeout(200)  # the dialog's fade-in
    page.screenshot(path=str(tmp_path / "01-make-composite.png"))
    dialog.get_by_test_id("prompt-ok").click()
    expect(dialog).to_have_count(0)

    # One composite node in their place, with the same value, selected; on the library's shelf.
    composite = page.locator('[data-testid="node-card"][data-node-id="composite.add-twice"]')
    expect(composite).to_have_count(1)
    expect(cards(page)).to_have_count(2)
    uuid = composite.get_attribute("data-uuid")
    assert uuid
    expect(output_preview(page, uuid)).to_have_text(number_text(113))
    expect(composite.get_by_test_id("node-composite")).to_be_visible()
    expect(page.locator(f'.react-flow__node.selected[data-id="{uuid}"]')).to_have_count(1)
    shelf = page.locator('[data-testid="library-shelf"][data-shelf="composites"]')
    expect(shelf).to_contain_text("Composites (this workflow)")
    expect(shelf.locator('[data-testid="library-node"]')).to_have_text(re.compile("Add twice"))
    page.screenshot(path=str(tmp_path / "02-composite-node.png"))

    # Open it (double-click): the inside under a breadcrumb, with its ports.
    composite.get_by_test_id("node-composite").dblclick()
    inside = page.get_by_test_id("inside-view")
    expect(inside).to_be_visible()
    expect(inside.get_by_test_id("breadcrumb")).to_contain_text("Workflow")
    expect(inside.get_by_test_id("breadcrumb-current")).to_have_text("Add twice")
    inner = inside.locator('[data-testid="node-card"]')
    expect(inner).to_have_count(2)
    ports = inside.get_by_test_id("ports-panel")
    expect(ports.locator('[data-testid="port"][data-kind="inputs"]')).to_have_count(1)
    expect(ports.locator('[data-testid="port"][data-kind="outputs"]')).to_have_count(1)
    inner_last = inside.locator(f'[data-testid="node-card"][data-uuid="{last}"]')
    expect(
        inner_last.locator('[data-testid="node-output"] [data-testid="output-preview"]')
    ).to_have_text(number_text(113))
    expect(
        inside.locator(f'[data-testid="node-card"][data-uuid="{middle}"] [data-testid="port-tag"]')
    ).to_have_text("⇢ a")
    page.screenshot(path=str(tmp_path / "03-inside.png"))

    # Change an inner value: the definition changes, the inside runs again.
    field = inner_last.locator('[data-testid="node-input"][data-io="b"] input')
    field.fill("1000")
    field.press("Enter")
    expect(
        inner_last.locator('[data-testid="node-output"] [data-testid="output-preview"]')
    ).to_have_text(number_text(1013))
    page.screenshot(path=str(tmp_path / "04-inside-edited.png"))

    # Export it: a workflow document holding the definition.
    with page.expect_download() as download_info:
        inside.get_by_test_id("inside-export").click()
    download = download_info.value
    assert download.suggested_filename == "add-twice.composite.json"
    exported = tmp_path / download.suggested_filename
    download.save_as(exported)
    document = json.loads(exported.read_text())
    assert document["nodes"] == [] and list(document["composites"]) == ["add-twice"]
    inner_b = [n["inputs"].get("b") for n in document["composites"]["add-twice"]["nodes"]]
    assert inner_b == [10, 1000], inner_b

    # Back to the workflow by the breadcrumb: the composite shows the new value.
    inside.get_by_test_id("breadcrumb-root").click()
    expect(inside).to_have_count(0)
    expect(output_preview(page, uuid)).to_have_text(number_text(1013))

    # Undo: the inner value comes back; again: the three nodes come back.
    undo = page.get_by_test_id("canvas-toolbar").get_by_role("button", name=re.compile("^Undo"))
    undo.click()
    expect(output_preview(page, uuid)).to_have_text(number_text(113))
    undo.click()
    expect(cards(page)).to_have_count(3)
    expect(output_preview(page, last)).to_have_text(number_text(113))

    # An Interval source: live and ticking.
    source = add_from_library(page, "sources.interval")
    period = input_row(page, source, "period").locator('input[type="number"]')
    period.fill("0.2")
    period.press("Enter")
    src = card(page, source)
    expect(src.get_by_test_id("node-live")).to_be_visible()
    tick = output_preview(page, source, "tick")
    first_tick = int(tick.inner_text().strip())
    wait_until(lambda: int(tick.inner_text().strip()) >= first_tick + 2, timeout=5)
    page.screenshot(path=str(tmp_path / "05-source-live.png"))

    # Paused from its card: it stops, its value stays.
    src.get_by_test_id("node-pause-toggle").click()
    expect(src.get_by_test_id("node-paused")).to_be_visible()
    expect(src.get_by_test_id("node-live")).to_have_count(0)
    held = tick.inner_text().strip()
    page.wait_for_timeout(700)
    assert tick.inner_text().strip() == held
    assert hub.worker_call(worker_id, "get_node", uuid=source)["properties"]["paused"] is True
    page.screenshot(path=str(tmp_path / "06-source-paused.png"))

    # Resumed from its menu: it ticks again (a source restarts).
    src.get_by_test_id("node-paused").click(button="right")
    page.get_by_test_id("context-menu").get_by_test_id("menu-pause").click()
    expect(src.get_by_test_id("node-paused")).to_have_count(0)
    expect(src.get_by_test_id("node-live")).to_be_visible()
    wait_until(lambda: tick.inner_text().strip() != held, timeout=5)

    # A value that comes back to one seen lately is served from the node's memory, not run.
    sleeper = hub.worker_call(
        worker_id,
        "add_node",
        node_id="time.sleep",
        inputs={"seconds": 0.2},
        properties={"position": {"x": 680, "y": 320}},
    )["uuid"]
    nap = card(page, sleeper)
    expect(nap).to_have_attribute("data-status", "done")
    seconds = input_row(page, sleeper, "seconds").locator('input[type="number"]')
    for value in (0.3, 0.2):
        seconds.fill(str(value))
        seconds.press("Enter")
        # the worker has the value and is done with it (a run superseded is no memory)
        wait_until(lambda v=value: sleep_settled(hub, worker_id, sleeper, v), timeout=5)
    cached = nap.get_by_test_id("node-cached")
    expect(cached).to_have_attribute("data-source", "memory")
    assert "(not run)" in (cached.get_attribute("title") or "")
    page.screenshot(path=str(tmp_path / "07-cached.png"))

    # Merge the exported composite into a second worker: its library lists it.
    other: str = hub.new_worker("other")["id"]
    open_worker(page, hub, other)
    page.get_by_test_id("bundle-merge-file").set_input_files(exported)
    merge = page.get_by_test_id("bundle-merge-dialog")
    expect(merge.get_by_test_id("bundle-merge-composites")).to_contain_text("add-twice")
    merge.get_by_test_id("bundle-merge-ok").click()
    expect(merge).to_have_count(0)
    expect(
        page.get_by_test_id("toast").filter(has_text="Merged add-twice: 1 composite")
    ).to_be_visible()
    expect(
        page.locator('[data-testid="library-node"][data-node-id="composite.add-twice"]')
    ).to_be_visible()
    assert "add-twice" in hub.worker_call(other, "get_state")["composites"]
    page.screenshot(path=str(tmp_path / "08-merged.png"))
    assert time.monotonic() - started < 60


def test_edit_the_inside_of_a_composite_and_press_a_button_input(
    page: Page, hub: HubProcess, tmp_path: Path
) -> None:
    """Inside a composite: a node added from the library, wired and given a value, its output
    exposed as a port (from its menu), the old output port removed and the new one renamed in
    the ports panel; back on the workflow (Escape) the composite computes (5 + 1) * 3 = 18 on
    its renamed output; expanded from its menu, the inside takes its place (undo brings the
    composite back). A file reader's Refresh button sends the count of presses + 1."""
    started = time.monotonic()
    worker_id: str = hub.new_worker("inside")["id"]
    number = hub.worker_call(
        worker_id,
        "add_node",
        node_id="numbers.number",
        inputs={"value": 5},
        properties={"position": {"x": 40, "y": 120}},
    )["uuid"]
    add = hub.worker_call(
        worker_id,
        "add_node",
        node_id="numbers.add",
        inputs={"b": 1},
        properties={"position": {"x": 360, "y": 120}},
    )["uuid"]
    hub.worker_call(worker_id, "connect", src=number, src_io="out", dst=add, dst_io="a")
    made = hub.worker_call(worker_id, "make_composite", nodes=[add], name="Plus one")
    composite = made["uuid"]
    open_worker(page, hub, worker_id)
    expect(output_preview(page, composite)).to_have_text(number_text(6))

    # Open it with its card's button; add a Multiply from the library into the inside.
    card(page, composite).get_by_test_id("node-open-composite").click()
    inside = page.get_by_test_id("inside-view")
    inner = inside.locator('[data-testid="node-card"]')
    expect(inner).to_have_count(1)
    page.locator('[data-testid="library-node"][data-node-id="numbers.multiply"]').dblclick()
    expect(inner).to_have_count(2)
    expect(cards(page).filter(has=page.locator('[data-node-id="numbers.multiply"]'))).to_have_count(
        0
    )  # not on the workflow underneath
    multiply = inside.locator('[data-testid="node-card"][data-node-id="numbers.multiply"]')
    mul = multiply.get_attribute("data-uuid")
    assert mul

    # Wire Add → Multiply.a and give Multiply.b a value.
    def handle(uuid: str, io: str, kind: str) -> Locator:
        return inside.locator(
            f'.react-flow__handle.{kind}[data-nodeid="{uuid}"][data-handleid="{io}"]'
        )

    drag(page, handle(add, "out", "source"), handle(mul, "a", "target"))
    expect(multiply.locator('[data-testid="node-input"][data-io="a"]')).to_have_attribute(
        "data-connected", "true"
    )
    b = multiply.locator('[data-testid="node-input"][data-io="b"] input')
    b.fill("3")
    b.press("Enter")

    # Expose Multiply.out from its menu; remove the old output; rename the new one.
    multiply.get_by_test_id("node-status").click(button="right")
    page.get_by_test_id("context-menu").get_by_test_id("menu-expose-out-out").click()
    ports = inside.get_by_test_id("ports-panel")
    outputs = ports.locator('[data-testid="port"][data-kind="outputs"]')
    expect(outputs).to_have_count(2)
    outputs.filter(has_text="Add.out").get_by_test_id("port-remove").click()
    expect(outputs).to_have_count(1)
    name = outputs.first.get_by_test_id("port-name")
    name.fill("result")
    name.press("Enter")
    expect(outputs.first).to_have_attribute("data-name", "result")
    expect(multiply.locator('[data-testid="node-output"][data-io="out"]')).to_have_attribute(
        "data-port", "result"
    )
    expect(
        multiply.locator('[data-testid="node-output"] [data-testid="output-preview"]')
    ).to_have_text(number_text(18))
    page.screenshot(path=str(tmp_path / "11-inside-edited.png"))

    # Escape: back on the workflow, the composite gives 18 on "result".
    page.locator("body").click(position={"x": 5, "y": 5})
    page.keyboard.press("Escape")
    expect(inside).to_have_count(0)
    expect(output_preview(page, composite, "result")).to_have_text(number_text(18))
    definition = hub.worker_call(worker_id, "get_state")["composites"][made["id"]]
    assert [p["name"] for p in definition["outputs"]] == ["result"]
    assert len(definition["nodes"]) == 2 and len(definition["edges"]) == 1

    # Expand it from its menu: the inside takes its place; undo brings the composite back.
    card(page, composite).get_by_test_id("node-status").click(button="right")
    page.get_by_test_id("context-menu").get_by_test_id("menu-expand-composite").click()
    expect(card(page, composite)).to_have_count(0)
    expect(cards(page)).to_have_count(3)
    expanded = page.locator('[data-testid="node-card"][data-node-id="numbers.multiply"]')
    expect(expanded.get_by_test_id("output-preview")).to_have_text(number_text(18))
    page.get_by_test_id("canvas-toolbar").get_by_role("button", name=re.compile("^Undo")).click()
    expect(card(page, composite)).to_have_count(1)
    expect(cards(page)).to_have_count(2)

    # A file reader's Refresh: a button that counts presses.
    path = upload_file(hub, worker_id, "t.csv", b"x,y\n1,2\n")
    reader = hub.worker_call(
        worker_id,
        "add_node",
        node_id="files.read_csv",
        inputs={"path": path},
        properties={"position": {"x": 40, "y": 420}},
    )["uuid"]
    refresh = input_row(page, reader, "refresh").get_by_role("button", name=re.compile("Refresh"))
    expect(refresh).to_be_visible()
    refresh.click()
    refresh.click()
    wait_until(
        lambda: (
            [
                i.get("value")
                for i in hub.worker_call(worker_id, "get_node", uuid=reader)["inputs"]
                if i["name"] == "refresh"
            ]
            == [2]
        ),
        timeout=5,
    )
    page.screenshot(path=str(tmp_path / "12-refresh.png"))
    assert time.monotonic() - started < 60


def test_open_a_composite_inside_a_composite(page: Page, hub: HubProcess, tmp_path: Path) -> None:
    """A composite inside another, opened level by level: the chain Add(1, 2) → Add(·, 10) →
    Add(·, 100) has its last two nodes made "Add twice" (by RPC), then "Add twice" and the first
    Add made "Outer" in the page. Outer opens (Workflow › Outer), "Add twice" opens from inside
    it (Workflow › Outer › Add twice) with that instance's values (13, 113); an inner value
    changed there (100 → 1000) edits the Add twice definition, and the inner level shows 1013.
    The Outer crumb goes back one level (its Add twice node shows 1013), Escape goes up one, and
    from the inner level again the Workflow crumb goes back two levels: the workflow's Outer shows
    1013. A second Outer, paused (never run), opens to the definitions without values and a note,
    at both levels. A running composite of two Sleeps shows its progress ("1 of 2 inside") on
    its card."""
    started = time.monotonic()
    worker_id, (first, middle, last) = make_chain(hub)
    made = hub.worker_call(worker_id, "make_composite", nodes=[middle, last], name="Add twice")
    twice = made["uuid"]
    assert made["id"] == "add-twice"
    open_worker(page, hub, worker_id)
    expect(cards(page)).to_have_count(2)
    expect(output_preview(page, twice)).to_have_text(number_text(113))

    # In the page: the first Add and the Add twice node made one composite, "Outer".
    card(page, first).get_by_test_id("node-status").click()
    card(page, twice).get_by_test_id("node-status").click(modifiers=["Shift"])
    expect(page.locator(".react-flow__node.selected")).to_have_count(2)
    card(page, twice).get_by_test_id("node-status").click(button="right")
    page.get_by_test_id("context-menu").get_by_test_id("menu-make-composite").click()
    dialog = page.get_by_test_id("make-composite-dialog")
    dialog.get_by_test_id("prompt-input").fill("Outer")
    dialog.get_by_test_id("prompt-ok").click()
    expect(dialog).to_have_count(0)
    outer_card = page.locator('[data-testid="node-card"][data-node-id="composite.outer"]')
    expect(outer_card).to_have_count(1)
    expect(cards(page)).to_have_count(1)
    outer = outer_card.get_attribute("data-uuid")
    assert outer
    definitions = hub.worker_call(worker_id, "get_state")["composites"]
    assert {n["uuid"]: n["node_id"] for n in definitions["outer"]["nodes"]} == {
        first: "numbers.add",
        twice: "composite.add-twice",
    }
    (port,) = [p["name"] for p in definitions["outer"]["outputs"]]
    expect(output_preview(page, outer, port)).to_have_text(number_text(113))

    # Open Outer: its inside, where Add twice is a composite card that opens too.
    outer_card.get_by_test_id("node-composite").dblclick()
    inside = page.get_by_test_id("inside-view")
    crumbs = inside.locator('[data-testid="breadcrumb"] li:not(.nw-crumb-tools)')
    expect(crumbs).to_have_text(["Workflow", "Outer"])
    inner_twice = inside.locator(f'[data-testid="node-card"][data-uuid="{twice}"]')
    expect(inner_twice.get_by_test_id("node-composite")).to_be_visible()
    expect(inner_twice.get_by_test_id("node-open-composite")).to_be_visible()
    expect(
        inner_twice.locator('[data-testid="node-output"] [data-testid="output-preview"]')
    ).to_have_text(number_text(113))
    page.screenshot(path=str(tmp_path / "21-outer-inside.png"))

    # Open Add twice from inside Outer (a double-click): one level more, with its values.
    inner_twice.get_by_test_id("node-composite").dblclick()
    expect(inside).to_have_attribute("data-depth", "2")
    expect(inside).to_have_attribute("data-composite-id", "add-twice")
    expect(crumbs).to_have_text(["Workflow", "Outer", "Add twice"])
    expect(inside.get_by_test_id("breadcrumb-current")).to_have_text("Add twice")
    expect(inside.get_by_test_id("inside-not-run")).to_have_count(0)

    def inner_out(uuid: str) -> Locator:
        return inside.locator(
            f'[data-testid="node-card"][data-uuid="{uuid}"] '
            '[data-testid="node-output"] [data-testid="output-preview"]'
        )

    expect(inner_out(middle)).to_have_text(number_text(13))
    expect(inner_out(last)).to_have_text(number_text(113))
    page.screenshot(path=str(tmp_path / "22-inner-inside.png"))

    # Change an inner value: the Add twice definition changes, the inner level shows it.
    field = inside.locator(
        f'[data-testid="node-card"][data-uuid="{last}"] [data-testid="node-input"][data-io="b"] input'
    )
    field.fill("1000")
    field.press("Enter")
    expect(inner_out(last)).to_have_text(number_text(1013))
    wait_until(
        lambda: (
            [
                n["inputs"].get("b")
                for n in hub.worker_call(worker_id, "get_state")["composites"]["add-twice"]["nodes"]
            ]
            == [10, 1000]
        ),
        timeout=5,
    )
    page.screenshot(path=str(tmp_path / "23-inner-edited.png"))

    # The Outer crumb: one level back, where Add twice shows the new value.
    inside.locator('[data-testid="breadcrumb-level"][data-depth="1"]').click()
    expect(crumbs).to_have_text(["Workflow", "Outer"])
    expect(inside).to_have_attribute("data-depth", "1")
    expect(
        inner_twice.locator('[data-testid="node-output"] [data-testid="output-preview"]')
    ).to_have_text(number_text(1013))

    # ⤢ opens it again; Escape goes up one level.
    inner_twice.get_by_test_id("node-open-composite").click()
    expect(crumbs).to_have_text(["Workflow", "Outer", "Add twice"])
    expect(inner_out(last)).to_have_text(number_text(1013))
    page.locator("body").click(position={"x": 5, "y": 5})
    page.keyboard.press("Escape")
    expect(crumbs).to_have_text(["Workflow", "Outer"])

    # Its menu's Open; then the Workflow crumb goes back two levels at once.
    inner_twice.get_by_test_id("node-status").click(button="right")
    page.get_by_test_id("context-menu").get_by_test_id("menu-open-composite").click()
    expect(crumbs).to_have_text(["Workflow", "Outer", "Add twice"])
    expect(inner_out(last)).to_have_text(number_text(1013))
    inside.get_by_test_id("breadcrumb-root").click()
    expect(inside).to_have_count(0)
    expect(output_preview(page, outer, port)).to_have_text(number_text(1013))
    page.screenshot(path=str(tmp_path / "24-back-on-the-workflow.png"))

    # A second Outer, paused from the start (it never runs): its inside shows the definition
    # without values and a note, and so does the Add twice inside it (the worker cannot reach an
    # instance inside one that has not run: the definition comes from the workflow's).
    idle = hub.worker_call(
        worker_id,
        "add_node",
        node_id="composite.outer",
        properties={"position": {"x": 40, "y": 300}, "paused": True},
    )["uuid"]
    card(page, idle).get_by_test_id("node-open-composite").click()
    expect(crumbs).to_have_text(["Workflow", "Outer"])
    expect(inside).to_have_attribute("data-uuid", idle)
    expect(inside.get_by_test_id("inside-not-run")).to_have_attribute("data-reached", "true")
    inner_twice.get_by_test_id("node-open-composite").click()
    expect(crumbs).to_have_text(["Workflow", "Outer", "Add twice"])
    note = inside.get_by_test_id("inside-not-run")
    expect(note).to_have_attribute("data-reached", "false")
    expect(note).to_have_text("Not run yet: values show once it has run.")
    expect(field).to_have_value("1000")  # the definition's value
    expect(inner_out(last)).not_to_have_text(number_text(1013))
    expect(page.get_by_test_id("toast").filter(has_text="invalid_arguments")).to_have_count(0)
    page.screenshot(path=str(tmp_path / "25-not-run.png"))
    inside.get_by_test_id("inside-close").click()
    expect(inside).to_have_count(0)
    hub.worker_call(worker_id, "remove_node", uuid=idle)

    # A running composite reports its progress like any node: its inner nodes settled, of all.
    number = hub.worker_call(
        worker_id,
        "add_node",
        node_id="numbers.number",
        inputs={"value": 1},
        properties={"position": {"x": 40, "y": 420}},
    )["uuid"]
    naps = []
    for i in range(2):
        naps.append(
            hub.worker_call(
                worker_id,
                "add_node",
                node_id="time.sleep",
                inputs={"seconds": 0.8},
                properties={"position": {"x": 360 + 320 * i, "y": 420}},
            )["uuid"]
        )
    hub.worker_call(worker_id, "connect", src=number, src_io="out", dst=naps[0], dst_io="value")
    hub.worker_call(worker_id, "connect", src=naps[0], src_io="out", dst=naps[1], dst_io="value")
    sleeps = hub.worker_call(worker_id, "make_composite", nodes=naps, name="Two naps")["uuid"]
    nap_card = card(page, sleeps)
    expect(nap_card).to_have_attribute("data-status", "done", timeout=10_000)
    hub.worker_call(worker_id, "set_input", uuid=number, io="value", value=2)
    expect(nap_card).to_have_attribute("data-status", "running")
    progress = nap_card.get_by_test_id("node-progress-text")
    expect(progress).to_have_text(re.compile(r"of 2 inside"))
    # the first Sleep done, the second running: half of the inside has settled
    expect(progress).to_have_text("50% — 1 of 2 inside")
    expect(nap_card.get_by_test_id("node-progress")).to_have_attribute("value", "0.5")
    page.wait_for_timeout(200)  # the bar's width eases in (150 ms); the second Sleep takes 0.8 s
    page.screenshot(path=str(tmp_path / "26-composite-progress.png"))
    expect(nap_card).to_have_attribute("data-status", "done", timeout=10_000)
    expect(nap_card.get_by_test_id("node-progress")).to_have_count(0)
    assert time.monotonic() - started < 60
