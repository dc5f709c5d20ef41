"""A protocol fuzzer for the worker: commands from the protocol's own models, with mutated
arguments and envelopes, in bursts with duplicate ids.

Properties, for every frame: exactly one reply; a reply is a result or an error with a documented
code, never ``internal_error``; the worker keeps answering. After each run: ``save`` works and the
saved graph loads back equal to what the worker exports.

Bounded for CI (the ``ci`` profile of tests/conftest.py: about 2,000 frames per target, 20 runs of
100 at the worker, 40 of 50 at the hub);
``pytest tests/test_fuzz_protocol.py --hypothesis-profile=long`` for a longer campaign (400 runs).
"""

from __future__ import annotations

import asyncio
import contextlib
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy  # noqa: F401 - imported before nodes do it in threads while Hypothesis draws
import orjson
import pandas  # noqa: F401 - (Hypothesis looks into sys.modules["numpy"] as it draws)
import pytest
from aiohttp import ClientSession
from aiohttp.test_utils import TestClient, TestServer
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nodeweave.core.document import parse
from nodeweave.protocol.envelope import ErrorCode
from nodeweave.protocol.hub import HUB_COMMANDS, HUB_EVENTS
from nodeweave.protocol.worker import WORKER_COMMANDS, WORKER_EVENTS
from nodeweave.shelves import builtin_shelves
from nodeweave.worker.app import create_app
from nodeweave.workermanager.config import HubConfig

from .hub_helpers import FAST, RunningHub, fake_python, kill_all, make_state
from .hub_helpers import TOKEN as HUB_TOKEN
from .protocol_check import check_shape
from .worker_helpers import TOKEN, config

FRAMES_PER_RUN = 100
# Commands that write or run code, or end the worker, are not fuzzed: they are tested directly.
SKIPPED = {"shutdown", "write_module", "create_module", "delete_module", "reload_modules"}
COMMANDS = sorted(set(WORKER_COMMANDS) - SKIPPED)
NODE_IDS = sorted(
    spec.id
    for shelf in builtin_shelves()
    for spec in shelf.nodes
    if not spec.id.startswith(("time.", "files.", "sql.", "plots."))  # no waits, files, engines
)
DOCUMENTED = {str(code) for code in ErrorCode} - {ErrorCode.INTERNAL_ERROR}

# --- values --------------------------------------------------------------------------------------

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(2**70), 2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=30),
    st.sampled_from(["", "a", "\x00", "../etc", "é" * 5, "out", "value", "a", "b", "x"]),
)
json_values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=5), st.dictionaries(st.text(max_size=8), inner, max_size=5)
    ),
    max_leaves=20,
)


def deep(levels: int) -> Any:
    value: Any = 0
    for _ in range(levels):
        value = [value]
    return value


UUIDS = [*(f"u{i}" for i in range(6)), "w", "w-2"]
"""The uuids the fuzzer adds nodes under and refers to (drawn from this fixed pool, never from
replies: Hypothesis must be able to replay a run draw for draw)."""


@st.composite
def argument(draw: st.DrawFn, name: str) -> Any:
    """A value for an argument: often one that makes sense, sometimes anything at all."""
    choice = draw(st.integers(0, 9))
    if choice <= 1:
        return draw(json_values)
    if choice == 2:
        return deep(draw(st.sampled_from([10, 150, 199, 260])))
    if name in ("uuid", "src", "dst", "id"):
        return draw(st.sampled_from(UUIDS))
    if name == "name":  # a worker's name: "w" makes the id "w", then "w-2"
        return draw(st.sampled_from(["w", "w", "W", "", "ü" * 3, "x" * 300]))
    if name == "node_id":
        return draw(st.sampled_from(NODE_IDS))
    if name in ("io", "src_io", "dst_io"):
        return draw(st.sampled_from(["a", "b", "value", "out", "x", "items", "text", "nope"]))
    if name in ("inputs", "properties"):
        return draw(st.dictionaries(st.sampled_from(["a", "b", "value", "x", "name"]), json_values))
    if name == "annotation":
        return {
            "kind": draw(st.sampled_from(["group", "note", "other"])),
            "title": draw(st.text(max_size=10)),
            "nodes": draw(st.lists(st.sampled_from([*UUIDS, "zz"]), max_size=3)),
        }
    if name == "edits":
        return draw(
            st.lists(st.tuples(st.sampled_from(["add_node", "set_input", "nope"]), json_values))
        )
    if name == "document":
        return {
            "schema_version": draw(st.sampled_from([1, 2, "1"])),
            "nodes": draw(st.lists(json_values, max_size=3)),
            "edges": draw(st.lists(json_values, max_size=2)),
        }
    return draw(json_values)


