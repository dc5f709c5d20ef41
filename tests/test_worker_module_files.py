"""Module files over the RPC: list, read, write (reloaded at once), create, delete, confined."""

from __future__ import annotations

from pathlib import Path

import pytest

from nodeweave.client import Client, RpcError
from nodeweave.worker.config import WorkerConfig

GOOD = """
from nodeweave import node

@node(id="mf.double")
def double(x: int = 2) -> int:
    return x * 2
"""


async def test_write_then_read_and_list(rpc: Client, worker_config: WorkerConfig) -> None:
    event = await rpc.call("write_module", name="mine.py", source=GOOD)
    assert event["kind"] == "loaded"
    assert event["node_ids"] == ["mf.double"]
    assert (worker_config.modules_dir / "mine.py").read_text() == GOOD
    assert (await rpc.call("read_module", name="mine.py")) == {"name": "mine.py", "source": GOOD}
    names = [f["name"] for f in (await rpc.call("list_module_files"))["files"]]
    assert names == ["mine.py", "testnodes.py"]
    node = await rpc.call("add_node", node_id="mf.double")
    assert (await rpc.call("get_value", uuid=node["uuid"], io="out"))["value"] == 4


async def test_a_broken_module_reports_its_line_and_the_old_code_keeps_serving(
    rpc: Client,
) -> None:
    await rpc.call("write_module", name="mine.py", source=GOOD)
    node = await rpc.call("add_node", node_id="mf.double")
    broken = GOOD.replace("return x * 2", "return x *")
    event = await rpc.call("write_module", name="mine.py", source=broken)
    assert event["kind"] == "failed"
    assert event["line"] == 6
    assert "SyntaxError" in event["message"]
    failing = GOOD.replace(
        "from nodeweave import node", "from nodeweave import node\nraise RuntimeError('no')"
    )
    event = await rpc.call("write_module", name="mine.py", source=failing)
    assert event["kind"] == "failed"
    assert event["line"] == 3
    assert (await rpc.call("get_value", uuid=node["uuid"], io="out"))["value"] == 4
    fixed = GOOD.replace("x * 2", "x * 3")
    assert (await rpc.call("write_module", name="mine.py", source=fixed))["kind"] == "reloaded"
    await rpc.next_event(
        "value", where=lambda d: d["uuid"] == node["uuid"] and d["preview"].get("value") == 6
    )


async def test_create_from_the_template_and_delete(
    rpc: Client, worker_config: WorkerConfig
) -> None:
    event = await rpc.call("create_module", name="new_nodes.py")
    assert event["kind"] == "loaded"
    assert sorted(event["node_ids"]) == ["new_nodes.greet", "new_nodes.scale"]
    with pytest.raises(RpcError) as info:
        await rpc.call("create_module", name="new_nodes.py")
    assert info.value.code == "invalid_state"
    removed = await rpc.call("delete_module", name="new_nodes.py")
    assert removed["kind"] == "removed"
    assert not (worker_config.modules_dir / "new_nodes.py").exists()
    with pytest.raises(RpcError) as info:
        await rpc.call("read_module", name="new_nodes.py")
    assert info.value.code == "not_found"


@pytest.mark.parametrize(
    "name",
    [
        "../evil.py",
        "/etc/passwd.py",
        "sub/mod.py",
        ".hidden.py",
        "_private.py",
        "mod.txt",
        "",
        "a b.py",
    ],
)
async def test_names_are_confined_to_modules(rpc: Client, name: str, tmp_path: Path) -> None:
    with pytest.raises(RpcError) as info:
        await rpc.call("write_module", name=name, source=GOOD)
    assert info.value.code == "invalid_path"


async def test_a_symlink_out_of_modules_is_refused(
    rpc: Client, worker_config: WorkerConfig, tmp_path: Path
) -> None:
    outside = tmp_path / "outside.py"
    outside.write_text("x = 1\n")
    (worker_config.modules_dir / "link.py").symlink_to(outside)
    with pytest.raises(RpcError) as info:
        await rpc.call("write_module", name="link.py", source=GOOD)
    assert info.value.code == "invalid_path"
    assert outside.read_text() == "x = 1\n"


async def test_a_placeholder_loses_its_missing_node_error_when_its_module_returns(
    rpc: Client, worker_config: WorkerConfig
) -> None:
    await rpc.call("write_module", name="mine.py", source=GOOD.replace("x: int = 2", "x: int"))
    node = await rpc.call("add_node", node_id="mf.double")
    await rpc.next_event("node_status", where=lambda d: d["status"] == "waiting")
    await rpc.call("delete_module", name="mine.py")
    gone = await rpc.call("get_node", uuid=node["uuid"])
    assert gone["error"]["type"] == "MissingNode"
    await rpc.call("write_module", name="mine.py", source=GOOD.replace("x: int = 2", "x: int"))
    await rpc.next_event("node_status", where=lambda d: d["status"] == "waiting")
    back = await rpc.call("get_node", uuid=node["uuid"])
    assert back["placeholder"] is False
    assert back["status"] == "waiting"
    assert back["error"] is None
