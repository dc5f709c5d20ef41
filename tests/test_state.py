"""nodeweave.state: the state directory, worker ids, the token, atomic writes and locks."""

from __future__ import annotations

import errno
import os
import signal
import stat
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from nodeweave.state import (
    LOCK_FILE,
    TOKEN_FILE,
    FileLock,
    InvalidJsonFileError,
    InvalidWorkerIdError,
    LockHeldError,
    atomic_write,
    check_worker_id,
    ensure_token,
    is_locked,
    lock_holder,
    read_json_file,
    read_token,
    remove_temp_files,
    state_dir,
    worker_dir,
    workers_dir,
)
from tests.test_architecture import PACKAGE, imports_of

# --- helpers ---------------------------------------------------------------------------------


def spawn(code: str, *args: str) -> subprocess.Popen[str]:
    """A child Python running ``code`` (stdin/stdout piped, text mode)."""
    return subprocess.Popen(
        [sys.executable, "-c", code, *args],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )


@pytest.fixture
def children() -> Iterator[list[subprocess.Popen[str]]]:
    """Processes a test starts; any still alive at the end are killed and reaped."""
    procs: list[subprocess.Popen[str]] = []
    yield procs
    for proc in procs:
        if proc.poll() is None:
            proc.kill()
        proc.wait(timeout=10)
        for stream in (proc.stdin, proc.stdout):
            if stream is not None:
                stream.close()