@st.composite
def frame(
    draw: st.DrawFn,
    rid: int,
    table: Mapping[str, Any] = WORKER_COMMANDS,
    names: list[str] = COMMANDS,
) -> bytes:
    """One request frame: mostly well-formed commands with mutated kwargs, sometimes a broken
    envelope or not JSON at all."""
    kind = draw(st.integers(0, 19))
    if kind == 0:
        return draw(st.binary(max_size=40))
    if kind == 1:
        try:
            return orjson.dumps(draw(json_values))
        except (TypeError, orjson.JSONEncodeError):  # an int beyond 64 bits: as text
            return b"[%s]" % str(2**70).encode()
    cmd = draw(st.sampled_from(names)) if kind > 3 else draw(st.text(max_size=12))
    fields = list(table[cmd].args.model_fields) if cmd in table else []
    kwargs = {
        name: draw(argument(name))
        for name in fields
        if draw(st.integers(0, 5)) > 0  # now and then an argument is missing
    }
    if draw(st.integers(0, 9)) == 0:
        kwargs[draw(st.text(min_size=1, max_size=6))] = draw(json_values)  # an unknown one
    if table is HUB_COMMANDS:
        # no environments built from fuzzed requirements (pip), in the time a test has
        kwargs.pop("requirements", None)
        if cmd == "create_worker":
            kwargs["venv"] = False
    envelope: dict[str, Any] = {"type": "cmd", "id": rid, "cmd": cmd, "kwargs": kwargs}
    if kind == 2:
        envelope[draw(st.sampled_from(["type", "id", "cmd", "kwargs"]))] = draw(json_values)
    if kind == 3:
        envelope["extra"] = 1
    try:
        return orjson.dumps(envelope)
    except (TypeError, orjson.JSONEncodeError):  # deeper than an encoder goes, an int > 64 bits
        return b'{"type": "cmd", "id": %d, "cmd": "ping", "kwargs": {"big": %s}}' % (
            rid,
            str(2**70).encode(),
        )


# --- the run --------------------------------------------------------------------------------------


async def bursts(
    ws: Any,
    data: st.DataObject,
    frames: int,
    table: Mapping[str, Any] = WORKER_COMMANDS,
    names: list[str] = COMMANDS,
) -> int:
    """Send about ``frames`` fuzzed frames in bursts; check one documented reply for each."""
    events = WORKER_EVENTS if table is WORKER_COMMANDS else HUB_EVENTS
    sent, rid = 0, 0
    while sent < frames:
        burst = data.draw(st.integers(1, 8))
        commands: dict[int, str] = {}  # ids sent once in this burst -> their command
        for _ in range(burst):
            rid += 1
            # now and then an id used before (replies are counted, not matched by id)
            used = data.draw(st.integers(0, 9)) == 0 and rid > 1
            raw = data.draw(frame(rid - 1 if used else rid, table, names))
            with contextlib.suppress(orjson.JSONDecodeError, AttributeError, TypeError):
                request = orjson.loads(raw)
                if request.get("cmd") in table and request.get("id") not in commands:
                    commands[request["id"]] = request["cmd"]
                elif request.get("id") in commands:
                    del commands[request["id"]]  # used twice: which reply is whose is open
            await ws.send_bytes(raw)
        replies = 0
        async with asyncio.timeout(60):
            while replies < burst:
                msg = await ws.receive()
                assert msg.type.name in ("TEXT", "BINARY"), msg
                reply = orjson.loads(msg.data)
                if reply.get("type") == "event":
                    spec = events.get(reply["event"])
                    assert spec is not None, f"an undocumented event: {reply}"
                    check_shape(spec.data, reply["data"], f"event {reply['event']}")
                    continue
                replies += 1
                assert reply["type"] in ("result", "error"), reply
                if reply["type"] == "error":
                    assert reply["error"]["code"] in DOCUMENTED, reply
                elif reply.get("id") in commands:
                    cmd = commands[reply["id"]]
                    check_shape(table[cmd].result, reply["result"], f"the result of {cmd}")
        sent += burst
    return sent


