"""The worker's result cache: node results kept on disk by run key, found again after a restart.

One file per entry under ``<worker>/cache/<2 hex>/<key>.nwc``: a header (magic, length) and the
pickled outputs with their identity. Files are written by one background thread to a temporary
name and renamed into place, so a crash leaves either the whole entry or none of it; an entry
that still cannot be read (a disk error) is deleted and counts as a miss. The folder is capped in
size: past the cap, the entries used longest ago go first. What a run key is, and which results
are kept, is the engine's matter (:mod:`nodeweave.core.cachekeys`, :class:`~nodeweave.core.runner.
Runner`); this class only stores bytes.

The cache holds what this worker's own nodes computed, read back only by this worker; bundles
and exports never include it.
"""

from __future__ import annotations

import concurrent.futures
import contextlib
import logging
import os
import pickle
import re
import struct
import threading
import time
from pathlib import Path
from typing import Any

log = logging.getLogger("nodeweave.worker")

MAGIC = b"NWC1"
_HEADER = struct.Struct(">4sQ")
_KEY = re.compile(r"^k[0-9a-f]{40}(/[0-9a-f]{32})?$")
SUFFIX = ".nwc"


def _file_name(key: str) -> str:
    return key.replace("/", "-") + SUFFIX


class ResultCache:
    def __init__(
        self,
        directory: Path,
        *,
        max_bytes: int = 1 << 30,
        min_seconds: float = 0.1,
    ) -> None:
        self.directory = directory
        self.max_bytes = max_bytes
        self.min_seconds = min_seconds
        self._lock = threading.Lock()
        self._index: dict[str, tuple[int, float]] = {}  # key -> (size, last used)
        self._total = 0
        self._writer = concurrent.futures.ThreadPoolExecutor(1, "nodeweave-cache")
        self._pending: set[str] = set()
        self.hits = 0
        self.writes = 0
        self.write_errors = 0

    # --- the folder ----------------------------------------------------------------------

    def _path(self, key: str) -> Path:
        return self.directory / key[1:3] / _file_name(key)

    def scan(self) -> None:
        """Read what the folder holds (at start; leftovers of interrupted writes are removed)."""
        index: dict[str, tuple[int, float]] = {}
        if self.directory.is_dir():
            for sub in self.directory.iterdir():
                if not sub.is_dir():
                    continue
                for entry in os.scandir(sub):
                    name = entry.name
                    if not name.endswith(SUFFIX):
                        if ".tmp" in name:  # a write a crash interrupted
                            with contextlib.suppress(OSError):
                                os.unlink(entry.path)
                        continue
                    key = name[: -len(SUFFIX)].replace("-", "/")
                    if not _KEY.match(key):
                        continue
                    try:
                        st = entry.stat()
                    except OSError:
                        continue
                    index[key] = (st.st_size, st.st_mtime)
        with self._lock:
            self._index = index
            self._total = sum(size for size, _ in index.values())
        self._evict()

    def stats(self) -> dict[str, Any]:
        with self._lock:
            return {
                "entries": len(self._index),
                "bytes": self._total,
                "max_bytes": self.max_bytes,
                "hits": self.hits,
                "writes": self.writes,
            }

    # --- the store (see nodeweave.core.runner.ResultStore) -------------------------------

    def has(self, key: str) -> bool:
        return key in self._index

    def load(self, key: str) -> tuple[dict[str, Any], str | None] | None:
        path = self._path(key)
        try:
            data = path.read_bytes()
            magic, length = _HEADER.unpack_from(data)
            if magic != MAGIC or length != len(data) - _HEADER.size:
                raise ValueError("a damaged cache entry")
            entry = pickle.loads(memoryview(data)[_HEADER.size :])
            outputs, ident = entry["outputs"], entry["ident"]
            if not isinstance(outputs, dict) or not isinstance(ident, str | None):
                raise ValueError("a cache entry of another shape")
        except FileNotFoundError:
            self._forget(key)
            return None
        except Exception as exc:  # noqa: BLE001 - any unreadable entry is a miss, and goes
            log.warning("result cache entry %s is unreadable (%s); it is removed", key, exc)
            self._forget(key)
            with contextlib.suppress(OSError):
                path.unlink()
            return None
        now = time.time()
        with self._lock:
            self.hits += 1
            if key in self._index:
                self._index[key] = (self._index[key][0], now)
        with contextlib.suppress(OSError):
            os.utime(path, (now, now))  # the order of use survives a restart
        return outputs, ident

    def put(self, key: str, outputs: dict[str, Any], ident: str | None) -> None:
        if not _KEY.match(key):
            return
        with self._lock:
            if key in self._pending:
                return
            self._pending.add(key)
        try:
            self._writer.submit(self._write, key, dict(outputs), ident)
        except RuntimeError:  # closed: the worker is stopping
            with self._lock:
                self._pending.discard(key)

    def _write(self, key: str, outputs: dict[str, Any], ident: str | None) -> None:
        path = self._path(key)
        tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
        try:
            try:
                payload = pickle.dumps(
                    {"outputs": outputs, "ident": ident}, protocol=pickle.HIGHEST_PROTOCOL
                )
            except Exception as exc:  # noqa: BLE001 - a value that cannot be pickled is not kept
                log.debug("result of %s not kept: %s", key, exc)
                return
            size = len(payload) + _HEADER.size
            if size > self.max_bytes // 4:
                log.info("result of %s not kept: %d bytes is over a quarter of the cap", key, size)
                return
            path.parent.mkdir(parents=True, exist_ok=True)
            with open(tmp, "wb") as fh:
                fh.write(_HEADER.pack(MAGIC, len(payload)))
                fh.write(payload)
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, path)
            with self._lock:
                old = self._index.get(key)
                self._total += size - (old[0] if old else 0)
                self._index[key] = (size, time.time())
                self.writes += 1
            self._evict()
        except OSError as exc:
            self.write_errors += 1
            log.warning("result cache: writing %s failed: %s", path, exc)
            with contextlib.suppress(OSError):
                tmp.unlink()
        finally:
            with self._lock:
                self._pending.discard(key)

    def _forget(self, key: str) -> None:
        with self._lock:
            old = self._index.pop(key, None)
            if old is not None:
                self._total -= old[0]

    def _evict(self) -> None:
        """Past the cap: remove the entries used longest ago until under it."""
        with self._lock:
            if self._total <= self.max_bytes:
                return
            order = sorted(self._index.items(), key=lambda kv: kv[1][1])
            doomed: list[str] = []
            total = self._total
            for key, (size, _) in order:
                if total <= self.max_bytes * 0.9:
                    break
                doomed.append(key)
                total -= size
        for key in doomed:
            with contextlib.suppress(OSError):
                self._path(key).unlink()
            self._forget(key)

    def flush(self, timeout: float = 10.0) -> None:
        """Wait for the writes submitted so far (tests, and a worker that stops)."""
        done = self._writer.submit(lambda: None)
        with contextlib.suppress(concurrent.futures.TimeoutError):
            done.result(timeout)

    def close(self) -> None:
        """Finish the writes under way and stop the writer thread."""
        self._writer.shutdown(wait=True, cancel_futures=False)
