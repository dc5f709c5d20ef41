"""The committed schema and reference page are what the models generate; the frame check the
protocol tests share refuses what the models do not document."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson
import pytest

from nodeweave.client import Client
from nodeweave.protocol import WORKER_COMMANDS, WORKER_EVENTS
from nodeweave.protocol.__main__ import DEFAULT_OUT, generated, main
from nodeweave.protocol.hub import HUB_COMMANDS
from nodeweave.protocol.schema import json_schema

from .protocol_check import check_frame


def test_committed_schema_and_page_are_up_to_date() -> None:
    for name, data in generated().items():
        committed = (DEFAULT_OUT / name).read_bytes()
        assert committed == data, f"docs/{name} is stale: run python -m nodeweave.protocol"


def test_check_mode_fails_on_a_stale_file(tmp_path: Path, capsys: object) -> None:
    assert main(["--out", str(tmp_path)]) == 0
    assert main(["--out", str(tmp_path), "--check"]) == 0
    (tmp_path / "protocol.md").write_text("old\n")
    assert main(["--out", str(tmp_path), "--check"]) == 1


def test_schema_names_every_command_and_event() -> None:
    schema = json_schema()
    assert set(schema["worker"]["commands"]) == set(WORKER_COMMANDS)
    assert set(schema["worker"]["events"]) == set(WORKER_EVENTS)
    assert set(schema["hub"]["commands"]) == set(HUB_COMMANDS)
    defs = schema["$defs"]
    for side in ("worker", "hub"):
        for entry in schema[side]["commands"].values():
            for part in ("args", "result"):
                assert entry[part]["$ref"].rsplit("/", 1)[-1] in defs
    orjson.dumps(schema)  # plain JSON


def test_fixed_surface_commands_are_declared() -> None:
    for cmd in (
        "get_state",
        "get_library",
        "add_node",
        "remove_node",
        "connect",
        "disconnect",
        "set_input",
        "get_value",
        "save",
    ):
        assert cmd in WORKER_COMMANDS
    for cmd in (
        "list_workers",
        "create_worker",
        "start_worker",
        "stop_worker",
        "restart_worker",
        "delete_worker",
    ):
        assert cmd in HUB_COMMANDS
    for event in ("node_status", "value", "node_error"):
        assert event in WORKER_EVENTS


WORKER_HELLO = {"protocol_version": 1, "worker_id": "w", "pid": 1, "version": "0"}


def test_the_frame_check_refuses_what_the_models_do_not_document() -> None:
    ok = {"type": "result", "id": 1, "result": {"pong": True}}
    assert check_frame(ok, "ping", WORKER_HELLO) is None
    extra = {"type": "result", "id": 1, "result": {"pong": True, "later": 1}}
    assert "lacks" in str(check_frame(extra, "ping", WORKER_HELLO))
    bad_preview = {"uuid": "a", "io": "out", "preview": {"kind": "none"}}
    event = {"type": "event", "seq": 2, "event": "value", "data": bad_preview}
    assert "does not match" in str(check_frame(event, None, WORKER_HELLO))
    undocumented = {"type": "event", "seq": 2, "event": "surprise", "data": {}}
    assert "undocumented event" in str(check_frame(undocumented, None, WORKER_HELLO))
    # the hub's tables apply on a hub connection: its records, not the worker's results
    record = {"id": "w", "name": "n", "status": "running"}
    assert check_frame({"type": "result", "id": 1, "result": record}, "get_worker", None) is None
    assert check_frame({"type": "result", "id": 1, "result": record}, "ping", None) is not None


async def test_every_protocol_test_checks_what_its_client_receives(rpc: Client) -> None:
    assert Client.frame_check is not None and rpc.hello is not None
    await rpc.call("ping")
    # a reply the model does not document fails the call that gets it
    original = Client.frame_check

    def strict(frame: dict[str, Any], cmd: str | None, hello: dict[str, Any] | None) -> str | None:
        return "refused" if cmd == "ping" else original(frame, cmd, hello)

    Client.frame_check = strict
    try:
        with pytest.raises(AssertionError, match="refused"):
            await rpc.call("ping")
    finally:
        Client.frame_check = original
