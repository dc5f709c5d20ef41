"""Files shared by the hub and its workers: state paths, the token, atomic writes, locks.

Used by both ``nodeweave.worker`` and ``nodeweave.workermanager``, so it imports neither, nor the
core or the protocol. Importing it has no side effects on the file system.
"""

from __future__ import annotations

from .atomic import (
    InvalidJsonFileError,
    atomic_write,
    backup_path,
    read_json_file,
    remove_temp_files,
)
from .lock import FileLock, LockHeldError, is_locked, lock_holder
from .paths import (
    BEACON_FILE,
    CACHE_DIR,
    ENV_STATE_DIR,
    FILES_DIR,
    JOURNAL_FILE,
    LIBRARY_CACHE_FILE,
    LOCK_FILE,
    LOG_FILE,
    MODULES_DIR,
    NODESPACE_FILE,
    RUNTIME_FILE,
    TOKEN_FILE,
    WORKER_FILE,
    WORKER_ID_RE,
    WORKERS_DIR,
    InvalidWorkerIdError,
    check_worker_id,
    ensure_token,
    read_token,
    state_dir,
    token_path,
    worker_dir,
    workers_dir,
)

__all__ = [
    "BEACON_FILE",
    "CACHE_DIR",
    "ENV_STATE_DIR",
    "FILES_DIR",
    "JOURNAL_FILE",
    "LIBRARY_CACHE_FILE",
    "LOCK_FILE",
    "LOG_FILE",
    "MODULES_DIR",
    "NODESPACE_FILE",
    "RUNTIME_FILE",
    "TOKEN_FILE",
    "WORKERS_DIR",
    "WORKER_FILE",
    "WORKER_ID_RE",
    "FileLock",
    "InvalidJsonFileError",
    "InvalidWorkerIdError",
    "LockHeldError",
    "atomic_write",
    "backup_path",
    "check_worker_id",
    "ensure_token",
    "is_locked",
    "lock_holder",
    "read_json_file",
    "read_token",
    "remove_temp_files",
    "state_dir",
    "token_path",
    "worker_dir",
    "workers_dir",
]