async def campaign(data: st.DataObject) -> int:
    with tempfile.TemporaryDirectory(prefix="nodeweave-fuzz-") as tmp:
        cfg = config(Path(tmp))
        async with TestClient(TestServer(create_app(cfg))) as http:
            ws = await http.ws_connect("/ws", headers={"Authorization": f"Bearer {TOKEN}"})
            sent = await bursts(ws, data, FRAMES_PER_RUN)
            await ws.close()
            # still serving; saving works; the saved graph loads back as exported
            async with asyncio.timeout(30):
                ws = await http.ws_connect("/ws", headers={"Authorization": f"Bearer {TOKEN}"})
                await ws.send_str('{"type": "cmd", "id": "s", "cmd": "save", "kwargs": {}}')
                await ws.send_str('{"type": "cmd", "id": "e", "cmd": "export_workflow"}')
                got: dict[str, Any] = {}
                while len(got) < 2:
                    reply = orjson.loads((await ws.receive()).data)
                    if reply.get("id") in ("s", "e"):
                        assert reply["type"] == "result", reply
                        got[reply["id"]] = reply["result"]
                await ws.close()
            saved = orjson.loads(cfg.nodespace_path.read_bytes()) if got["s"] else None
            if saved is not None:
                saved.pop("journal_seq", None)
                parse(saved)  # a valid document
                assert saved == got["e"]
    return sent


HUB_NAMES = sorted(HUB_COMMANDS)
HUB_FRAMES_PER_RUN = 50
# Longer runs overflow Hypothesis's input buffer (each overrun starts a hub for nothing): twice
# as many runs instead, so the hub gets as many frames as the worker.
HUB_RUNS = 2 * settings.default.max_examples


async def hub_campaign(data: st.DataObject) -> int:
    with tempfile.TemporaryDirectory(prefix="nodeweave-fuzz-hub-") as tmp:
        root = Path(tmp)
        hub = await RunningHub(
            HubConfig(
                state=make_state(root),
                token=HUB_TOKEN,
                policy=FAST,
                python=fake_python(root),
                warm_spare=False,
            )
        ).start()
        try:
            async with ClientSession() as session:
                ws = await session.ws_connect(
                    hub.ws_url, headers={"Authorization": f"Bearer {HUB_TOKEN}"}
                )
                sent = await bursts(ws, data, HUB_FRAMES_PER_RUN, HUB_COMMANDS, HUB_NAMES)
                await ws.send_str('{"type": "cmd", "id": "p", "cmd": "ping"}')
                while (reply := orjson.loads((await ws.receive()).data)).get("id") != "p":
                    pass
                assert reply["result"] == {"pong": True}
                await ws.close()
        finally:
            await hub.close()
            left = kill_all(hub.config.state)
        assert not left, f"worker processes left running: {left}"
    return sent


@pytest.mark.timeout(1800)
@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(data=st.data())
def test_the_worker_answers_every_fuzzed_frame_once_with_a_documented_code(
    data: st.DataObject,
) -> None:
    assert asyncio.run(campaign(data)) >= FRAMES_PER_RUN


@pytest.mark.timeout(1800)
@settings(
    deadline=None,
    max_examples=HUB_RUNS,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(data=st.data())
def test_the_hub_answers_every_fuzzed_frame_once_with_a_documented_code(
    data: st.DataObject,
) -> None:
    assert asyncio.run(hub_campaign(data)) >= HUB_FRAMES_PER_RUN
