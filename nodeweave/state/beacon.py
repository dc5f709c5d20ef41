"""The running-node beacon: which node a worker's event loop is computing, readable from outside.

A node that hangs the loop (``while True``, a regular expression that backtracks forever, a C
call that never returns) stops the worker from answering anything — so it cannot say which node
it is stuck in once that matters. Instead it says so beforehand, cheaply: before each run on the
loop it writes the node into ``running.beacon``, a small file it keeps mapped in memory, and
clears it after. Writing is a memory copy (no system call), visible at once to any process that
reads the file, and survives the worker being killed. The hub reads it when it declares the
worker hung, and names the node.

Layout: :data:`SIZE` bytes; a record is one JSON object followed by a newline, starting at byte
0; a space at byte 0 means no node is running.
"""

from __future__ import annotations

import mmap
import os
from pathlib import Path
from typing import Any

import orjson

SIZE = 512
_OPEN = b"{"
_OPEN_BYTE = _OPEN[0]
_IDLE_BYTE = b" "[0]


class Beacon:
    """The writing side (a worker): :meth:`enter` before a node runs on the loop, :meth:`leave`
    after."""

    def __init__(self, path: Path) -> None:
        self.path = path
        flags = os.O_RDWR | os.O_CREAT | getattr(os, "O_CLOEXEC", 0)
        fd = os.open(path, flags, 0o600)
        try:
            os.ftruncate(fd, SIZE)
            self._map = mmap.mmap(fd, SIZE)
        finally:
            os.close(fd)  # the mapping keeps the file
        self._map[:] = b" " * SIZE
        self._view = memoryview(self._map)
        self._bodies: dict[str, bytes] = {}  # a node's record without its first byte

    def enter(self, uuid: str, node_id: str) -> None:
        body = self._bodies.get(uuid)
        if body is None:
            body = self._body(uuid, node_id)
        view = self._view
        view[1 : len(body) + 1] = body  # the record first, then the byte that validates it
        view[0] = _OPEN_BYTE

    def leave(self) -> None:
        self._view[0] = _IDLE_BYTE

    def _body(self, uuid: str, node_id: str) -> bytes:
        record = orjson.dumps({"uuid": uuid, "node_id": node_id}) + b"\n"
        if len(record) > SIZE:
            record = orjson.dumps({"uuid": uuid[:64], "node_id": node_id[:200]}) + b"\n"
        if len(self._bodies) > 10_000:
            self._bodies.clear()
        self._bodies[uuid] = body = record[1:]
        return body

    def close(self) -> None:
        if not self._map.closed:
            self._view[0] = _IDLE_BYTE
            self._view.release()
            self._map.close()


def read_beacon(path: Path) -> dict[str, str] | None:
    """The node a worker's loop was running when it wrote the beacon last (``None``: none, or no
    readable beacon)."""
    try:
        data = path.read_bytes()[:SIZE]
    except OSError:
        return None
    if not data.startswith(_OPEN):
        return None
    line = data.split(b"\n", 1)[0]
    try:
        record: Any = orjson.loads(line)
    except orjson.JSONDecodeError:
        return None
    if not isinstance(record, dict):
        return None
    uuid, node_id = record.get("uuid"), record.get("node_id")
    if not isinstance(uuid, str) or not isinstance(node_id, str):
        return None
    return {"uuid": uuid, "node_id": node_id}
