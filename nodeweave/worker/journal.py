"""The edit journal: every acknowledged edit is on disk before anything can compute after it.

The autosave writes the whole graph a moment after changes stop (``nodespace.json``), on the
event loop's schedule — which a node that hangs the loop never lets come. So each edit is also
appended, as the edits that redo it, to ``nodespace.journal`` *while the edit command runs*:
one ``write`` of one JSON line, before the reply and before the loop can start the runs the
edit caused. A worker killed at any moment after (a hang, ``SIGKILL``, a crash) loses nothing
it acknowledged: the next start loads ``nodespace.json`` and replays the journal's entries that
came after it.

Entries are numbered; ``nodespace.json`` records the number of the last one it includes
(``journal_seq``), so a replay never applies an edit twice. Once a save includes every entry,
the journal is emptied. Writes are not fsynced: they survive the process, not a power cut (the
autosave's fsync, within ``autosave_max_delay``, covers that).
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson

log = logging.getLogger("nodeweave.worker")

Op = tuple[str, dict[str, Any]]

SEQ_KEY = "journal_seq"
"""The key of ``nodespace.json`` that says which journal entries it includes."""


class Journal:
    def __init__(self, path: Path, seq: int = 0) -> None:
        self.path = path
        self.seq = seq
        self._fd: int | None = None
        self.problems: list[str] = []
        """Entries that could not be written (the reason, once per kind); the autosave still
        saves those edits."""

    def open(self, seq: int) -> None:
        """Start appending after entry ``seq`` (the highest number on disk)."""
        self.seq = seq
        flags = os.O_RDWR | os.O_APPEND | os.O_CREAT | getattr(os, "O_CLOEXEC", 0)
        self._fd = fd = os.open(self.path, flags, 0o600)
        size = os.fstat(fd).st_size
        if size and os.pread(fd, 1, size - 1) != b"\n":
            os.write(fd, b"\n")  # a line cut short by a crash: the next entry starts afresh

    def close(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None

    def append(self, ops: list[Op]) -> None:
        """Write the edits that redo one change (called inside the edit, before its reply)."""
        if self._fd is None or not ops:
            return
        try:
            line = orjson.dumps([self.seq + 1, ops]) + b"\n"
        except TypeError as exc:
            # A value JSON cannot hold (set from Python): the document cannot hold it either.
            self._problem(f"an edit was not journaled: {exc}")
            return
        try:
            written = os.write(self._fd, line)
        except OSError as exc:
            self._problem(f"cannot append to {self.path}: {exc}")
            return
        if written != len(line):  # a full disk: never leave half a line for the next entry
            self._problem(f"cannot append to {self.path}: disk full")
            os.ftruncate(self._fd, os.fstat(self._fd).st_size - written)
            return
        self.seq += 1

    def saved(self, seq: int) -> None:
        """A save included every entry up to ``seq``: empty the journal if that is all of it."""
        if self._fd is not None and seq == self.seq:
            try:
                os.ftruncate(self._fd, 0)
            except OSError as exc:
                log.warning("cannot empty %s: %s", self.path, exc)

    def _problem(self, text: str) -> None:
        if text not in self.problems:
            log.error("%s", text)
            self.problems.append(text)


def read_entries(path: Path, after: int) -> tuple[list[tuple[int, list[Op]]], list[str]]:
    """The journal's entries numbered above ``after``, in order, and the problems found (a
    line that is not an entry — cut short by a crash — is skipped and reported)."""
    entries: list[tuple[int, list[Op]]] = []
    problems: list[str] = []
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return entries, problems
    except OSError as exc:
        return entries, [f"cannot read {path.name}: {exc}"]
    for number, line in _lines(data):
        try:
            seq, ops = orjson.loads(line)
            if not isinstance(seq, int) or not isinstance(ops, list):
                raise ValueError("not [seq, ops]")
            parsed = [(str(cmd), dict(kwargs)) for cmd, kwargs in ops]
        except (ValueError, TypeError) as exc:
            problems.append(f"{path.name} line {number} is not an edit ({exc}); skipped")
            continue
        if seq > after:
            entries.append((seq, parsed))
    return entries, problems


def _lines(data: bytes) -> Iterator[tuple[int, bytes]]:
    for number, line in enumerate(data.split(b"\n"), start=1):
        if line.strip():
            yield number, line
