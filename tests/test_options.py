"""Inputs whose choices follow another input's value (column pickers), in the core and on the wire."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import pytest
from aiohttp.test_utils import TestClient

from nodeweave import Input, NodeSpace, Shelf, node
from nodeweave.client import Client
from nodeweave.core.events import Event, OptionsChanged
from nodeweave.core.options import MAX_OPTIONS, derive_options
from nodeweave.core.values import NO_VALUE
from nodeweave.worker.app import create_app

from .worker_helpers import TOKEN, config


@node(id="o.record")
def record(keys: str = "a,b") -> dict[str, int]:
    return {k: i for i, k in enumerate(keys.split(",")) if k}


@node(id="o.pick")
def pick(
    data: dict[str, Any] | None = None,
    key: Annotated[str, Input(options_from="data")] = "",
    also: Annotated[list[str] | None, Input(options_from="data")] = None,
) -> Any:
    return None if data is None else data.get(key)


def space() -> tuple[NodeSpace, list[Event]]:
    ns = NodeSpace()
    ns.library.add_shelf(Shelf(name="o", nodes=[record, pick]))
    events: list[Event] = []
    ns.subscribe(events.append)
    return ns, events


def options_events(events: list[Event]) -> list[tuple[str, tuple[Any, ...]]]:
    return [(e.io, e.options) for e in events if isinstance(e, OptionsChanged)]


# --- derive_options --------------------------------------------------------------------------


def test_derive_options_reads_columns_keys_and_record_fields() -> None:
    pd = pytest.importorskip("pandas")
    assert derive_options(pd.DataFrame({"x": [1], "y": [2]})) == ["x", "y"]
    assert derive_options(pd.Series([1], name="s")) == ["s"]
    assert derive_options({"a": 1, 2: "b"}) == ["a", 2]
    assert derive_options([{"id": 1, "name": "n"}, {"other": 2}]) == ["id", "name"]
    assert derive_options([1, 2]) == []
    assert derive_options("text") == []
    assert derive_options(NO_VALUE) == []
    assert derive_options(None) == []


def test_derive_options_names_odd_labels_as_text_and_stops_at_the_limit() -> None:
    pd = pytest.importorskip("pandas")
    frame = pd.DataFrame([[0] * (MAX_OPTIONS + 5)])
    assert derive_options(frame) == list(range(MAX_OPTIONS))
    assert derive_options({("a", 1): 0}) == ["('a', 1)"]


# --- the nodespace ---------------------------------------------------------------------------


async def test_choices_follow_the_connected_value() -> None:
    ns, events = space()
    src = ns.add_node("o.record")
    dst = ns.add_node("o.pick")
    assert ns.node(dst).options == {"key": [], "also": []}
    ns.connect(src, "out", dst, "data")
    await ns.settle()
    assert ns.node(dst).options == {"key": ["a", "b"], "also": ["a", "b"]}
    assert sorted(options_events(events)) == [("also", ("a", "b")), ("key", ("a", "b"))]

    events.clear()
    ns.set_input(src, "keys", "x,y,z")
    await ns.settle()
    assert sorted(options_events(events)) == [("also", ("x", "y", "z")), ("key", ("x", "y", "z"))]


async def test_unchanged_choices_are_not_sent_again() -> None:
    ns, events = space()
    src = ns.add_node("o.record")
    dst = ns.add_node("o.pick")
    ns.connect(src, "out", dst, "data")
    await ns.settle()
    events.clear()
    ns.set_input(src, "keys", "a,b,")  # a new dict, equal keys
    await ns.settle()
    assert options_events(events) == []


async def test_disconnecting_falls_back_to_the_own_value() -> None:
    ns, events = space()
    src = ns.add_node("o.record")
    dst = ns.add_node("o.pick", inputs={"data": {"own": 1}})
    assert ns.node(dst).options["key"] == ["own"]
    ns.connect(src, "out", dst, "data")
    await ns.settle()
    events.clear()
    ns.disconnect(src, "out", dst, "data")
    await ns.settle()
    assert ("key", ("own",)) in options_events(events)


async def test_setting_the_source_input_by_hand_updates_the_choices() -> None:
    ns, events = space()
    dst = ns.add_node("o.pick")
    ns.set_input(dst, "data", {"k": 1})
    await ns.settle()
    assert ("key", ("k",)) in options_events(events)


async def test_nodes_without_option_inputs_cost_no_option_events() -> None:
    ns, events = space()
    a = ns.add_node("o.record")
    ns.set_input(a, "keys", "q")
    await ns.settle()
    assert options_events(events) == []
    assert ns.node(a).options == {}


async def test_a_loaded_graph_tracks_its_pickers() -> None:
    ns, _ = space()
    src = ns.add_node("o.record")
    dst = ns.add_node("o.pick")
    ns.connect(src, "out", dst, "data")
    doc = ns.to_document()
    other, events = space()
    other.load_document(doc)
    await other.settle()
    assert other.node(dst).options["key"] == ["a", "b"]
    other.set_input(src, "keys", "c")
    await other.settle()
    assert ("key", ("c",)) in options_events(events)


# --- on the wire -------------------------------------------------------------------------------

PICK_MODULE = """
from typing import Annotated, Any
from nodeweave import Input, node

@node(id="o.record")
def record(keys: str = "a,b") -> dict[str, int]:
    return {k: i for i, k in enumerate(keys.split(",")) if k}

@node(id="o.pick")
def pick(data: dict[str, Any] | None = None,
         key: Annotated[str, Input(options_from="data")] = "") -> Any:
    return None if data is None else data.get(key)
"""


async def test_the_worker_sends_choices_in_the_state_and_as_events(
    aiohttp_client: Any, tmp_path: Path
) -> None:
    cfg = config(tmp_path)
    (cfg.directory / "modules" / "picknodes.py").write_text(PICK_MODULE)
    http: TestClient[Any, Any] = await aiohttp_client(create_app(cfg))
    client = await Client.connect(str(http.make_url("/ws")), TOKEN)
    try:
        await client.next_event("hello")
        src = (await client.call("add_node", node_id="o.record"))["uuid"]
        dst = (await client.call("add_node", node_id="o.pick"))["uuid"]
        added = next(i for i in (await client.call("get_state"))["nodes"] if i["uuid"] == dst)
        key = next(i for i in added["inputs"] if i["name"] == "key")
        assert key["options"] == []
        assert "options" not in next(i for i in added["inputs"] if i["name"] == "data")
        await client.call("connect", src=src, src_io="out", dst=dst, dst_io="data")
        event = await client.next_event("input_options")
        assert event["data"] == {"uuid": dst, "io": "key", "options": ["a", "b"]}
        await client.call("set_input", uuid=src, io="keys", value="k,l")
        event = await client.next_event("input_options")
        assert event["data"]["options"] == ["k", "l"]
        state = await client.call("get_state")
        node_info = next(n for n in state["nodes"] if n["uuid"] == dst)
        assert next(i for i in node_info["inputs"] if i["name"] == "key")["options"] == ["k", "l"]
    finally:
        await client.close()
