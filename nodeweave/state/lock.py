"""An exclusive, crash-proof "I am running" lock on a file (``fcntl.flock``).

The kernel releases an flock when the holding process dies, however it dies, so "is worker X
running?" is answered by trying the lock, never by trusting a pid file that a crash left behind.
The holder writes its pid into the locked file as a courtesy for error messages and for
:func:`lock_holder`; the lock itself is the truth.

flock locks belong to an open file description: two :class:`FileLock` objects on one path
exclude each other even inside one process. The file is never deleted: unlinking a lock file
lets a second process lock a fresh inode under the same name while the first still holds the
old one.
"""

from __future__ import annotations

import fcntl
import os
import time
from pathlib import Path
from types import TracebackType

# How long acquire() waits out probes of other processes: 200 × 0.5 ms.
_PROBE_RETRIES = 200
_PROBE_RETRY_PAUSE = 0.0005


class LockHeldError(RuntimeError):
    """Someone else holds the lock. ``pid`` is theirs when the lock file says so."""

    def __init__(self, path: Path, pid: int | None, what: str | None = None) -> None:
        holder = f"pid {pid}" if pid is not None else "pid unknown"
        if what:
            message = f"{what} is already running ({holder}; lock file {path})"
        else:
            message = f"{path} is locked by another process ({holder})"
        super().__init__(message)
        self.path = path
        self.pid = pid
        self.what = what


class FileLock:
    """A non-blocking exclusive lock on ``path``, held until :meth:`release` or process exit.

    ``what`` names the locked thing in error messages, e.g. ``"worker abc"`` gives
    "worker abc is already running (pid 123; …)". The file is created (mode 0600) if needed.
    """

    def __init__(self, path: Path, *, what: str | None = None) -> None:
        self.path = Path(path)
        self.what = what
        self._fd: int | None = None

    @property
    def held(self) -> bool:
        """Whether this object holds the lock."""
        return self._fd is not None

    def acquire(self) -> None:
        """Take the lock now or raise :class:`LockHeldError`; then record our pid in the file."""
        if self._fd is not None:
            raise RuntimeError(f"{self.path} is already locked by this FileLock")
        # O_CLOEXEC: a program we exec must not keep our lock alive after we die.
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
        try:
            if not _lock_exclusive(fd):
                pid = _read_pid(fd)
                raise LockHeldError(self.path, pid, self.what)
        except BaseException:
            os.close(fd)
            raise
        try:
            # Only now may we touch the content: before, it was the holder's.
            os.ftruncate(fd, 0)
            os.pwrite(fd, f"{os.getpid()}\n".encode("ascii"), 0)
            os.fsync(fd)
        except BaseException:
            os.close(fd)  # closing the only fd of the description drops the lock
            raise
        self._fd = fd

    def release(self) -> None:
        """Drop the lock (idempotent). The file stays; see the module docstring for why."""
        fd, self._fd = self._fd, None
        if fd is None:
            return
        try:
            fcntl.flock(fd, fcntl.LOCK_UN)
        finally:
            os.close(fd)

    def __enter__(self) -> FileLock:
        self.acquire()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.release()

    def __repr__(self) -> str:
        return f"FileLock({str(self.path)!r}, held={self.held})"


def _lock_exclusive(fd: int) -> bool:
    """Take an exclusive flock without blocking; False if another holder has it.

    Probes (:func:`lock_holder`) hold a *shared* lock for a few microseconds. Failing because of
    a probe would make a starting worker believe it is already running, so when the only
    conflict is shared (a shared lock of our own still succeeds) try again, briefly.
    """
    for _ in range(_PROBE_RETRIES):
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            pass
        else:
            return True
        try:
            fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:
            return False  # an exclusive holder: the real thing
        fcntl.flock(fd, fcntl.LOCK_UN)
        time.sleep(_PROBE_RETRY_PAUSE)
    return False


def is_locked(path: Path) -> bool:
    """Whether some process (this one included) currently holds the lock on ``path``."""
    return _probe(path)[0]


def lock_holder(path: Path) -> int | None:
    """The pid of the process holding the lock on ``path``, or None if nobody holds it.

    Returns None as well in the microseconds between a holder taking the lock and writing its
    pid; use :func:`is_locked` when only "held or not" matters.
    """
    locked, pid = _probe(path)
    return pid if locked else None


def _probe(path: Path) -> tuple[bool, int | None]:
    try:
        # Read-only and no O_CREAT: probing must not create files or need write access.
        fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC)
    except FileNotFoundError:
        return False, None
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:
            return True, _read_pid(fd)
        fcntl.flock(fd, fcntl.LOCK_UN)
        return False, None
    finally:
        os.close(fd)


def _read_pid(fd: int) -> int | None:
    try:
        text = os.pread(fd, 64, 0).decode("ascii", errors="replace").strip()
    except OSError:
        return None
    return int(text) if text.isdigit() and int(text) > 0 else None
