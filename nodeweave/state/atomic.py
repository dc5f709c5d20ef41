"""Crash-safe file replacement: a reader sees the old file or the new one, never a torn mix.

:func:`atomic_write` writes a temp file next to the target, fsyncs it, renames it over the target
and fsyncs the directory. With ``backup=True`` the previous version survives as ``<name>.bak``,
swapped in without any moment in which the target is missing. A process killed at any point
leaves the target complete (old or new); at worst a ``.<name>.tmp-…`` file remains, which
:func:`remove_temp_files` clears on the next start.
"""

from __future__ import annotations

import contextlib
import errno
import os
import secrets
import shutil
from pathlib import Path
from typing import Any

import orjson

BACKUP_SUFFIX = ".bak"

# Errors that mean "this file system cannot fsync a directory", not "the data is at risk".
_DIR_FSYNC_UNSUPPORTED = frozenset({errno.EINVAL, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EACCES})


class InvalidJsonFileError(ValueError):
    """A file that should hold JSON does not."""

    def __init__(self, path: Path, reason: str) -> None:
        super().__init__(f"{path} is not valid JSON: {reason}")
        self.path = path
        self.reason = reason


def backup_path(path: Path) -> Path:
    """Where :func:`atomic_write` keeps the previous version of ``path``."""
    return path.with_name(path.name + BACKUP_SUFFIX)


def temp_prefix(path: Path) -> str:
    """The name prefix of the temp files :func:`atomic_write` creates for ``path``."""
    return f".{path.name}.tmp-"


def atomic_write(path: Path, data: bytes, *, backup: bool = False, mode: int | None = None) -> None:
    """Replace ``path`` by ``data`` atomically and durably.

    ``backup=True`` keeps the version being replaced as ``<name>.bak``. ``mode`` sets the new
    file's permission bits; without it an existing file keeps its mode and a new one gets the
    usual ``0666 & ~umask``. On failure the target is untouched, the error is raised and no
    temp file is left behind.
    """
    directory = path.parent
    tmp = _create_temp(path, mode)
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CLOEXEC)
        try:
            _chmod_like(fd, path, mode)
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view) :]
            os.fsync(fd)
        finally:
            os.close(fd)
        if backup:
            _keep_backup(path)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    fsync_dir(directory)


def _temp_name(path: Path) -> Path:
    return path.with_name(temp_prefix(path) + secrets.token_hex(6))


def _create_temp(path: Path, mode: int | None) -> Path:
    """Create an empty, unique temp file next to ``path`` (so the final rename stays on one fs)."""
    while True:
        tmp = _temp_name(path)
        try:
            # Without an explicit mode 0o666 lets the umask decide, like a plain open() would.
            flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC
            fd = os.open(tmp, flags, 0o666 if mode is None else mode)
        except FileExistsError:
            continue
        os.close(fd)
        return tmp


def _chmod_like(fd: int, path: Path, mode: int | None) -> None:
    if mode is None:
        try:
            mode = os.stat(path).st_mode & 0o7777
        except FileNotFoundError:
            return
    os.fchmod(fd, mode)


def _keep_backup(path: Path) -> None:
    """Make ``<name>.bak`` the current ``path`` while ``path`` stays in place the whole time."""
    staged: Path | None = None
    try:
        while True:
            staged = _temp_name(path)
            try:
                os.link(path, staged)  # the old inode lives on under the backup name
            except FileExistsError:
                continue  # a name collision: draw again
            except FileNotFoundError:
                staged = None
                return  # nothing to back up yet
            except OSError:
                shutil.copy2(path, staged)  # a file system without hard links
            break
        os.replace(staged, backup_path(path))
        staged = None
    finally:
        if staged is not None:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(staged)


def fsync_dir(directory: Path) -> None:
    """Make renames and links in ``directory`` durable (skipped where the fs cannot do it)."""
    try:
        fd = os.open(directory, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    except OSError as exc:
        if exc.errno in _DIR_FSYNC_UNSUPPORTED:
            return
        raise
    try:
        os.fsync(fd)
    except OSError as exc:
        if exc.errno not in _DIR_FSYNC_UNSUPPORTED:
            raise
    finally:
        os.close(fd)


def remove_temp_files(path: Path) -> list[Path]:
    """Delete temp files that a killed :func:`atomic_write` of ``path`` left behind.

    Only call this while nobody else writes ``path`` (e.g. while holding the worker lock): it
    cannot tell a leftover from a write in progress.
    """
    removed: list[Path] = []
    prefix = temp_prefix(path)
    try:
        entries = list(path.parent.iterdir())
    except FileNotFoundError:
        return removed
    for entry in entries:
        if entry.name.startswith(prefix):
            with contextlib.suppress(FileNotFoundError):
                entry.unlink()
                removed.append(entry)
    return removed


def read_json_file(path: Path) -> Any:
    """Parse a JSON file; invalid JSON raises :class:`InvalidJsonFileError` (OSErrors pass)."""
    data = path.read_bytes()
    try:
        return orjson.loads(data)
    except orjson.JSONDecodeError as exc:
        raise InvalidJsonFileError(path, str(exc)) from None
