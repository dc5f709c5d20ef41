"""Editing with a history, and editing the worker's own modules, in a real browser.

The system Chromium (headless) against a real ``nodeweave up``: Ctrl+Z on the canvas undoes
through the worker's history (never the browser's text undo on a field left behind), every tab
of a worker shares that history (a reload keeps it), and the module editor creates, breaks and
fixes a module of nodes. Screenshots go to ``test-artifacts/ui/``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from .test_ui_browser import (
    add_from_library,
    cards,
    handle,
    input_row,
    node_of,
    open_worker,
    output_preview,
    own_value,
    state,
)
from .ui_helpers import (
    HubProcess,
    PageErrors,
    card,
    hub_process,
    shot,
    wait_until,
)

pytestmark = pytest.mark.timeout(240)

expect.set_options(timeout=15_000)


@pytest.fixture(scope="module")
def hub(tmp_path_factory: pytest.TempPathFactory) -> Iterator[HubProcess]:
    with hub_process(tmp_path_factory.mktemp("ui-editor"), env={"PIP_NO_INDEX": "1"}) as running:
        yield running


def add(hub: HubProcess, worker: str, node_id: str, x: int, y: int, **inputs: object) -> str:
    made = hub.worker_call(
        worker,
        "add_node",
        node_id=node_id,
        properties={"position": {"x": x, "y": y}},
        inputs=inputs,
    )
    return str(made["uuid"])


def undo_button(page: Page) -> object:
    return page.get_by_test_id("history-undo")


def test_ctrl_z_on_the_canvas_undoes_the_delete_and_leaves_the_field_alone(
    page: Page, hub: HubProcess
) -> None:
    hub.new_worker("Undo")
    multiply = add(hub, "undo", "numbers.multiply", 0, 0, a=2.0, b=3.0)
    other = add(hub, "undo", "numbers.number", 420, 0, value=5.0)
    open_worker(page, hub, "undo")
    expect(output_preview(page, multiply)).to_have_text(re.compile(r"^\s*6(\.0)?\s*$"))

    # Type 7 into Multiply.b (the browser now has a text undo for that field) …
    field = input_row(page, multiply, "b").locator("input").first
    field.click()
    field.fill("7")
    expect(output_preview(page, multiply)).to_have_text(re.compile(r"^\s*14(\.0)?\s*$"))
    wait_until(lambda: own_value(node_of(hub, "undo", multiply), "b") == 7.0)
    # … then select the other node on the canvas and delete it with the keyboard.
    card(page, other).get_by_test_id("node-status").click()
    page.keyboard.press("Delete")
    expect(card(page, other)).to_have_count(0)
    expect(page.get_by_test_id("history-undo")).to_be_enabled()
    expect(page.get_by_test_id("history-undo")).to_have_attribute(
        "title", re.compile(r"^Undo", re.I)
    )
    shot(page, "editor-01-before-undo")

    # Ctrl+Z with the canvas focused: the node is back, Multiply.b is still 7 — in the worker too.
    page.keyboard.press("Control+z")
    expect(card(page, other)).to_have_count(1)
    expect(input_row(page, other, "value").locator("input").first).to_have_value("5")
    expect(field).to_have_value("7")
    page.wait_for_timeout(300)  # a stray set_input from a native undo would have arrived by now
    assert own_value(node_of(hub, "undo", multiply), "b") == 7.0
    assert {n["uuid"] for n in state(hub, "undo")["nodes"]} == {multiply, other}
    expect(output_preview(page, multiply)).to_have_text(re.compile(r"^\s*14(\.0)?\s*$"))
    shot(page, "editor-02-after-undo")

    # Ctrl+A on the canvas selects every node (and not the page's text); Delete takes them in one
    # step, which one undo brings back, wire and values included.
    page.locator(".react-flow__pane").click(position={"x": 700, "y": 600})
    page.keyboard.press("Control+a")
    assert page.evaluate("() => String(window.getSelection())") == ""
    expect(page.locator(".react-flow__node.selected")).to_have_count(2)

    # Dragging the selection moves both nodes: one step, which one undo takes back.
    before = {u: node_of(hub, "undo", u)["properties"]["position"] for u in (multiply, other)}
    box = card(page, other).get_by_test_id("node-status").bounding_box()
    assert box is not None
    page.mouse.move(box["x"] - 40, box["y"] + box["height"] / 2)
    page.mouse.down()
    page.mouse.move(box["x"] + 40, box["y"] + 120, steps=8)
    page.mouse.up()
    wait_until(
        lambda: all(
            node_of(hub, "undo", u)["properties"]["position"] != before[u]
            for u in (multiply, other)
        )
    )
    expect(page.get_by_test_id("history-undo")).to_have_attribute(
        "title", re.compile(r"Move 2 nodes")
    )
    page.keyboard.press("Control+z")
    wait_until(
        lambda: all(
            node_of(hub, "undo", u)["properties"]["position"] == before[u]
            for u in (multiply, other)
        )
    )
    expect(page.locator(".react-flow__node.selected")).to_have_count(2)
    page.keyboard.press("Delete")
    expect(cards(page)).to_have_count(0)
    wait_until(lambda: state(hub, "undo")["nodes"] == [])
    expect(page.get_by_test_id("history-undo")).to_have_attribute(
        "title", re.compile(r"Delete 2 nodes")
    )
    page.get_by_test_id("history-undo").click()
    expect(cards(page)).to_have_count(2)
    assert own_value(node_of(hub, "undo", multiply), "b") == 7.0

    # A focused field keeps its own undo: Ctrl+Z there does not touch the graph.
    field = input_row(page, multiply, "b").locator("input").first
    field.click()
    field.press("Control+z")
    expect(cards(page)).to_have_count(2)


def test_the_history_is_shared_by_tabs_and_survives_a_reload(page: Page, hub: HubProcess) -> None:
    hub.new_worker("Shared")
    open_worker(page, hub, "shared")
    other = page.context.new_page()
    open_worker(other, hub, "shared")

    uuid = add_from_library(page, "numbers.integer")
    expect(card(other, uuid)).to_be_visible()
    expect(other.get_by_test_id("history-undo")).to_be_enabled()

    # Undo in tab 1: the node is gone in tab 2 too, whose redo button is now enabled.
    page.locator(".react-flow__pane").click(position={"x": 700, "y": 600})
    page.keyboard.press("Control+z")
    expect(card(page, uuid)).to_have_count(0)
    expect(card(other, uuid)).to_have_count(0)
    expect(other.get_by_test_id("history-redo")).to_be_enabled()
    expect(other.get_by_test_id("history-redo")).to_have_attribute(
        "title", re.compile(r"^Redo", re.I)
    )
    shot(other, "editor-03-undone-in-the-other-tab")

    # After a reload the worker still knows what to redo.
    other.reload()
    open_worker(other, hub, "shared")
    expect(other.get_by_test_id("history-redo")).to_be_enabled()
    other.locator(".react-flow__pane").click(position={"x": 700, "y": 600})
    other.keyboard.press("Control+Shift+z")
    expect(card(other, uuid)).to_have_count(1)
    expect(card(page, uuid)).to_have_count(1)
    assert [n["uuid"] for n in state(hub, "shared")["nodes"]] == [uuid]
    other.close()


def editor_source(page: Page, source: str) -> None:
    """Replace the text of the open module in the editor, as a paste would."""
    text = page.get_by_test_id("module-editor-text")
    text.click()
    page.keyboard.press("Control+a")
    page.keyboard.insert_text(source)


MODULE_OK = '''"""My nodes."""

from nodeweave import node


@node(id="my_nodes.scale", name="Scale")
def scale(x: float = 1.0, factor: float = 2.0) -> float:
    """x times a factor."""
    return x * factor {tail}
'''


def test_the_module_editor_creates_breaks_and_fixes_a_module(page: Page, hub: HubProcess) -> None:
    hub.new_worker("Mods")
    open_worker(page, hub, "mods")
    page.get_by_test_id("open-modules").click()
    panel = page.get_by_test_id("module-panel")
    expect(panel).to_be_visible()

    # A new module from the worker's template: its nodes join the library.
    panel.get_by_test_id("module-new").click()
    panel.get_by_test_id("module-new-name").fill("my_nodes")
    panel.get_by_test_id("module-new-create").click()
    expect(panel.get_by_test_id("module-status")).to_have_attribute("data-kind", "ok")
    expect(panel.get_by_test_id("module-status")).to_contain_text("my_nodes.py loaded: 2 nodes")
    expect(panel.locator('[data-testid="module-file"][data-name="my_nodes.py"]')).to_be_visible()
    expect(page.get_by_test_id("module-editor-text")).to_contain_text("def scale")
    scale = add_from_library(page, "my_nodes.scale")
    expect(output_preview(page, scale)).to_have_text(re.compile(r"^\s*2(\.0)?\s*$"))
    shot(page, "editor-04-module-created")

    # Break it: the failing line is marked, the traceback shown, the library flags the module.
    editor_source(page, MODULE_OK.format(tail="").replace("def scale(x", "def scale(x:: "))
    page.keyboard.press("Control+s")
    status = panel.get_by_test_id("module-status")
    expect(status).to_have_attribute("data-kind", "error")
    expect(status).to_contain_text("SyntaxError")
    expect(status).to_contain_text("line 7")
    expect(panel.get_by_test_id("module-traceback")).to_contain_text("Traceback")
    expect(page.get_by_test_id("editor-error-line")).to_contain_text("def scale(x::")
    expect(page.locator('[data-testid="toast"][data-kind="error"]').first).to_contain_text(
        "my_nodes.py failed to load"
    )
    expect(page.locator('[data-testid="library-failed-module"][data-module]')).to_have_count(1)
    shot(page, "editor-05-module-broken")

    # Fix it with new code: the node runs again with it.
    editor_source(page, MODULE_OK.format(tail="* 10"))
    panel.get_by_test_id("module-save").click()
    expect(status).to_have_attribute("data-kind", "ok")
    expect(status).to_contain_text("reloaded")
    expect(page.get_by_test_id("editor-error-line")).to_have_count(0)
    expect(page.locator('[data-testid="library-failed-module"]')).to_have_count(0)
    expect(output_preview(page, scale)).to_have_text(re.compile(r"^\s*20(\.0)?\s*$"))
    assert "* 10" in hub.worker_call("mods", "read_module", name="my_nodes.py")["source"]
    shot(page, "editor-06-module-fixed")

    # The node's menu opens its module; deleting the file asks first.
    panel.get_by_test_id("module-close").click()
    card(page, scale).get_by_test_id("node-status").click(button="right")
    page.get_by_test_id("menu-open-module").click()
    expect(panel.get_by_test_id("module-open-name")).to_contain_text("my_nodes.py")
    panel.get_by_test_id("module-delete").click()
    page.get_by_test_id("confirm-ok").click()
    expect(panel.locator('[data-testid="module-file"]')).to_have_count(0)
    expect(card(page, scale).get_by_test_id("node-placeholder")).to_be_visible()


NEEDS_X = '''"""A node with a required input."""

from nodeweave import node


@node(id="needs.half", name="Half")
def half(x: float) -> float:
    return x / 2
'''


def test_the_missing_node_error_clears_when_its_module_comes_back(
    page: Page, hub: HubProcess, tmp_path: Path
) -> None:
    hub.new_worker("Missing")
    modules = hub.state / "workers" / "missing" / "modules"
    hub.worker_call("missing", "write_module", name="needs.py", source=NEEDS_X)
    uuid = add(hub, "missing", "needs.half", 40, 40)
    open_worker(page, hub, "missing")
    expect(card(page, uuid)).to_have_attribute("data-status", "waiting")
    expect(card(page, uuid).get_by_test_id("node-error")).to_have_count(0)

    # The module leaves modules/ (moved elsewhere, as a user tidying up would): the node keeps
    # its place and data as a placeholder that says what is missing.
    (modules / "needs.py").rename(tmp_path / "needs.py")
    expect(card(page, uuid).get_by_test_id("node-placeholder")).to_be_visible()
    expect(card(page, uuid).get_by_test_id("node-error")).to_contain_text("MissingNode")
    shot(page, "editor-16-module-moved-away")

    # It comes back: the node is itself again, waiting for its input, and the error is gone —
    # on the card and in the worker.
    (tmp_path / "needs.py").rename(modules / "needs.py")
    expect(card(page, uuid).get_by_test_id("node-placeholder")).to_have_count(0)
    expect(card(page, uuid)).to_have_attribute("data-status", "waiting")
    expect(card(page, uuid).get_by_test_id("node-error")).to_have_count(0)
    assert node_of(hub, "missing", uuid)["error"] is None
    shot(page, "editor-17-module-back")
    page.reload()
    expect(card(page, uuid)).to_have_attribute("data-status", "waiting")
    expect(card(page, uuid).get_by_test_id("node-error")).to_have_count(0)


def test_a_node_runs_again_or_is_cancelled_and_a_stopped_worker_adds_nothing(
    page: Page, hub: HubProcess
) -> None:
    hub.new_worker("Runs")
    slow = add(hub, "runs", "time.sleep", 0, 0, seconds=30.0)
    open_worker(page, hub, "runs")
    expect(card(page, slow)).to_have_attribute("data-status", "running")
    card(page, slow).get_by_test_id("node-cancel").click()
    expect(card(page, slow)).not_to_have_attribute("data-status", "running")
    status = node_of(hub, "runs", slow)["status"]
    assert status in {"cancelled", "error"}, status
    shot(page, "editor-07-run-cancelled")
    card(page, slow).get_by_test_id("node-trigger").click()
    expect(card(page, slow)).to_have_attribute("data-status", "running")
    card(page, slow).get_by_test_id("node-cancel").click()
    expect(card(page, slow)).not_to_have_attribute("data-status", "running")

    # The worker stopped: the library says so, and adds nothing.
    hub.call("stop_worker", id="runs")
    library = page.get_by_test_id("library-panel")
    expect(library).to_have_attribute("data-disabled", "true")
    expect(page.get_by_test_id("library-disabled")).to_contain_text("start it to add nodes")
    shot(page, "editor-08-library-while-stopped")


def test_copy_in_one_worker_and_paste_in_another(browser: Browser, hub: HubProcess) -> None:
    hub.new_worker("Copy from")
    hub.new_worker("Paste into")
    first = add(hub, "copy-from", "numbers.number", 0, 0, value=4.0)
    second = add(hub, "copy-from", "numbers.multiply", 320, 40, b=3.0)
    hub.worker_call("copy-from", "connect", src=first, src_io="out", dst=second, dst_io="a")
    hub.worker_call(
        "copy-from", "update_node", uuid=second, properties={"name": "Tripled"}, merge=True
    )
    context = browser.new_context(viewport={"width": 1440, "height": 900})
    context.grant_permissions(["clipboard-read", "clipboard-write"])
    page = context.new_page()
    errors = PageErrors()
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    try:
        open_worker(page, hub, "copy-from")
        expect(output_preview(page, second)).to_have_text(re.compile(r"^\s*12(\.0)?\s*$"))
        page.locator(".react-flow__pane").click(position={"x": 700, "y": 700})
        page.keyboard.press("Control+a")
        page.keyboard.press("Control+c")
        wait_until(lambda: "nodeweave/nodes" in page.evaluate("navigator.clipboard.readText()"))

        open_worker(page, hub, "paste-into")
        expect(cards(page)).to_have_count(0)
        page.mouse.move(500, 300)
        page.keyboard.press("Control+v")
        expect(cards(page)).to_have_count(2)
        expect(page.locator(".react-flow__node.selected")).to_have_count(2)
        expect(page.get_by_test_id("history-undo")).to_have_attribute(
            "title", re.compile(r"Paste 2 nodes")
        )
        pasted = state(hub, "paste-into")
        assert {n["uuid"] for n in pasted["nodes"]}.isdisjoint({first, second})
        (mult,) = [n for n in pasted["nodes"] if n["node_id"] == "numbers.multiply"]
        (num,) = [n for n in pasted["nodes"] if n["node_id"] == "numbers.number"]
        assert mult["properties"]["name"] == "Tripled"
        assert own_value(mult, "b") == 3.0 and own_value(num, "value") == 4.0
        assert [(e["src"], e["dst"]) for e in pasted["edges"]] == [(num["uuid"], mult["uuid"])]
        # the layout is kept, its top-left corner at the cursor
        p, q = num["properties"]["position"], mult["properties"]["position"]
        assert (q["x"] - p["x"], q["y"] - p["y"]) == (320, 40)
        expect(output_preview(page, mult["uuid"])).to_have_text(re.compile(r"^\s*12(\.0)?\s*$"))
        shot(page, "editor-04-pasted-into-another-worker")

        # Ctrl+D duplicates the selection beside it (one step); Ctrl+X cuts it (one step).
        page.keyboard.press("Control+d")
        expect(cards(page)).to_have_count(4)
        expect(page.locator(".react-flow__node.selected")).to_have_count(2)
        page.keyboard.press("Control+x")
        expect(cards(page)).to_have_count(2)
        expect(page.get_by_test_id("history-undo")).to_have_attribute(
            "title", re.compile(r"Cut 2 nodes")
        )
        page.keyboard.press("Control+z")
        expect(cards(page)).to_have_count(4)
        # one undo takes a whole paste away
        page.keyboard.press("Control+z")
        expect(cards(page)).to_have_count(2)
    finally:
        context.close()
    assert not errors, errors


def flow_point(page: Page, x: float, y: float) -> dict[str, float]:
    """Screen point → flow coordinates, from React Flow's viewport transform."""
    box = page.locator(".react-flow").bounding_box()
    assert box is not None
    m = re.search(
        r"translate\(([-\d.]+)px, ([-\d.]+)px\) scale\(([\d.]+)\)",
        page.locator(".react-flow__viewport").get_attribute("style") or "",
    )
    assert m is not None
    tx, ty, k = (float(v) for v in m.groups())
    return {"x": (x - box["x"] - tx) / k, "y": (y - box["y"] - ty) / k}


