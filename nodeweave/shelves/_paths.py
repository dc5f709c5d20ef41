"""Paths of the file nodes: always inside the worker's files folder, never outside it.

A worker announces its folder in ``NODEWEAVE_FILES_DIR`` (``nodeweave run`` uses a ``files``
folder next to the workflow); without it the folder is ``./files``. Node inputs name files
relative to that folder. Absolute paths, ``..`` segments and symlinks that lead out of the folder
are refused with :class:`PathNotAllowedError`, so a workflow shared with someone else can only
read and write the files it was given.
"""

from __future__ import annotations

import os
import re
from pathlib import Path, PurePosixPath, PureWindowsPath

FILES_DIR_ENV = "NODEWEAVE_FILES_DIR"
_SEPARATORS = re.compile(r"[\\/]+")
_SHOWN_FILES = 5


class PathNotAllowedError(ValueError):
    """A path that is empty or would leave the files folder."""


def files_dir() -> Path:
    """The folder file nodes read from and write to (it may not exist yet)."""
    raw = os.environ.get(FILES_DIR_ENV, "")
    return Path(raw) if raw else Path.cwd() / "files"


def resolve(path: str, *, root: Path | None = None) -> Path:
    """The absolute, symlink-free location of ``path`` inside the files folder.

    The file itself need not exist (writers use this too); everything that does exist on the way
    is followed, and the result must still be inside the folder.
    """
    base = (root if root is not None else files_dir()).resolve()
    if not isinstance(path, str):
        raise TypeError(f"a path is text, got {type(path).__name__}")
    text = path.strip()
    if not text:
        raise PathNotAllowedError(
            "the path is empty: name a file inside the files folder, e.g. data.csv"
        )
    if PurePosixPath(text).is_absolute() or PureWindowsPath(text).is_absolute() or text[0] in "\\/":
        raise PathNotAllowedError(
            f"{path!r} is an absolute path; paths are relative to the files folder {base}"
        )
    if PureWindowsPath(text).drive:
        raise PathNotAllowedError(f"{path!r} names a drive; paths are relative to {base}")
    parts = _SEPARATORS.split(text)
    if ".." in parts:
        raise PathNotAllowedError(
            f"{path!r} contains '..'; paths must stay inside the files folder {base}"
        )
    target = (base / Path(*[p for p in parts if p not in ("", ".")])).resolve()
    if not target.is_relative_to(base):
        raise PathNotAllowedError(
            f"{path!r} leads outside the files folder {base} (it resolves to {target})"
        )
    return target


def existing_file(path: str, *, root: Path | None = None) -> Path:
    """:func:`resolve`, and the file must exist (else a message listing files that do)."""
    base = root if root is not None else files_dir()
    target = resolve(path, root=base)
    if target.is_file():
        return target
    if target.is_dir():
        raise IsADirectoryError(f"{path!r} is a folder, not a file")
    raise FileNotFoundError(missing_message(path, base))


def file_stamp(inputs: dict[str, object]) -> list[int]:
    """What a file reader's result depends on besides its inputs: the file's size and time
    (its nodes' ``cache_stamp``, so a changed file is never served from the result cache)."""
    path = inputs.get("path")
    st = resolve(path if isinstance(path, str) else "").stat()
    return [st.st_size, st.st_mtime_ns]


def missing_message(path: str, root: Path) -> str:
    """``no file 'x.csv' in the files folder …; it holds a.csv, b.csv, … (12 files)``."""
    found = list_files("**/*", root=root)
    where = f"no file {path!r} in the files folder {root}"
    if not found:
        return f"{where}; the folder has no files yet (upload one first)"
    shown = ", ".join(found[:_SHOWN_FILES])
    more = f", … ({len(found)} files)" if len(found) > _SHOWN_FILES else ""
    return f"{where}; it holds {shown}{more}"


def relative(target: Path, *, root: Path | None = None) -> str:
    """``target`` (a result of :func:`resolve`) as a path relative to the folder, with ``/``."""
    base = (root if root is not None else files_dir()).resolve()
    return target.relative_to(base).as_posix()


def list_files(pattern: str = "*", *, root: Path | None = None) -> list[str]:
    """Files matching a glob ``pattern`` (``*.csv``, ``**/*.parquet``), relative and sorted.

    Hidden files and folders are skipped, and so is anything that leads outside the folder.
    """
    base = (root if root is not None else files_dir()).resolve()
    text = pattern.strip() or "*"
    if PurePosixPath(text).is_absolute() or text[0] in "\\/" or PureWindowsPath(text).drive:
        raise PathNotAllowedError(
            f"{pattern!r} is an absolute pattern; patterns are relative to the files folder {base}"
        )
    if ".." in _SEPARATORS.split(text):
        raise PathNotAllowedError(f"{pattern!r} contains '..'; patterns stay inside {base}")
    if not base.is_dir():
        return []
    out: list[str] = []
    for found in base.glob(text):
        rel = found.relative_to(base)
        if any(part.startswith(".") for part in rel.parts):
            continue
        try:
            real = found.resolve()
        except OSError:
            continue
        if real.is_relative_to(base) and real.is_file():
            out.append(rel.as_posix())
    return sorted(out)


__all__ = [
    "FILES_DIR_ENV",
    "PathNotAllowedError",
    "existing_file",
    "files_dir",
    "list_files",
    "missing_message",
    "relative",
    "resolve",
]
