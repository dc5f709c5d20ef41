"""The committed schema and reference page are what the models generate."""

from __future__ import annotations

from pathlib import Path

import orjson

from nodeweave.protocol import WORKER_COMMANDS, WORKER_EVENTS
from nodeweave.protocol.__main__ import DEFAULT_OUT, generated, main
from nodeweave.protocol.hub import HUB_COMMANDS
from nodeweave.protocol.schema import json_schema


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
