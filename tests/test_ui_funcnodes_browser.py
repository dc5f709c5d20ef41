"""Importing FuncNodes workflows from the workers panel, in a real browser.

The system Chromium (headless) against a real ``nodeweave up``: a FuncNodes-like export (a zip
with ``config`` and ``state``, written here without FuncNodes) is uploaded through the file
input, summed up, opened and run; a FuncNodes worker left in the hub's state directory is listed
as found and imported with one click. Screenshots go to the test's tmp_path.
"""

from __future__ import annotations

import json
import re
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Locator, Page, expect

from .test_ui_browser import cards, output_preview
from .ui_helpers import HubProcess, hub_process

pytestmark = pytest.mark.timeout(120)

expect.set_options(timeout=15_000)

STATE: dict[str, Any] = {
    "backend": {
        "nodes": [
            {
                "id": "n1",
                "node_id": "numbers.add",
                "io": {
                    "a": {"is_input": True, "default": 2},
                    "b": {"is_input": True, "default": 3},
                },
                "properties": {"frontend:pos": [100, 80]},
            }
        ],
        "edges": [],
    }
}


@pytest.fixture
def hub(tmp_path: Path) -> Iterator[HubProcess]:
    with hub_process(tmp_path / "hub", env={"PIP_NO_INDEX": "1"}) as running:
        # a FuncNodes worker next to nodeweave's, as FuncNodes leaves it in the state directory
        workers = running.state / "workers"
        (workers / "worker_abc").mkdir(parents=True, exist_ok=True)
        (workers / "worker_abc.json").write_text(json.dumps({"name": "found flow"}))
        (workers / "worker_abc" / "nodespace.json").write_text(json.dumps(STATE))
        yield running


def export(path: Path) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("config", json.dumps({"name": "tiny flow"}))
        archive.writestr("state", json.dumps(STATE))
    return path


def open_and_run(page: Page, worker_id: str) -> Locator:
    """Open the imported worker from the summary, start it, and return its one node's card."""
    page.get_by_test_id("funcnodes-import-open").click()
    expect(page).to_have_url(re.compile(rf"#/w/{re.escape(worker_id)}$"))
    view = page.locator(f'[data-testid="worker-view"][data-worker-id="{worker_id}"]')
    not_running = view.get_by_test_id("worker-not-running")
    expect(not_running).to_be_visible()
    not_running.get_by_role("button", name="Start", exact=True).click()
    expect(view).to_have_attribute("data-state", "open")
    expect(view).to_have_attribute("data-loaded", "true")
    expect(cards(page)).to_have_count(1)
    return cards(page).first


def test_import_an_export_and_a_found_funcnodes_worker(
    page: Page, hub: HubProcess, tmp_path: Path
) -> None:
    page.goto(hub.page_url())
    panel = page.get_by_test_id("workers-panel")
    expect(panel.get_by_test_id("workers-empty")).to_be_visible()

    # The found FuncNodes worker is listed (read only), folded until asked for.
    found = panel.get_by_test_id("funcnodes-found")
    toggle = found.get_by_test_id("funcnodes-found-toggle")
    expect(toggle).to_contain_text("FuncNodes workers on this machine")
    toggle.click()
    expect(found).to_contain_text("nodeweave never changes FuncNodes’ files")
    item = found.locator('[data-testid="funcnodes-found-item"][data-funcnodes-id="abc"]')
    expect(item).to_contain_text("found flow")
    expect(item).to_contain_text("1 node · 0 edges · abc")

    # Upload the export: the summary says what came over.
    panel.get_by_role("button", name="Import FuncNodes workflow").click()
    form = panel.get_by_role("form", name="Import FuncNodes workflow")
    form.get_by_test_id("funcnodes-import-file").set_input_files(export(tmp_path / "tiny.fnw"))
    page.screenshot(path=str(tmp_path / "funcnodes-import-form.png"))
    form.get_by_role("button", name="Import", exact=True).click()
    summary = panel.get_by_test_id("funcnodes-import-result")
    expect(summary).to_contain_text("Imported tiny flow")
    expect(summary.get_by_test_id("funcnodes-import-counts")).to_have_text(
        "1 node, 0 edges, 2 values"
    )
    expect(form).to_have_count(0)
    (record,) = [w for w in hub.call("list_workers") if w["name"] == "tiny flow"]
    assert record["status"] == "stopped"
    # the hub's worker_status event puts the new worker into the list
    row = panel.locator(f'[data-testid="worker-row"][data-worker-id="{record["id"]}"]')
    expect(row).to_be_visible()
    page.screenshot(path=str(tmp_path / "funcnodes-import-summary.png"))
    page.emulate_media(color_scheme="dark")
    page.screenshot(path=str(tmp_path / "funcnodes-import-summary-dark.png"))
    page.emulate_media(color_scheme="light")

    # Open it, start it: the Add node computes 2 + 3.
    add = open_and_run(page, record["id"])
    expect(add).to_have_attribute("data-node-id", "numbers.add")
    uuid = add.get_attribute("data-uuid")
    assert uuid is not None
    expect(output_preview(page, uuid)).to_have_text(re.compile(r"^\s*5(\.0)?\s*$"))
    page.screenshot(path=str(tmp_path / "funcnodes-imported-running.png"))

    # Import the found FuncNodes worker with its button: a second new worker.
    item.get_by_role("button", name="Import found flow").click()
    expect(summary).to_contain_text("Imported found flow")
    expect(summary.get_by_test_id("funcnodes-import-counts")).to_have_text(
        "1 node, 0 edges, 2 values"
    )
    (found_record,) = [w for w in hub.call("list_workers") if w["name"] == "found flow"]
    expect(
        panel.locator(f'[data-testid="worker-row"][data-worker-id="{found_record["id"]}"]')
    ).to_be_visible()
    # FuncNodes' own files are left as they were
    folder = hub.state / "workers" / "worker_abc"
    assert json.loads((folder / "nodespace.json").read_text()) == STATE
    assert sorted(p.name for p in folder.iterdir()) == ["nodespace.json"]
