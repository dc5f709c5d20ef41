"""Working with data in a real browser: the system Chromium against a real hub and workers.

A CSV dropped on the canvas becomes a reader node; the inspector's grid sorts, filters and
downloads through the worker; a filter → group → bar chart pipeline draws an interactive
Plotly chart (its DOM, not a picture); column pickers follow the table they are wired to; an
empty worker opens the shipped example, whose slider redraws its chart. Screenshots go to
``test-artifacts/ui/`` (``NODEWEAVE_ARTIFACTS`` moves the folder).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Locator, Page, expect

from .ui_helpers import (
    ROOT,
    HubProcess,
    card,
    hub_process,
    open_page,
    shot,
    upload_file,
    wait_until,
)

pytestmark = pytest.mark.timeout(240)

expect.set_options(timeout=20_000)

EXAMPLE = ROOT / "nodeweave" / "examples" / "sales.json"

REGIONS = ["North", "South", "East", "West"]
PRODUCTS = ["Apples", "Pears", "Plums"]


def sales_csv() -> bytes:
    """60 sales rows: region, product, units, price, amount (amount = units × price)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["region", "product", "units", "price", "amount"])
    for i in range(60):
        units = (i * 7) % 23 + 1
        price = round(1.5 + (i % 5) * 0.7, 2)
        writer.writerow([REGIONS[i % 4], PRODUCTS[i % 3], units, price, round(units * price, 2)])
    return out.getvalue().encode()


def people_csv() -> bytes:
    return b"name,age,town\nAda,36,London\nGrace,45,Arlington\nLinus,28,Helsinki\n"


# --- fixtures -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def hub(tmp_path_factory: pytest.TempPathFactory) -> Iterator[HubProcess]:
    with hub_process(tmp_path_factory.mktemp("ui-data"), env={"PIP_NO_INDEX": "1"}) as running:
        yield running


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    with open_page(browser, 1500, 950, accept_downloads=True) as opened:
        yield opened


# --- helpers --------------------------------------------------------------------------------


def new_worker(hub: HubProcess, name: str) -> str:
    record = hub.new_worker(name)
    worker_id = str(record["id"])
    wait_until(lambda: hub.call("get_worker", id=worker_id)["status"] == "running", timeout=60)
    return worker_id


def open_worker(page: Page, hub: HubProcess, worker_id: str) -> None:
    page.goto(hub.page_url(worker_id))
    view = page.locator(f'[data-testid="worker-view"][data-worker-id="{worker_id}"]')
    expect(view).to_have_attribute("data-state", "open")
    expect(view).to_have_attribute("data-loaded", "true")


def cards_of(page: Page, node_id: str) -> Locator:
    return page.locator(f'[data-testid="node-card"][data-node-id="{node_id}"]')


def output_preview(page: Page, uuid: str, io: str = "out") -> Locator:
    return card(page, uuid).locator(
        f'[data-testid="node-output"][data-io="{io}"] [data-testid="preview"]'
    )


def add(
    hub: HubProcess, worker_id: str, node_id: str, at: tuple[float, float], **inputs: Any
) -> str:
    position = {"x": at[0], "y": at[1]}
    node = hub.worker_call(
        worker_id, "add_node", node_id=node_id, inputs=inputs, properties={"position": position}
    )
    return str(node["uuid"])


def wire(hub: HubProcess, worker_id: str, src: str, dst: str, dst_io: str = "table") -> None:
    hub.worker_call(worker_id, "connect", src=src, src_io="out", dst=dst, dst_io=dst_io)


def inspect(page: Page, uuid: str) -> Locator:
    card(page, uuid).locator(".nw-card-head").click()
    panel = page.get_by_test_id("inspector")
    expect(panel).to_have_attribute("data-uuid", uuid)
    return panel


def grid_column(page: Page, index: int) -> list[str]:
    """The texts of one column of the grid's page (0: the first data column)."""
    cells: list[str] = page.locator('[data-testid="data-grid"] tbody tr').evaluate_all(
        "(rows, i) => rows.map(r => r.querySelectorAll('td')[i]?.textContent ?? '')", index
    )
    return cells