def test_the_search_palette_adds_at_the_cursor_and_for_a_dropped_wire(
    page: Page, hub: HubProcess
) -> None:
    hub.new_worker("Palette")
    number = add(hub, "palette", "numbers.number", 0, 0, value=2.0)
    open_worker(page, hub, "palette")
    expect(card(page, number)).to_be_visible()
    page.wait_for_timeout(400)  # the first fit into view is done

    # A double-click on the empty canvas opens the palette there; Enter adds the node there.
    want = flow_point(page, 900, 600)
    page.mouse.dblclick(900, 600)
    palette = page.get_by_test_id("search-palette")
    expect(palette).to_be_visible()
    page.get_by_test_id("palette-search").fill("negate")
    expect(page.get_by_test_id("palette-item").first).to_have_attribute(
        "data-node-id", "numbers.negate"
    )
    page.keyboard.press("Enter")
    expect(palette).to_have_count(0)
    wait_until(lambda: len(state(hub, "palette")["nodes"]) == 2)
    (neg,) = [n for n in state(hub, "palette")["nodes"] if n["node_id"] == "numbers.negate"]
    pos = neg["properties"]["position"]
    # centred on the cursor (a card is 240 × 120 before it is measured)
    assert abs(pos["x"] + 120 - want["x"]) < 45 and abs(pos["y"] + 60 - want["y"]) < 45
    expect(card(page, neg["uuid"])).to_be_visible()

    # Space over the empty canvas opens it too; Escape closes it.
    page.mouse.move(1100, 300)
    page.keyboard.press("Space")
    expect(palette).to_be_visible()
    page.keyboard.press("Escape")
    expect(palette).to_have_count(0)

    # A wire pulled from Number.out and dropped on nothing: the palette lists what fits it.
    out = handle(page, number, "out", "source").bounding_box()
    assert out is not None
    page.mouse.move(out["x"] + out["width"] / 2, out["y"] + out["height"] / 2)
    page.mouse.down()
    page.mouse.move(out["x"] + 200, out["y"] - 250, steps=12)
    page.mouse.up()
    expect(palette).to_be_visible()
    ids = page.get_by_test_id("palette-item").evaluate_all("els => els.map(e => e.dataset.nodeId)")
    assert "numbers.multiply" in ids
    page.get_by_test_id("palette-search").fill("multiply")
    shot(page, "editor-05-palette-for-a-wire")
    page.keyboard.press("Enter")
    wait_until(lambda: len(state(hub, "palette")["nodes"]) == 3)
    graph = state(hub, "palette")
    (mult,) = [n for n in graph["nodes"] if n["node_id"] == "numbers.multiply"]
    assert [(e["src"], e["src_io"], e["dst"]) for e in graph["edges"]] == [
        (number, "out", mult["uuid"])
    ]
    expect(page.get_by_test_id("history-undo")).to_have_attribute(
        "title", re.compile(r"Add Multiply and connect it")
    )
    expect(card(page, mult["uuid"])).to_be_visible()


