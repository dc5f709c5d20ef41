"""Worker virtualenvs (ARCHITECTURE §4, provisioning): fast, isolated, failure-safe, re-syncable.

No test needs the network: requirements are wheels the tests write by hand, the installers are told
not to look at an index, and "uv" is either the real one (nodeweave's dependency) or a fake named by NODEWEAVE_UV.
Caches (virtualenv's, pip's, uv's) live under the test's tmp folders.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import importlib.util
import json
import logging
import os
import sys
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

import nodeweave
from nodeweave.workermanager.packages import uv_binary
from nodeweave.workermanager.provision import (
    OUTPUT_LIMIT,
    EnvProgress,
    ProvisionError,
    cleanup_leftovers,
    env_exists,
    env_python,
    hub_import_dirs,
    normalize_requirements,
    provision,
    requirements_changed,
)

# -- fixtures and helpers -------------------------------------------------------------------------


@pytest.fixture(scope="session")
def app_data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """virtualenv's cache, shared by the session so that it is warm after the first test."""
    return tmp_path_factory.mktemp("virtualenv-app-data")


@pytest.fixture(autouse=True)
def offline_installers(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("PIP_NO_INDEX", "1")
    monkeypatch.setenv("PIP_CACHE_DIR", str(tmp_path / "pip-cache"))
    monkeypatch.setenv("UV_OFFLINE", "1")
    monkeypatch.setenv("UV_CACHE_DIR", str(tmp_path / "uv-cache"))


@pytest.fixture
def env_dir(tmp_path: Path) -> Path:
    return tmp_path / "workers" / "w1" / ".venv"


@pytest.fixture
def dist(tmp_path: Path) -> Path:
    path = tmp_path / "dist"
    path.mkdir()
    return path


def make_wheel(
    folder: Path, name: str, version: str = "0.1", *, source: str = "", entry_points: str = ""
) -> Path:
    """A pure-Python wheel: package ``name`` with ``VERSION``, console script ``<name>-cli``
    (plus ``source`` in its ``__init__`` and ``entry_points`` sections when given)."""
    info = f"{name}-{version}.dist-info"
    files = {
        f"{name}/__init__.py": (
            f"VERSION = {version!r}\n\ndef main():\n    print('hi from', __name__, VERSION)\n"
            + source
        ),
        f"{info}/METADATA": f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n",
        f"{info}/WHEEL": (
            "Wheel-Version: 1.0\nGenerator: nodeweave-tests\nRoot-Is-Purelib: true\n"
            "Tag: py3-none-any\n"
        ),
        f"{info}/entry_points.txt": f"[console_scripts]\n{name}-cli = {name}:main\n" + entry_points,
    }
    record = []
    for path, text in files.items():
        data = text.encode()
        digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
        record.append(f"{path},sha256={digest},{len(data)}\n")
    files[f"{info}/RECORD"] = "".join(record) + f"{info}/RECORD,,\n"
    wheel = folder / f"{name}-{version}-py3-none-any.whl"
    with zipfile.ZipFile(wheel, "w") as archive:
        for path, text in files.items():
            archive.writestr(path, text)
    return wheel


async def run(*command: str | Path, cwd: Path) -> str:
    """Run a command to its end (bounded); return its stdout, failing on a non-zero exit."""
    proc = await asyncio.create_subprocess_exec(
        *map(str, command),
        cwd=cwd,
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        async with asyncio.timeout(30):
            out, err = await proc.communicate()
    finally:
        if proc.returncode is None:
            proc.kill()
            await proc.wait()
    assert proc.returncode == 0, f"{command} failed:\n{err.decode()}"
    return out.decode()


async def run_python(env_dir: Path, code: str) -> str:
    # -I and a neutral folder: nothing but the environment itself may make nodeweave importable.
    return await run(env_python(env_dir), "-I", "-c", code, cwd=env_dir.parent)


def names_in(folder: Path) -> list[str]:
    return sorted(path.name for path in folder.iterdir())


def siblings(env_dir: Path) -> list[str]:
    return names_in(env_dir.parent)


def gone(pid: int) -> bool:
    """Whether process ``pid`` has ended (an unreaped zombie counts as ended)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return True
    return stat.rpartition(")")[2].split()[0] == "Z"


async def wait_gone(*pids: int) -> None:
    async with asyncio.timeout(10):
        # Not our children (one is a grandchild): there is no exit to await, only to look for.
        while not all(gone(pid) for pid in pids):  # noqa: ASYNC110
            await asyncio.sleep(0.02)


FAKE_UV = """\
#!{python}
# A stand-in for uv: records its arguments, then succeeds, or hangs with a child of its own.
import json, os, subprocess, sys, time
from pathlib import Path

folder = Path(__file__).parent
(folder / "args.json").write_text(json.dumps(sys.argv[1:]))
if (folder / "hang").exists():
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(120)"])
    (folder / "pids").write_text(f"{{os.getpid()}} {{child.pid}}")
    print("Resolving dependencies", flush=True)
    time.sleep(120)
print("Installed 1 package", flush=True)
"""


@pytest.fixture
def fake_uv(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A fake ``uv`` first on PATH; its folder gets ``args.json`` (and ``pids`` when hanging)."""
    folder = tmp_path / "fake-uv"
    folder.mkdir()
    uv = folder / "uv"
    uv.write_text(FAKE_UV.format(python=sys.executable))
    uv.chmod(0o755)
    monkeypatch.setenv("PATH", f"{folder}{os.pathsep}{os.environ.get('PATH', '')}")
    monkeypatch.setenv("NODEWEAVE_UV", str(uv))
    yield folder
    pids = folder / "pids"
    if pids.exists():  # never leave the fake's processes behind, whatever the test did
        for pid in map(int, pids.read_text().split()):
            if not gone(pid):
                os.kill(pid, 9)


# -- an environment without requirements ----------------------------------------------------------


async def test_env_without_requirements_imports_nodeweave(env_dir: Path, app_data: Path) -> None:
    started = time.perf_counter()
    python = await provision(env_dir, [], app_data=app_data)
    elapsed = time.perf_counter() - started
    print(f"\nenvironment without requirements: {elapsed * 1000:.0f} ms")

    assert python == env_python(env_dir)
    assert env_exists(env_dir)
    out = await run_python(
        env_dir,
        "import sys, nodeweave, aiohttp, pydantic; print(sys.prefix); print(nodeweave.__file__)",
    )
    prefix, nodeweave_file = out.splitlines()
    assert Path(prefix) == env_dir
    assert Path(nodeweave_file) == Path(nodeweave.__file__)
    assert siblings(env_dir) == [".venv", ".venv.lock"]


async def test_env_has_no_seed_packages(env_dir: Path, app_data: Path) -> None:
    await provision(env_dir, [], app_data=app_data)
    purelib = await run_python(env_dir, "import sysconfig; print(sysconfig.get_paths()['purelib'])")
    assert names_in(Path(purelib.strip())) == ["_nodeweave_hub.pth"]


async def test_env_packages_come_before_the_hubs(env_dir: Path, app_data: Path) -> None:
    await provision(env_dir, [], app_data=app_data)
    out = await run_python(
        env_dir,
        "import json, sys, sysconfig; "
        "print(json.dumps([sys.path, sysconfig.get_paths()['purelib']]))",
    )
    path, purelib = json.loads(out)
    hub_dirs = [str(d) for d in hub_import_dirs()]
    assert hub_dirs
    assert all(d in path for d in hub_dirs)
    assert path.index(purelib) < min(path.index(d) for d in hub_dirs)


def test_env_exists_needs_a_python(tmp_path: Path) -> None:
    assert not env_exists(tmp_path / "nothing")
    (tmp_path / "half").mkdir()
    (tmp_path / "half" / "pyvenv.cfg").write_text("home = /nowhere\n")
    assert not env_exists(tmp_path / "half")


# -- installing requirements ----------------------------------------------------------------------


async def test_local_wheel_is_installed_in_the_env_only(
    env_dir: Path, dist: Path, app_data: Path
) -> None:
    wheel = make_wheel(dist, "nwtestpkg")
    started = time.perf_counter()
    await provision(env_dir, [str(wheel)], installer="pip", app_data=app_data)
    elapsed = time.perf_counter() - started
    print(f"\nenvironment with one local wheel (pip): {elapsed * 1000:.0f} ms")

    out = await run_python(env_dir, "import nwtestpkg, nodeweave; print(nwtestpkg.VERSION)")
    assert out.strip() == "0.1"
    assert importlib.util.find_spec("nwtestpkg") is None
    assert siblings(env_dir) == [".venv", ".venv.lock"]


async def test_console_scripts_and_activation_point_at_the_final_env(
    env_dir: Path, dist: Path, app_data: Path
) -> None:
    # Built in a sibling folder and renamed: the paths recorded at build time must follow.
    await provision(env_dir, [str(make_wheel(dist, "nwtestpkg"))], app_data=app_data)
    script = env_dir / "bin" / "nwtestpkg-cli"
    assert script.read_text().startswith(f"#!{env_python(env_dir)}")
    assert (await run(script, cwd=env_dir.parent)).strip() == "hi from nwtestpkg 0.1"
    activate = (env_dir / "bin" / "activate").read_text()
    assert str(env_dir) in activate
    assert ".venv.new-" not in activate


@pytest.mark.parametrize(
    "bad",
    ["missing-wheel", "unknown-name"],
)
async def test_failing_requirement_keeps_the_previous_env(
    env_dir: Path, dist: Path, app_data: Path, bad: str
) -> None:
    good = str(make_wheel(dist, "nwtestpkg"))
    await provision(env_dir, [good], installer="pip", app_data=app_data)
    if bad == "missing-wheel":
        requirement, mentioned = str(dist / "nwmissing-0.1-py3-none-any.whl"), "nwmissing"
    else:
        requirement, mentioned = "nw-no-such-package-x7", "nw-no-such-package-x7"

    with pytest.raises(ProvisionError) as caught:
        await provision(env_dir, [good, requirement], installer="pip", app_data=app_data)

    error = caught.value
    assert error.stage == "install"
    assert error.returncode not in (None, 0)
    assert mentioned in error.output
    assert "failed" in str(error)
    assert (
        await run_python(env_dir, "import nwtestpkg; print(nwtestpkg.VERSION)")
    ).strip() == "0.1"
    assert siblings(env_dir) == [".venv", ".venv.lock"]


async def test_failure_without_a_previous_env_leaves_nothing(
    env_dir: Path, dist: Path, app_data: Path
) -> None:
    with pytest.raises(ProvisionError):
        await provision(env_dir, [str(dist / "nwmissing-0.1-py3-none-any.whl")], app_data=app_data)
    assert siblings(env_dir) == [".venv.lock"]


async def test_resync_replaces_the_requirements(env_dir: Path, dist: Path, app_data: Path) -> None:
    first, second = make_wheel(dist, "nwtestpkg"), make_wheel(dist, "nwother", "0.2")
    await provision(env_dir, [str(first)], app_data=app_data)
    await provision(env_dir, [str(second)], app_data=app_data)

    out = await run_python(
        env_dir,
        "import importlib.util, nwother; "
        "print(nwother.VERSION, importlib.util.find_spec('nwtestpkg') is None)",
    )
    assert out.split() == ["0.2", "True"]
    assert siblings(env_dir) == [".venv", ".venv.lock"]


# -- progress -------------------------------------------------------------------------------------


def stages(events: list[EnvProgress]) -> list[str]:
    return [s for i, s in enumerate(e.stage for e in events) if i == 0 or events[i - 1].stage != s]


async def test_progress_reports_the_stages_and_the_installer_lines(
    env_dir: Path, dist: Path, app_data: Path
) -> None:
    events: list[EnvProgress] = []
    await provision(
        env_dir,
        [str(make_wheel(dist, "nwtestpkg"))],
        progress=events.append,
        installer="pip",
        app_data=app_data,
    )
    assert stages(events) == ["create", "link", "install", "swap", "done"]
    lines = [e.message for e in events if e.stage == "install" and e.fraction is None]
    assert any("nwtestpkg" in line for line in lines)
    assert events[-1].fraction == 1.0


async def test_progress_without_requirements_skips_install(env_dir: Path, app_data: Path) -> None:
    events: list[EnvProgress] = []
    await provision(env_dir, [], progress=events.append, app_data=app_data)
    assert stages(events) == ["create", "link", "swap", "done"]


async def test_a_failing_progress_callback_is_logged_not_fatal(
    env_dir: Path, app_data: Path, caplog: pytest.LogCaptureFixture
) -> None:
    def broken(event: EnvProgress) -> None:
        raise RuntimeError("UI went away")

    with caplog.at_level(logging.ERROR, logger="nodeweave.workermanager"):
        await provision(env_dir, [], progress=broken, app_data=app_data)
    assert env_exists(env_dir)
    assert "progress callback failed" in caplog.text


# -- leftovers of a crash -------------------------------------------------------------------------


def test_cleanup_leftovers_removes_stale_builds(env_dir: Path) -> None:
    (env_dir / "bin").mkdir(parents=True)
    stale_new = env_dir.with_name(".venv.new-deadbeef")
    (stale_new / "bin").mkdir(parents=True)
    stale_old = env_dir.with_name(".venv.old-deadbeef")
    stale_old.mkdir()
    (env_dir.parent / "modules").mkdir()
    (env_dir.parent / "worker.json").write_text("{}")

    removed = cleanup_leftovers(env_dir)

    assert sorted(removed) == sorted([stale_new, stale_old])
    assert siblings(env_dir) == [".venv", "modules", "worker.json"]
    assert cleanup_leftovers(env_dir) == []


async def test_provision_removes_stale_builds_first(env_dir: Path, app_data: Path) -> None:
    env_dir.with_name(".venv.new-deadbeef").mkdir(parents=True)
    env_dir.with_name(".venv.old-deadbeef").mkdir()
    await provision(env_dir, [], app_data=app_data)
    assert siblings(env_dir) == [".venv", ".venv.lock"]


# -- choosing and bounding the installer ----------------------------------------------------------


async def test_auto_prefers_uv_on_path(env_dir: Path, fake_uv: Path, app_data: Path) -> None:
    events: list[EnvProgress] = []
    await provision(env_dir, ["nwsomething==1.0"], progress=events.append, app_data=app_data)

    args = json.loads((fake_uv / "args.json").read_text())
    assert args[:3] == ["pip", "install", "--python"]
    assert Path(args[3]).name == "python" and ".venv.new-" in args[3]
    assert args[-1] == "nwsomething==1.0"
    assert "Installed 1 package" in [e.message for e in events]


async def test_pip_can_be_chosen_over_uv(
    env_dir: Path, dist: Path, fake_uv: Path, app_data: Path
) -> None:
    await provision(
        env_dir, [str(make_wheel(dist, "nwtestpkg"))], installer="pip", app_data=app_data
    )
    assert not (fake_uv / "args.json").exists()
    assert (
        await run_python(env_dir, "import nwtestpkg; print(nwtestpkg.VERSION)")
    ).strip() == "0.1"


async def test_asking_for_a_missing_uv_fails_before_building(
    env_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, app_data: Path
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    monkeypatch.setenv("NODEWEAVE_UV", "")
    with pytest.raises(ProvisionError, match="uv") as caught:
        await provision(env_dir, ["anything"], installer="uv", app_data=app_data)
    assert caught.value.stage == "install"
    assert not env_dir.parent.exists()


@pytest.mark.skipif(uv_binary() is None, reason="uv is not installed")
async def test_real_uv_installs_a_local_wheel(env_dir: Path, dist: Path, app_data: Path) -> None:
    started = time.perf_counter()
    await provision(
        env_dir, [str(make_wheel(dist, "nwtestpkg"))], installer="uv", app_data=app_data
    )
    print(
        f"\nenvironment with one local wheel (uv): {(time.perf_counter() - started) * 1000:.0f} ms"
    )
    out = await run_python(env_dir, "import nwtestpkg, nodeweave; print(nwtestpkg.VERSION)")
    assert out.strip() == "0.1"
    assert (await run(env_dir / "bin" / "nwtestpkg-cli", cwd=env_dir.parent)).startswith("hi")


async def test_a_hanging_installer_is_killed_with_its_children(
    env_dir: Path, fake_uv: Path, app_data: Path
) -> None:
    await provision(env_dir, [], app_data=app_data)
    (fake_uv / "hang").touch()

    with pytest.raises(ProvisionError, match="timed out") as caught:
        await provision(env_dir, ["anything"], install_timeout=2.0, app_data=app_data)

    assert caught.value.returncode is None
    assert "Resolving dependencies" in caught.value.output
    await wait_gone(*map(int, (fake_uv / "pids").read_text().split()))
    assert env_exists(env_dir)
    assert siblings(env_dir) == [".venv", ".venv.lock"]


async def test_one_build_at_a_time_and_cancelling_cleans_up(
    env_dir: Path, fake_uv: Path, app_data: Path
) -> None:
    await provision(env_dir, [], app_data=app_data)
    (fake_uv / "hang").touch()
    installing = asyncio.Event()

    def progress(event: EnvProgress) -> None:
        if event.stage == "install" and event.fraction is None:
            installing.set()

    build = asyncio.create_task(
        provision(env_dir, ["anything"], progress=progress, app_data=app_data)
    )
    try:
        async with asyncio.timeout(20):
            await installing.wait()
        with pytest.raises(ProvisionError, match="already running"):
            await provision(env_dir, [], app_data=app_data)
    finally:
        build.cancel()
        with pytest.raises(asyncio.CancelledError):
            await build

    await wait_gone(*map(int, (fake_uv / "pids").read_text().split()))
    assert env_exists(env_dir)
    assert siblings(env_dir) == [".venv", ".venv.lock"]
    await provision(env_dir, [], app_data=app_data)  # the lock was released


async def test_installer_output_is_kept_up_to_the_limit(
    env_dir: Path, fake_uv: Path, app_data: Path
) -> None:
    (fake_uv / "uv").write_text(
        f"#!{sys.executable}\n"
        "import sys\n"
        f"for i in range({OUTPUT_LIMIT // 10}):\n"
        "    print(f'line {i:5d}', flush=False)\n"
        "print('the last words', flush=True)\n"
        "sys.exit(3)\n"
    )
    with pytest.raises(ProvisionError) as caught:
        await provision(env_dir, ["anything"], app_data=app_data)
    assert caught.value.returncode == 3
    assert len(caught.value.output) <= OUTPUT_LIMIT + 100
    assert caught.value.output.rstrip().endswith("the last words")
    assert "line     0" not in caught.value.output


# -- requirement lists ----------------------------------------------------------------------------


def test_requirements_changed_ignores_order_spacing_and_repeats() -> None:
    assert not requirements_changed(
        ["numpy>=1", " pandas "], ["pandas", "numpy>=1", "numpy>=1", ""]
    )
    assert not requirements_changed([], ["", "  ", "# just a comment"])
    assert requirements_changed(["numpy"], ["numpy", "pandas"])
    assert requirements_changed(["numpy==1"], ["numpy==2"])
    assert requirements_changed(["numpy"], [])


def test_normalize_requirements_keeps_order() -> None:
    assert normalize_requirements(["  b   >=1 ", "# note", "", "a", "b >=1"]) == ["b >=1", "a"]
    with pytest.raises(TypeError):
        normalize_requirements("numpy")