def drop_file(page: Page, name: str, data: bytes, mime: str, x: int, y: int) -> None:
    """Drop a file from the desktop onto whatever is at viewport point (x, y) of the canvas."""
    page.get_by_test_id("canvas").evaluate(
        """(canvas, [name, text, mime, x, y]) => {
            const target = document.elementFromPoint(x, y) ?? canvas;
            const dt = new DataTransfer();
            dt.items.add(new File([text], name, { type: mime }));
            for (const type of ['dragenter', 'dragover', 'drop']) {
                target.dispatchEvent(new DragEvent(type, {
                    bubbles: true, cancelable: true, dataTransfer: dt, clientX: x, clientY: y,
                }));
            }
        }""",
        [name, data.decode(), mime, x, y],
    )


def chart_drawing(plot: Locator) -> str:
    """What a plotly chart draws (its cartesian layer's SVG): changes when the data does."""
    text: str = plot.evaluate("el => el.querySelector('.cartesianlayer')?.innerHTML ?? ''")
    return text


# --- tests ----------------------------------------------------------------------------------


def test_drop_a_csv_on_the_canvas(page: Page, hub: HubProcess) -> None:
    worker_id = new_worker(hub, "Dropped")
    open_worker(page, hub, worker_id)
    # dropped on the empty canvas's hint: the whole canvas area takes files
    hint = page.get_by_test_id("empty-canvas").bounding_box()
    assert hint is not None
    drop_file(page, "sales.csv", sales_csv(), "text/csv", int(hint["x"] + 20), int(hint["y"] + 20))

    reader = cards_of(page, "files.read_csv")
    expect(reader).to_have_count(1)
    uuid = str(reader.get_attribute("data-uuid"))
    preview = output_preview(page, uuid)
    expect(preview).to_have_attribute("data-kind", "table")
    expect(preview).to_contain_text("region")
    expect(page.locator('[data-testid="toast"][data-kind="success"]')).to_contain_text(
        "Uploaded sales.csv"
    )
    # the file is in the worker's files/ and the reader points at it
    (node,) = [n for n in hub.worker_call(worker_id, "get_state")["nodes"] if n["uuid"] == uuid]
    (path,) = [i.get("value") for i in node["inputs"] if i["name"] == "path"]
    assert path == "sales.csv"
    # its path input is a file picker listing files/
    picker = card(page, uuid).locator('[data-testid="node-input"][data-io="path"] select')
    picker.focus()
    expect(picker.locator("option", has_text="sales.csv")).to_have_count(1)
    shot(page, "data-01-csv-dropped")


def test_the_grid_sorts_filters_and_downloads(page: Page, hub: HubProcess) -> None:
    worker_id = new_worker(hub, "Grid")
    upload_file(hub, worker_id, "sales.csv", sales_csv())
    reader = add(hub, worker_id, "files.read_csv", (0, 0), path="sales.csv")
    open_worker(page, hub, worker_id)
    expect(output_preview(page, reader)).to_have_attribute("data-kind", "table")

    panel = inspect(page, reader)
    # widen the inspector by dragging its edge: the width is remembered
    before = panel.bounding_box()
    edge = page.get_by_test_id("inspector-resize").bounding_box()
    assert before is not None and edge is not None
    page.mouse.move(edge["x"] + edge["width"] / 2, edge["y"] + 200)
    page.mouse.down()
    page.mouse.move(edge["x"] - 400, edge["y"] + 200, steps=8)
    page.mouse.up()
    after = panel.bounding_box()
    assert after is not None and after["width"] > before["width"] + 300
    width = page.evaluate("() => localStorage.getItem('nodeweave.inspector.width')")
    assert width is not None and abs(int(width) - after["width"]) <= 2

    panel.get_by_test_id("full-value-button").click()
    grid = panel.get_by_test_id("data-grid")
    expect(grid).to_be_visible()
    grid.scroll_into_view_if_needed()
    expect(panel.get_by_test_id("table-range")).to_have_text("Rows 1–50 of 60")
    first = grid_column(page, 0)[0]
    assert first == "North"

    # sort by units: ascending, then descending (the worker sorts all 60 rows)
    sort = grid.locator('th[data-column="units"] [data-testid="grid-sort"]')
    sort.click()
    expect(grid.locator('th[data-column="units"]')).to_have_attribute("aria-sort", "ascending")
    expect(grid.locator("tbody tr").first.locator("td").nth(2)).to_have_text("1")
    sort.click()
    expect(grid.locator('th[data-column="units"]')).to_have_attribute("aria-sort", "descending")
    expect(grid.locator("tbody tr").first.locator("td").nth(2)).to_have_text("23")
    panel.get_by_test_id("full-value").scroll_into_view_if_needed()
    shot(page, "data-02-grid-sorted")

    # filter: region contains "sou" (15 rows), units between 10 and 20
    region = grid.get_by_label("region contains")
    region.fill("sou")
    expect(panel.get_by_test_id("table-range")).to_have_text("Rows 1–15 of 15 (filtered from 60)")
    assert set(grid_column(page, 0)) == {"South"}
    grid.get_by_label("units at least").fill("10")
    grid.get_by_label("units at most").fill("20")
    table = list(csv.DictReader(io.StringIO(sales_csv().decode())))
    expected = sorted(
        (int(r["units"]) for r in table if r["region"] == "South" and 10 <= int(r["units"]) <= 20),
        reverse=True,
    )
    n = len(expected)
    expect(panel.get_by_test_id("table-range")).to_have_text(
        f"Rows 1–{n} of {n} (filtered from 60)"
    )
    units = [int(u) for u in grid_column(page, 2)]
    assert units == expected
    panel.get_by_test_id("full-value").scroll_into_view_if_needed()
    shot(page, "data-03-grid-filtered")

    # download CSV: the same rows, sorted and filtered by the worker
    with page.expect_download() as info:
        panel.get_by_test_id("download-csv").click()
    body = Path(info.value.path()).read_text()
    rows = list(csv.DictReader(io.StringIO(body)))
    assert [int(r["units"]) for r in rows] == units
    assert {r["region"] for r in rows} == {"South"}