def test_groups_and_notes_move_rename_and_survive_a_reload(page: Page, hub: HubProcess) -> None:
    hub.new_worker("Groups")
    a = add(hub, "groups", "numbers.number", 0, 0, value=1.0)
    b = add(hub, "groups", "numbers.number", 320, 0, value=2.0)
    open_worker(page, hub, "groups")
    expect(cards(page)).to_have_count(2)
    page.locator(".react-flow__pane").click(position={"x": 700, "y": 700})
    page.keyboard.press("Control+a")
    page.get_by_test_id("tool-group").click()
    group = page.get_by_test_id("group")
    expect(group).to_have_count(1)
    wait_until(lambda: len(state(hub, "groups").get("annotations", [])) == 1)
    (made,) = state(hub, "groups")["annotations"]
    assert made["kind"] == "group" and set(made["nodes"]) == {a, b}
    # it frames both cards
    frame = group.bounding_box()
    assert frame is not None
    for uuid in (a, b):
        box = card(page, uuid).bounding_box()
        assert box is not None
        assert frame["x"] < box["x"] and box["x"] + box["width"] < frame["x"] + frame["width"]
        assert frame["y"] < box["y"] and box["y"] + box["height"] < frame["y"] + frame["height"]

    # rename: double-click the title, type, Enter
    group.get_by_test_id("annotation-title").dblclick()
    page.get_by_test_id("annotation-title-input").fill("Inputs")
    page.keyboard.press("Enter")
    expect(group.get_by_test_id("annotation-title")).to_have_text("Inputs")
    # its colour: picked from the title bar's swatch, saved with the workflow
    group.get_by_test_id("annotation-color").click()
    page.get_by_role("button", name="Colour #e0605e").click()
    wait_until(lambda: state(hub, "groups")["annotations"][0]["color"] == "#e0605e")

    # moving the group by its title bar moves its nodes: one step
    before = {u: node_of(hub, "groups", u)["properties"]["position"] for u in (a, b)}
    bar = group.get_by_test_id("annotation-bar").bounding_box()
    assert bar is not None
    page.mouse.move(bar["x"] + 60, bar["y"] + bar["height"] / 2)
    page.mouse.down()
    page.mouse.move(bar["x"] + 160, bar["y"] + 80, steps=8)
    page.mouse.up()
    wait_until(
        lambda: all(
            node_of(hub, "groups", u)["properties"]["position"]["x"] > before[u]["x"] + 20
            for u in (a, b)
        )
    )
    moved = group.bounding_box()
    assert moved is not None and moved["x"] > frame["x"] + 50

    # a note: markdown, edited on double-click
    page.get_by_test_id("tool-note").click()
    note = page.get_by_test_id("note")
    expect(note).to_have_count(1)
    note.get_by_test_id("note-body").dblclick()
    page.get_by_test_id("note-editor").fill("# Read me\nThe **sum** of `a` and b.")
    page.keyboard.press("Control+Enter")
    expect(note.locator("strong")).to_have_text("sum")
    expect(note.locator("h3")).to_have_text("Read me")
    # a node renamed in place: Escape cancels, Enter saves
    card(page, a).get_by_test_id("node-title").dblclick()
    page.get_by_test_id("node-title-input").fill("Nope")
    page.keyboard.press("Escape")
    expect(card(page, a).get_by_test_id("node-title")).to_have_text("Number")
    card(page, a).get_by_test_id("node-title").dblclick()
    page.get_by_test_id("node-title-input").fill("First")
    page.keyboard.press("Enter")
    expect(card(page, a).get_by_test_id("node-title")).to_have_text("First")
    wait_until(lambda: node_of(hub, "groups", a)["properties"].get("name") == "First")
    shot(page, "editor-06-group-and-note")

    page.reload()
    open_worker(page, hub, "groups")
    expect(page.get_by_test_id("group").get_by_test_id("annotation-title")).to_have_text("Inputs")
    expect(page.get_by_test_id("note").locator("strong")).to_have_text("sum")
    expect(card(page, a).get_by_test_id("node-title")).to_have_text("First")
    # a group's frame is behind the cards: a click on a card inside it selects the card
    card(page, a).get_by_test_id("node-status").click()
    expect(page.locator(".react-flow__node.selected")).to_have_count(1)
    # removing the note is one step, which undo brings back
    page.get_by_test_id("note").get_by_test_id("annotation-remove").click()
    expect(page.get_by_test_id("note")).to_have_count(0)
    page.locator(".react-flow__pane").click(position={"x": 60, "y": 160})
    page.keyboard.press("Control+z")
    expect(page.get_by_test_id("note")).to_have_count(1)


