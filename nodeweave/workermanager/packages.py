"""A worker's node packages: what the user asked for, what was resolved, and changes between them.

* **Intent** — the worker's ``requirements`` (``worker.json``): what the user added.
* **Resolution** — ``requirements.lock`` in the worker's folder: every package with its exact
  version, as ``uv pip compile`` resolved the requirements. The environment is built from the lock
  (:func:`~nodeweave.workermanager.provision.provision` with ``lock=``), and a stamp in it says
  which lock it was built from, so a start only rebuilds when they differ.
* **History** — every change moves the lock it replaces into ``locks/`` (with the requirements it
  belonged to), so :func:`previous` can give it back for a rollback; the last :data:`KEEP` stay.

nodeweave and its own dependencies are **constraints** of every resolution, pinned to the versions
the hub runs (:func:`hub_constraints`): a node package cannot downgrade or replace them — the
resolution fails with uv's explanation instead. uv does the resolving (it is a dependency of
nodeweave: :func:`uv_binary`).
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import datetime
import hashlib
import importlib.metadata
import logging
import os
import shutil
import signal
import sys
import tempfile
import time
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any, Final

import orjson
from packaging.markers import default_environment
from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import (
    InvalidSdistFilename,
    InvalidWheelFilename,
    canonicalize_name,
    parse_sdist_filename,
    parse_wheel_filename,
)

from nodeweave.state import atomic_write

log = logging.getLogger("nodeweave.workermanager")

LOCK_FILE: Final = "requirements.lock"
HISTORY_DIR: Final = "locks"
KEEP: Final = 10
STAMP_FILE: Final = "nodeweave-lock.sha256"
"""In an environment: the sha256 of the lock it was built from."""
RESOLVE_TIMEOUT: Final = 120.0


class ResolveError(Exception):
    """The requirements could not be resolved (``output``: uv's explanation)."""

    def __init__(self, message: str, output: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.output = output


@dataclasses.dataclass(frozen=True, slots=True)
class Pin:
    """One resolved package: its canonical name, exact version (None for a URL or path) and the
    lock line that installs it."""

    name: str
    version: str | None
    line: str

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "version": self.version}


@dataclasses.dataclass(frozen=True, slots=True)
class LockDiff:
    added: tuple[Pin, ...] = ()
    removed: tuple[Pin, ...] = ()
    changed: tuple[tuple[Pin, Pin], ...] = ()

    def __bool__(self) -> bool:
        return bool(self.added or self.removed or self.changed)

    def to_dict(self) -> dict[str, Any]:
        return {
            "added": [p.to_dict() for p in self.added],
            "removed": [p.to_dict() for p in self.removed],
            "changed": [
                {"name": new.name, "from": old.version, "to": new.version}
                for old, new in self.changed
            ],
        }


# --- requirements ------------------------------------------------------------------------------


def requirement_name(text: str) -> str | None:
    """The canonical project name a requirement line asks for (None for a bare path or URL)."""
    try:
        return canonicalize_name(Requirement(text).name)
    except InvalidRequirement:
        return None


def check_requirement(text: str) -> str:
    """``text`` as a requirement, or ``ValueError`` saying why it is not one."""
    item = " ".join(str(text).split())
    if not item or item.startswith("-"):
        raise ValueError(f"not a requirement: {text!r}")
    if requirement_name(item) is None and not _is_path_or_url(item):
        raise ValueError(
            f"not a requirement (name, name==version, a wheel's path or URL): {text!r}"
        )
    return item


def _is_path_or_url(item: str) -> bool:
    return "://" in item or item.endswith((".whl", ".tar.gz", ".zip")) or os.sep in item


def with_added(requirements: Sequence[str], added: Iterable[str]) -> list[str]:
    """``requirements`` with ``added`` in: one that names a project already asked for replaces it."""
    out = list(requirements)
    for item in added:
        name = requirement_name(item)
        out = [r for r in out if name is None or requirement_name(r) != name]
        out.append(item)
    return list(dict.fromkeys(out))


def without(requirements: Sequence[str], removed: Iterable[str]) -> tuple[list[str], list[str]]:
    """``requirements`` without the projects named in ``removed``; and the names not found."""
    names = {requirement_name(r) or r for r in removed}
    kept = [r for r in requirements if (requirement_name(r) or r) not in names]
    present = {requirement_name(r) or r for r in requirements}
    return kept, sorted(n for n in names if n not in present)


# --- locks -----------------------------------------------------------------------------------


def parse_lock(text: str) -> dict[str, Pin]:
    """The pins of a lock (``uv pip compile`` output: comments and blank lines ignored)."""
    pins: dict[str, Pin] = {}
    for raw in text.splitlines():
        line = raw.split(" #", 1)[0].strip()
        if not line or line.startswith(("#", "-")):
            continue
        try:
            req = Requirement(line)
        except InvalidRequirement:
            pin = _file_pin(line)  # a wheel or archive by path or URL, as uv writes them
            pins[pin.name] = pin
            continue
        version = None
        specs = list(req.specifier)
        if len(specs) == 1 and specs[0].operator == "==":
            version = specs[0].version
        name = canonicalize_name(req.name)
        pins[name] = Pin(name, version, line)
    return pins


def _file_pin(line: str) -> Pin:
    filename = line.rstrip("/").rsplit("/", 1)[-1]
    try:
        if filename.endswith(".whl"):
            name, version, *_ = parse_wheel_filename(filename)
        else:
            name, version = parse_sdist_filename(filename)
        return Pin(str(name), str(version), line)
    except (InvalidWheelFilename, InvalidSdistFilename):
        return Pin(line, None, line)


def diff(old: Mapping[str, Pin], new: Mapping[str, Pin]) -> LockDiff:
    added = tuple(new[n] for n in sorted(new) if n not in old)
    removed = tuple(old[n] for n in sorted(old) if n not in new)
    changed = tuple(
        (old[n], new[n]) for n in sorted(new) if n in old and old[n].line != new[n].line
    )
    return LockDiff(added, removed, changed)


def lock_hash(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def read_lock(folder: Path) -> str | None:
    try:
        return (folder / LOCK_FILE).read_text(encoding="utf-8")
    except FileNotFoundError:
        return None


def write_lock(folder: Path, text: str, requirements: Sequence[str]) -> None:
    """Make ``text`` the worker's lock; the one it replaces (if any) goes into the history."""
    current = read_lock(folder)
    if current is not None:
        remember(folder, current, previous_requirements(folder) or [])
    atomic_write(folder / LOCK_FILE, text.encode())
    atomic_write(folder / f"{LOCK_FILE}.json", orjson.dumps({"requirements": list(requirements)}))


def previous_requirements(folder: Path) -> list[str] | None:
    """The requirements the current lock was resolved from (None for a lock without them)."""
    try:
        data = orjson.loads((folder / f"{LOCK_FILE}.json").read_bytes())
    except (FileNotFoundError, orjson.JSONDecodeError):
        return None
    reqs = data.get("requirements") if isinstance(data, dict) else None
    return [str(r) for r in reqs] if isinstance(reqs, list) else None


def remember(folder: Path, text: str, requirements: Sequence[str]) -> None:
    history = folder / HISTORY_DIR
    history.mkdir(exist_ok=True)
    stamp = datetime.datetime.now(datetime.UTC).strftime("%Y%m%dT%H%M%S%f")
    entry = {"requirements": list(requirements), "lock": text}
    atomic_write(history / f"{stamp}-{lock_hash(text)[:8]}.json", orjson.dumps(entry))
    for old in sorted(history.glob("*.json"))[:-KEEP]:
        with contextlib.suppress(OSError):
            old.unlink()


def previous(folder: Path) -> tuple[Path, str, list[str]] | None:
    """The newest lock of the history: (its file, the lock, its requirements)."""
    for path in sorted((folder / HISTORY_DIR).glob("*.json"), reverse=True):
        try:
            data = orjson.loads(path.read_bytes())
            return path, str(data["lock"]), [str(r) for r in data["requirements"]]
        except (OSError, orjson.JSONDecodeError, KeyError, TypeError):
            continue
    return None


def stamp_matches(env_dir: Path, text: str) -> bool:
    """Whether the environment was built from this lock (a read of one small file)."""
    try:
        return (env_dir / STAMP_FILE).read_text().strip() == lock_hash(text)
    except OSError:
        return False


def write_stamp(env_dir: Path, text: str) -> None:
    (env_dir / STAMP_FILE).write_text(lock_hash(text) + "\n")


# --- what the hub provides -------------------------------------------------------------------------


def hub_constraints() -> list[str]:
    """nodeweave and its own dependencies (recursively), pinned to the versions the hub runs."""
    env = default_environment()
    pins: dict[str, str] = {}
    todo = ["nodeweave"]
    while todo:
        name = canonicalize_name(todo.pop())
        if name in pins:
            continue
        try:
            dist = importlib.metadata.distribution(name)
        except importlib.metadata.PackageNotFoundError:
            continue
        pins[name] = dist.version
        for text in dist.requires or ():
            try:
                req = Requirement(text)
            except InvalidRequirement:
                continue
            if req.marker is not None and not req.marker.evaluate({**env, "extra": ""}):  # type: ignore[dict-item]
                continue  # an extra's dependency, or not for this platform
            todo.append(req.name)
    pins.pop("nodeweave", None)  # installed from a checkout: not on the index
    return [f"{name}=={version}" for name, version in sorted(pins.items())]


def hub_versions() -> dict[str, str]:
    """Every distribution the hub's interpreter sees, by canonical name (the environment links
    them: a pin the hub already has at that version needs no install)."""
    found: dict[str, str] = {}
    for dist in importlib.metadata.distributions():
        name = dist.metadata["Name"]
        if isinstance(name, str) and name:
            found.setdefault(canonicalize_name(name), dist.version)
    return found


def to_install(pins: Mapping[str, Pin], hub: Mapping[str, str]) -> list[str]:
    """The lock lines the environment must install itself (the rest the hub provides as is;
    a file or URL is always installed: the same version number may be another build)."""
    return [
        p.line
        for p in pins.values()
        if p.version is None or p.line != f"{p.name}=={p.version}" or hub.get(p.name) != p.version
    ]


# --- uv ------------------------------------------------------------------------------------------


UV_ENV: Final = "NODEWEAVE_UV"


def uv_binary() -> str | None:
    """The uv executable: ``$NODEWEAVE_UV`` if set (empty: none), else the one of the ``uv``
    package nodeweave depends on, else uv on PATH."""
    override = os.environ.get(UV_ENV)
    if override is not None:
        return override if override and Path(override).is_file() else None
    try:
        from uv import find_uv_bin

        found = find_uv_bin()
        if found and Path(found).is_file():
            return str(found)
    except (ImportError, FileNotFoundError):
        pass
    return shutil.which("uv")


async def resolve(
    requirements: Sequence[str],
    *,
    preferred: str | None = None,
    upgrade: bool | Sequence[str] = False,
    within: float = RESOLVE_TIMEOUT,
) -> str:
    """The lock of ``requirements`` (``uv pip compile``), with the hub's constraints.

    ``preferred``: the current lock, whose versions are kept where they still fit (so adding a
    package changes nothing else it does not need to); ``upgrade``: ``True`` for every package,
    or the names to upgrade. Raises :class:`ResolveError` with uv's explanation.
    """
    if not requirements:
        return ""
    uv = uv_binary()
    if uv is None:
        raise ResolveError("uv is not installed (pip install uv): it resolves node packages")
    with tempfile.TemporaryDirectory(prefix="nodeweave-resolve-") as tmp:
        folder = Path(tmp)
        (folder / "requirements.in").write_text("\n".join(requirements) + "\n")
        constraints = hub_constraints()
        (folder / "constraints.txt").write_text("\n".join(constraints) + "\n")
        out = folder / LOCK_FILE
        if preferred:
            out.write_text(preferred)
        command = [
            uv,
            "pip",
            "compile",
            str(folder / "requirements.in"),
            "--output-file",
            str(out),
            "--constraint",
            str(folder / "constraints.txt"),
            "--python",
            sys.executable,
            "--no-header",
            "--no-annotate",
            "--quiet",
            "--color",
            "never",
        ]
        if upgrade is True:
            command.append("--upgrade")
        elif upgrade:
            command += [f"--upgrade-package={name}" for name in upgrade]
        code, output = await run_uv(command, within=within)
        if code != 0:
            pinned = [c for c in constraints if f"require {c.split('==')[0]}" in output]
            pinned += [c for c in constraints if f"and {c}" in output and c not in pinned]
            why = (
                f"; nodeweave's own dependencies stay as the hub runs them ({', '.join(pinned)}): "
                "a node package may not change them"
                if pinned
                else ""
            )
            raise ResolveError(f"the packages cannot be resolved{why}", output)
        return out.read_text()


async def run_uv(command: list[str], *, within: float) -> tuple[int, str]:
    """Run uv (its own process group, killed with it on timeout or cancellation)."""
    proc = await asyncio.create_subprocess_exec(
        *command,
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
        start_new_session=True,
        env={**os.environ, "NO_COLOR": "1"},
    )
    try:
        async with asyncio.timeout(within):
            out, _ = await proc.communicate()
    except TimeoutError:
        await _kill(proc)
        return 124, f"uv did not finish within {within:g} s"
    except BaseException:
        await _kill(proc)
        raise
    return proc.returncode or 0, out.decode(errors="replace")[-16000:]


async def _kill(proc: asyncio.subprocess.Process) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(proc.pid, signal.SIGKILL)  # its group: uv and whatever it started
    await proc.wait()


OUTDATED_WITHIN: Final = 10.0
OUTDATED_CACHE: Final = 3600.0
_outdated_cache: dict[str, tuple[float, dict[str, str]]] = {}


async def outdated(python: Path) -> dict[str, str] | None:
    """Newer versions on the index of what an environment installed itself (canonical name →
    latest), cached an hour per environment; ``None`` when the index cannot be asked (offline,
    slow: bounded to :data:`OUTDATED_WITHIN` seconds)."""
    key = str(python)
    now = time.monotonic()
    cached = _outdated_cache.get(key)
    if cached is not None and now - cached[0] < OUTDATED_CACHE:
        return cached[1]
    uv = uv_binary()
    if uv is None:
        return None
    command = [uv, "pip", "list", "--outdated", "--format", "json", "--python", str(python)]
    code, output = await run_uv(command, within=OUTDATED_WITHIN)
    if code != 0:
        log.info("no outdated check for %s: %s", python, output.strip()[:200])
        return None
    try:
        rows = orjson.loads(output[output.find("[") :])
        found: dict[str, str] = {
            str(canonicalize_name(str(r["name"]))): str(r["latest_version"])
            for r in rows
            if isinstance(r, dict) and r.get("latest_version")
        }
    except (orjson.JSONDecodeError, KeyError, TypeError, ValueError):
        return None
    _outdated_cache[key] = (now, found)
    return found