def test_filter_group_and_bar_chart_draw_an_interactive_plot(page: Page, hub: HubProcess) -> None:
    worker_id = new_worker(hub, "Charts")
    upload_file(hub, worker_id, "sales.csv", sales_csv())
    reader = add(hub, worker_id, "files.read_csv", (0, 0), path="sales.csv")
    kept = add(hub, worker_id, "tables.filter_rows", (320, 0), column="units", op=">=", value="5")
    grouped = add(
        hub, worker_id, "tables.group_by", (640, 0), by=["region"], value="amount", agg="sum"
    )
    chart = add(hub, worker_id, "plots.bar", (960, 0), x="region", y="amount")
    wire(hub, worker_id, reader, kept)
    wire(hub, worker_id, kept, grouped)
    wire(hub, worker_id, grouped, chart)
    open_worker(page, hub, worker_id)

    on_card = output_preview(page, chart)
    expect(on_card).to_have_attribute("data-kind", "plotly")
    expect(on_card.locator(".js-plotly-plot")).to_have_count(1)
    expect(on_card.locator("img")).to_have_count(0)
    expect(on_card.locator(".js-plotly-plot .bars path")).to_have_count(4)
    # the figure travels with plotly typed arrays ({dtype, bdata}); plotly.js decodes them
    spec = hub.worker_call(worker_id, "get_value", uuid=chart, io="out")["spec"]
    assert "bdata" in str(spec["data"][0]["y"])
    table = list(csv.DictReader(io.StringIO(sales_csv().decode())))
    totals: dict[str, float] = {}
    for r in table:
        if int(r["units"]) >= 5:
            totals[r["region"]] = totals.get(r["region"], 0.0) + float(r["amount"])
    drawn = on_card.locator(".js-plotly-plot").evaluate(
        "el => Array.from(el._fullData[0].y, Number)"
    )
    assert drawn == pytest.approx([totals[k] for k in sorted(totals)])
    # the DataFrame input of the chart says what to connect when it is not wired
    filter_table = card(page, kept).locator('[data-testid="node-input"][data-io="table"]')
    expect(filter_table).to_have_attribute("data-connected", "true")
    shot(page, "data-04-chart-on-card")

    panel = inspect(page, chart)
    big = panel.locator('[data-testid="inspector-output"] .js-plotly-plot')
    expect(big).to_have_count(1)
    expect(big.locator(".bars path")).to_have_count(4)
    # interactive: hovering a bar shows plotly's hover label
    big.scroll_into_view_if_needed()
    bar = big.locator(".bars path").first.bounding_box()
    assert bar is not None
    page.mouse.move(bar["x"] + bar["width"] / 2, bar["y"] + bar["height"] / 2)
    expect(big.locator(".hoverlayer .hovertext")).to_have_count(1)
    shot(page, "data-05-chart-in-inspector")


