"""A worker's log: kept to a bounded size, one previous generation beside it.

The hub starts a worker with its stderr on ``worker.log`` and rotates that file at each start;
a worker that runs for weeks rotates it itself (:class:`LogCap`): when the file grows past the
cap it is renamed ``worker.log.1`` (replacing the older one) and stderr — the file descriptor, so
that everything written there, a C library's messages included, follows — moves to a new
``worker.log``.
"""

from __future__ import annotations

import contextlib
import logging
import os
import sys
import threading
from pathlib import Path

log = logging.getLogger("nodeweave.state")

LOG_ROTATE_BYTES = 5 * 2**20
"""A log past this size is rotated: at a worker's start (by the hub), and while it runs."""


def rotate(path: Path, keep_bytes: int = LOG_ROTATE_BYTES) -> bool:
    """Keep one previous log (``worker.log.1``) once the log grows past ``keep_bytes``."""
    with contextlib.suppress(FileNotFoundError):
        if path.stat().st_size > keep_bytes:
            os.replace(path, path.with_name(path.name + ".1"))
            return True
    return False


class LogCap:
    """Rotates ``path`` while the process runs, if the process's stderr is that file."""

    def __init__(self, path: Path, *, max_bytes: int = LOG_ROTATE_BYTES, every: float = 5.0):
        self.path = path
        self.max_bytes = max_bytes
        self.every = every
        self.rotations = 0
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    @staticmethod
    def stderr_is(path: Path) -> bool:
        try:
            mine, theirs = os.fstat(sys.stderr.fileno()), os.stat(path)
        except (OSError, ValueError, AttributeError):
            return False
        return (mine.st_dev, mine.st_ino) == (theirs.st_dev, theirs.st_ino)

    def start(self) -> bool:
        """Begin watching (only when stderr is the log file); whether it did."""
        if not self.stderr_is(self.path):
            return False
        self._thread = threading.Thread(target=self._run, name="nodeweave-log-cap", daemon=True)
        self._thread.start()
        return True

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(self.every + 1)

    def check(self) -> bool:
        """Rotate now if the log is past the cap; whether it did."""
        try:
            if os.fstat(sys.stderr.fileno()).st_size <= self.max_bytes:
                return False
        except (OSError, ValueError):
            return False
        sys.stderr.flush()
        if not rotate(self.path, self.max_bytes):
            return False
        fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        try:
            os.dup2(fd, sys.stderr.fileno())
        finally:
            os.close(fd)
        self.rotations += 1
        log.info(
            "log rotated (over %d bytes); the previous one is %s.1", self.max_bytes, self.path.name
        )
        return True

    def _run(self) -> None:
        while not self._stop.wait(self.every):
            self.check()
