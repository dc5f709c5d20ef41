"""The built-in shelves working together inside a real nodespace."""

from __future__ import annotations

import asyncio

import pytest

from nodeweave import Library, NodeSpace, Status
from nodeweave.core.events import ProgressReported, StatusChanged
from nodeweave.shelves import builtin_shelves

from .helpers import Recorder


@pytest.fixture
def ns() -> NodeSpace:
    return NodeSpace(Library(builtin_shelves()))


async def test_every_builtin_node_settles_when_dropped_alone(ns: NodeSpace) -> None:
    ids = {spec.id: ns.add_node(spec.id) for spec in ns.library.specs()}
    async with asyncio.timeout(10):  # time.sleep's default is 1 s
        await ns.settle()
    stuck = {
        k: ns.status(u) for k, u in ids.items() if ns.status(u) not in (Status.DONE, Status.WAITING)
    }
    assert stuck == {}, {k: (s, ns.error(ids[k])) for k, s in stuck.items()}


async def test_arithmetic_keeps_ints_and_recomputes_downstream(ns: NodeSpace) -> None:
    a = ns.add_node("numbers.add", inputs={"a": 1, "b": 2})
    m = ns.add_node("numbers.multiply", inputs={"b": 10})
    ns.connect(a, "out", m, "a")
    await ns.settle()
    assert ns.get_value(m, "out") == 30
    ns.set_input(a, "b", 0.5)
    await ns.settle()
    assert ns.get_value(m, "out") == 15.0


async def test_text_pipeline_split_sort_join(ns: NodeSpace) -> None:
    split = ns.add_node("text.split", inputs={"text": "pear,apple,fig", "sep": ",", "maxsplit": -1})
    sort = ns.add_node("collections.sort")
    join = ns.add_node("text.join", inputs={"sep": " < "})
    ns.connect(split, "out", sort, "items")
    ns.connect(sort, "out", join, "items")
    await ns.settle()
    assert ns.get_value(join, "out") == "apple < fig < pear", ns.error(join)


async def test_range_feeds_sum_and_compare_feeds_if_else(ns: NodeSpace) -> None:
    rng = ns.add_node("numbers.range", inputs={"start": 0, "stop": 5, "step": 1})
    total = ns.add_node("numbers.sum")
    cmp = ns.add_node("numbers.compare", inputs={"op": ">", "b": 9})
    pick = ns.add_node("logic.if_else", inputs={"then": "big", "otherwise": "small"})
    ns.connect(rng, "out", total, "values")
    ns.connect(total, "out", cmp, "a")
    ns.connect(cmp, "out", pick, "condition")
    await ns.settle()
    assert ns.get_value(total, "out") == 10
    assert ns.get_value(pick, "out") == "big"
    ns.set_input(rng, "stop", 3)
    await ns.settle()
    assert ns.get_value(pick, "out") == "small"


async def test_json_parse_error_blocks_downstream_and_recovers(ns: NodeSpace) -> None:
    parse = ns.add_node("json.parse", inputs={"text": '{"a": [1, 2'})
    get = ns.add_node("json.get_path", inputs={"path": "a[1]"})
    ns.connect(parse, "out", get, "value")
    await ns.settle()
    err = ns.error(parse)
    assert err is not None and "line 1" in err.message
    assert ns.status(get) is Status.BLOCKED
    ns.set_input(parse, "text", '{"a": [1, 2]}')
    await ns.settle()
    assert ns.get_value(get, "out") == 2


async def test_sleep_node_reports_progress_and_passes_its_value(ns: NodeSpace) -> None:
    rec = Recorder(ns)
    s = ns.add_node("time.sleep", inputs={"seconds": 0.05, "value": "later"})
    async with asyncio.timeout(5):
        await ns.settle()
    assert ns.get_value(s, "out") == "later"
    fractions = [e.fraction for e in rec.of(ProgressReported)]
    assert fractions[0] == 0.0 and fractions[-1] == 1.0
    assert [e.status.value for e in rec.of(StatusChanged)] == ["stale", "running", "done"]


async def test_format_error_message_reads_as_a_sentence(ns: NodeSpace) -> None:
    f = ns.add_node("text.format", inputs={"template": "Hi {who}"})
    await ns.settle()
    err = ns.error(f)
    assert err is not None and err.type == "KeyError"
    assert err.message.startswith("the template needs a value for 'who'")
