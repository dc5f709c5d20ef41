"""Write the ``sales`` example: ``sales.csv`` (deterministic) and ``sales.json`` (its workflow).

Run ``python -m nodeweave.examples.make_sales`` after changing either; the output is the same
on every run, so the shipped files only change when this script does. The workflow is built with
a real :class:`~nodeweave.core.nodespace.NodeSpace` (its nodes and edges are checked as they are
added) and saved with ``to_document()``.
"""

from __future__ import annotations

import csv
import datetime
import io
import json
import random
import sys
import uuid
from pathlib import Path
from typing import Any

HERE = Path(__file__).parent
ROWS = 500
SEED = 20240101
THRESHOLD = 10.0
"""The slider's value in the example: orders of at least this many units."""

REGIONS = {"North": 1.0, "South": 0.8, "East": 1.2, "West": 0.9}
"""Each region's order size, relative to the others."""
PRODUCTS = {"Widget": 4.50, "Gadget": 12.00, "Gizmo": 25.00, "Doohickey": 7.25}
"""Each product's list price."""
COLUMNS = ["date", "region", "product", "units", "unit_price", "revenue"]


def sales_rows(rows: int = ROWS, seed: int = SEED) -> list[dict[str, Any]]:
    """Orders of 2024: a date, where, what, how many, at what price (with discounts)."""
    rng = random.Random(seed)
    start = datetime.date(2024, 1, 1)
    out: list[dict[str, Any]] = []
    for day in sorted(rng.randrange(366) for _ in range(rows)):
        region = rng.choice(list(REGIONS))
        product = rng.choice(list(PRODUCTS))
        units = max(1, round(rng.lognormvariate(2.0, 0.7) * REGIONS[region]))
        discount = rng.choice([0.0, 0.0, 0.0, 0.05, 0.10, 0.15])
        price = round(PRODUCTS[product] * (1 - discount), 2)
        out.append(
            {
                "date": (start + datetime.timedelta(days=day)).isoformat(),
                "region": region,
                "product": product,
                "units": units,
                "unit_price": price,
                "revenue": round(units * price, 2),
            }
        )
    return out


def sales_csv(rows: list[dict[str, Any]]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()


def _uuid(name: str) -> str:
    return uuid.uuid5(uuid.NAMESPACE_URL, f"nodeweave:examples:sales:{name}").hex


def sales_document() -> dict[str, Any]:
    """read_csv → filter rows (units ≥ slider) → group by region (sum of revenue) → bar chart."""
    from nodeweave.core.library import Library
    from nodeweave.core.nodespace import NodeSpace
    from nodeweave.shelves import builtin_shelves

    ns = NodeSpace(Library(builtin_shelves()))

    def add(name: str, node_id: str, at: tuple[int, int], label: str, **inputs: Any) -> str:
        return ns.add_node(
            node_id,
            uuid=_uuid(name),
            inputs=inputs,
            properties={"name": label, "position": {"x": at[0], "y": at[1]}},
        )

    read = add("read", "files.read_csv", (0, 0), "Sales", path="sales.csv", parse_dates=["date"])
    slider = add("slider", "numbers.slider", (0, 400), "Minimum units", value=THRESHOLD)
    keep = add("filter", "tables.filter_rows", (320, 80), "Big orders", column="units", op=">=")
    group = add(
        "group", "tables.group_by", (640, 80), "Revenue by region", by=["region"], value="revenue"
    )
    chart = add(
        "chart", "plots.bar", (960, 80), "Chart", x="region", y="revenue", title="Revenue by region"
    )
    ns.connect(read, "out", keep, "table")
    ns.connect(slider, "out", keep, "value")
    ns.connect(keep, "out", group, "table")
    ns.connect(group, "out", chart, "table")
    return ns.to_document()


def main(folder: Path = HERE) -> None:
    (folder / "sales.csv").write_text(sales_csv(sales_rows()), encoding="utf-8")
    document = json.dumps(sales_document(), indent=2, ensure_ascii=False) + "\n"
    (folder / "sales.json").write_text(document, encoding="utf-8")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else HERE)
