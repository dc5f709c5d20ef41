"""Worker virtualenvs: built beside the current one, filled, then swapped in.

:func:`provision` makes ``env_dir`` (``workers/<id>/.venv``) an environment in which nodeweave and
its dependencies are importable and the worker's own requirements are installed:

1. **create** — ``virtualenv`` builds a new folder ``<env_dir>.new-<random>`` beside ``env_dir``,
   from the hub's own interpreter and *without seed packages*: copying pip/setuptools/wheel into
   every environment is what made the predecessor take 13–16 s. An environment without
   requirements is ready in about 0.1 s, virtualenv's part being some 60 ms.
2. **link** — a ``.pth`` file in the new site-packages adds the hub interpreter's site dirs with
   ``site.addsitedir``, *after* the environment's own site-packages. nodeweave and its
   dependencies are importable without being reinstalled (an editable install of nodeweave too:
   ``addsitedir`` processes the ``.pth`` files it finds there), while anything installed into the
   environment wins over the hub's copy. This needs the same Python version as the hub, which
   is why the environment is always built from ``sys.executable``.
3. **install** — the requirements (or the packages of a resolved lock the hub does not already
   provide at their pinned version), if any, with ``uv pip install --python ENV_PY`` (uv is a
   dependency of nodeweave; ``NODEWEAVE_UV`` names another), else with the *hub's* pip aimed at
   the environment (``python -m pip --python ENV_PY
   install``, pip ≥ 22.3), since the environment has no pip of its own. Through the ``.pth`` pip
   sees the hub's packages as installed and does not install them again; when a requirement
   needs another version, pip installs it into the environment (it never uninstalls outside the
   environment's prefix) where it takes precedence. uv only looks at the environment's own
   site-packages, so it installs such dependencies again. Output is streamed line by line as
   progress and kept (the last 64 kB) for the error report.
4. **swap** — ``env_dir`` is renamed to ``<env_dir>.old-<random>``, the new folder to ``env_dir``,
   and the old one is deleted.

Why build beside and swap rather than rebuild in place: the previous environment stays complete
and usable (by a worker still running in it, too) during the whole, possibly long, install, and a
failure (installer error, timeout, cancellation) only deletes the half-built folder. The
environment survives the rename because Python finds its site-packages from the ``pyvenv.cfg``
next to ``bin/python``, not from a recorded path. What does record the build path — activation
scripts, shebangs of console scripts the installer wrote, the informational ``command`` line of
``pyvenv.cfg`` — is rewritten to the final path before the swap.

Every build starts from scratch, so changing the requirements re-syncs the environment exactly:
a requirement that was dropped is gone afterwards. POSIX only (``bin/python``, process groups).
"""

from __future__ import annotations

import asyncio
import codecs
import contextlib
import importlib.metadata
import importlib.util
import logging
import os
import re
import secrets
import shutil
import signal
import site
import sys
import time
from collections import deque
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, ParamSpec, TypeVar

from nodeweave.state import FileLock, LockHeldError

from . import packages

__all__ = [
    "OUTPUT_LIMIT",
    "EnvProgress",
    "Installer",
    "ProvisionError",
    "cleanup_leftovers",
    "env_exists",
    "env_python",
    "hub_import_dirs",
    "normalize_requirements",
    "provision",
    "requirements_changed",
]

log = logging.getLogger("nodeweave.workermanager")

_P = ParamSpec("_P")
_T = TypeVar("_T")

Installer = Literal["auto", "uv", "pip"]

OUTPUT_LIMIT = 64 * 1024
"""How much of the installer's output (the end of it) a :class:`ProvisionError` keeps."""

HUB_PTH_NAME = "_nodeweave_hub.pth"

# pip learned `--python` (run against another interpreter) in 22.3.
_PIP_MIN_VERSION = (22, 3)
_CHECK_TIMEOUT = 30.0
_LINE_BREAK = re.compile(r"\r\n|\r|\n")


