"""The worker's engine: its nodespace, library, modules, saves, and the commands that drive them.

A :class:`~nodeweave.worker.service.Worker` builds it at start when it has something to load (a
saved graph, module files, installed node packages), else on the first command that needs it;
until then the worker answers ``hello`` and ``ping`` without importing any of this.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import inspect
import logging
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from nodeweave.core import events as ev
from nodeweave.core.composite import composite_id_of
from nodeweave.core.document import node_ids_in
from nodeweave.core.errors import NodeweaveError, NotFoundError
from nodeweave.core.library import Library, LibraryChange
from nodeweave.core.nodespace import NodeSpace
from nodeweave.core.tableview import ViewCache
from nodeweave.core.values import NO_VALUE
from nodeweave.protocol import WORKER_COMMANDS, ErrorCode, Handler
from nodeweave.protocol import worker_args as p
from nodeweave.protocol.base import NoArgs
from nodeweave.state.beacon import Beacon

from . import heap, librarycache, module_files
from .cluster import DaskExecutor
from .edits import GraphEditor
from .examples import ExampleConflict, install_files, load_example
from .history import EditHistory
from .journal import SEQ_KEY, Journal, read_entries
from .modules import ModuleEvent, ModuleLoader
from .persistence import Autosaver, load_nodespace
from .previews import register_preview_plugins
from .resultcache import ResultCache
from .views import MUTATIONS, Views, json_value

if TYPE_CHECKING:
    from .service import Worker

log = logging.getLogger("nodeweave.worker")

VIEW_CACHE_SIZE = 4
"""Sorted/filtered table views whose row order a worker keeps (LRU), for paging through them."""

WHOLE_LIBRARY = ("reload_modules",)
"""Commands that need every module loaded: when installed FuncNodes modules were deferred (a
worker whose graph does not use them starts without importing them), these load them first.
(``get_library`` and ``list_modules`` do too, unless the library cache answers for them.)"""
NAMING_NODE_TYPES = (
    "add_node",
    "merge_workflow",
    "import_workflow",
    "set_composite",
    "apply_edits",
)
"""Commands whose arguments name node types: they load the deferred modules first when one of
those types is not in the library yet."""


class Engine:
    """One worker's engine: built by its :class:`~nodeweave.worker.service.Worker`, which keeps
    the clients and the problems; :meth:`start` restores, :meth:`begin` loads the modules and
    computes, :attr:`handlers` answer every command but the worker's own."""

    def __init__(self, worker: Worker) -> None:
        self.worker = worker
        self.config = config = worker.config
        self.broadcast = worker.broadcast
        self.problem = worker.problem
        self.library = Library()
        self.ns = NodeSpace(self.library, executor_factories=self._cluster_factories())
        self.views = Views(self.ns, config.preview_budget, config.chart_preview_budget)
        self.table_views = ViewCache(VIEW_CACHE_SIZE)
        """The row orders of sorted/filtered tables ``/values`` pages through."""
        self.history = EditHistory()
        self.journal = Journal(config.journal_path)
        self.beacon: Beacon | None = None
        self.editor = GraphEditor(
            self.ns, self.history, self._history_changed, journal=self.journal.append
        )
        if config.entry_points:
            register_preview_plugins()
        self.loader = ModuleLoader(
            self.library,
            module_dirs=[config.modules_dir, *config.module_paths],
            entry_points=config.entry_points,
            funcnodes=config.funcnodes,
            builtins=config.builtins,
            defer_funcnodes=config.defer_funcnodes,
            on_event=self._module_event,
        )
        self.autosaver = Autosaver(
            config.nodespace_path,
            self._snapshot,
            delay=config.autosave_delay,
            max_delay=config.autosave_max_delay,
            on_error=self._save_failed,
            on_saved=lambda saved: self.journal.saved(saved[SEQ_KEY]),
        )
        self.result_cache: ResultCache | None = None
        if config.cache_max_bytes > 0:
            self.result_cache = ResultCache(
                config.cache_dir,
                max_bytes=config.cache_max_bytes,
                min_seconds=config.cache_min_seconds,
            )
            self.ns.set_result_store(self.result_cache, self.loader.digest_of)
        self._restore_report: dict[str, Any] = {}
        self._unsubscribe = [
            self.ns.subscribe(self._engine_event),
            self.library.subscribe(self._library_changed),
        ]
        handlers: dict[str, Handler] = {
            "get_state": lambda _: self.views.state(),
            "get_library": self._get_library,
            "add_node": self._add_node,
            "remove_node": self._remove_node,
            "get_node": lambda a: self.views.node(self._known(a.uuid)),
            "update_node": self._update_node,
            "connect": self._connect,
            "disconnect": self._disconnect,
            "set_input": self._set_input,
            "clear_input": self._clear_input,
            "set_annotation": lambda a: self.editor.set_annotation(a.id, a.annotation),
            "remove_annotation": lambda a: self.editor.remove_annotation(a.id),
            "merge_workflow": lambda a: self.editor.merge_document(
                a.document, (a.offset_x, a.offset_y), "merge workflow"
            ),
            "list_presets": self._list_presets,
            "save_preset": self._save_preset,
            "set_preset": lambda a: self.editor.set_preset(a.name, a.preset.model_dump()),
            "rename_preset": lambda a: self.editor.rename_preset(a.name, a.to),
            "delete_preset": lambda a: self.editor.remove_preset(a.name),
            "apply_preset": lambda a: {"changed": self.editor.apply_preset(a.name)},
            "make_composite": lambda a: self.editor.make_composite(list(a.nodes), a.name),
            "set_composite": lambda a: self.editor.set_composite(
                a.id, a.composite.model_dump(), a.renamed
            ),
            "remove_composite": lambda a: self.editor.remove_composite(a.id),
            "expand_composite": lambda a: self.editor.expand_composite(self._known(a.uuid)),
            "get_inside": self._get_inside,
            "undo": lambda _: self.editor.undo(),
            "redo": lambda _: self.editor.redo(),
            "get_history": lambda _: self.history.state(),
            "apply_edits": self._apply_edits,
            "list_module_files": lambda _: {"files": module_files.list_files(self._mods)},
            "read_module": lambda a: {
                "name": a.name,
                "source": module_files.read(self._mods, a.name),
            },
            "write_module": self._write_module,
            "create_module": self._create_module,
            "delete_module": self._delete_module,
            "get_value": self._get_value,
            "trigger": self._trigger,
            "cancel": lambda a: {"cancelled": self.ns.cancel(a.uuid)},
            "list_modules": self._list_modules,
            "reload_modules": self._reload_modules,
            "export_workflow": lambda _: self.ns.to_document(),
            "import_workflow": self._import_workflow,
            "open_example": self._open_example,
            "save": self._save,
            "resume": lambda _: self._resume(),
        }
        for name in (*WHOLE_LIBRARY, *NAMING_NODE_TYPES):
            handlers[name] = self._with_whole_library(handlers[name], name in WHOLE_LIBRARY)
        self.handlers = handlers
        """Every command but ``hello``, ``ping`` and ``shutdown`` (the worker's own)."""
        self._library_cached = False

    def _cluster_factories(self) -> dict[str, Callable[[], concurrent.futures.Executor]]:
        """The Dask executor, made on the first Dask run (and for process nodes if so set)."""
        settings = self.config.dask
        made: list[DaskExecutor] = []

        def dask() -> DaskExecutor:
            if not made:
                loop = asyncio.get_running_loop()  # made by the runner, on the loop

                def connected(info: dict[str, Any]) -> None:  # from the executor's thread
                    loop.call_soon_threadsafe(self._cluster_ready, info)

                made.append(
                    DaskExecutor(
                        settings,
                        budget=self.config.preview_budget,
                        rich_budget=self.config.chart_preview_budget,
                        on_connect=connected,
                    )
                )
            return made[0]

        factories: dict[str, Callable[[], concurrent.futures.Executor]] = {"dask": dask}
        if settings.process_nodes:
            factories["process"] = dask
        return factories

    def _cluster_ready(self, info: dict[str, Any]) -> None:
        self.worker.cluster = info
        self.broadcast("cluster", info)

    # --- life cycle -----------------------------------------------------------------------

    def start(self) -> None:
        """Load the modules, then restore the saved graph — paused: :meth:`begin` computes it."""
        self.ns.pause()
        try:
            self.beacon = Beacon(self.config.beacon_path)
        except OSError as exc:  # the hub then cannot name a node that hangs; nothing else
            log.warning("no running-node beacon at %s: %s", self.config.beacon_path, exc)
        else:
            self.ns.set_beacon(self.beacon)
        # Only the built-in shelves now: the other modules load in :meth:`begin`, after the
        # worker said it is ready, so a module that takes long to import never fails a start.
        # Their nodes are restored as placeholders meanwhile, bound when their module loads.
        if self.result_cache is not None:
            try:
                self.result_cache.scan()
            except OSError as exc:  # unreadable: every node computes, as without a cache
                log.warning("result cache %s unreadable: %s", self.config.cache_dir, exc)
        self.loader.load_builtins()
        self.loader.prefetch()  # the installed modules' imports start now, in a thread
        outcome = load_nodespace(self.config.nodespace_path)
        for problem in outcome.problems:
            self.problem(problem)
        saved_seq = 0
        if outcome.document is not None:
            try:
                report = self.ns.load_document(outcome.document)
            except Exception as exc:  # validated already; a bug must not stop the worker
                log.exception("restoring %s failed", self.config.nodespace_path)
                self.problem(f"the saved graph could not be restored: {exc}")
            else:
                seq = outcome.document.get(SEQ_KEY)
                saved_seq = seq if isinstance(seq, int) and seq > 0 else 0
                self._restore_report = report.to_dict()
                if outcome.source == "backup":
                    self.autosaver.mark_dirty()  # put the good copy back in place
        self.journal.open(self._replay_journal(saved_seq))
        log.info(
            "worker %s: %d nodes restored (%s)",
            self.config.worker_id,
            len(self.ns),
            outcome.source,
        )

    async def begin(self) -> None:
        """Load the node modules (their imports in threads: the worker answers meanwhile), then
        compute the restored graph — unless in safe start, which waits for a client's ``resume``
        (nodes stay *stale*: "not run (safe start)")."""
        try:
            await self.loader.load_the_rest()
            if self.loader.deferred and self._unknown_node_ids():
                await self._load_deferred()  # the graph uses them: load them before it runs
        finally:
            self.worker.modules_loaded.set()
        if self.config.freeze_imports:
            heap.freeze_imports()
        report, self._restore_report = self._restore_report, {}
        if report.get("migrated"):  # (those resolved as modules loaded said so in node_rebound)
            self.broadcast("nodes_migrated", {"migrated": report["migrated"]})
        still_missing = {u for u in self.ns.node_uuids() if self.ns.node(u).placeholder}
        report["placeholders"] = [
            d for d in report.get("placeholders", ()) if d.get("uuid") in still_missing
        ]
        for text in _report_lines(report):
            self.problem(text)
        if self.config.safe_start:
            log.warning(
                "worker %s: safe start, %d nodes loaded and none run; send resume to run them",
                self.config.worker_id,
                len(self.ns),
            )
            return
        self.ns.resume()

    def _unknown_node_ids(self) -> set[str]:
        """Node types the graph (composites' insides included) uses that the library lacks."""
        return {i for i in node_ids_in(self.ns.to_document()) if i not in self.library}

    def _with_whole_library(self, handler: Handler, always: bool) -> Handler:
        """``handler``, after loading the deferred FuncNodes modules if ``always``, or if its
        arguments name a node type the library does not have."""

        async def run(args: Any) -> Any:
            if self.loader.deferred and (
                always or any(i not in self.library for i in node_ids_in(args.model_dump()))
            ):
                await self._load_deferred()
            result = handler(args)
            return await result if inspect.isawaitable(result) else result

        return run

    async def _load_deferred(self) -> None:
        """Load the deferred FuncNodes modules, then keep what they gave in the library cache."""
        fingerprint = self.loader.deferred_fingerprint()
        await self.loader.load_deferred()
        snapshot = self.loader.deferred_snapshot()
        if fingerprint is not None and snapshot is not None and not self._library_cached:
            self._library_cached = True
            path = self.config.library_cache_path
            await asyncio.to_thread(librarycache.write, path, fingerprint, snapshot)

    async def _deferred_cached(self) -> dict[str, Any] | None:
        """The library cache's answer for the deferred modules (None: load them instead)."""
        if not self.loader.deferred:
            return None
        path = self.config.library_cache_path
        return await asyncio.to_thread(librarycache.read, path, self.loader.deferred_fingerprint())

    async def _get_library(self, _: Any) -> dict[str, Any]:
        cached = await self._deferred_cached()
        if cached is None:
            if self.loader.deferred:
                await self._load_deferred()
            return self.library.to_dict()
        library = self.library.to_dict()
        here = {s["name"] for s in library["shelves"]}
        library["shelves"] += [s for s in cached["shelves"] if s["name"] not in here]
        return library

    async def _list_modules(self, _: Any) -> list[dict[str, Any]]:
        cached = await self._deferred_cached()
        if cached is None and self.loader.deferred:
            await self._load_deferred()
        modules = [m.to_dict() for m in self.loader.modules()]
        if cached is not None:
            known = {m["name"] for m in modules}
            modules += [
                {**m, "status": "deferred", "error": "", "traceback": ""}
                for m in cached["modules"]
                if m["name"] not in known
            ]
        return modules

    def _resume(self) -> dict[str, Any]:
        was = self.ns.paused
        self.ns.resume()
        if was:
            log.info("worker %s: the graph runs (safe start ended)", self.config.worker_id)
            self.broadcast("paused", {"paused": False})
        return {"resumed": was}

    def _replay_journal(self, after: int) -> int:
        """Apply the journaled edits the saved graph does not include; the last entry's number."""
        entries, problems = read_entries(self.config.journal_path, after)
        for text in problems:
            self.problem(text)
        last = after
        for seq, ops in entries:
            try:
                self.editor.replay(ops)
            except NodeweaveError as exc:
                self.problem(f"an edit made before the worker stopped could not be replayed: {exc}")
            last = seq
        if entries:
            log.info(
                "worker %s: %d edits replayed from the journal", self.config.worker_id, len(entries)
            )
            self.autosaver.mark_dirty()  # into nodespace.json, so the journal can be emptied
        return last

    def _snapshot(self) -> dict[str, Any]:
        return {**self.ns.to_document(), SEQ_KEY: self.journal.seq}

    async def aclose(self) -> None:
        """Save, stop computing, release the engine."""
        await self.autosaver.aclose()
        self.journal.close()
        for unsubscribe in self._unsubscribe:
            unsubscribe()
        await self.ns.aclose()
        await self.loader.finish()
        if self.result_cache is not None:
            await asyncio.to_thread(self.result_cache.close)
        self.loader.close()
        if self.beacon is not None:
            self.ns.set_beacon(None)
            self.beacon.close()

    def failed_modules(self) -> list[str]:
        """A problem line for each node module that failed to load (for ``hello``)."""
        return [
            f"module {m.name}: {m.error}" for m in self.loader.modules() if m.status == "failed"
        ]

    # --- engine, library and module events ---------------------------------------------

    def _engine_event(self, event: ev.Event) -> None:
        if isinstance(event, MUTATIONS):
            self.autosaver.mark_dirty()
        if self.worker.clients:
            wire = self.views.event(event)
            if wire is not None:
                self.broadcast(*wire)

    def _library_changed(self, change: LibraryChange) -> None:
        if self.worker.clients:
            self.broadcast(
                "library_changed",
                {
                    "added": [s.id for s in change.added],
                    "removed": [s.id for s in change.removed],
                    "replaced": [s.id for s in change.replaced],
                },
            )

    def _module_event(self, event: ModuleEvent) -> None:
        if event.kind in ("reloaded", "removed"):
            heap.thaw()  # its old code may be cyclic garbage: the collector must see it
        # The loader logs (with the traceback); clients hear it here.
        self.broadcast(f"module_{event.kind}", event.to_dict())
        # Nodes that did not load while the rest of the module did: one problem per reason
        # (each entry reads "'node id': reason"), said once, not again at every reload.
        by_reason: dict[str, list[str]] = {}
        for entry in event.skipped:
            node_id, _, reason = entry.partition(": ")
            by_reason.setdefault(reason, []).append(node_id)
        for reason, node_ids in by_reason.items():
            nodes = "node" if len(node_ids) == 1 else f"{len(node_ids)} nodes"
            message = f"module {event.module}: {nodes} not loaded ({', '.join(node_ids)}): {reason}"
            if message not in self.worker.restore_problems:
                self.problem(message)

    def _save_failed(self, exc: BaseException) -> None:
        self.broadcast("problem", {"message": f"saving {self.config.nodespace_path} failed: {exc}"})

    # --- commands -----------------------------------------------------------------------

    def _known(self, uuid: str) -> str:
        if uuid not in self.ns:
            raise NotFoundError(f"no node {uuid!r}", details={"uuid": uuid})
        return uuid

    def _add_node(self, a: p.AddNodeArgs) -> dict[str, Any]:
        uuid = self.editor.add_node(
            a.node_id,
            uuid=a.uuid,
            inputs=a.inputs,
            properties=a.properties,
            allow_missing=a.allow_missing,
        )
        return self.views.node(uuid)

    def _remove_node(self, a: p.UuidArgs) -> None:
        self.editor.remove_node(self._known(a.uuid))

    def _update_node(self, a: p.UpdateNodeArgs) -> dict[str, Any]:
        self.editor.update_node(self._known(a.uuid), a.properties, merge=a.merge)
        return self.views.node(a.uuid)

    def _connect(self, a: p.ConnectArgs) -> dict[str, str]:
        edge = self.editor.connect(a.src, a.src_io, a.dst, a.dst_io, replace=a.replace)
        return edge.to_dict()  # type: ignore[no-any-return]

    def _disconnect(self, a: p.DisconnectArgs) -> None:
        self.editor.disconnect(a.src, a.src_io, a.dst, a.dst_io)

    def _set_input(self, a: p.SetInputArgs) -> dict[str, bool]:
        return {"changed": self.editor.set_input(a.uuid, a.io, a.value)}

    def _clear_input(self, a: p.IoArgs) -> dict[str, bool]:
        return {"changed": self.editor.clear_input(self._known(a.uuid), a.io)}

    def _apply_edits(self, a: p.ApplyEditsArgs) -> dict[str, Any]:
        edits: list[tuple[str, dict[str, Any]]] = []
        for index, edit in enumerate(a.edits):
            spec = WORKER_COMMANDS[edit.cmd]
            try:
                args = spec.args.model_validate(edit.kwargs)
            except ValidationError as exc:
                raise InvalidEdit(
                    f"edit {index} ({edit.cmd}): {exc.errors(include_url=False)[0]['msg']}",
                    details={"index": index},
                ) from None
            edits.append((edit.cmd, args.model_dump()))
        results = self.editor.apply_edits(a.label, edits)
        return {"results": [_edit_result(self, r) for r in results]}

    def _history_changed(self) -> None:
        self.broadcast("history", self.history.state())

    @property
    def _mods(self) -> Path:
        return self.config.modules_dir

    async def _write_module(self, a: p.WriteModuleArgs) -> dict[str, Any]:
        path = module_files.write(self._mods, a.name, a.source)
        return (await self.loader.reload_file_async(path)).to_dict()

    async def _create_module(self, a: p.ModuleFileArgs) -> dict[str, Any]:
        path = module_files.write(self._mods, a.name, module_files.template(a.name), create=True)
        return (await self.loader.reload_file_async(path)).to_dict()

    async def _delete_module(self, a: p.ModuleFileArgs) -> dict[str, Any]:
        path = module_files.delete(self._mods, a.name)
        return (await self.loader.reload_file_async(path)).to_dict()

    async def _reload_modules(self, _: NoArgs) -> list[dict[str, Any]]:
        return [e.to_dict() for e in await self.loader.reload_all_async(force=True)]

    def _get_value(self, a: p.IoArgs) -> dict[str, Any]:
        view = self.ns.node(a.uuid)
        if a.io in view.outputs or (view.placeholder is False and a.io not in view.inputs):
            value = self.ns.get_value(a.uuid, a.io, NO_VALUE)  # raises not_found for a bad io
        else:
            value = view.inputs.get(a.io, NO_VALUE)
        return self.views.output_preview(value)

    def _get_inside(self, a: p.GetInsideArgs) -> dict[str, Any]:
        space = self.ns
        for step in a.path:
            found = space.inside(step) if step in space else None
            if found is None:
                raise InvalidEdit(
                    f"no composite {step!r} that has run on the path to {a.uuid!r}",
                    details={"uuid": step},
                )
            space = found
        view = space.node(a.uuid)
        cid = composite_id_of(view.node_id)
        definition = self.ns.composites().get(cid) if cid is not None else None
        if cid is None or definition is None:
            raise InvalidEdit(
                f"node {a.uuid!r} ({view.node_id}) is not a composite of this workflow",
                details={"uuid": a.uuid},
            )
        inside = space.inside(a.uuid)
        state = None
        if inside is not None:
            views = Views(inside, self.config.preview_budget, self.config.chart_preview_budget)
            state = views.state()
            state.pop("composites", None)
        return {"id": cid, "composite": definition, "state": state}

    def _trigger(self, a: p.UuidArgs) -> None:
        self.ns.trigger(self._known(a.uuid))

    def _list_presets(self, _: NoArgs) -> dict[str, Any]:
        return {
            "presets": [
                {"name": name, **preset, "problems": self.ns.preset_problems(name)}
                for name, preset in self.ns.presets().items()
            ]
        }

    def _save_preset(self, a: p.SavePresetArgs) -> dict[str, Any]:
        values = []
        for item in a.inputs:
            self._known(item.uuid)
            value = self.ns.get_input(item.uuid, item.io)
            ok, plain = json_value(value)
            if not ok:
                raise InvalidEdit(
                    f"{item.uuid}.{item.io} has no value a preset can keep (none, or not JSON)",
                    details={"uuid": item.uuid, "io": item.io},
                )
            values.append({"node": item.uuid, "io": item.io, "value": plain})
        return self.editor.set_preset(a.name, {"values": values})

    def _import_workflow(self, a: p.ImportWorkflowArgs) -> dict[str, Any]:
        report: dict[str, Any] = self.editor.load_document(a.document, "import workflow").to_dict()
        if report.get("migrated"):
            self.broadcast("nodes_migrated", {"migrated": report["migrated"]})
        return report

    def _open_example(self, a: p.OpenExampleArgs) -> dict[str, Any]:
        document, data = load_example(a.name)
        if len(self.ns):
            raise ExampleConflict(
                "the example opens in an empty worker: this one has a graph",
                details={"nodes": len(self.ns)},
            )
        files = install_files(data, self.config.files_dir)
        report = self.editor.load_document(document, f"open the {a.name} example")
        return {**report.to_dict(), "files": files}

    async def _save(self, _: NoArgs) -> dict[str, Any]:
        path = self.config.nodespace_path
        if not self.autosaver.dirty and path.exists():
            # On disk already: writing again would only rotate the backup away (the .bak would
            # then equal the main file and the generation before it be lost).
            return {"path": str(path), "saved": False}
        self.autosaver.mark_dirty()
        await self.autosaver.flush()
        if self.autosaver.dirty:  # the write failed; the reason was reported
            raise OSError(
                f"could not write {self.config.nodespace_path}: {self.autosaver.last_error}"
            )
        return {"path": str(self.config.nodespace_path), "saved": True}


def _report_lines(report: dict[str, Any]) -> list[str]:
    lines = [
        f"node {d.get('uuid')} ({d.get('node_id')}) keeps its data but its type is missing"
        for d in report.get("placeholders", ())
    ]
    lines += [f"dropped input value: {d}" for d in report.get("dropped_inputs", ())]
    lines += [f"dropped edge: {d}" for d in report.get("dropped_edges", ())]
    return lines


class InvalidEdit(NodeweaveError):
    code = ErrorCode.INVALID_ARGUMENTS


def _edit_result(engine: Engine, result: Any) -> Any:
    """An edit's result as its command replies it (a node dict, an edge, ``changed``)."""
    if isinstance(result, str) and result in engine.ns:
        return engine.views.node(result)
    if isinstance(result, bool):
        return {"changed": result}
    to_dict = getattr(result, "to_dict", None)
    return to_dict() if callable(to_dict) else result
