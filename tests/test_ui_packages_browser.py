"""A worker's packages and settings from the packages panel, in a real browser.

The system Chromium (headless) against a real ``nodeweave up``: a worker with its own
environment gets ``six`` from the package index through a dry run (the difference shown) and a
confirmation, loses it again by rolling back, and gets an environment variable and a secret
whose value never reaches the page again. uv's cache is under the test's tmp_path; screenshots
go there too.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from .ui_helpers import HubProcess, hub_process

pytestmark = pytest.mark.timeout(120)

expect.set_options(timeout=20_000)

SECRET_VALUE = "pk-s3cret-value-7d1f"


# Collects every progress line the panel shows (a change applies in a second or two).
PROGRESS_PROBE = """() => {
  window.__pkProgress = [];
  new MutationObserver(() => {
    for (const li of document.querySelectorAll('[data-testid="packages-progress"] li')) {
      if (!window.__pkProgress.includes(li.textContent)) window.__pkProgress.push(li.textContent);
    }
  }).observe(document.body, { childList: true, subtree: true, characterData: true });
}"""


@pytest.fixture
def hub(tmp_path: Path) -> Iterator[HubProcess]:
    env = {"UV_CACHE_DIR": str(tmp_path / "uv-cache")}
    with hub_process(tmp_path / "hub", env=env) as running:
        yield running


def test_packages_and_settings_of_a_worker(page: Page, hub: HubProcess, tmp_path: Path) -> None:
    record = hub.call("create_worker", name="pk", venv=True)
    worker_id = record["id"]
    hub.call("start_worker", id=worker_id)

    page.goto(hub.page_url())
    row = page.locator(f'[data-testid="worker-row"][data-worker-id="{worker_id}"]')
    expect(row).to_have_attribute("data-status", "running")
    row.get_by_role("button", name="Packages and settings of pk").click()
    panel = page.get_by_test_id("packages-panel")
    expect(panel).to_be_visible()
    expect(panel.get_by_role("heading", name="Packages · pk")).to_be_visible()
    expect(panel.get_by_test_id("packages-empty")).to_be_visible()
    expect(panel.get_by_test_id("packages-rollback")).to_be_disabled()

    # Add six: the dry run shows what would change, nothing is applied yet.
    panel.get_by_label("Package to add").fill("six")
    panel.get_by_role("button", name="Add…").click()
    change = panel.get_by_test_id("packages-change")
    expect(change).to_have_attribute("data-step", "planned")
    added = change.locator('[data-testid="packages-diff-line"][data-kind="added"][data-name="six"]')
    expect(added).to_be_visible()
    assert hub.call("get_worker", id=worker_id)["requirements"] == []
    page.screenshot(path=str(tmp_path / "packages-dry-run.png"))

    # Confirm: the hub's progress lines stream in while it applies; then applied, the running
    # worker restarted on it, and six listed as requested.
    page.evaluate(PROGRESS_PROBE)
    change.get_by_role("button", name="Confirm").click()
    expect(change).to_have_attribute("data-step", "done")
    expect(change.get_by_test_id("packages-result")).to_have_text("applied; restarted")
    six = panel.locator('[data-testid="package-row"][data-name="six"]')
    expect(six).to_have_attribute("data-requested", "true")
    expect(six.get_by_test_id("package-version")).to_have_text(
        added.locator(".nw-pk-diff-version").inner_text()
    )
    assert hub.call("get_worker", id=worker_id)["requirements"] == ["six"]
    expect(row).to_have_attribute("data-status", "running")
    progress = page.evaluate("window.__pkProgress")
    assert any(": " in line for line in progress), progress
    panel.get_by_test_id("packages-dismiss").click()
    page.screenshot(path=str(tmp_path / "packages-list.png"))
    page.emulate_media(color_scheme="dark")
    page.screenshot(path=str(tmp_path / "packages-list-dark.png"))
    page.emulate_media(color_scheme="light")

    # Roll back: the same dry run → confirm; six is gone.
    rollback = panel.get_by_test_id("packages-rollback")
    expect(rollback).to_be_enabled()
    rollback.click()
    expect(change).to_have_attribute("data-step", "planned")
    expect(
        change.locator('[data-testid="packages-diff-line"][data-kind="removed"][data-name="six"]')
    ).to_be_visible()
    change.get_by_role("button", name="Confirm").click()
    expect(change).to_have_attribute("data-step", "done")
    expect(six).to_have_count(0)
    expect(panel.get_by_test_id("packages-empty")).to_be_visible()
    assert hub.call("get_worker", id=worker_id)["requirements"] == []

    # An environment variable and a secret, applied at the next start.
    settings = panel.get_by_test_id("worker-settings")
    settings.get_by_role("button", name="+ Variable").click()
    settings.get_by_label("Variable 1 name").fill("PK_GREETING")
    settings.get_by_label("Variable 1 value").fill("hello")
    settings.get_by_role("button", name="Save").click()
    expect(settings.get_by_test_id("env-note")).to_have_text("Saved: applied at the next start.")
    expect(settings.get_by_test_id("settings-restart")).to_be_visible()

    secret_form = settings.get_by_role("form", name="Add secret")
    secret_form.get_by_label("Secret name").fill("PK_TOKEN")
    value = secret_form.get_by_label("Secret value")
    expect(value).to_have_attribute("type", "password")
    value.fill(SECRET_VALUE)
    secret_form.get_by_role("button", name="Add secret").click()
    expect(settings.locator('[data-testid="secret-row"][data-name="PK_TOKEN"]')).to_be_visible()
    expect(value).to_have_value("")
    page.screenshot(path=str(tmp_path / "packages-settings.png"))

    saved = hub.call("get_worker", id=worker_id)
    assert saved["env"] == {"PK_GREETING": "hello"}
    assert saved["secrets"] == ["PK_TOKEN"]
    assert SECRET_VALUE not in page.content()

    # Restart applies them; the panel stays.
    settings.get_by_test_id("settings-restart").click()
    expect(settings.get_by_test_id("settings-restart-note")).to_have_count(0)
    expect(row).to_have_attribute("data-status", "running")
    assert SECRET_VALUE not in page.content()
