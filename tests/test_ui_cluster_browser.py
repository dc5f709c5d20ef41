"""A worker's Dask cluster in a real browser: once a Dask node ran, the canvas toolbar says where
its nodes run ("Dask (local) · 1 worker", the scheduler in the tooltip) and links to the cluster's
dashboard, which answers.

The system Chromium (headless) against a real ``nodeweave up``; the worker's LocalCluster has one
Dask worker (``NODEWEAVE_DASK_WORKERS=1``). Screenshots go to ``test-artifacts/ui/``.
"""

from __future__ import annotations

import re
import urllib.request
from collections.abc import Iterator

import pytest
from playwright.sync_api import Page, expect

from .test_ui_browser import open_worker, output_preview
from .ui_helpers import HubProcess, card, hub_process, shot

pytest.importorskip("distributed")
pytest.importorskip("bokeh")

pytestmark = pytest.mark.timeout(120)

expect.set_options(timeout=20_000)

DOUBLE = """
from nodeweave import node


@node(id="clu.double", executor="dask")
def double(x: int) -> int:
    return 2 * x
"""


@pytest.fixture(scope="module")
def hub(tmp_path_factory: pytest.TempPathFactory) -> Iterator[HubProcess]:
    with hub_process(
        tmp_path_factory.mktemp("ui-cluster"),
        env={"PIP_NO_INDEX": "1", "NODEWEAVE_DASK_WORKERS": "1"},
    ) as running:
        yield running


def test_the_toolbar_shows_the_dask_cluster_once_a_dask_node_ran_and_links_its_dashboard(
    page: Page, hub: HubProcess
) -> None:
    record = hub.new_worker("Cluster")
    wid = str(record["id"])
    hub.worker_call(wid, "write_module", name="clu.py", source=DOUBLE)

    # Before any Dask node ran there is no cluster to show.
    open_worker(page, hub, wid)
    toolbar = page.get_by_test_id("canvas-toolbar")
    expect(toolbar.get_by_test_id("open-modules")).to_be_visible()
    expect(page.get_by_test_id("cluster-chip")).to_have_count(0)

    made = hub.worker_call(
        wid,
        "add_node",
        node_id="clu.double",
        properties={"position": {"x": 300, "y": 200}},
        inputs={"x": 21},
    )
    uuid = str(made["uuid"])

    # The open page learns of the cluster from the `cluster` event.
    expect(output_preview(page, uuid)).to_have_text(re.compile(r"^\s*42\s*$"))
    expect(card(page, uuid).get_by_test_id("node-executor")).to_have_text("cluster")
    chip = toolbar.get_by_test_id("cluster-chip")
    expect(chip.get_by_test_id("cluster-label")).to_have_text("Dask (local) · 1 worker")
    expect(chip.get_by_test_id("cluster-label")).to_have_attribute(
        "title", re.compile(r"Dask scheduler tcp://127\.0\.0\.1:\d+")
    )
    link = chip.get_by_test_id("cluster-dashboard")
    expect(link).to_have_text("Dashboard")
    expect(link).to_have_attribute("target", "_blank")
    expect(link).to_have_attribute("rel", "noopener noreferrer")
    href = link.get_attribute("href")
    assert href is not None and href.startswith("http://127.0.0.1:"), href
    shot(page, "cluster-01-dashboard-link")

    # The dashboard is there.
    with urllib.request.urlopen(href, timeout=15) as response:
        assert response.status == 200

    # A page opened later learns of it from hello.
    page.reload()
    open_worker(page, hub, wid)
    expect(page.get_by_test_id("cluster-label")).to_have_text("Dask (local) · 1 worker")
    expect(page.get_by_test_id("cluster-dashboard")).to_have_attribute("href", href)
