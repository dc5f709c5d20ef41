"""Where nodeweave keeps its state: the state directory, worker folders, the token.

Layout (ARCHITECTURE §9)::

    $FUNCNODES_CONFIG_DIR (default ~/.funcnodes)/
        token                       shared secret of the hub and its workers (mode 0600)
        workers/<id>/
            worker.json             the worker's record (name, requirements, …)
            nodespace.json          the graph, saved atomically (+ nodespace.json.bak)
            runtime.json            what a running worker reports (port, pid, …)
            worker.lock             held (flock) for as long as the worker runs
            worker.log              the worker's stdout/stderr
            modules/                node modules of this worker (*.py, hot-reloaded)
            files/                  uploads

Nothing here touches the file system at import time; only :func:`ensure_token` creates anything.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import re
import secrets
from collections.abc import Mapping
from pathlib import Path

from .atomic import fsync_dir

ENV_STATE_DIR = "FUNCNODES_CONFIG_DIR"
DEFAULT_STATE_DIR_NAME = ".funcnodes"

TOKEN_FILE = "token"
WORKERS_DIR = "workers"

# Files and folders inside one worker folder.
WORKER_FILE = "worker.json"
NODESPACE_FILE = "nodespace.json"
JOURNAL_FILE = "nodespace.journal"
BEACON_FILE = "running.beacon"
RUNTIME_FILE = "runtime.json"
LOCK_FILE = "worker.lock"
LOG_FILE = "worker.log"
MODULES_DIR = "modules"
FILES_DIR = "files"
CACHE_DIR = "cache"
LIBRARY_CACHE_FILE = "library.json"
"""What the worker's installed FuncNodes modules put in the library when they last loaded: it
answers get_library and list_modules for them while they are not imported (worker/librarycache)."""

# A worker id is a single, harmless path component: it names a folder and shows up in URLs.
WORKER_ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")


class InvalidWorkerIdError(ValueError):
    """A worker id that could not safely name a folder."""

    def __init__(self, worker_id: str) -> None:
        super().__init__(
            f"invalid worker id {worker_id!r}: use 1 to 64 letters, digits, '_', '.' or '-', "
            "starting with a letter or digit, without '..'"
        )
        self.worker_id = worker_id


def check_worker_id(worker_id: str) -> str:
    """Return ``worker_id`` unchanged if it is valid, else raise :class:`InvalidWorkerIdError`."""
    # fullmatch, not match: "$" would also accept a trailing newline.
    if not isinstance(worker_id, str) or not WORKER_ID_RE.fullmatch(worker_id) or ".." in worker_id:
        raise InvalidWorkerIdError(str(worker_id))
    return worker_id


def state_dir(environ: Mapping[str, str] | None = None) -> Path:
    """The state directory: ``$FUNCNODES_CONFIG_DIR`` if set and non-empty, else ``~/.funcnodes``.

    ``environ`` defaults to ``os.environ``; ``~`` is expanded with its ``HOME`` when it has one.
    The result is absolute; nothing is created.
    """
    env: Mapping[str, str] = os.environ if environ is None else environ
    raw = env.get(ENV_STATE_DIR, "")
    if raw:
        return _expand_home(raw, env).absolute()
    return _home(env) / DEFAULT_STATE_DIR_NAME


def _home(env: Mapping[str, str]) -> Path:
    home = env.get("HOME", "")
    return Path(home) if home else Path.home()


def _expand_home(raw: str, env: Mapping[str, str]) -> Path:
    if raw == "~" or raw.startswith("~/"):
        return _home(env) / raw[2:]
    return Path(raw).expanduser()  # "~user/…" or no tilde at all


def workers_dir(state: Path) -> Path:
    """The folder that holds one subfolder per worker."""
    return state / WORKERS_DIR


def worker_dir(state: Path, worker_id: str) -> Path:
    """The folder of one worker (the id is validated, so it cannot escape ``workers/``)."""
    return workers_dir(state) / check_worker_id(worker_id)


def token_path(state: Path) -> Path:
    """Where the token lives."""
    return state / TOKEN_FILE


def read_token(state: Path) -> str | None:
    """The token, or None when the file is missing or empty."""
    try:
        text = token_path(state).read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        return None
    return text or None


def ensure_token(state: Path) -> str:
    """The token, created (mode 0600, in a created state directory) if there is none yet.

    Safe against concurrent callers, in threads or processes: all of them return the same token.
    The token file only ever appears complete: it is written to a private temp file first and
    then hard-linked into place, which fails if another creator won the race (that one's token is
    then read and returned). An existing token file keeps its content and its mode.
    """
    token = read_token(state)
    if token is not None:
        return token
    state.mkdir(mode=0o700, parents=True, exist_ok=True)
    target = token_path(state)
    candidate = secrets.token_urlsafe(32)
    tmp = state / f".{TOKEN_FILE}.tmp-{secrets.token_hex(8)}"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o600)
    try:
        try:
            os.fchmod(fd, 0o600)  # the umask can only narrow 0600, but be explicit
            os.write(fd, (candidate + "\n").encode("ascii"))
            os.fsync(fd)
        finally:
            os.close(fd)
        try:
            os.link(tmp, target)
        except FileExistsError:
            pass  # someone else's token is in place (or an empty file: repaired below)
        else:
            fsync_dir(state)
            return candidate
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
    return _read_or_repair(target, candidate)


def _read_or_repair(target: Path, candidate: str) -> str:
    """Read an existing token file; fill it with ``candidate`` if it is empty.

    An empty token file is not a creation in progress (creators link complete files into place)
    but a leftover, e.g. from ``touch``. Repairers serialize on an flock of the file itself, so
    only the first one writes and the others read its token.
    """
    fd = os.open(target, os.O_RDWR | os.O_CLOEXEC)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        try:
            existing = _read_all(fd).decode("utf-8", errors="replace").strip()
            if existing:
                return existing
            os.fchmod(fd, 0o600)  # it held nothing, so tightening it loses nothing
            os.ftruncate(fd, 0)
            os.pwrite(fd, (candidate + "\n").encode("ascii"), 0)
            os.fsync(fd)
            return candidate
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


def _read_all(fd: int) -> bytes:
    chunks: list[bytes] = []
    offset = 0
    while chunk := os.pread(fd, 65536, offset):
        chunks.append(chunk)
        offset += len(chunk)
    return b"".join(chunks)