def test_arrange_then_export_and_import_the_workflow(
    page: Page, hub: HubProcess, tmp_path: Path
) -> None:
    hub.new_worker("Arrange")
    one = add(hub, "arrange", "numbers.number", 600, 500, value=1.0)
    two = add(hub, "arrange", "numbers.negate", 0, 300)
    three = add(hub, "arrange", "numbers.negate", 300, 0)
    hub.worker_call("arrange", "connect", src=one, src_io="out", dst=two, dst_io="value")
    hub.worker_call("arrange", "connect", src=two, src_io="out", dst=three, dst_io="value")
    open_worker(page, hub, "arrange")
    expect(cards(page)).to_have_count(3)

    # Arrange with nothing selected lays the whole graph out left to right: one step
    page.get_by_test_id("tool-arrange").click()

    def xs() -> list[float]:
        return [
            node_of(hub, "arrange", u)["properties"]["position"]["x"] for u in (one, two, three)
        ]

    wait_until(lambda: xs()[0] < xs()[1] < xs()[2])
    ys = {node_of(hub, "arrange", u)["properties"]["position"]["y"] for u in (one, two, three)}
    assert len(ys) == 1
    expect(page.get_by_test_id("history-undo")).to_have_attribute(
        "title", re.compile(r"Arrange 3 nodes")
    )
    shot(page, "editor-07-arranged")

    # Export downloads <worker>.json with the graph
    with page.expect_download() as got:
        page.get_by_test_id("tool-export").click()
    download = got.value
    assert download.suggested_filename == "arrange.json"
    saved = tmp_path / "arrange.json"
    download.save_as(saved)
    doc = json.loads(saved.read_text())
    assert len(doc["nodes"]) == 3 and len(doc["edges"]) == 2

    # Import into another worker: empty, so no question asked
    hub.new_worker("Imported")
    open_worker(page, hub, "imported")
    page.get_by_test_id("import-file").set_input_files(str(saved))
    expect(cards(page)).to_have_count(3)
    wait_until(lambda: len(state(hub, "imported")["edges"]) == 2)

    # Importing over a graph asks first; Cancel keeps it
    hub.worker_call("imported", "remove_node", uuid=one)
    expect(cards(page)).to_have_count(2)
    page.get_by_test_id("import-file").set_input_files(str(saved))
    expect(page.get_by_test_id("confirm-dialog")).to_be_visible()
    page.get_by_test_id("confirm-cancel").click()
    expect(cards(page)).to_have_count(2)
    page.get_by_test_id("import-file").set_input_files(str(saved))
    page.get_by_test_id("confirm-ok").click()
    expect(cards(page)).to_have_count(3)