def mode_of(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def names(directory: Path) -> set[str]:
    return {p.name for p in directory.iterdir()}


# --- the package itself ------------------------------------------------------------------------

STATE_MUST_NOT_IMPORT = (
    "nodeweave.core",
    "nodeweave.worker",
    "nodeweave.workermanager",
    "nodeweave.protocol",
    "nodeweave.cli",
    "nodeweave.shelves",
    "aiohttp",
)


def test_state_is_shared_by_worker_and_hub_so_imports_neither() -> None:
    found = [
        f"{path.name}:{line} imports {name}"
        for path in sorted((PACKAGE / "state").rglob("*.py"))
        for line, name in imports_of(path, PACKAGE)
        if any(name == banned or name.startswith(banned + ".") for banned in STATE_MUST_NOT_IMPORT)
    ]
    assert found == []


def test_importing_state_creates_nothing(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "FUNCNODES_CONFIG_DIR"}
    env["HOME"] = str(tmp_path)
    code = "import nodeweave.state as s; print(s.state_dir())"
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == str(tmp_path / ".funcnodes")
    assert list(tmp_path.iterdir()) == []


# --- the state directory ----------------------------------------------------------------------


def test_state_dir_comes_from_the_environment_variable(tmp_path: Path) -> None:
    assert state_dir({"FUNCNODES_CONFIG_DIR": str(tmp_path / "s")}) == tmp_path / "s"


def test_state_dir_defaults_to_dot_funcnodes_in_home(tmp_path: Path) -> None:
    assert state_dir({"HOME": str(tmp_path)}) == tmp_path / ".funcnodes"
    assert state_dir({"HOME": str(tmp_path), "FUNCNODES_CONFIG_DIR": ""}) == tmp_path / ".funcnodes"


def test_state_dir_expands_the_tilde_and_is_absolute(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert state_dir({"HOME": str(tmp_path), "FUNCNODES_CONFIG_DIR": "~/nw"}) == tmp_path / "nw"
    monkeypatch.chdir(tmp_path)
    relative = state_dir({"FUNCNODES_CONFIG_DIR": "rel/dir"})
    assert relative.is_absolute()
    assert relative == tmp_path / "rel" / "dir"


def test_state_dir_reads_os_environ_by_default(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FUNCNODES_CONFIG_DIR", str(tmp_path / "from-env"))
    assert state_dir() == tmp_path / "from-env"


def test_state_dir_creates_nothing(tmp_path: Path) -> None:
    state_dir({"FUNCNODES_CONFIG_DIR": str(tmp_path / "s")})
    worker_dir(tmp_path / "s", "w1")
    assert list(tmp_path.iterdir()) == []


def test_worker_dir_is_under_workers(tmp_path: Path) -> None:
    assert workers_dir(tmp_path) == tmp_path / "workers"
    assert worker_dir(tmp_path, "abc-1") == tmp_path / "workers" / "abc-1"


@pytest.mark.parametrize("worker_id", ["a", "A9", "abc-1.2_x", "0" * 64, "a.b", "x-"])
def test_valid_worker_ids_pass_unchanged(worker_id: str) -> None:
    assert check_worker_id(worker_id) == worker_id


@pytest.mark.parametrize(
    "worker_id",
    ["", ".hidden", "-x", "_x", "a/b", "a\\b", "a..b", "..", "x" * 65, "a\n", "ä", " a", "a b"],
)
def test_invalid_worker_ids_are_refused(tmp_path: Path, worker_id: str) -> None:
    with pytest.raises(InvalidWorkerIdError, match="invalid worker id"):
        check_worker_id(worker_id)
    with pytest.raises(ValueError, match="invalid worker id"):
        worker_dir(tmp_path, worker_id)


# --- the token --------------------------------------------------------------------------------


def test_read_token_is_none_when_missing_or_empty(tmp_path: Path) -> None:
    assert read_token(tmp_path) is None
    (tmp_path / TOKEN_FILE).write_text("  \n")
    assert read_token(tmp_path) is None


def test_ensure_token_creates_the_state_dir_and_a_private_token(tmp_path: Path) -> None:
    state = tmp_path / "a" / "state"
    token = ensure_token(state)
    assert len(token) >= 40
    assert mode_of(state / TOKEN_FILE) == 0o600
    assert read_token(state) == token
    assert ensure_token(state) == token
    assert names(state) == {TOKEN_FILE}  # no temp files left


def test_ensure_token_keeps_an_existing_token_and_its_mode(tmp_path: Path) -> None:
    (tmp_path / TOKEN_FILE).write_text("my-token\n")
    (tmp_path / TOKEN_FILE).chmod(0o644)
    assert ensure_token(tmp_path) == "my-token"
    assert mode_of(tmp_path / TOKEN_FILE) == 0o644
    assert (tmp_path / TOKEN_FILE).read_text() == "my-token\n"


def test_ensure_token_fills_an_empty_token_file(tmp_path: Path) -> None:
    (tmp_path / TOKEN_FILE).touch(mode=0o644)
    token = ensure_token(tmp_path)
    assert token
    assert read_token(tmp_path) == token
    assert mode_of(tmp_path / TOKEN_FILE) == 0o600


def test_concurrent_threads_agree_on_one_token(tmp_path: Path) -> None:
    state = tmp_path / "state"
    barrier = threading.Barrier(16)
    results: list[str] = []

    def create() -> None:
        barrier.wait()
        results.append(ensure_token(state))

    threads = [threading.Thread(target=create) for _ in range(16)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(results) == 16
    assert set(results) == {read_token(state)}
    assert names(state) == {TOKEN_FILE}


def test_concurrent_threads_agree_when_repairing_an_empty_token(tmp_path: Path) -> None:
    (tmp_path / TOKEN_FILE).touch()
    barrier = threading.Barrier(8)
    results: list[str] = []

    def create() -> None:
        barrier.wait()
        results.append(ensure_token(tmp_path))

    threads = [threading.Thread(target=create) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert set(results) == {read_token(tmp_path)}


def test_concurrent_processes_agree_on_one_token(
    tmp_path: Path, children: list[subprocess.Popen[str]]
) -> None:
    state = tmp_path / "state"
    code = (
        "import sys, pathlib\n"
        "from nodeweave.state import ensure_token\n"
        "sys.stdin.readline()\n"  # start line: all children race from here
        "print(ensure_token(pathlib.Path(sys.argv[1])))\n"
    )
    children += [spawn(code, str(state)) for _ in range(6)]
    for proc in children:
        assert proc.stdin is not None
        proc.stdin.write("go\n")
        proc.stdin.flush()
    tokens = set()
    for proc in children:
        out, _ = proc.communicate(timeout=30)
        assert proc.returncode == 0
        tokens.add(out.strip())
    assert tokens == {read_token(state)}
    assert mode_of(state / TOKEN_FILE) == 0o600


# --- atomic writes ----------------------------------------------------------------------------


def test_atomic_write_writes_the_content(tmp_path: Path) -> None:
    target = tmp_path / "f.json"
    atomic_write(target, b'{"a": 1}')
    assert target.read_bytes() == b'{"a": 1}'
    atomic_write(target, b"second")
    assert target.read_bytes() == b"second"
    assert names(tmp_path) == {"f.json"}


def test_backup_keeps_the_previous_version(tmp_path: Path) -> None:
    target = tmp_path / "f.json"
    atomic_write(target, b"one", backup=True)
    assert names(tmp_path) == {"f.json"}  # nothing to back up yet
    atomic_write(target, b"two", backup=True)
    assert (tmp_path / "f.json.bak").read_bytes() == b"one"
    atomic_write(target, b"three", backup=True)
    assert target.read_bytes() == b"three"
    assert (tmp_path / "f.json.bak").read_bytes() == b"two"
    assert names(tmp_path) == {"f.json", "f.json.bak"}


def test_mode_sets_the_permissions_and_an_existing_mode_is_kept(tmp_path: Path) -> None:
    secret = tmp_path / "secret"
    atomic_write(secret, b"x", mode=0o600)
    assert mode_of(secret) == 0o600
    shared = tmp_path / "shared"
    shared.write_bytes(b"old")
    shared.chmod(0o640)
    atomic_write(shared, b"new")
    assert mode_of(shared) == 0o640


def test_a_failed_rename_leaves_the_old_file_and_no_temp_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "f.json"
    atomic_write(target, b"old", backup=True)
    real_replace = os.replace

    def failing_replace(src: str | os.PathLike[str], dst: str | os.PathLike[str]) -> None:
        if Path(dst) == target:
            raise OSError(errno.ENOSPC, "No space left on device")
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", failing_replace)
    with pytest.raises(OSError, match="No space left"):
        atomic_write(target, b"new", backup=True)
    assert target.read_bytes() == b"old"
    assert names(tmp_path) <= {"f.json", "f.json.bak"}


def test_a_failed_fsync_leaves_the_old_file_and_no_temp_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "f.json"
    atomic_write(target, b"old")

    def failing_fsync(fd: int) -> None:
        raise OSError(errno.EIO, "Input/output error")

    monkeypatch.setattr(os, "fsync", failing_fsync)
    with pytest.raises(OSError, match="Input/output"):
        atomic_write(target, b"new", backup=True)
    monkeypatch.undo()
    assert target.read_bytes() == b"old"
    assert names(tmp_path) == {"f.json"}


def test_a_missing_directory_raises_and_creates_nothing(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        atomic_write(tmp_path / "nope" / "f.json", b"x")
    assert list(tmp_path.iterdir()) == []


def test_readers_never_see_the_file_missing_or_torn(tmp_path: Path) -> None:
    target = tmp_path / "f.json"
    atomic_write(target, b"A" * 10000, backup=True)
    atomic_write(target, b"B" * 10000, backup=True)  # now the backup exists too
    stop = threading.Event()
    seen: list[bytes] = []
    errors: list[BaseException] = []

    def reader() -> None:
        while not stop.is_set():
            try:
                for path in (target, tmp_path / "f.json.bak"):
                    seen.append(path.read_bytes())
            except BaseException as exc:  # noqa: BLE001 - handed to the test thread
                errors.append(exc)
                return

    thread = threading.Thread(target=reader)
    thread.start()
    try:
        for i in range(300):
            atomic_write(target, bytes([65 + i % 26]) * 10000, backup=True)
    finally:
        stop.set()
        thread.join()
    assert errors == []
    assert all(len(data) == 10000 and len(set(data)) == 1 for data in seen)


def test_remove_temp_files_clears_leftovers_only(tmp_path: Path) -> None:
    target = tmp_path / "f.json"
    atomic_write(target, b"x")
    leftover = tmp_path / ".f.json.tmp-abc123"
    leftover.write_bytes(b"half")
    other = tmp_path / ".g.json.tmp-abc123"
    other.write_bytes(b"not ours")
    assert remove_temp_files(target) == [leftover]
    assert names(tmp_path) == {"f.json", ".g.json.tmp-abc123"}


def test_read_json_file_parses_and_names_the_file_when_invalid(tmp_path: Path) -> None:
    good = tmp_path / "good.json"
    good.write_bytes(b'{"a": [1, 2]}')
    assert read_json_file(good) == {"a": [1, 2]}
    bad = tmp_path / "bad.json"
    bad.write_bytes(b'{"a": ')
    with pytest.raises(InvalidJsonFileError, match=r"bad\.json is not valid JSON") as info:
        read_json_file(bad)
    assert info.value.path == bad
    with pytest.raises(FileNotFoundError):
        read_json_file(tmp_path / "missing.json")


# --- locks ------------------------------------------------------------------------------------


def test_acquire_records_the_pid_and_lock_holder_reports_it(tmp_path: Path) -> None:
    path = tmp_path / LOCK_FILE
    lock = FileLock(path)
    assert not lock.held
    assert lock_holder(path) is None  # no file yet
    lock.acquire()
    try:
        assert lock.held
        assert path.read_text() == f"{os.getpid()}\n"
        assert lock_holder(path) == os.getpid()
        assert is_locked(path)
    finally:
        lock.release()
    assert not lock.held
    assert lock_holder(path) is None
    assert not is_locked(path)
    assert path.exists()  # deleting lock files races with other acquirers


def test_a_second_lock_in_the_same_process_fails_with_the_holder_pid(tmp_path: Path) -> None:
    path = tmp_path / LOCK_FILE
    with FileLock(path):
        with pytest.raises(LockHeldError) as info:
            FileLock(path, what="worker abc").acquire()
        assert info.value.pid == os.getpid()
        assert info.value.path == path
        assert str(info.value).startswith(f"worker abc is already running (pid {os.getpid()}")
        with pytest.raises(LockHeldError, match=f"{LOCK_FILE} is locked by another process"):
            FileLock(path).acquire()
        assert path.read_text() == f"{os.getpid()}\n"  # the failed attempts left it alone


def test_release_is_idempotent_and_allows_reacquiring(tmp_path: Path) -> None:
    path = tmp_path / LOCK_FILE
    first = FileLock(path)
    first.acquire()
    first.release()
    first.release()
    second = FileLock(path)
    second.acquire()
    second.release()
    first.acquire()  # the same object can take it again
    first.release()


def test_acquiring_twice_with_one_object_is_a_bug(tmp_path: Path) -> None:
    with FileLock(tmp_path / LOCK_FILE) as lock, pytest.raises(RuntimeError, match="already"):
        lock.acquire()


def test_probing_never_makes_an_acquire_fail(tmp_path: Path) -> None:
    path = tmp_path / LOCK_FILE
    path.touch()
    stop = threading.Event()

    def probe() -> None:
        while not stop.is_set():
            lock_holder(path)

    prober = threading.Thread(target=probe)
    prober.start()
    try:
        for _ in range(300):
            with FileLock(path):
                pass
    finally:
        stop.set()
        prober.join()


LOCK_IN_CHILD = """
import sys
from pathlib import Path
from nodeweave.state import FileLock, LockHeldError
try:
    FileLock(Path(sys.argv[1]), what="worker w1").acquire()
except LockHeldError as exc:
    print("held", exc.pid, exc, flush=True)
    sys.exit(0)
print("locked", flush=True)
sys.stdin.read()  # hold the lock until the parent closes stdin (or kills us)
"""


def test_a_second_process_cannot_take_the_lock(
    tmp_path: Path, children: list[subprocess.Popen[str]]
) -> None:
    path = tmp_path / LOCK_FILE
    with FileLock(path):
        child = spawn(LOCK_IN_CHILD, str(path))
        children.append(child)
        out, _ = child.communicate(timeout=30)
    word, pid, *_ = out.split()
    assert word == "held"
    assert int(pid) == os.getpid()
    assert f"worker w1 is already running (pid {os.getpid()}" in out


def test_the_lock_of_a_killed_process_is_free_again(
    tmp_path: Path, children: list[subprocess.Popen[str]]
) -> None:
    path = tmp_path / LOCK_FILE
    child = spawn(LOCK_IN_CHILD, str(path))
    children.append(child)
    assert child.stdout is not None
    assert child.stdout.readline().strip() == "locked"
    assert lock_holder(path) == child.pid
    with pytest.raises(LockHeldError) as info:
        FileLock(path).acquire()
    assert info.value.pid == child.pid

    os.kill(child.pid, signal.SIGKILL)
    child.wait(timeout=10)
    assert lock_holder(path) is None
    assert path.read_text() == f"{child.pid}\n"  # the stale pid is there, and means nothing
    with FileLock(path):
        assert lock_holder(path) == os.getpid()