@dataclass(frozen=True)
class EnvProgress:
    """One step of :func:`provision`, for the UI.

    ``stage`` is ``"create"``, ``"link"``, ``"install"``, ``"swap"`` or ``"done"``, in that order
    (``"install"`` only with requirements; it repeats, once per line of installer output, with
    ``fraction`` None). ``fraction`` is the rough share of the work done.
    """

    stage: str
    message: str
    fraction: float | None = None


class ProvisionError(Exception):
    """Building or installing an environment failed; the previous environment is untouched.

    ``stage`` is where it failed (``"create"``, ``"link"``, ``"install"`` or ``"swap"``),
    ``output`` the installer's combined stdout and stderr (its last :data:`OUTPUT_LIMIT`
    characters) or the error's text, ``returncode`` the installer's exit status (None when it did
    not exit by itself: a timeout, or a failure before it ran).
    """

    def __init__(
        self,
        message: str,
        *,
        stage: str,
        output: str = "",
        returncode: int | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.stage = stage
        self.output = output
        self.returncode = returncode


def env_python(env_dir: Path) -> Path:
    """The python executable of the environment in ``env_dir``."""
    return Path(env_dir) / "bin" / "python"


def env_exists(env_dir: Path) -> bool:
    """Whether ``env_dir`` holds an environment (a ``pyvenv.cfg`` and a working ``bin/python``)."""
    env_dir = Path(env_dir)
    return (env_dir / "pyvenv.cfg").is_file() and env_python(env_dir).exists()


def normalize_requirements(requirements: Iterable[str]) -> list[str]:
    """Requirements as given to the installer: stripped, inner whitespace collapsed, blank lines,
    ``#`` comments and repeats dropped, order kept.

    Each item becomes one argument of the installer: a requirement specifier, or the path or URL
    of a wheel or source archive.
    """
    if isinstance(requirements, str):
        raise TypeError("requirements must be a sequence of strings, not one string")
    seen: dict[str, None] = {}
    for raw in requirements:
        item = " ".join(raw.split())
        if item and not item.startswith("#"):
            seen.setdefault(item, None)
    return list(seen)


def requirements_changed(old: Sequence[str], new: Sequence[str]) -> bool:
    """Whether ``new`` asks for something else than ``old`` (order, spacing and repeats aside)."""
    return set(normalize_requirements(old)) != set(normalize_requirements(new))


def cleanup_leftovers(env_dir: Path) -> list[Path]:
    """Remove the ``<env_dir>.new-*`` and ``<env_dir>.old-*`` folders a crash left behind.

    Returns what was removed. Must not run while :func:`provision` works on ``env_dir`` (which
    calls it itself, under its lock); the hub calls it when it starts.
    """
    env_dir = Path(env_dir)
    try:
        siblings = list(env_dir.parent.iterdir())
    except FileNotFoundError:
        return []
    prefixes = (f"{env_dir.name}.new-", f"{env_dir.name}.old-")
    removed = []
    for path in siblings:
        if path.name.startswith(prefixes):
            log.info("removing leftover environment %s", path)
            _remove(path)
            removed.append(path)
    return removed


def hub_import_dirs() -> list[Path]:
    """The hub interpreter's folders that hold nodeweave and its dependencies.

    Its site dirs (system, virtualenv and user site-packages, as far as they are in use) and, when
    nodeweave is imported from a plain ``sys.path`` entry (a source checkout on PYTHONPATH), that
    entry too.
    """
    on_path = {_norm(entry) for entry in sys.path if entry}
    candidates = list(site.getsitepackages())
    if site.ENABLE_USER_SITE:
        candidates.append(site.getusersitepackages())
    # nodeweave/workermanager/provision.py -> the folder that holds the nodeweave package.
    candidates.append(str(Path(__file__).resolve().parent.parent.parent))
    dirs: list[Path] = []
    for candidate in candidates:
        path = Path(os.path.abspath(candidate))
        if _norm(str(path)) in on_path and path.is_dir() and path not in dirs:
            dirs.append(path)
    return dirs


async def provision(
    env_dir: Path,
    requirements: Sequence[str],
    *,
    progress: Callable[[EnvProgress], None] | None = None,
    installer: Installer = "auto",
    install_timeout: float = 900.0,
    app_data: Path | None = None,
    resolved: str | None = None,
) -> Path:
    """Build the environment ``env_dir`` with ``requirements`` installed; return its python.

    See the module docstring for the procedure. ``progress`` is called on the event loop with each
    :class:`EnvProgress`. ``installer`` picks uv or pip (``"auto"``: uv when there is one).
    ``install_timeout`` bounds the installer (seconds): it is then killed with its whole process
    group and :class:`ProvisionError` carries its output so far. ``app_data`` is virtualenv's
    cache folder (its default when None). ``resolved``: a lock (``uv pip compile`` output, see
    :mod:`~nodeweave.workermanager.packages`) to install instead of ``requirements`` — without
    dependency resolution, and only what the hub does not provide at the pinned version; the
    environment then records the lock's hash (:func:`~.packages.stamp_matches`).

    Raises :class:`ProvisionError` on any failure, also when another :func:`provision` of the same
    ``env_dir`` is under way (in any process); ``env_dir`` is then as it was before. Cancelling
    kills the installer and removes the half-built folder.
    """
    if resolved is not None:
        # a resolved lock: install (without dependencies: the lock has them all) what the hub
        # does not already provide at the pinned version
        reqs = packages.to_install(packages.parse_lock(resolved), packages.hub_versions())
    else:
        reqs = normalize_requirements(requirements)
    tool = _choose_installer(installer) if reqs else None  # fail before building anything
    started = time.perf_counter()
    env_dir, lock = _lock(env_dir)

    def report(stage: str, message: str, fraction: float | None) -> None:
        if progress is None:
            return
        try:
            progress(EnvProgress(stage, message, fraction))
        except Exception:
            log.exception("progress callback failed for %s", env_dir)

    try:
        await _in_thread(cleanup_leftovers, env_dir)
        new_dir = _sibling(env_dir, "new")
        try:
            report(
                "create", f"creating a virtualenv beside {env_dir} (swapped in when complete)", 0.0
            )
            purelib = await _create(new_dir, _prompt(env_dir), app_data)
            created = time.perf_counter()
            report("link", "making nodeweave importable", 0.1)
            await _in_thread(_link_hub, purelib)
            await _check_nodeweave_importable(env_python(new_dir))
            linked = time.perf_counter()
            if tool is not None:
                name, command = tool
                report("install", f"installing {len(reqs)} requirement(s) with {name}", 0.2)
                no_deps = ["--no-deps"] if resolved is not None else []
                full = [*command(env_python(new_dir)), *no_deps, *reqs]
                if resolved is not None and name == "uv":
                    # exact pins: from uv's cache alone when it has them all (offline, and no
                    # index round trips); else from the index
                    try:
                        await _run_installer(
                            [*full, "--offline"],
                            on_line=lambda line: None,
                            install_timeout=install_timeout,
                        )
                    except ProvisionError:
                        report("install", "not all in the cache: asking the package index", None)
                    else:
                        full = []
                if full:
                    await _run_installer(
                        full,
                        on_line=lambda line: report("install", line, None),
                        install_timeout=install_timeout,
                    )
            if resolved is not None:
                packages.write_stamp(new_dir, resolved)  # what a start compares with the lock
            report("swap", "moving the new environment into place", 0.9)
            await _in_thread(_swap_in, new_dir, env_dir)
        except asyncio.CancelledError:
            _remove(new_dir)  # synchronously: a cancelled task should not wait for more
            raise
        except BaseException:
            await _in_thread(_remove, new_dir)
            raise
    finally:
        lock.release()
    elapsed = time.perf_counter() - started
    log.info(
        "environment %s ready in %.2f s (virtualenv %.0f ms, link %.0f ms, %d requirement(s))",
        env_dir,
        elapsed,
        (created - started) * 1000,
        (linked - created) * 1000,
        len(reqs),
    )
    report("done", f"environment ready in {elapsed:.2f} s", 1.0)
    return env_python(env_dir)


# -- the steps ------------------------------------------------------------------------------------


def _lock(env_dir: Path) -> tuple[Path, FileLock]:
    """``env_dir`` made absolute, and the held lock ``<env_dir>.lock`` that excludes other builds.

    The lock file stays (see :class:`~nodeweave.state.FileLock`). Only microseconds of file
    system work, fine on the event loop.
    """
    env_dir = Path(os.path.abspath(env_dir))
    env_dir.parent.mkdir(parents=True, exist_ok=True)
    lock = FileLock(env_dir.with_name(f"{env_dir.name}.lock"), what=f"provisioning of {env_dir}")
    try:
        lock.acquire()
    except LockHeldError as exc:
        raise ProvisionError(str(exc), stage="create") from exc
    return env_dir, lock


async def _create(new_dir: Path, prompt: str, app_data: Path | None) -> Path:
    """Build a seedless virtualenv at ``new_dir`` (in a thread); return its site-packages."""
    args = [
        str(new_dir),
        "--python",
        sys.executable,
        "--no-seed",
        "--no-vcs-ignore",
        "--prompt",
        prompt,
        "--quiet",
    ]
    if app_data is not None:
        args += ["--app-data", str(app_data)]
    # Settings for virtualenv in our environment (a seeder, system site-packages, …) would make
    # environments differ from hub to hub. A PEP 832 ".venv" redirect file would land on our
    # env_dir's name: the variable turns it off where supported and is ignored where not.
    env = {k: v for k, v in os.environ.items() if not k.startswith("VIRTUALENV_")}
    env["VIRTUALENV_NO_VENV_REDIRECT"] = "true"

    def run() -> Path:
        try:
            import virtualenv  # (when a venv is made: the hub starts without it)

            session = virtualenv.cli_run(args, setup_logging=False, env=env)
        except SystemExit as exc:  # virtualenv's argument parser exits on bad arguments
            raise ProvisionError(
                f"virtualenv refused its arguments (exit {exc.code})", stage="create"
            ) from exc
        except Exception as exc:
            raise ProvisionError(
                f"creating the virtualenv failed: {exc}", stage="create", output=str(exc)
            ) from exc
        return Path(session.creator.purelib)

    return await _in_thread(run)


def _link_hub(purelib: Path) -> None:
    """Write the ``.pth`` that puts the hub's packages after the environment's own."""
    lines = ["# Written by nodeweave: the hub's packages, after this environment's own."]
    for path in hub_import_dirs():
        lines.append(f"import site; site.addsitedir({str(path)!r})")
    (purelib / HUB_PTH_NAME).write_text("\n".join(lines) + "\n", encoding="utf-8")


async def _check_nodeweave_importable(python: Path) -> None:
    # find_spec, not import: it proves the .pth works in a few ms without importing the core.
    # -I: neither the current folder nor PYTHONPATH may stand in for the .pth.
    code = "import importlib.util, sys; sys.exit(importlib.util.find_spec('nodeweave') is None)"
    proc = await asyncio.create_subprocess_exec(
        str(python),
        "-I",
        "-c",
        code,
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    try:
        async with asyncio.timeout(_CHECK_TIMEOUT):
            out, _ = await proc.communicate()
    except BaseException:
        with contextlib.suppress(ProcessLookupError):
            proc.kill()
        await proc.wait()
        raise
    if proc.returncode != 0:
        raise ProvisionError(
            "nodeweave is not importable in the new environment",
            stage="link",
            output=out.decode(errors="replace"),
            returncode=proc.returncode,
        )


def _choose_installer(installer: Installer) -> tuple[str, Callable[[Path], list[str]]]:
    """The installer's name and a function from the environment's python to its command."""
    uv = packages.uv_binary() if installer in ("auto", "uv") else None
    if uv is not None:
        return "uv", lambda python: [
            uv,
            "pip",
            "install",
            "--python",
            str(python),
            "--no-progress",
            "--color",
            "never",
        ]
    if installer == "uv":
        raise ProvisionError("the installer uv was asked for but is not installed", stage="install")
    try:
        pip_version = importlib.metadata.version("pip")
    except importlib.metadata.PackageNotFoundError:
        pip_version = None
    if pip_version is None or importlib.util.find_spec("pip") is None:
        raise ProvisionError(
            "no installer: uv is not on PATH and pip is not installed with the hub", stage="install"
        )
    if _version_tuple(pip_version) < _PIP_MIN_VERSION:
        raise ProvisionError(
            f"pip {pip_version} is too old to install into another environment (needs 22.3 or "
            "newer for --python): upgrade pip or install uv",
            stage="install",
        )
    return "pip", lambda python: [
        sys.executable,
        "-m",
        "pip",
        "--python",
        str(python),
        "install",
        "--disable-pip-version-check",
        "--no-input",
        "--progress-bar",
        "off",
    ]


async def _run_installer(
    command: list[str], *, on_line: Callable[[str], None], install_timeout: float
) -> None:
    """Run ``command`` in its own process group, passing each output line to ``on_line``.

    Raises :class:`ProvisionError` on a non-zero exit or after ``install_timeout`` seconds. On a
    timeout, error or cancellation the whole process group is killed (by its id) before this
    returns.
    """
    log.info("running %s", " ".join(command))
    tail = _OutputTail(OUTPUT_LIMIT)

    def line(text: str) -> None:
        tail.add(text)
        on_line(text)

    try:
        proc = await asyncio.create_subprocess_exec(
            *command,
            stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.STDOUT,
            start_new_session=True,
            env={**os.environ, "NO_COLOR": "1", "PYTHONUNBUFFERED": "1"},
        )
    except OSError as exc:
        raise ProvisionError(
            f"could not start the installer: {exc}", stage="install", output=str(exc)
        ) from exc
    assert proc.stdout is not None
    try:
        async with asyncio.timeout(install_timeout):
            await _pump_lines(proc.stdout, line)
            returncode = await proc.wait()
    except TimeoutError:
        await _kill_group(proc)
        raise ProvisionError(
            f"installing the requirements timed out after {install_timeout:g} s",
            stage="install",
            output=tail.text(),
        ) from None
    except BaseException:
        await _kill_group(proc)
        raise
    if returncode != 0:
        raise ProvisionError(
            f"installing the requirements failed (exit status {returncode})",
            stage="install",
            output=tail.text(),
            returncode=returncode,
        )


async def _pump_lines(stream: asyncio.StreamReader, line: Callable[[str], None]) -> None:
    # Chunks, not readline(): a line longer than the stream's limit must not end the install.
    decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
    pending = ""
    while chunk := await stream.read(65536):
        *complete, pending = _LINE_BREAK.split(pending + decoder.decode(chunk))
        for text in complete:
            if text.strip():
                line(text.rstrip())
    pending += decoder.decode(b"", final=True)
    if pending.strip():
        line(pending.rstrip())


async def _kill_group(proc: asyncio.subprocess.Process) -> None:
    # The installer leads its own group (start_new_session): its id is the installer's pid, and
    # the group cannot be reused while the unreaped installer is in it.
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(proc.pid, signal.SIGKILL)
    # Reading to the end closes our pipe; the group is dead, so the end comes at once (unless a
    # process that left the group holds the pipe: then give up on it).
    if proc.stdout is not None:
        with contextlib.suppress(OSError, TimeoutError):
            await asyncio.wait_for(proc.stdout.read(), _CHECK_TIMEOUT)
    await proc.wait()


def _swap_in(new_dir: Path, env_dir: Path) -> None:
    _retarget(new_dir, env_dir)
    old_dir = None
    try:
        if env_dir.exists() or env_dir.is_symlink():
            old_dir = _sibling(env_dir, "old")
            env_dir.rename(old_dir)
        try:
            new_dir.rename(env_dir)
        except BaseException:
            if old_dir is not None:
                old_dir.rename(env_dir)
            raise
    except OSError as exc:
        raise ProvisionError(
            f"moving the new environment into place failed: {exc}", stage="swap", output=str(exc)
        ) from exc
    if old_dir is not None:
        _remove(old_dir)


def _retarget(new_dir: Path, env_dir: Path) -> None:
    """Rewrite the build path ``new_dir`` to ``env_dir`` in the files that record it."""
    before, after = os.fsencode(new_dir), os.fsencode(env_dir)
    bin_dir = new_dir / "bin"
    files = [new_dir / "pyvenv.cfg", *(bin_dir.iterdir() if bin_dir.is_dir() else ())]
    for path in files:
        if path.is_symlink() or not path.is_file() or path.stat().st_size > 1_000_000:
            continue
        data = path.read_bytes()
        if b"\0" in data[:8192] or before not in data:
            continue  # a binary, or nothing to do
        path.write_bytes(data.replace(before, after))


# -- small helpers --------------------------------------------------------------------------------


async def _in_thread(function: Callable[_P, _T], *args: _P.args, **kwargs: _P.kwargs) -> _T:
    """``asyncio.to_thread``, except that a cancellation waits for the thread to finish.

    A thread cannot be stopped: passing the cancellation on at once would let the cleanup (removing
    the half-built folder, releasing the lock) race with a thread still writing there.
    """
    future = asyncio.ensure_future(asyncio.to_thread(function, *args, **kwargs))
    try:
        return await asyncio.shield(future)
    except asyncio.CancelledError:
        try:
            await future
        except Exception:
            log.warning("%s failed after the provisioning was cancelled", function, exc_info=True)
        raise


class _OutputTail:
    """The last ``limit`` characters of a stream of lines."""

    def __init__(self, limit: int) -> None:
        self._limit = limit
        self._lines: deque[str] = deque()
        self._size = 0
        self._cut = False

    def add(self, line: str) -> None:
        line = line[-(self._limit - 1) :] + "\n"
        self._lines.append(line)
        self._size += len(line)
        while self._size > self._limit:
            self._size -= len(self._lines.popleft())
            self._cut = True

    def text(self) -> str:
        return ("[… earlier output cut …]\n" if self._cut else "") + "".join(self._lines)


def _prompt(env_dir: Path) -> str:
    # The activation scripts' prompt would otherwise be the build folder's name.
    return env_dir.parent.name if env_dir.name == ".venv" else env_dir.name


def _sibling(env_dir: Path, kind: Literal["new", "old"]) -> Path:
    return env_dir.with_name(f"{env_dir.name}.{kind}-{secrets.token_hex(4)}")


def _remove(path: Path) -> None:
    """Remove a file, symlink or folder tree if it exists; log what could not be removed."""
    if path.is_symlink() or path.is_file():
        with contextlib.suppress(FileNotFoundError):
            path.unlink()
    elif path.is_dir():
        shutil.rmtree(path, ignore_errors=True)
        if path.exists():
            log.warning("could not remove %s completely", path)


def _norm(path: str) -> str:
    return os.path.normcase(os.path.abspath(path))


def _version_tuple(version: str) -> tuple[int, ...]:
    parts = []
    for part in version.split(".")[:2]:
        digits = re.match(r"\d+", part)
        parts.append(int(digits.group()) if digits else 0)
    return tuple(parts)