def test_every_worker_row_says_unknown_while_the_hub_is_down_and_live_again_after(
    browser: Browser, tmp_path: Path
) -> None:
    env = {"PIP_NO_INDEX": "1"}
    first = HubProcess(tmp_path, env)
    port = first.port
    context = browser.new_context(viewport={"width": 1440, "height": 900})
    try:
        first.new_worker("alpha")
        first.new_worker("beta", start=False)
        page = context.new_page()
        page.goto(first.page_url())
        rows = page.get_by_test_id("worker-row")
        expect(rows).to_have_count(2)
        pills = page.get_by_test_id("worker-status")
        expect(pills).to_have_text(["running", "stopped"])

        first.close()  # the hub process goes away (and its workers with it)
        expect(pills).to_have_text(["unknown (hub unreachable)"] * 2, timeout=20_000)
        for i in range(2):
            expect(rows.nth(i)).to_have_attribute("data-shown-status", "unknown")
        shot(page, "editor-hub-unreachable")

        second = HubProcess(tmp_path, env, port=port)  # back on the same address
        try:
            expect(rows.first).not_to_have_attribute("data-shown-status", "unknown", timeout=30_000)
            expect(rows.nth(1)).to_have_attribute("data-shown-status", "stopped")
            expect(pills.nth(1)).to_have_text("stopped")
            shot(page, "editor-hub-back")
        finally:
            second.close()
    finally:
        context.close()
        first.close()


