"""Bundles and presets from the UI, in a real browser.

The system Chromium (headless) against a real ``nodeweave up``: a worker with a node module of
its own (``bund.double``) and a graph (21 → double) is exported from its toolbar as a
``.nwflow`` (the download captured), imported from the workers panel after the trust statement
names the module and shows its source, opened and started: the double node shows 42. Then a
preset of the number's value is saved in the presets panel, the value changed, the preset
applied, and the value comes back; the bundle is then merged into that worker. Screenshots go to the test's tmp_path.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from .test_ui_browser import card, cards, input_row, output_preview
from .ui_helpers import HubProcess, hub_process

pytestmark = pytest.mark.timeout(120)

expect.set_options(timeout=15_000)

MODULE = '''from nodeweave import node


@node(id="bund.double")
def double(x: float) -> float:
    """Twice x."""
    return 2 * x
'''


@pytest.fixture
def hub(tmp_path: Path) -> Iterator[HubProcess]:
    with hub_process(tmp_path / "hub", env={"PIP_NO_INDEX": "1"}) as running:
        yield running


def make_worker(hub: HubProcess) -> str:
    """A worker with modules/bund.py and the graph 21 → double, saved."""
    record = hub.call("create_worker", name="bund")
    worker_id: str = record["id"]
    modules = hub.state / "workers" / worker_id / "modules"
    modules.mkdir(parents=True, exist_ok=True)
    (modules / "bund.py").write_text(MODULE)
    hub.call("start_worker", id=worker_id)
    number = hub.worker_call(
        worker_id,
        "add_node",
        node_id="numbers.number",
        inputs={"value": 21},
        properties={"position": {"x": 40, "y": 80}},
    )
    double = hub.worker_call(
        worker_id, "add_node", node_id="bund.double", properties={"position": {"x": 360, "y": 80}}
    )
    hub.worker_call(
        worker_id, "connect", src=number["uuid"], src_io="out", dst=double["uuid"], dst_io="x"
    )
    hub.worker_call(worker_id, "save")
    return worker_id


def test_export_import_a_bundle_and_apply_a_preset(
    page: Page, hub: HubProcess, tmp_path: Path
) -> None:
    started = time.monotonic()
    source_id = make_worker(hub)

    # Export the worker from its toolbar: a dry run lists what it holds, then the download.
    page.goto(hub.page_url(source_id))
    view = page.locator(f'[data-testid="worker-view"][data-worker-id="{source_id}"]')
    expect(view).to_have_attribute("data-loaded", "true")
    expect(cards(page)).to_have_count(2)
    page.get_by_test_id("tool-export-bundle").click()
    dialog = page.get_by_test_id("bundle-export-dialog")
    expect(dialog).to_contain_text("Secrets are never exported")
    expect(dialog.get_by_test_id("bundle-export-modules")).to_contain_text("bund.py")
    expect(dialog.get_by_test_id("bundle-export-total")).to_have_text("0 files chosen: 0 B")
    page.wait_for_timeout(250)  # the dialog's fade-in
    page.screenshot(path=str(tmp_path / "bundle-export.png"))
    with page.expect_download() as download_info:
        dialog.get_by_role("button", name="Export", exact=True).click()
    download = download_info.value
    assert download.suggested_filename == f"{source_id}.nwflow"
    bundle = tmp_path / download.suggested_filename
    download.save_as(bundle)
    assert bundle.stat().st_size > 0
    expect(dialog).to_have_count(0)

    # Import it from the workers panel: the trust statement names the module, its source shown.
    panel = page.get_by_test_id("workers-panel")
    panel.get_by_role("button", name="Import bundle").click()
    form = panel.get_by_role("form", name="Import bundle")
    form.get_by_test_id("bundle-import-file").set_input_files(bundle)
    form.get_by_test_id("bundle-import-name").fill("bund copy")
    form.get_by_role("button", name="Next…").click()
    review = panel.get_by_test_id("bundle-import-review")
    trust = review.get_by_test_id("bundle-trust")
    expect(trust).to_contain_text(
        "Importing writes these node modules into the new worker; "
        "they run, with your rights, when it starts."
    )
    module = trust.locator('[data-testid="bundle-module"][data-module="bund.py"]')
    module.locator("summary").click()
    expect(module.get_by_test_id("bundle-module-source")).to_contain_text("return 2 * x")
    page.screenshot(path=str(tmp_path / "bundle-trust.png"))
    review.get_by_test_id("bundle-import-confirm").click()
    summary = panel.get_by_test_id("bundle-import-result")
    expect(summary).to_contain_text("Imported bund copy")
    expect(summary.get_by_test_id("bundle-import-counts")).to_have_text(
        "2 nodes, 1 node module, 0 data files"
    )
    (record,) = [w for w in hub.call("list_workers") if w["name"] == "bund copy"]
    new_id = record["id"]
    assert new_id != source_id

    # Open it and start it: the imported module's node doubles 21.
    summary.get_by_test_id("bundle-import-open").click()
    expect(page).to_have_url(re.compile(rf"#/w/{re.escape(new_id)}$"))
    view = page.locator(f'[data-testid="worker-view"][data-worker-id="{new_id}"]')
    not_running = view.get_by_test_id("worker-not-running")
    if not_running.count():
        not_running.get_by_role("button", name="Start", exact=True).click()
    expect(view).to_have_attribute("data-state", "open")
    expect(view).to_have_attribute("data-loaded", "true")
    expect(cards(page)).to_have_count(2)
    double = page.locator('[data-testid="node-card"][data-node-id="bund.double"]')
    number = page.locator('[data-testid="node-card"][data-node-id="numbers.number"]')
    double_uuid = double.get_attribute("data-uuid")
    number_uuid = number.get_attribute("data-uuid")
    assert double_uuid and number_uuid
    expect(output_preview(page, double_uuid)).to_have_text(re.compile(r"^\s*42(\.0)?\s*$"))

    # A preset of the number's value, from the presets panel with the number selected.
    card(page, number_uuid).get_by_test_id("node-status").click()
    page.get_by_test_id("open-presets").click()
    presets = page.get_by_test_id("presets-panel")
    expect(presets.get_by_test_id("presets-empty")).to_be_visible()
    presets.get_by_role("button", name="Save preset…").click()
    save = presets.get_by_role("form", name="Save preset")
    value_box = save.locator(
        f'[data-testid="preset-save-input"][data-uuid="{number_uuid}"][data-io="value"]'
    )
    expect(value_box).to_be_checked()
    save.get_by_test_id("preset-save-name").fill("answer")
    save.get_by_test_id("preset-save-submit").click()
    item = presets.locator('[data-testid="preset-item"][data-preset-name="answer"]')
    expect(item.get_by_test_id("preset-value")).to_have_text("Number.value = 21")
    expect(item.get_by_test_id("preset-apply")).to_be_enabled()

    # Change the value, apply the preset: 21 and 42 come back.
    field = input_row(page, number_uuid, "value").locator("input")
    field.fill("5")
    field.press("Enter")
    expect(output_preview(page, double_uuid)).to_have_text(re.compile(r"^\s*10(\.0)?\s*$"))
    item.get_by_test_id("preset-apply").click()
    expect(presets.get_by_test_id("presets-note")).to_contain_text(
        "Applied “answer”: 1 input changed"
    )
    expect(field).to_have_value(re.compile(r"^21(\.0)?$"))
    expect(output_preview(page, double_uuid)).to_have_text(re.compile(r"^\s*42(\.0)?\s*$"))
    page.screenshot(path=str(tmp_path / "presets-panel.png"))

    # Merge the same bundle into this worker: its module shown first, its nodes added to the right.
    page.get_by_test_id("bundle-merge-file").set_input_files(bundle)
    merge = page.get_by_test_id("bundle-merge-dialog")
    expect(merge.get_by_test_id("bundle-trust")).to_contain_text("bund.py")
    page.wait_for_timeout(250)  # the dialog's fade-in
    page.screenshot(path=str(tmp_path / "bundle-merge.png"))
    merge.get_by_test_id("bundle-merge-ok").click()
    expect(merge).to_have_count(0)
    expect(cards(page)).to_have_count(4)
    expect(page.get_by_test_id("toast").filter(has_text="Merged bund: 2 nodes")).to_be_visible()
    merged = hub.worker_call(new_id, "get_state")["nodes"]
    xs = sorted(n["properties"]["position"]["x"] for n in merged)
    assert xs[2] > xs[1], xs  # the merged ones right of the graph
    assert time.monotonic() - started < 60
