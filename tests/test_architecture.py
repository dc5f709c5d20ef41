"""The dependency direction of ARCHITECTURE section 1, checked on the source."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "nodeweave"

# What each part of the package must not import (prefix match on the module name).
FORBIDDEN: dict[str, tuple[str, ...]] = {
    "core": (
        "nodeweave.worker",
        "nodeweave.workermanager",
        "nodeweave.protocol",
        "nodeweave.cli",
        "nodeweave.shelves",
        "aiohttp",
        "watchfiles",
        "subprocess",
        "socket",
        "os",
        "pathlib",
        "shutil",
        "tempfile",
        "http",
        "urllib",
        "requests",
        "virtualenv",
    ),
    "shelves": (
        "nodeweave.worker",
        "nodeweave.workermanager",
        "nodeweave.cli",
        "aiohttp",
        "subprocess",
        "socket",
    ),
    "protocol": (
        "nodeweave.worker",
        "nodeweave.workermanager",
        "nodeweave.cli",
        "aiohttp",
        "subprocess",
        "socket",
    ),
    "state": (
        "nodeweave.core",
        "nodeweave.protocol",
        "nodeweave.worker",
        "nodeweave.workermanager",
        "nodeweave.cli",
        "aiohttp",
    ),
    "web": ("nodeweave.core", "nodeweave.worker", "nodeweave.workermanager", "nodeweave.cli"),
    "workermanager": ("nodeweave.core", "nodeweave.worker", "nodeweave.cli"),
    # FuncNodes compatibility: the bridge is the worker's, the workflow reader also the hub's
    "funcnodes": ("nodeweave.worker", "nodeweave.workermanager", "nodeweave.cli", "aiohttp"),
    "worker": ("nodeweave.workermanager", "nodeweave.cli"),
}


def imports_of(path: Path, package: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text(), filename=str(path))
    module_parts = path.relative_to(package.parent).with_suffix("").parts
    found: list[tuple[int, str]] = []
    for stmt in ast.walk(tree):
        if isinstance(stmt, ast.Import):
            found += [(stmt.lineno, alias.name) for alias in stmt.names]
        elif isinstance(stmt, ast.ImportFrom):
            if stmt.level:  # resolve "from ..x import y" against the file's package
                base = list(module_parts[: len(module_parts) - stmt.level])
                name = ".".join([*base, stmt.module] if stmt.module else base)
            else:
                name = stmt.module or ""
            found.append((stmt.lineno, name))
            found += [(stmt.lineno, f"{name}.{alias.name}") for alias in stmt.names]
    return found


def violations(part: str, package: Path = PACKAGE) -> list[str]:
    out = []
    for path in sorted((package / part).rglob("*.py")):
        for line, name in imports_of(path, package):
            for banned in FORBIDDEN[part]:
                if name == banned or name.startswith(banned + "."):
                    out.append(f"{path.relative_to(package.parent)}:{line} imports {name}")
    return out


@pytest.mark.parametrize("part", sorted(FORBIDDEN))
def test_imports_follow_the_dependency_direction(part: str) -> None:
    if not (PACKAGE / part).is_dir():
        pytest.skip(f"nodeweave/{part} does not exist yet")
    assert violations(part) == []


def test_the_checker_catches_a_forbidden_import(tmp_path: Path) -> None:
    core = tmp_path / "nodeweave" / "core"
    core.mkdir(parents=True)
    (core / "probe.py").write_text("import aiohttp\nfrom ..worker import app\nimport orjson\n")
    found = violations("core", tmp_path / "nodeweave")
    assert any("imports aiohttp" in v for v in found)
    assert any("imports nodeweave.worker" in v for v in found)
    assert not any("orjson" in v for v in found)


UNKNOWN_NAME = (
    "try:\n"
    "    {name}\n"
    "except AttributeError:\n"
    "    pass\n"
    "else:\n"
    "    raise AssertionError('no error for an unknown name')\n"
)


def run_probe(code: str) -> None:
    """Run ``code`` in a fresh interpreter (what a process imports at start is the point)."""
    import subprocess
    import sys

    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == 0, done.stderr


def test_a_worker_starts_without_building_the_models_of_what_it_sends() -> None:
    """Result and event models describe what a server sends (schema, docs, tests): a worker's
    start imports only its argument models, and the tables still resolve every model."""
    probe = (
        "import sys, nodeweave.worker.main\n"
        "assert 'nodeweave.protocol.worker_results' not in sys.modules\n"
        "from nodeweave.protocol import WORKER_COMMANDS, WORKER_EVENTS\n"
        "from nodeweave.protocol.hub import HUB_COMMANDS, HUB_EVENTS\n"
        "from pydantic import BaseModel\n"
        "tables = (WORKER_COMMANDS, WORKER_EVENTS, HUB_COMMANDS, HUB_EVENTS)\n"
        "models = [getattr(s, 'result', None) or s.data for t in tables for s in t.values()]\n"
        "assert all(issubclass(m, BaseModel) for m in models), models\n"
        "from nodeweave.protocol.worker import Preview, HelloResult\n"
        "from nodeweave.protocol.worker_results import HelloResult as same\n"
        "assert HelloResult is same\n"
        "import nodeweave.protocol.worker as w\n" + UNKNOWN_NAME.format(name="w.Nope")
    )
    run_probe(probe)


def test_the_hub_and_the_cli_start_without_importing_the_engine() -> None:
    """``nodeweave`` hands out the core's names when first used: the hub's import path (and
    the CLI's) never loads the engine — nor virtualenv, imported when a venv is made, nor the
    worker's protocol models, bundles or FuncNodes documents — while ``from nodeweave import
    node`` (and ``WORKER_COMMANDS`` from the protocol) still work."""
    probe = (
        "import sys, nodeweave.workermanager.main, nodeweave.cli\n"
        "assert 'nodeweave.core' not in sys.modules, 'the hub imported the engine'\n"
        "assert 'virtualenv' not in sys.modules, 'virtualenv is for making a venv, not a start'\n"
        "late = {'nodeweave.protocol.worker', 'nodeweave.protocol.hub_results',"
        " 'nodeweave.bundles', 'nodeweave.funcnodes'}\n"
        "assert not late & set(sys.modules), f'imported before used: {late & set(sys.modules)}'\n"
        "from nodeweave.protocol import WORKER_COMMANDS\n"
        "assert 'ping' in WORKER_COMMANDS\n"
        "from nodeweave import node, NodeSpace\n"
        "assert 'nodeweave.core' in sys.modules and callable(node)\n"
        "import nodeweave\n"
        "assert nodeweave.NodeSpace is NodeSpace\n" + UNKNOWN_NAME.format(name="nodeweave.nope")
    )
    run_probe(probe)