def test_the_theme_follows_the_system_and_the_header_toggle_keeps_a_light_pick(
    browser: Browser, hub: HubProcess
) -> None:
    hub.new_worker("themed")
    slider = add(hub, "themed", "numbers.slider", 0, 0, value=7)
    total = add(hub, "themed", "numbers.add", 320, 0, b=1)
    hub.worker_call("themed", "connect", src=slider, src_io="out", dst=total, dst_io="a")
    context = browser.new_context(viewport={"width": 1440, "height": 900}, color_scheme="dark")
    try:
        page = context.new_page()
        open_worker(page, hub, "themed")
        root = page.locator("html")
        expect(root).to_have_attribute("data-theme", "dark")  # the system's
        expect(output_preview(page, total, "out")).to_contain_text("8")
        page.get_by_test_id("theme-toggle").click()
        expect(root).to_have_attribute("data-theme", "light")
        background = page.evaluate("() => getComputedStyle(document.body).backgroundColor")
        assert background == "rgb(243, 245, 248)", background
        shot(page, "editor-light-theme")
        page.reload()
        expect(root).to_have_attribute("data-theme", "light")  # the pick is kept
        page.get_by_test_id("theme-toggle").click()
        expect(root).to_have_attribute("data-theme", "dark")
    finally:
        context.close()


