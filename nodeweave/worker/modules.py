"""Node modules: find them, import them, put their shelves in the library, reload and drop them.

A worker's nodes come from, in this order: the built-in shelves; installed packages declaring
the entry-point group ``nodeweave.modules``; every ``.py`` file in the worker's ``modules/``
folder; every ``.py`` file in the folders named by ``NODEWEAVE_MODULES_PATH``. A module exposes
``NODE_SHELF`` (a :class:`Shelf`), or else every ``@node`` function *defined in it* is collected
into a shelf named after the module. A module that fails (syntax error, exception or
``sys.exit()`` at import, a ``NODE_SHELF`` that is not a Shelf, an invalid ``@node``, a node id
or shelf name another module already provides) is reported as a :class:`ModuleEvent` and logged
with its traceback; the others load. Loading a module runs its code: loading is trusting.

Module names, and therefore node ids
------------------------------------
A bare ``@node`` derives its id from ``func.__module__`` and the function name, and
``nodespace.json`` stores those ids, so the name a file is imported under must be the same on
every reload and every worker start, and should read well. A file ``<folder>/<stem>.py`` is
imported under the first of these names that is free:

1. ``<stem>`` — ids read ``mymod.add``. Free when the stem is an identifier, no other file of this
   loader has it, and nothing else answers to it: no other entry in ``sys.modules`` and nothing
   importable under it (``importlib.util.find_spec``), so a file called ``json.py`` never shadows
   the standard library, nor ``numpy.py`` an installed numpy;
2. ``nodeweave_modules.<stem>`` — the same file name taken elsewhere;
3. ``nodeweave_modules.<stem>_<8 hex digits of the folder path>`` — the same stem in two folders.

The choice depends only on the file's name, the importable modules of the environment and the
folder order, so it is stable across reloads and restarts; moving the folder does not change it
(only the rare third form contains the path). A loader keeps the name it gave a path for its
whole life, even while the file is deleted, so a re-created file gets its old ids back. Files
are compiled from their source on every import (no ``__pycache__`` is read or written): a
bytecode cache keyed by second-resolution mtimes would serve stale code after a quick edit.

Process nodes
-------------
``executor="process"`` functions are pickled by reference (module name + function name), so
the pool's processes must be able to import the module by name. The module folders are
appended to ``sys.path`` (appended: they never shadow installed modules), which the process
pool's children inherit; a file imported as ``<stem>`` therefore works. Limitations: files
under a ``nodeweave_modules.*`` name cannot run process nodes (the child cannot import that
name), and a pool process that already imported a module keeps its old code after a reload
until the pool is restarted.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import hashlib
import importlib.machinery
import importlib.metadata
import importlib.util
import logging
import os
import sys
import threading
import time
import traceback
import types
import warnings
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, Literal

from nodeweave import __version__
from nodeweave.core.hooks import Hook
from nodeweave.core.library import Library, Shelf
from nodeweave.core.spec import NodeSpec, is_node, spec_of
from nodeweave.funcnodes.bridge import (
    is_funcnodes_node_class,
    is_funcnodes_shelf,
    watch_process_nodes,
)
from nodeweave.shelves import builtin_shelves

from .module_files import ENTRY_POINT_GROUP, HOOKS_GROUP, is_module_file

logger = logging.getLogger("nodeweave.worker")

HOOKS_SHELF_PREFIX = "hooks:"
MODULES_PATH_ENV = "NODEWEAVE_MODULES_PATH"
SYNTHETIC_PACKAGE = "nodeweave_modules"

EventKind = Literal["loaded", "reloaded", "failed", "removed"]
Origin = Literal["builtin", "entry_point", "file"]


@dataclasses.dataclass(frozen=True)
class ModuleEvent:
    """Something that happened to one node module.

    ``node_ids`` are the ids the module provides in the library after the event: the new ones
    for ``loaded``/``reloaded``, the ones still served by the previous code for ``failed`` (none
    when it never loaded), the ones that went away for ``removed``.
    """

    kind: EventKind
    module: str
    origin: Origin
    path: str | None
    node_ids: tuple[str, ...]
    message: str = ""
    traceback: str = ""
    line: int | None = None
    """For a failed import of a module file: the line of that file where it failed."""
    skipped: tuple[str, ...] = ()
    """Nodes of the module that could not be loaded, each with why (the rest did load)."""

    def to_dict(self) -> dict[str, Any]:
        out = dataclasses.asdict(self)
        out["node_ids"] = list(self.node_ids)
        out["skipped"] = list(self.skipped)
        return out


@dataclasses.dataclass(frozen=True)
class ModuleInfo:
    """One known module, as ``list_modules`` shows it.

    A module whose last import failed has ``status="failed"`` with the error; if an earlier
    version had loaded, its nodes (``node_ids``, ``shelves``) keep serving.
    """

    name: str
    origin: Origin
    path: str | None
    status: Literal["loaded", "failed", "deferred"]
    node_ids: tuple[str, ...]
    shelves: tuple[str, ...]
    import_name: str | None = None
    error: str = ""
    traceback: str = ""
    skipped: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        out = dataclasses.asdict(self)
        out["node_ids"] = list(self.node_ids)
        out["shelves"] = list(self.shelves)
        out["skipped"] = list(self.skipped)
        return out


def modules_path_from_env(environ: Mapping[str, str]) -> list[Path]:
    """The folders of ``NODEWEAVE_MODULES_PATH`` (``os.pathsep``-separated), in order, once each."""
    seen: set[Path] = set()
    out: list[Path] = []
    for part in environ.get(MODULES_PATH_ENV, "").split(os.pathsep):
        part = part.strip()
        if not part:
            continue
        folder = Path(part).expanduser()
        if folder not in seen:
            seen.add(folder)
            out.append(folder)
    return out


class _ModuleError(Exception):
    """A module that imported but cannot go into the library (a clash, a bad NODE_SHELF)."""


@dataclasses.dataclass
class _Record:
    key: str
    name: str
    origin: Origin
    path: Path | None = None
    import_name: str | None = None
    # What the library holds for this module right now (the last version that loaded).
    shelves: tuple[str, ...] = ()
    node_ids: tuple[str, ...] = ()
    # The last import attempt, successful or not.
    digest: str | None = None
    error: str = ""
    traceback: str = ""
    skipped: tuple[str, ...] = ()
    """Nodes its last successful load left out (FuncNodes classes that cannot be bridged)."""

    @property
    def serving(self) -> bool:
        return bool(self.shelves)

    @property
    def path_required(self) -> Path:
        """The file of a file module (only those are imported from a path)."""
        assert self.path is not None, f"{self.name} has no file"
        return self.path

    def info(self) -> ModuleInfo:
        return ModuleInfo(
            name=self.name,
            origin=self.origin,
            path=str(self.path) if self.path is not None else None,
            status="failed" if self.error else "loaded",
            node_ids=self.node_ids,
            shelves=self.shelves,
            import_name=self.import_name,
            error=self.error,
            traceback=self.traceback,
            skipped=self.skipped,
        )


class ModuleLoader:
    """Loads node modules into a library and keeps them current (see the module docstring).

    Everything is synchronous: importing is. Process-wide effects (``sys.modules`` entries for
    file modules, ``sys.path`` entries for the module folders) are undone by :meth:`close`.
    """

    def __init__(
        self,
        library: Library,
        *,
        module_dirs: Sequence[Path] = (),
        entry_points: bool = True,
        funcnodes: bool = True,
        builtins: bool = True,
        defer_funcnodes: bool = False,
        on_event: Callable[[ModuleEvent], None] | None = None,
    ) -> None:
        self.library = library
        self.module_dirs: tuple[Path, ...] = tuple(
            dict.fromkeys(Path(os.path.realpath(d)) for d in module_dirs)
        )
        self._entry_points = entry_points
        self._funcnodes = funcnodes
        if funcnodes:
            watch_process_nodes()  # FuncNodes' separate_process nodes: the process executor
        self._builtins = builtins
        self._on_event = on_event
        self._records: dict[str, _Record] = {}
        self._import_names: dict[Path, str] = {}  # kept for life: a re-created file keeps its ids
        self._added_sys_path: list[str] = []
        self._started = False
        self._entry_points_loaded = False
        self._import_lock: asyncio.Lock | None = None
        self._defer_funcnodes = defer_funcnodes and funcnodes
        self._deferred: list[tuple[_Record, importlib.metadata.EntryPoint]] = []
        self._deferred_loading: asyncio.Task[list[ModuleEvent]] | None = None
        self._was_deferred: list[_Record] = []
        self._fingerprint: str | None = None

    # --- public API ----------------------------------------------------------------------

    def load_all(self) -> list[ModuleEvent]:
        """Load builtins, entry points and the module folders' files (once; later: reload_all)."""
        events: list[ModuleEvent] = []
        if not self._started:
            events += self.load_builtins()
            if self._entry_points:
                events += self._load_entry_points()
        events += self.reload_all()
        return events

    def load_builtins(self) -> list[ModuleEvent]:
        """The quick part of :meth:`load_all`: the module folders on ``sys.path``, and the
        built-in shelves (part of nodeweave, already imported)."""
        if self._started:
            return []
        self._started = True
        for folder in self.module_dirs:
            entry = str(folder)
            if entry not in sys.path:
                sys.path.append(entry)
                self._added_sys_path.append(entry)
        return self._load_builtins() if self._builtins else []

    def prefetch(self) -> None:
        """Start importing the installed modules' code in a background thread now, so that
        :meth:`load_the_rest` (after the worker said it is ready) finds most of it imported.

        Only imports (``sys.modules``); what goes into the library, and every failure, is still
        decided and reported by :meth:`load_the_rest`, which waits for an import in progress.
        """
        if not self._entry_points or self._entry_points_loaded:
            return
        names = [ep.module for ep in _entry_points(ENTRY_POINT_GROUP)]
        if self._funcnodes and not self._defer_funcnodes:
            names += [ep.module for _name, ep in _funcnodes_entry_points()]
        todo = [n for n in dict.fromkeys(names) if n and n not in sys.modules]
        if todo:
            threading.Thread(
                target=_import_quietly, args=(todo,), name="nodeweave-prefetch", daemon=True
            ).start()

    async def load_the_rest(self) -> list[ModuleEvent]:
        """After :meth:`load_builtins`: entry points and module files, imported in a thread each
        so that the event loop keeps answering (a module may take seconds to import: it is
        reported, and a health check never finds the worker unresponsive meanwhile)."""
        events = self.load_builtins()
        if self._entry_points and not self._entry_points_loaded:
            events += await self._load_entry_points_async()
        events += await self.reload_all_async()
        return events

    @property
    def deferred(self) -> bool:
        """Installed FuncNodes modules wait to be loaded, or are loading (``defer_funcnodes``:
        until :meth:`load_deferred`, called when something needs them)."""
        loading = self._deferred_loading
        return bool(self._deferred) or (loading is not None and not loading.done())

    def deferred_fingerprint(self) -> str | None:
        """What the deferred modules' part of the library depends on — nodeweave's and
        funcnodes-core's versions, and each module's entry point, distribution version and
        package file time — as a digest; None when nothing is deferred."""
        if self._fingerprint is None:
            if not self._deferred:
                return None
            parts = [__version__, _version_of("funcnodes-core")]
            for record, ep in self._deferred:
                dist = getattr(ep, "dist", None)
                parts.append(
                    f"{record.key}={ep.value}@{getattr(dist, 'name', '?')}=="
                    f"{getattr(dist, 'version', '?')}:{_package_time(ep.module)}"
                )
            self._fingerprint = hashlib.sha256("\n".join(parts).encode()).hexdigest()
        return self._fingerprint

    def deferred_snapshot(self) -> dict[str, Any] | None:
        """Once the deferred modules have loaded: their shelves (as ``get_library`` shows them)
        and their ``list_modules`` entries, for a cache that answers for them next time."""
        records = self._was_deferred
        if not records:
            return None
        return {
            "shelves": [
                self.library.shelf(n).to_dict()
                for r in records
                for n in r.shelves
                if self._has_shelf(n)
            ],
            "modules": [r.info().to_dict() for r in records],
        }

    async def load_deferred(self) -> list[ModuleEvent]:
        """Load the deferred FuncNodes modules (their imports in threads); once — callers that
        come meanwhile wait for the same loading."""
        if self._deferred_loading is None:
            if not self._deferred:
                return []
            todo = self._take_deferred()
            self._deferred_loading = asyncio.ensure_future(self._load_async(todo))
        return await asyncio.shield(self._deferred_loading)

    async def finish(self) -> None:
        """Wait for a loading of the deferred modules in progress (imports in threads cannot be
        cancelled: a worker that stops waits for them, as for any module being imported)."""
        if self._deferred_loading is not None:
            with contextlib.suppress(Exception):
                await asyncio.shield(self._deferred_loading)

    def load_deferred_now(self) -> list[ModuleEvent]:
        """:meth:`load_deferred` for a caller without an event loop (``nodeweave run``)."""
        return self._load_each(self._take_deferred())

    def _take_deferred(self) -> list[tuple[_Record, importlib.metadata.EntryPoint]]:
        todo, self._deferred = self._deferred, []
        for record, _ep in todo:
            self._records[record.key] = record
        self._was_deferred = [record for record, _ep in todo]
        return todo

    def reload_file(self, path: Path) -> ModuleEvent:
        """(Re-)import one file: its new shelf replaces the old one, or the old one keeps serving.

        Nodes of the module's ids in a nodespace on this library are rebound to the new code by
        the nodespace itself. A file that no longer exists is removed.
        """
        step = self._reload_begin(path)
        if isinstance(step, ModuleEvent):
            return step
        try:
            module = _exec_source(step.import_name, step.record.path_required, step.source)
        except BaseException as exc:  # noqa: BLE001 - see _exec_source: the module's own doing
            return self._reload_failed(step, exc)
        return self._reload_done(step, module)

    async def reload_file_async(self, path: Path) -> ModuleEvent:
        """:meth:`reload_file` with the import itself in a thread (one import at a time)."""
        if self._import_lock is None:
            self._import_lock = asyncio.Lock()
        async with self._import_lock:
            step = self._reload_begin(path)
            if isinstance(step, ModuleEvent):
                return step
            started = time.perf_counter()
            try:
                module = await asyncio.to_thread(
                    _exec_source, step.import_name, step.record.path_required, step.source
                )
            except asyncio.CancelledError:
                raise  # the worker is stopping
            except BaseException as exc:  # noqa: BLE001 - see _exec_source
                return self._reload_failed(step, exc)
            _report_slow(step.record.name, time.perf_counter() - started)
            return self._reload_done(step, module)

    def _reload_begin(self, path: Path) -> _Reload | ModuleEvent:
        path = _norm(path)
        record = self._records.get(str(path))
        if record is None:
            record = _Record(key=str(path), name=path.stem, origin="file", path=path)
        try:
            source = path.read_bytes()
        except FileNotFoundError:
            removed = self.remove_file(path)
            if removed is not None:
                return removed
            return self._fail(record, FileNotFoundError(f"no such file: {path}"), tb=False)
        except OSError as exc:
            return self._fail(record, exc, tb=False)
        self._records[record.key] = record
        record.digest = _digest(source)
        import_name = self._import_name(path)
        record.import_name = import_name
        return _Reload(record, source, import_name, record.serving, sys.modules.get(import_name))

    def _reload_done(self, step: _Reload, module: types.ModuleType) -> ModuleEvent:
        record = step.record
        try:
            found = _module_shelf(module)
            if found is None:
                found = _defined_shelf(
                    module, self._derived_shelf_name(record, record.path_required)
                )
            shelf, skipped = found
            self._install(record, [shelf])
            record.skipped = skipped
        except BaseException as exc:  # noqa: BLE001 - see _exec_source: the module's own doing
            return self._reload_failed(step, exc)
        kind: EventKind = "reloaded" if step.was_serving else "loaded"
        return self._succeed(record, kind)

    def _reload_failed(self, step: _Reload, exc: BaseException) -> ModuleEvent:
        # The previous module object (if any) stays the one its serving specs live in.
        if step.previous is not None:
            sys.modules[step.import_name] = step.previous
        else:
            sys.modules.pop(step.import_name, None)
        return self._fail(step.record, exc)

    def remove_file(self, path: Path) -> ModuleEvent | None:
        """The file is gone: its shelf leaves the library (nodes of its ids become placeholders).

        Returns None for a file this loader never saw.
        """
        path = _norm(path)
        record = self._records.pop(str(path), None)
        if record is None:
            return None
        removed_ids = record.node_ids
        for name in record.shelves:
            if self._has_shelf(name):
                self.library.remove_shelf(name)
        if record.import_name is not None:
            module = sys.modules.get(record.import_name)
            if module is not None and _same_file(module, path):
                del sys.modules[record.import_name]
        event = ModuleEvent("removed", record.name, "file", str(path), removed_ids)
        logger.info("node module %s removed (%s)", record.name, path)
        self._emit(event)
        return event

    def reload_all(self, *, force: bool = False) -> list[ModuleEvent]:
        """Re-scan: load new files, reload changed (and previously failed) ones, drop deleted ones.

        ``force`` reloads every file, changed or not.
        """
        events: list[ModuleEvent] = []
        for path in self._rescan(events, force):
            events.append(self.reload_file(path))
        return events

    def _rescan(self, events: list[ModuleEvent], force: bool) -> list[Path]:
        """Drop the files that are gone (their events into ``events``); the files to import."""
        present: dict[str, Path] = {}
        for path in self.scan():
            present.setdefault(str(path), path)
        # Files loaded by an explicit reload_file outside the module folders still count.
        for known in self._records.values():
            if known.origin == "file" and known.path is not None and known.path.is_file():
                present.setdefault(known.key, known.path)
        for key in [k for k, r in self._records.items() if r.origin == "file"]:
            if key not in present:
                removed = self.remove_file(Path(key))
                if removed is not None:
                    events.append(removed)
        todo: list[Path] = []
        for key, path in present.items():
            record = self._records.get(key)
            if force or record is None or record.error or self.changed(path):
                todo.append(path)
        return todo

    async def reload_all_async(self, *, force: bool = False) -> list[ModuleEvent]:
        """:meth:`reload_all` with each import in a thread."""
        events: list[ModuleEvent] = []
        for path in self._rescan(events, force):
            events.append(await self.reload_file_async(path))
        return events

    def changed(self, path: Path) -> bool:
        """Whether the file's content differs from the last import attempt (True if never seen)."""
        record = self._records.get(str(_norm(path)))
        if record is None or record.digest is None:
            return True
        try:
            return _digest(path.read_bytes()) != record.digest
        except OSError:
            return True

    def scan(self) -> list[Path]:
        """The module files in the module folders now, folder by folder, by name."""
        found: list[Path] = []
        for folder in self.module_dirs:
            try:
                entries = sorted(folder.iterdir())
            except (FileNotFoundError, NotADirectoryError):
                logger.debug("module folder %s does not exist", folder)
                continue
            found += [_norm(p) for p in entries if is_module_file(p) and p.is_file()]
        return found

    def digest_of(self, import_name: str) -> str | None:
        """The digest of the source a module was last loaded from (file modules; else None)."""
        for record in self._records.values():
            if record.import_name == import_name and record.digest is not None:
                return record.digest
        return None

    def modules(self) -> list[ModuleInfo]:
        """Every known module: loaded, failed, or failed on reload with older code serving."""
        return [r.info() for r in self._records.values()]

    def close(self) -> None:
        """Undo the process-wide effects: this loader's sys.modules and sys.path entries.

        The library keeps its shelves.
        """
        for record in self._records.values():
            if record.import_name is not None and record.path is not None:
                module = sys.modules.get(record.import_name)
                if module is not None and _same_file(module, record.path):
                    del sys.modules[record.import_name]
        for entry in self._added_sys_path:
            if entry in sys.path:
                sys.path.remove(entry)
            sys.path_importer_cache.pop(entry, None)
        self._added_sys_path.clear()

    def __enter__(self) -> ModuleLoader:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # --- builtins and entry points -------------------------------------------------------

    def _load_builtins(self) -> list[ModuleEvent]:
        events: list[ModuleEvent] = []
        for shelf in builtin_shelves():
            record = _Record(key=f"builtin:{shelf.name}", name=shelf.name, origin="builtin")
            self._records[record.key] = record
            try:
                self._install(record, [shelf])
            except Exception as exc:  # noqa: BLE001 - reported as a failed module
                events.append(self._fail(record, exc))
            else:
                events.append(self._succeed(record, "loaded"))
        return events

    def _load_entry_points(self) -> list[ModuleEvent]:
        return self._load_each(self._entry_points_to_load())

    def _load_each(
        self, todo: list[tuple[_Record, importlib.metadata.EntryPoint]]
    ) -> list[ModuleEvent]:
        events: list[ModuleEvent] = []
        for record, ep in todo:
            try:
                obj = ep.load()
            except BaseException as exc:  # noqa: BLE001 - see _exec_source
                events.append(self._fail(record, exc))
                continue
            events.append(self._install_entry_point(record, obj))
        return events

    async def _load_entry_points_async(self) -> list[ModuleEvent]:
        return await self._load_async(self._entry_points_to_load())

    async def _load_async(
        self, todo: list[tuple[_Record, importlib.metadata.EntryPoint]]
    ) -> list[ModuleEvent]:
        events: list[ModuleEvent] = []
        for record, ep in todo:
            started = time.perf_counter()
            try:
                obj = await asyncio.to_thread(ep.load)
            except asyncio.CancelledError:
                raise
            except BaseException as exc:  # noqa: BLE001 - see _exec_source
                events.append(self._fail(record, exc))
                continue
            _report_slow(record.name, time.perf_counter() - started)
            events.append(self._install_entry_point(record, obj))
        return events

    def _entry_points_to_load(self) -> list[tuple[_Record, importlib.metadata.EntryPoint]]:
        self._entry_points_loaded = True
        try:
            found = list(importlib.metadata.entry_points(group=ENTRY_POINT_GROUP))
        except Exception:  # broken package metadata must not stop the worker
            logger.exception("cannot list the %r entry points", ENTRY_POINT_GROUP)
            return []
        todo = []
        for ep in found:
            key = f"entry_point:{ep.name}:{ep.value}"
            if key in self._records:
                continue  # the same distribution seen twice on sys.path
            record = _Record(key=key, name=ep.name, origin="entry_point")
            self._records[key] = record
            todo.append((record, ep))
        for ep in _entry_points(HOOKS_GROUP):
            key = f"hooks:{ep.name}:{ep.value}"
            if key in self._records:
                continue
            record = _Record(key=key, name=HOOKS_SHELF_PREFIX + ep.name, origin="entry_point")
            self._records[key] = record
            todo.append((record, ep))
        for name, ep in _funcnodes_entry_points() if self._funcnodes else ():
            key = f"funcnodes:{name}"
            if key in self._records:
                continue
            record = _Record(key=key, name=name, origin="entry_point")
            if self._defer_funcnodes:
                self._deferred.append((record, ep))
                continue
            self._records[key] = record
            todo.append((record, ep))
        return todo

    def _install_entry_point(self, record: _Record, obj: Any) -> ModuleEvent:
        try:
            skipped: tuple[str, ...] = ()
            if record.name.startswith(HOOKS_SHELF_PREFIX):
                shelves = [_hooks_shelf(record.name, obj)]
            else:
                shelves, skipped = _entry_point_shelves(record.name, obj)
            self._install(record, shelves)
            record.skipped = skipped
        except BaseException as exc:  # noqa: BLE001 - see _exec_source
            return self._fail(record, exc)
        return self._succeed(record, "loaded")

    # --- the library ---------------------------------------------------------------------

    def _install(self, record: _Record, shelves: list[Shelf]) -> None:
        """Swap the module's shelves in the library, refusing anything owned by someone else."""
        specs: dict[str, NodeSpec] = {}
        names: list[str] = []
        for shelf in shelves:
            if shelf.name in names:
                raise _ModuleError(f"two shelves named {shelf.name!r}")
            names.append(shelf.name)
            if shelf.name not in record.shelves and self._has_shelf(shelf.name):
                raise _ModuleError(
                    f"shelf name {shelf.name!r} is already used by {self._shelf_owner(shelf.name)}"
                )
            for spec in shelf.specs():
                seen = specs.get(spec.id)
                if seen is not None and seen is not spec:
                    raise _ModuleError(f"two different nodes have the id {spec.id!r}")
                if spec.id not in record.node_ids and spec.id in self.library:
                    raise _ModuleError(
                        f"node id {spec.id!r} is already provided by {self._id_owner(spec.id)}"
                    )
                specs[spec.id] = spec
        try:
            # A renamed shelf goes first, so that its ids are free for the new one.
            for name in record.shelves:
                if name not in names and self._has_shelf(name):
                    self.library.remove_shelf(name)
            for shelf in shelves:
                self.library.add_shelf(shelf, replace=True)
        finally:
            # Whatever happened (a library listener may raise), record what is really there;
            # the checks above made every name in `names` this module's own.
            owned = [n for n in dict.fromkeys((*names, *record.shelves)) if self._has_shelf(n)]
            record.shelves = tuple(owned)
            record.node_ids = tuple(
                dict.fromkeys(s.id for n in owned for s in self.library.shelf(n).specs())
            )

    def _has_shelf(self, name: str) -> bool:
        return any(s.name == name for s in self.library.shelves())

    def _shelf_owner(self, name: str) -> str:
        for record in self._records.values():
            if name in record.shelves:
                return _describe(record)
        return "another shelf in the library"

    def _id_owner(self, spec_id: str) -> str:
        for record in self._records.values():
            if spec_id in record.node_ids:
                return _describe(record)
        for shelf in self.library.shelves():
            if any(s.id == spec_id for s in shelf.specs()):
                return f"shelf {shelf.name!r}"
        return "another shelf"

    def _derived_shelf_name(self, record: _Record, path: Path) -> str:
        """The stem, or the stem and its folder when another module already has that shelf.

        A module keeps the name it has, so that a reload never renames its shelf.
        """
        candidates = (path.stem, f"{path.stem} ({path.parent.name})")
        for candidate in candidates:
            if candidate in record.shelves:
                return candidate
        for candidate in candidates:
            if not self._has_shelf(candidate):
                return candidate
        return path.stem  # _install reports the clash

    # --- names ---------------------------------------------------------------------------

    def _import_name(self, path: Path) -> str:
        name = self._import_names.get(path)
        if name is None:
            name = next(n for n in _name_candidates(path) if self._name_free(n, path))
            self._import_names[path] = name
        return name

    def _name_free(self, name: str, path: Path) -> bool:
        if any(n == name and p != path for p, n in self._import_names.items()):
            return False
        module = sys.modules.get(name)
        if module is not None:
            return _same_file(module, path)
        if "." in name:
            return True  # a nodeweave_modules.* name: nothing real lives there
        try:
            found = importlib.util.find_spec(name)
        except Exception:  # noqa: BLE001 - a finder that chokes on the name: keep off it
            return False
        return found is None or (found.origin is not None and _norm(Path(found.origin)) == path)

    # --- reporting -----------------------------------------------------------------------

    def _succeed(self, record: _Record, kind: EventKind) -> ModuleEvent:
        record.error = record.traceback = ""
        path = str(record.path) if record.path is not None else None
        event = ModuleEvent(
            kind, record.name, record.origin, path, record.node_ids, skipped=record.skipped
        )
        logger.info(
            "node module %s %s (%d nodes)%s",
            record.name,
            kind,
            len(record.node_ids),
            f" from {path}" if path else "",
        )
        self._emit(event)
        return event

    def _fail(self, record: _Record, exc: BaseException, *, tb: bool = True) -> ModuleEvent:
        record.error = _message(exc)
        record.traceback = _traceback(exc, record.path) if tb else ""
        path = str(record.path) if record.path is not None else None
        event = ModuleEvent(
            "failed",
            record.name,
            record.origin,
            path,
            record.node_ids,
            message=record.error,
            traceback=record.traceback,
            line=_failing_line(exc, record.path),
        )
        logger.error(
            "node module %s%s failed to load%s: %s\n%s",
            record.name,
            f" ({path})" if path else "",
            "; its previous version keeps serving" if record.serving else "",
            record.error,
            record.traceback,
        )
        self._emit(event)
        return event

    def _emit(self, event: ModuleEvent) -> None:
        if self._on_event is None:
            return
        try:
            self._on_event(event)
        except Exception:
            logger.exception("a module event listener failed on %s", event)


