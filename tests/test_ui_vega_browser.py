"""Altair charts in a real browser: the system Chromium against a real hub and worker.

A node of the worker's own ``modules/`` returns an ``altair`` chart of a small DataFrame; its
Vega-Lite preview is drawn by vega-embed (SVG marks, not a picture) on the card and, larger and
with tooltips, in the inspector. vega is not in the page's start-up JavaScript: it arrives with
the first Vega chart. Screenshots go to ``test-artifacts/ui/`` (``NODEWEAVE_ARTIFACTS`` moves it).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from .ui_helpers import (
    HubProcess,
    card,
    hub_process,
    open_page,
    shot,
    wait_until,
)

pytestmark = pytest.mark.timeout(240)

expect.set_options(timeout=20_000)

CHART_MODULE = '''
"""An altair scatter of a small DataFrame (browser test)."""
import altair as alt
import pandas as pd

from nodeweave import Shelf, node


@node(id="vegademo.scatter", name="Scatter")
def scatter(rows: int = 12) -> alt.Chart:
    frame = pd.DataFrame(
        {
            "x": list(range(rows)),
            "y": [(i * 7) % 11 for i in range(rows)],
            "kind": ["odd" if i % 2 else "even" for i in range(rows)],
        }
    )
    return (
        alt.Chart(frame, title="Sevens")
        .mark_point(size=60, filled=True)
        .encode(x="x:Q", y="y:Q", color="kind:N", tooltip=["x", "y", "kind"])
        .interactive()
    )


NODE_SHELF = Shelf(name="vegademo", nodes=[scatter])
'''


@pytest.fixture(scope="module")
def hub(tmp_path_factory: pytest.TempPathFactory) -> Iterator[HubProcess]:
    with hub_process(tmp_path_factory.mktemp("ui-vega"), env={"PIP_NO_INDEX": "1"}) as running:
        yield running


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    with open_page(browser, 1500, 950) as opened:
        yield opened


def vega_scripts(page: Page) -> int:
    count: int = page.evaluate(
        "() => document.querySelectorAll('script[data-nodeweave^=\"vega\"]').length"
    )
    return count


def test_an_altair_chart_is_drawn_by_vega_on_the_card_and_in_the_inspector(
    page: Page, hub: HubProcess
) -> None:
    hub.new_worker("Vega", start=False)
    modules = hub.state / "workers" / "vega" / "modules"
    modules.mkdir(parents=True, exist_ok=True)
    (modules / "vegademo.py").write_text(CHART_MODULE)
    hub.call("start_worker", id="vega")

    # the page starts without vega: it comes with the first Vega chart
    page.goto(hub.page_url())
    expect(page.get_by_test_id("worker-row").first).to_be_visible()
    assert vega_scripts(page) == 0
    assert page.evaluate("() => typeof window.vegaEmbed") == "undefined"

    uuid = hub.worker_call(
        "vega",
        "add_node",
        node_id="vegademo.scatter",
        properties={"position": {"x": 40, "y": 40}},
    )["uuid"]
    preview = card(page, uuid).locator(
        '[data-testid="node-output"][data-io="out"] [data-testid="preview"]'
    )
    page.goto(hub.page_url("vega"))
    expect(preview).to_have_attribute("data-kind", "vega")
    chart = preview.locator('[data-testid="chart"][data-library="vega"]')
    expect(chart).to_have_attribute("data-status", "ready")
    # Vega's own DOM: an SVG with one symbol per row, not a picture
    expect(chart.locator(".vega-embed svg")).to_have_count(1)
    expect(chart.locator(".mark-symbol.role-mark path")).to_have_count(12)
    expect(preview.locator("img")).to_have_count(0)
    assert vega_scripts(page) == 3
    # sized to the card: 216 px wide, no wider than the card
    box = chart.locator(".vega-embed svg").bounding_box()
    outer = card(page, uuid).bounding_box()
    assert box is not None and outer is not None
    assert 150 <= box["width"] <= 217 and box["width"] < outer["width"]
    shot(page, "vega-01-chart-on-card")

    # a new input redraws the chart with the new data
    hub.worker_call("vega", "set_input", uuid=uuid, io="rows", value=20)
    expect(chart.locator(".mark-symbol.role-mark path")).to_have_count(20)

    # the inspector: the panel's width, and tooltips on hover
    card(page, uuid).locator(".nw-card-head").click()
    panel = page.get_by_test_id("inspector")
    expect(panel).to_have_attribute("data-uuid", uuid)
    big = panel.locator(
        '[data-testid="inspector-output"] [data-testid="chart"][data-library="vega"]'
    )
    expect(big).to_have_attribute("data-status", "ready")
    expect(big.locator(".mark-symbol.role-mark path")).to_have_count(20)
    big.scroll_into_view_if_needed()
    svg = big.locator(".vega-embed svg").bounding_box()
    assert svg is not None and svg["width"] > 300
    point = big.locator(".mark-symbol.role-mark path").nth(5).bounding_box()
    assert point is not None
    page.mouse.move(point["x"] + point["width"] / 2, point["y"] + point["height"] / 2)
    tooltip = page.locator("#vg-tooltip-element.visible")
    expect(tooltip).to_be_visible()
    expect(tooltip).to_contain_text("kind")
    expect(tooltip).to_contain_text("odd")  # row 5: x=5, y=2, odd
    shot(page, "vega-02-chart-in-inspector")

    # the chart follows the inspector's width when its edge is dragged
    page.mouse.move(10, 10)
    edge = page.get_by_test_id("inspector-resize").bounding_box()
    assert edge is not None
    page.mouse.move(edge["x"] + edge["width"] / 2, edge["y"] + 200)
    page.mouse.down()
    page.mouse.move(edge["x"] - 300, edge["y"] + 200, steps=8)
    page.mouse.up()
    wider = big.locator(".vega-embed svg")
    wait_until(lambda: (wider.bounding_box() or {"width": 0})["width"] > svg["width"] + 250)
    shot(page, "vega-03-inspector-widened")