def test_a_card_dragged_out_of_a_group_leaves_it_in_the_same_step(
    page: Page, hub: HubProcess
) -> None:
    hub.new_worker("members")
    a = add(hub, "members", "numbers.number", 0, 0, value=1.0)
    b = add(hub, "members", "numbers.number", 320, 0, value=2.0)
    frame = {"x": -32, "y": -68, "width": 624, "height": 260}
    group = {"kind": "group", "title": "Both", "text": "", "color": "", "nodes": [a, b], **frame}
    hub.worker_call("members", "set_annotation", id="g1", annotation=group)
    open_worker(page, hub, "members")
    expect(cards(page)).to_have_count(2)
    expect(page.get_by_test_id("group")).to_have_count(1)

    def members() -> set[str]:
        (only,) = state(hub, "members")["annotations"]
        return set(only["nodes"])

    badge = card(page, b).get_by_test_id("node-status").bounding_box()
    assert badge is not None
    page.mouse.move(badge["x"] + 5, badge["y"] + 5)
    page.mouse.down()
    page.mouse.move(badge["x"] + 60, badge["y"] + 420, steps=10)
    page.mouse.up()
    wait_until(lambda: members() == {a})
    assert node_of(hub, "members", b)["properties"]["position"]["y"] > 300
    shot(page, "editor-card-left-group")
    # one step: undo puts the card back and into the group again
    page.locator(".react-flow__pane").click(position={"x": 60, "y": 700})
    page.keyboard.press("Control+z")
    wait_until(lambda: members() == {a, b})
    assert node_of(hub, "members", b)["properties"]["position"]["y"] < 50