# --- importing ---------------------------------------------------------------------------

SLOW_IMPORT = 1.0
"""An import that takes longer than this (seconds) is logged, with its time."""


def _report_slow(name: str, seconds: float) -> None:
    if seconds > SLOW_IMPORT:
        logger.warning(
            "node module %s took %.1f s to import (in a thread: the worker kept answering)",
            name,
            seconds,
        )


@dataclasses.dataclass
class _Reload:
    """A file import under way: what :meth:`ModuleLoader._reload_done` needs afterwards."""

    record: _Record
    source: bytes
    import_name: str
    was_serving: bool
    previous: types.ModuleType | None


class _SourceLoader(importlib.machinery.SourceFileLoader):
    """Compiles the given source bytes: no bytecode cache is read or written."""

    def __init__(self, fullname: str, path: str, source: bytes) -> None:
        super().__init__(fullname, path)
        self._source = source

    def get_code(self, fullname: str) -> types.CodeType:
        return self.source_to_code(self._source, self.get_filename(fullname))


def _exec_source(import_name: str, path: Path, source: bytes) -> types.ModuleType:
    """A fresh module object for the file, registered in ``sys.modules`` while its code runs.

    The registration lets dataclasses, pickling and ``typing.get_type_hints`` find the module.
    Callers catch BaseException around this: importing is synchronous, so a SystemExit,
    KeyboardInterrupt or CancelledError raised here comes from the module's own code and must
    fail that module, not stop the worker.
    """
    loader = _SourceLoader(import_name, str(path), source)
    spec = importlib.util.spec_from_file_location(import_name, path, loader=loader)
    if spec is None:  # pragma: no cover - only for paths importlib cannot handle at all
        raise ImportError(f"cannot import {path}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[import_name] = module
    loader.exec_module(module)
    return module


Found = tuple[Shelf, tuple[str, ...]]
"""A module's shelf and the nodes of it that could not be loaded (each with why)."""


def _module_shelf(module: types.ModuleType) -> Found | None:
    if not hasattr(module, "NODE_SHELF"):
        return None
    shelf = module.NODE_SHELF
    if isinstance(shelf, Shelf):
        return shelf, ()
    if is_funcnodes_shelf(shelf):
        return _from_funcnodes(shelf, module.__name__)
    raise _ModuleError(
        f"NODE_SHELF must be a nodeweave Shelf (or a FuncNodes Shelf), got {type(shelf).__name__}"
    )


def _defined_shelf(module: types.ModuleType, name: str) -> Found:
    """The @node functions defined in the module itself (not the ones it imported), and its own
    FuncNodes node classes, on a shelf named ``name``."""
    specs: dict[int, NodeSpec] = {}
    funcnodes_classes: list[Any] = []
    for value in vars(module).values():
        if is_node(value):
            spec = spec_of(value)
            if spec.module == module.__name__:
                specs.setdefault(id(spec), spec)
        elif (
            isinstance(value, type)
            and value.__module__ == module.__name__
            and "funcnodes_core" in sys.modules
            and is_funcnodes_node_class(value)
            and value not in funcnodes_classes
        ):
            funcnodes_classes.append(value)
    skipped: tuple[str, ...] = ()
    nodes: list[NodeSpec] = list(specs.values())
    if funcnodes_classes:
        from nodeweave.funcnodes.bridge import BridgeError, spec_from_class

        problems = []
        for cls in funcnodes_classes:
            try:
                nodes.append(spec_from_class(cls, module=module.__name__))
            except BridgeError as exc:
                problems.append(f"{getattr(cls, 'node_id', cls.__name__)!r}: {exc}")
        skipped = tuple(problems)
    return Shelf(name=name, description=_first_line(module.__doc__), nodes=nodes), skipped


def _hooks_shelf(name: str, obj: Any) -> Shelf:
    """A ``nodeweave.hooks`` entry point's hooks, on a shelf of their own without nodes: they
    apply to every node (a package's hooks have no shelf of nodes to keep to)."""
    if callable(obj) and not isinstance(obj, Hook):
        obj = obj()
    hooks = [obj] if isinstance(obj, Hook) else obj
    if (
        not isinstance(hooks, list | tuple)
        or not hooks
        or not all(isinstance(h, Hook) for h in hooks)
    ):
        raise _ModuleError(
            f"entry point {name!r} ({HOOKS_GROUP}) must give a Hook, a list of Hook, or a "
            f"callable returning either; got {type(obj).__name__}"
        )
    return Shelf(
        name=name,
        description="Hooks of an installed package, run around every node's runs.",
        hooks=[dataclasses.replace(h, scope="all") for h in hooks],
    )


def _entry_point_shelves(name: str, obj: Any) -> tuple[list[Shelf], tuple[str, ...]]:
    """An entry point may name a module, a Shelf, a list of them, or a callable returning either
    (a FuncNodes module's entry points: its module, or its FuncNodes ``NODE_SHELF``)."""
    if isinstance(obj, types.ModuleType):
        found = _module_shelf(obj)
        if found is None:
            found = _defined_shelf(obj, name)
        return [found[0]], found[1]
    if is_funcnodes_shelf(obj):
        shelf, skipped = _from_funcnodes(obj, name)
        return [shelf], skipped
    if callable(obj) and not isinstance(obj, Shelf):
        obj = obj()
    if isinstance(obj, Shelf):
        return [obj], ()
    if isinstance(obj, list | tuple) and obj and all(isinstance(s, Shelf) for s in obj):
        return list(obj), ()
    raise _ModuleError(
        f"entry point {name!r} must give a module, a Shelf, a list of Shelf, or a callable "
        f"returning a Shelf or a list of Shelf; got {type(obj).__name__}"
    )


# --- FuncNodes modules ---------------------------------------------------------------------


def _from_funcnodes(shelf: Any, module: str) -> Found:
    from nodeweave.funcnodes.bridge import convert_shelf

    converted, problems = convert_shelf(shelf, module)
    return converted, tuple(str(p) for p in problems)


def _version_of(distribution: str) -> str:
    try:
        return importlib.metadata.version(distribution)
    except Exception:  # noqa: BLE001 - not installed, or broken metadata: no version
        return "?"


def _package_time(module: str) -> int:
    """The modification time of a module's top-level package file (an editable install's code
    changes without its version); 0 when it cannot be found without importing anything."""
    try:
        spec = importlib.util.find_spec(module.partition(".")[0])
        return os.stat(spec.origin).st_mtime_ns if spec and spec.origin else 0
    except (ImportError, ValueError, OSError):
        return 0


def _entry_points(group: str) -> list[importlib.metadata.EntryPoint]:
    try:
        return list(importlib.metadata.entry_points(group=group))
    except Exception:  # noqa: BLE001 - broken metadata: reported when the modules load
        return []


def _import_quietly(names: list[str]) -> None:
    """Import modules ahead of their loading; a failure is reported by the loading itself."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for name in names:
            try:
                importlib.import_module(name)
            except BaseException:  # noqa: BLE001 - reported when the module is loaded
                continue


def _funcnodes_entry_points() -> list[tuple[str, importlib.metadata.EntryPoint]]:
    """One entry point per installed FuncNodes module (group ``funcnodes.module``): its
    ``shelf`` if it declares one, else its ``module``; by module name. None without FuncNodes."""
    from nodeweave.funcnodes import FUNCNODES_GROUP, available

    if not available():
        return []
    try:
        found = list(importlib.metadata.entry_points(group=FUNCNODES_GROUP))
    except Exception:  # broken package metadata must not stop the worker
        logger.exception("cannot list the %r entry points", FUNCNODES_GROUP)
        return []
    chosen: dict[str, importlib.metadata.EntryPoint] = {}
    for ep in found:
        if ep.name == "shelf" or (ep.name == "module" and ep.module not in chosen):
            chosen[ep.module] = ep
    return sorted(chosen.items())


def _name_candidates(path: Path) -> Iterator[str]:
    stem = path.stem
    ident = "".join(c if c.isalnum() or c == "_" else "_" for c in stem)
    if not ident or ident[0].isdigit():
        ident = f"_{ident}"
    if stem.isidentifier():
        yield stem
    yield f"{SYNTHETIC_PACKAGE}.{ident}"
    folder_hash = hashlib.sha1(str(path.parent).encode(), usedforsecurity=False).hexdigest()[:8]
    yield f"{SYNTHETIC_PACKAGE}.{ident}_{folder_hash}"


# --- small helpers -----------------------------------------------------------------------


def _norm(path: Path) -> Path:
    """Absolute, with the folders' symlinks resolved (the file's own name is kept as given)."""
    path = Path(path)
    return Path(os.path.realpath(path.parent)) / path.name


def _same_file(module: types.ModuleType, path: Path) -> bool:
    filename = getattr(module, "__file__", None)
    return filename is not None and _norm(Path(filename)) == path


def _digest(source: bytes) -> str:
    return hashlib.sha256(source).hexdigest()


def _first_line(doc: str | None) -> str:
    return (doc or "").strip().split("\n", 1)[0].strip()


def _describe(record: _Record) -> str:
    where = f" ({record.path})" if record.path is not None else ""
    return f"{record.origin.replace('_', ' ')} module {record.name!r}{where}"


def _message(exc: BaseException) -> str:
    if isinstance(exc, SystemExit):
        return f"the module called sys.exit({exc.code!r}) while importing"
    text = str(exc)
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def _traceback(exc: BaseException, path: Path | None) -> str:
    """The traceback from the module's own first frame on (the loader's frames say nothing)."""
    tb = exc.__traceback__
    if path is not None:
        start = tb
        # The code was compiled with str(path) as its file name (see _exec_source).
        while start is not None and start.tb_frame.f_code.co_filename != str(path):
            start = start.tb_next
        if start is None:
            return "".join(traceback.format_exception_only(exc))
        tb = start
    return "".join(traceback.format_exception(type(exc), exc, tb))


__all__ = [
    "ENTRY_POINT_GROUP",
    "MODULES_PATH_ENV",
    "ModuleEvent",
    "ModuleInfo",
    "ModuleLoader",
    "is_module_file",
    "modules_path_from_env",
]


def _failing_line(exc: BaseException, path: Path | None) -> int | None:
    """Where in the module file ``path`` the import failed: a syntax error's line, else the
    deepest frame of the traceback that is in that file."""
    if path is None:
        return None
    if (
        isinstance(exc, SyntaxError)
        and exc.lineno is not None
        and (exc.filename is None or _norm(Path(exc.filename)) == _norm(path))
    ):
        return exc.lineno
    line = None
    for frame in traceback.extract_tb(exc.__traceback__):
        if frame.filename and _norm(Path(frame.filename)) == _norm(path):
            line = frame.lineno
    return line
