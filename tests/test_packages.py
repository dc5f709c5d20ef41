"""A worker's node packages: resolved by uv into a lock (nodeweave's own dependencies pinned), built
beside the running environment, swapped in, rolled back — with real environments and small
packages from the package index, driven through ``nodeweave worker …`` against ``nodeweave up``.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import importlib.metadata
import zipfile
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import orjson
import pytest

from nodeweave.client import Client
from nodeweave.workermanager import packages as pk
from nodeweave.workermanager.provision import EnvProgress, provision

from .test_hub_cli import Env

VERSION_MODULE = """
import importlib.metadata

from nodeweave import node


@node(id="pk.version")
def version(name: str) -> str:
    return importlib.metadata.version(name)
"""


# --- locks and requirements (no index) ---------------------------------------------------------


def test_a_lock_reads_as_pins_and_two_locks_as_their_difference() -> None:
    old = pk.parse_lock("six==1.16.0\n# a comment\ntomli-w==1.0.0  # via -r x\n\n")
    new = pk.parse_lock("six==1.17.0\nidna==3.7\n/tmp/dist/nwpkg-0.2-py3-none-any.whl\n")
    assert old["tomli-w"] == pk.Pin("tomli-w", "1.0.0", "tomli-w==1.0.0")
    assert new["nwpkg"].version == "0.2"  # a wheel by path: name and version from its file name
    change = pk.diff(old, new)
    assert change.to_dict() == {
        "added": [{"name": "idna", "version": "3.7"}, {"name": "nwpkg", "version": "0.2"}],
        "removed": [{"name": "tomli-w", "version": "1.0.0"}],
        "changed": [{"name": "six", "from": "1.16.0", "to": "1.17.0"}],
    }
    assert not pk.diff(old, old)


def test_requirements_are_added_replaced_and_removed_by_project_name() -> None:
    reqs = pk.with_added(["six==1.16.0", "tomli-w"], ["Six>=1.17"])
    assert reqs == ["tomli-w", "Six>=1.17"]
    kept, missing = pk.without(reqs, ["six", "nope"])
    assert kept == ["tomli-w"] and missing == ["nope"]
    for bad in ("", "--index-url=http://x", "not a requirement!"):
        with pytest.raises(ValueError, match="requirement"):
            pk.check_requirement(bad)


def test_nodeweaves_own_dependencies_are_pinned_to_what_the_hub_runs() -> None:
    pins = dict(c.split("==") for c in pk.hub_constraints())
    for name in ("pydantic", "aiohttp", "orjson", "virtualenv"):
        assert pins[name] == importlib.metadata.version(name)
    assert "nodeweave" not in pins
    # what the hub provides at the pinned version is not installed again
    hub = pk.hub_versions()
    lock = pk.parse_lock(f"pydantic=={hub['pydantic']}\nsix==0.0.1\n")
    assert pk.to_install(lock, hub) == ["six==0.0.1"]


def test_the_history_keeps_the_last_locks_with_their_requirements(tmp_path: Path) -> None:
    for i in range(pk.KEEP + 3):
        pk.write_lock(tmp_path, f"six==1.{i}.0\n", [f"six==1.{i}.0"])
    assert pk.read_lock(tmp_path) == f"six==1.{pk.KEEP + 2}.0\n"
    assert len(list((tmp_path / pk.HISTORY_DIR).glob("*.json"))) == pk.KEEP
    found = pk.previous(tmp_path)
    assert found is not None and found[1:] == (
        f"six==1.{pk.KEEP + 1}.0\n",
        [f"six==1.{pk.KEEP + 1}.0"],
    )


# --- real environments, the index, the CLI -----------------------------------------------------


@pytest.fixture(scope="module")
def uv_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("uv-cache")


@pytest.fixture
async def env(tmp_path: Path, uv_cache: Path) -> AsyncIterator[Env]:
    e = Env(tmp_path)
    e.env["UV_CACHE_DIR"] = str(uv_cache)
    yield e
    await e.close()


async def version_in(env: Env, record: dict[str, Any], name: str) -> str:
    """What ``importlib.metadata.version(name)`` says in the worker (its node's value or error)."""
    token = (env.state / "token").read_text().strip()
    async with await Client.connect(record["url"], token) as client:
        await client.next_event("hello")
        state = await client.call("get_state")
        node = next((n for n in state["nodes"] if n["node_id"] == "pk.version"), None)
        if node is None:
            node = await client.call("add_node", node_id="pk.version", inputs={"name": name})
        elif node["inputs"][0]["value"] != name:
            await client.call("set_input", uuid=node["uuid"], io="name", value=name)
        async with asyncio.timeout(20):
            while True:
                got = await client.call("get_node", uuid=node["uuid"])
                if got["status"] == "error":
                    return f"error: {got['error']['type']}"
                if got["status"] == "done":
                    return str(got["outputs"][0]["preview"]["value"])
                await client.next_event("node_status", lambda d: d["uuid"] == node["uuid"])


def lock_of(env: Env, worker: str) -> str:
    return (env.state / "workers" / worker / pk.LOCK_FILE).read_text()


async def test_packages_are_added_upgraded_rolled_back_and_removed_while_the_worker_runs(
    env: Env,
) -> None:
    await env.up()
    await env.worker("new", "pk", "--requirement", "tomli-w==1.0.0")
    (env.state / "workers" / "pk" / "modules").mkdir(exist_ok=True)
    (env.state / "workers" / "pk" / "modules" / "versions.py").write_text(VERSION_MODULE)
    await env.worker("start", "pk")
    record = await env.rpc("get_worker", id="pk")
    assert await version_in(env, record, "tomli-w") == "1.0.0"
    pid = record["pid"]

    # a dry run shows the difference and changes nothing
    before = lock_of(env, "pk")
    out = await env.worker("add", "pk", "six", "--dry-run")
    assert "+ six 1." in out and "dry run: nothing changed" in out
    assert lock_of(env, "pk") == before
    assert (await env.rpc("get_worker", id="pk"))["pid"] == pid

    # add: the worker is restarted on the new environment; its graph survives
    code, out, err = await env.run("worker", "add", "pk", "six")
    assert code == 0, err
    assert "applied; the worker was restarted on it" in out
    assert "install:" in err  # the environment's progress, as it is built
    record = await env.rpc("get_worker", id="pk")
    assert record["pid"] != pid and record["status"] == "running"
    assert await version_in(env, record, "six") != "error: PackageNotFoundError"
    listed = await env.rpc("list_packages", id="pk", outdated=True)
    pins = {p["name"]: p for p in listed["packages"]}
    assert pins["tomli-w"]["version"] == "1.0.0" and pins["tomli-w"]["requested"]
    assert listed["outdated_checked"]  # the index answered: tomli-w has newer versions
    assert pins["tomli-w"]["latest"] > "1.0.0"
    assert "latest" not in pins["six"]  # the newest already
    out = await env.worker("packages", "pk", "--outdated")
    assert f"(newer: {pins['tomli-w']['latest']})" in out

    # pinned, an upgrade says why nothing moves; unpinned, it keeps its version; upgraded, it
    # moves on
    out = await env.worker("upgrade", "pk", "tomli-w", "--dry-run")
    assert "pinned by the requirements tomli-w==1.0.0" in out
    await env.worker("add", "pk", "tomli-w")
    assert "tomli-w==1.0.0" in lock_of(env, "pk")
    out = await env.worker("upgrade", "pk", "tomli-w")
    assert "~ tomli-w 1.0.0 -> " in out
    record = await env.rpc("get_worker", id="pk")
    upgraded = await version_in(env, record, "tomli-w")
    assert upgraded > "1.0.0"

    # rollback: the lock before the upgrade, within the cache
    out = await env.worker("rollback", "pk")
    assert f"~ tomli-w {upgraded} -> 1.0.0" in out
    record = await env.rpc("get_worker", id="pk")
    assert await version_in(env, record, "tomli-w") == "1.0.0"

    # remove: gone from the worker
    out = await env.worker("remove", "pk", "tomli-w")
    assert "- tomli-w 1.0.0" in out
    record = await env.rpc("get_worker", id="pk")
    assert await version_in(env, record, "tomli-w") == "error: PackageNotFoundError"
    assert orjson.loads((env.state / "workers" / "pk" / "worker.json").read_bytes())[
        "requirements"
    ] == ["six"]


async def test_what_cannot_be_resolved_or_installed_changes_nothing(env: Env) -> None:
    await env.up()
    await env.worker("new", "safe", "--requirement", "six")
    await env.worker("start", "safe")
    pid = (await env.rpc("get_worker", id="safe"))["pid"]
    lock = lock_of(env, "safe")
    # a dry run that cannot be resolved says so, and marks nothing on the worker
    code, _out, err = await env.run("worker", "add", "safe", "pydantic<2", "--dry-run")
    assert code == 1 and "resolution_failed" in err
    assert (await env.rpc("get_worker", id="safe"))["env_error"] is None
    # a downgrade of nodeweave's own dependency is refused, naming it
    code, _out, err = await env.run("worker", "add", "safe", "pydantic<2")
    assert code == 1 and "resolution_failed" in err
    assert f"pydantic=={importlib.metadata.version('pydantic')}" in err
    # a package that does not exist
    code, _out, err = await env.run("worker", "add", "safe", "nodeweave-surely-no-such-package-xyz")
    assert code == 1 and "not found in the package registry" in err
    # an install that fails (the wheel is not a zip): the environment and the lock stay
    bad = env.root / "broken-0.1-py3-none-any.whl"
    bad.write_bytes(b"not a zip")
    code, _out, err = await env.run("worker", "add", "safe", str(bad))
    assert code == 1 and "broken" in err
    record = await env.rpc("get_worker", id="safe")
    assert record["status"] == "running" and record["pid"] == pid
    assert lock_of(env, "safe") == lock
    assert orjson.loads((env.state / "workers" / "safe" / "worker.json").read_bytes())[
        "requirements"
    ] == ["six"]


async def test_a_worker_whose_packages_fail_at_creation_is_failed_with_why(env: Env) -> None:
    await env.up()
    code, out, err = await env.run(
        "worker", "new", "bad", "-r", "nodeweave-surely-no-such-package-xyz"
    )
    assert code == 1 and "resolution_failed" in err
    code, out, err = await env.run("worker", "list")
    assert out.split()[:2] == ["bad", "failed"]
    assert "cannot be resolved" in out
    [record] = orjson.loads(await env.worker("list", "--json"))
    assert "not found in the package registry" in record["env_error"]
    logs = await env.worker("logs", "bad")
    assert "the packages could not be changed" in logs and "not found in the package" in logs


async def test_a_start_resyncs_the_environment_to_its_lock_and_skips_that_when_they_match(
    env: Env,
) -> None:
    await env.up()
    await env.worker("new", "sync", "--requirement", "tomli-w")
    folder = env.state / "workers" / "sync"
    (folder / "modules").mkdir(exist_ok=True)
    (folder / "modules" / "versions.py").write_text(VERSION_MODULE)
    stamp = folder / ".venv" / pk.STAMP_FILE
    built = stamp.stat().st_mtime_ns
    record = await env.rpc("start_worker", id="sync")
    assert stamp.stat().st_mtime_ns == built  # the lock matched: nothing rebuilt
    await env.rpc("stop_worker", id="sync")
    # the lock says another version (as a checkout of the folder would): the start follows it
    (folder / pk.LOCK_FILE).write_text("tomli-w==1.0.0\n")
    record = await env.rpc("start_worker", id="sync")
    assert await version_in(env, record, "tomli-w") == "1.0.0"
    assert pk.stamp_matches(folder / ".venv", "tomli-w==1.0.0\n")


def broken_wheel(folder: Path) -> Path:
    """A package whose nodeweave module raises when imported."""
    name, version = "nwbrokenpkg", "0.1"
    info = f"{name}-{version}.dist-info"
    files = {
        f"{name}/__init__.py": "raise RuntimeError('this node module is broken')\n",
        f"{info}/METADATA": f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n",
        f"{info}/WHEEL": "Wheel-Version: 1.0\nGenerator: t\nRoot-Is-Purelib: true\nTag: py3-none-any\n",
        f"{info}/entry_points.txt": f"[nodeweave.modules]\nbroken = {name}\n",
    }
    record = []
    for path, text in files.items():
        digest = base64.urlsafe_b64encode(hashlib.sha256(text.encode()).digest()).rstrip(b"=")
        record.append(f"{path},sha256={digest.decode()},{len(text.encode())}\n")
    files[f"{info}/RECORD"] = "".join(record) + f"{info}/RECORD,,\n"
    wheel = folder / f"{name}-{version}-py3-none-any.whl"
    with zipfile.ZipFile(wheel, "w") as archive:
        for path, text in files.items():
            archive.writestr(path, text)
    return wheel


async def test_a_package_whose_node_module_breaks_is_reported_and_the_worker_runs(
    env: Env,
) -> None:
    await env.up()
    await env.worker("new", "q", "--requirement", "six")
    await env.worker("start", "q")
    wheel = broken_wheel(env.root)
    await env.worker("add", "q", str(wheel))
    record = await env.rpc("get_worker", id="q")
    assert record["status"] == "running"
    token = (env.state / "token").read_text().strip()
    async with await Client.connect(record["url"], token) as client:
        await client.next_event("hello")
        async with asyncio.timeout(20):
            while True:
                modules = {m["name"]: m for m in await client.call("list_modules")}
                if "broken" in modules:
                    break
                await client.next_event("module_failed")
        assert modules["broken"]["status"] == "failed"
        assert "this node module is broken" in modules["broken"]["traceback"]
        assert await client.call("ping") == {"pong": True}


async def test_an_environment_is_rebuilt_from_its_lock_offline_from_the_cache(
    tmp_path: Path, uv_cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("UV_CACHE_DIR", str(uv_cache))
    lock = await pk.resolve(["six"])  # the index, once
    await provision(tmp_path / "a" / ".venv", [], resolved=lock, app_data=tmp_path / "venv-data")
    monkeypatch.setenv("UV_OFFLINE", "1")  # from now on, no index at all
    events: list[EnvProgress] = []
    python = await provision(
        tmp_path / "b" / ".venv",
        [],
        resolved=lock,
        app_data=tmp_path / "venv-data",
        progress=events.append,
    )
    assert pk.stamp_matches(tmp_path / "b" / ".venv", lock)
    assert not any("asking the package index" in e.message for e in events)
    code, out = await pk.run_uv(
        [str(python), "-c", "import six; print(six.__version__)"], within=30
    )
    assert code == 0 and out.strip() == pk.parse_lock(lock)["six"].version


async def test_two_changes_at_once_both_land(env: Env) -> None:
    await env.up()
    await env.worker("new", "two", "--requirement", "six")
    first, second = await asyncio.gather(
        env.rpc("add_packages", id="two", packages=["tomli-w"]),
        env.rpc("add_packages", id="two", packages=["idna"]),
    )
    assert first["applied"] and second["applied"]
    record = await env.rpc("get_worker", id="two")
    assert sorted(record["requirements"]) == ["idna", "six", "tomli-w"]
    assert {"idna", "six", "tomli-w"} <= set(pk.parse_lock(lock_of(env, "two")))