def test_a_column_picker_follows_the_table_it_is_wired_to(page: Page, hub: HubProcess) -> None:
    worker_id = new_worker(hub, "Pickers")
    upload_file(hub, worker_id, "sales.csv", sales_csv())
    upload_file(hub, worker_id, "people.csv", people_csv())
    sales = add(hub, worker_id, "files.read_csv", (0, 0), path="sales.csv")
    people = add(hub, worker_id, "files.read_csv", (0, 360), path="people.csv")
    column = add(hub, worker_id, "tables.column", (380, 120))
    loose = add(hub, worker_id, "tables.head", (380, 420))
    wire(hub, worker_id, sales, column)
    open_worker(page, hub, worker_id)

    picker = card(page, column).locator('[data-testid="node-input"][data-io="column"]')
    options = picker.locator('[data-testid="choice-options"] option')
    expect(options).to_have_count(5)
    assert options.evaluate_all("els => els.map(e => e.value)") == [
        "region",
        "product",
        "units",
        "price",
        "amount",
    ]
    # an unwired DataFrame input says what it needs instead of offering an editor
    expect(
        card(page, loose).locator('[data-testid="node-input"][data-io="table"]')
    ).to_contain_text("connect a DataFrame")
    # pick a column by typing it: the Series preview follows
    box = picker.get_by_test_id("choice-input")
    box.fill("product")
    expect(output_preview(page, column)).to_contain_text("Apples")
    shot(page, "data-06-picker-sales")

    # wire the other table: the choices change to its columns
    hub.worker_call(
        worker_id, "connect", src=people, src_io="out", dst=column, dst_io="table", replace=True
    )
    expect(options).to_have_count(3)
    assert options.evaluate_all("els => els.map(e => e.value)") == ["name", "age", "town"]
    expect(box).to_have_class(re.compile(r"nw-w-unknown"))  # "product" is not among them
    shot(page, "data-07-picker-people")
    box.fill("town")
    expect(output_preview(page, column)).to_contain_text("Helsinki")
    expect(card(page, column)).to_have_attribute("data-status", "done")

    # the Series in the grid: one column named by the Series, sorted by the worker
    panel = inspect(page, column)
    panel.get_by_test_id("full-value-button").click()
    grid = panel.get_by_test_id("data-grid")
    expect(grid.locator("tbody tr")).to_have_count(3)
    sort = grid.locator('th[data-column="town"] [data-testid="grid-sort"]')
    sort.click()
    sort.click()
    expect(grid.locator('th[data-column="town"]')).to_have_attribute("aria-sort", "descending")
    expect(grid.locator("tbody tr").first.locator("td")).to_have_text("London")


@pytest.mark.skipif(not EXAMPLE.exists(), reason="the sales example is not shipped yet")
def test_open_the_example_and_drag_its_slider(page: Page, hub: HubProcess) -> None:
    worker_id = new_worker(hub, "Example")
    open_worker(page, hub, worker_id)
    button = page.get_by_test_id("open-example")
    expect(button).to_be_visible()
    shot(page, "data-08-empty-canvas")
    button.click()

    expect(page.locator('[data-testid="node-card"]').first).to_be_visible()
    expect(page.get_by_test_id("empty-canvas")).to_have_count(0)
    plot = page.locator('[data-testid="node-card"] .js-plotly-plot').first
    expect(plot).to_be_visible()
    expect(plot.locator(".cartesianlayer")).to_have_count(1)
    # every card is in view after the fit
    viewport = page.get_by_test_id("canvas").bounding_box()
    assert viewport is not None
    for box in page.locator('[data-testid="node-card"]').evaluate_all(
        "els => els.map(e => { const r = e.getBoundingClientRect(); return [r.left, r.right]; })"
    ):
        assert viewport["x"] - 1 <= box[0] and box[1] <= viewport["x"] + viewport["width"] + 1
    shot(page, "data-09-example-opened")

    # the example's slider redraws its chart
    slider = page.locator('[data-testid="node-card"] input[type="range"]').first
    expect(slider).to_be_visible()
    before = chart_drawing(plot)
    box = slider.bounding_box()
    assert box is not None
    page.mouse.move(box["x"] + 2, box["y"] + box["height"] / 2)
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] * 0.3, box["y"] + box["height"] / 2, steps=10)
    page.mouse.up()
    wait_until(lambda: chart_drawing(plot) not in ("", before), timeout=20)
    shot(page, "data-10-example-slider-moved")