def test_a_node_pasted_into_a_groups_frame_joins_it_in_one_undo_step(
    page: Page, hub: HubProcess
) -> None:
    hub.new_worker("Paste group")
    a = add(hub, "paste-group", "numbers.number", 0, 0, value=1.0)
    c = add(hub, "paste-group", "numbers.number", 0, 700, value=3.0)
    frame = {"kind": "group", "title": "Frame", "x": -40, "y": -60, "width": 1000, "height": 520}
    hub.worker_call("paste-group", "set_annotation", id="g", annotation={**frame, "nodes": [a]})
    open_worker(page, hub, "paste-group")
    expect(cards(page)).to_have_count(2)
    card(page, c).get_by_test_id("node-status").click()
    page.keyboard.press("Control+c")
    box = page.get_by_test_id("group").bounding_box()
    view = page.get_by_test_id("canvas").bounding_box()  # the inspector may take the right side
    assert box is not None and view is not None
    right = min(box["x"] + box["width"], view["x"] + view["width"])
    page.mouse.move(right - 120, box["y"] + box["height"] * 0.6)  # in the frame, right of a
    page.keyboard.press("Control+v")
    expect(cards(page)).to_have_count(3)

    def members() -> list[str]:
        (group,) = state(hub, "paste-group")["annotations"]
        return list(group["nodes"])

    wait_until(lambda: len(members()) == 2)
    (pasted,) = set(members()) - {a}
    assert pasted != c
    expect(undo_button(page)).to_have_attribute("title", re.compile("Paste 1 node"))
    shot(page, "editor-18-pasted-into-a-group")
    page.get_by_test_id("history-undo").click()  # one step: the node and its membership
    expect(cards(page)).to_have_count(2)
    wait_until(lambda: members() == [a])


def test_the_module_editor_follows_its_file_changed_on_disk(page: Page, hub: HubProcess) -> None:
    hub.new_worker("Disk")
    modules = hub.state / "workers" / "disk" / "modules"
    hub.worker_call("disk", "write_module", name="ondisk.py", source=MODULE_OK.format(tail=""))
    open_worker(page, hub, "disk")
    page.get_by_test_id("open-modules").click()
    panel = page.get_by_test_id("module-panel")
    panel.locator('[data-testid="module-file"][data-name="ondisk.py"]').click()
    expect(page.get_by_test_id("module-editor-text")).to_contain_text("return x * factor")

    # Saved from another editor, nothing typed here: the new text is shown.
    (modules / "ondisk.py").write_text(MODULE_OK.format(tail="* 3"))
    expect(page.get_by_test_id("module-editor-text")).to_contain_text("return x * factor * 3")
    expect(panel.get_by_test_id("module-disk-changed")).to_have_count(0)

    # With unsaved edits here, it asks; Reload shows the file as it is on disk.
    editor_source(page, MODULE_OK.format(tail="* 5"))
    (modules / "ondisk.py").write_text(MODULE_OK.format(tail="* 7"))
    expect(panel.get_by_test_id("module-disk-changed")).to_be_visible()
    expect(page.get_by_test_id("module-editor-text")).to_contain_text("return x * factor * 5")
    shot(page, "editor-19-module-changed-on-disk")
    panel.get_by_test_id("module-disk-reload").click()
    expect(page.get_by_test_id("module-editor-text")).to_contain_text("return x * factor * 7")
    expect(panel.get_by_test_id("module-disk-changed")).to_have_count(0)


def test_zoomed_out_cards_show_one_line_then_bars_and_keep_their_size(
    page: Page, hub: HubProcess
) -> None:
    hub.new_worker("Zoom")
    a = add(hub, "zoom", "numbers.number", 0, 0, value=41.5)
    b = add(hub, "zoom", "numbers.negate", 320, 0)
    hub.worker_call("zoom", "connect", src=a, src_io="out", dst=b, dst_io="value")
    open_worker(page, hub, "zoom")
    expect(output_preview(page, b)).to_contain_text("-41.5")
    canvas = page.get_by_test_id("canvas")

    def zoom_until(level: str) -> None:
        for _ in range(40):
            if canvas.get_attribute("data-zoom") == level:
                return
            page.locator(".react-flow__controls-zoomout").click()
            page.wait_for_timeout(80)
        raise AssertionError(f"never reached zoom level {level}")

    def size(uuid: str) -> int:
        """The card's height in canvas units (the zoom is a transform around it)."""
        return int(card(page, uuid).evaluate("e => e.offsetHeight"))

    near = canvas.get_attribute("data-zoom")
    assert near == "near", near
    sizes = {"near": size(b)}
    zoom_until("far")
    expect(card(page, b).get_by_test_id("lod-line").first).to_be_visible()
    expect(card(page, b).get_by_test_id("lod-line").first).to_contain_text("41.5")
    shot(page, "editor-20-zoomed-out-lines")
    sizes["far"] = size(b)
    zoom_until("tiny")
    expect(card(page, b).get_by_test_id("lod-line")).to_have_count(0)
    sizes["tiny"] = size(b)
    assert len(set(sizes.values())) == 1, sizes  # edges keep their places
    shot(page, "editor-21-zoomed-out-bars")
