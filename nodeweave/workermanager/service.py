"""The hub itself: the registry, one supervisor per worker, environments, and the commands.

Transport-free like the worker's service: the aiohttp app feeds it request frames and
registers connections in :attr:`Hub.clients`; every change of a worker is broadcast as a
``worker_status`` event.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import contextlib
import datetime
import logging
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import aiohttp
import orjson

from nodeweave import __version__
from nodeweave.protocol import PROTOCOL_VERSION, Dispatcher, ErrorCode, Handler, ProtocolError
from nodeweave.protocol import hub as h
from nodeweave.protocol.base import NoArgs
from nodeweave.protocol.hub import HUB_COMMANDS
from nodeweave.protocol.outbox import Outbox
from nodeweave.state import BEACON_FILE, LOCK_FILE, LOG_FILE, RUNTIME_FILE, lock_holder
from nodeweave.state.beacon import read_beacon
from nodeweave.state.secrets import (
    SecretError,
    delete_secret,
    read_secrets,
    secret_names,
    set_secret,
)
from nodeweave.tasks import TaskGroup

from . import packages
from .config import HubConfig
from .process import WorkerProcess, log_tail, worker_env
from .provision import (
    EnvProgress,
    ProvisionError,
    cleanup_leftovers,
    env_exists,
    env_python,
    provision,
    requirements_changed,
)
from .registry import Registry, WorkerEntry
from .spare import Spare, SpareGone
from .supervisor import Status, Supervisor

log = logging.getLogger("nodeweave.workermanager")

VENV_DIR = ".venv"


class Hub:
    def __init__(self, config: HubConfig) -> None:
        self.config = config
        self.registry = Registry(config.state)
        self.supervisors: dict[str, Supervisor] = {}
        self.clients: set[Outbox] = set()
        self.env_errors: dict[str, str] = {}
        self.stop_workers_on_close = True
        """False leaves the workers running when the hub closes (as if it died; they are
        re-adopted by the next hub)."""
        self._env_locks: dict[str, asyncio.Lock] = {}
        self._package_locks: dict[str, asyncio.Lock] = {}
        self._http: aiohttp.ClientSession | None = None
        self._tasks = TaskGroup(log)
        # Starting a worker is mostly its imports: CPU. More than one per core at a time only
        # compete with each other — and with the hub, whose answers would lag (50 workers at once:
        # all running as soon, list_workers p99 ~13 ms instead of ~20 ms with two per core).
        self._launching = asyncio.Semaphore(os.cpu_count() or 2)
        self._spare: Spare | None = None
        self._spare_starting: asyncio.Task[None] | None = None
        self._closing = False
        handlers: dict[str, Handler] = {
            "ping": lambda _: {"pong": True},
            "list_workers": lambda _: [self._discovered(i) for i in self.registry.ids()],
            "get_worker": lambda a: self._discovered(a.id),
            "create_worker": self._create,
            "update_worker": self._update,
            "start_worker": self._start,
            "stop_worker": self._stop,
            "restart_worker": self._restart,
            "delete_worker": self._delete,
            "worker_logs": self._logs,
            "list_packages": self._list_packages,
            "add_packages": self._add_packages,
            "remove_packages": self._remove_packages,
            "upgrade_packages": self._upgrade_packages,
            "rollback_packages": self._rollback_packages,
            "list_secrets": self._list_secrets,
            "set_secret": self._set_secret,
            "delete_secret": self._delete_secret,
            "export_bundle": self._export_bundle,
            "read_bundle": self._read_bundle,
            "import_bundle": self._import_bundle,
            "list_funcnodes_workers": self._list_funcnodes,
            "import_funcnodes": self._import_funcnodes,
        }
        self.dispatcher = Dispatcher(HUB_COMMANDS, handlers)

    # --- life cycle -----------------------------------------------------------------------

    async def start(self) -> None:
        """Sweep crash leftovers, re-adopt running workers, apply the autostart policies."""
        self._http = aiohttp.ClientSession()
        self.registry.sweep()
        to_start: list[str] = []
        for entry in self.registry.entries():
            sup = self.supervisor(entry.id)
            folder = self.registry.folder(entry.id)
            cleanup_leftovers(folder / VENV_DIR)
            running = self._running_by_itself(folder) if self.config.autostart else None
            if running is not None:
                sup.adopt(running)
            elif entry.failure:  # it failed before this hub: still failed, with its reason
                sup.mark_failed(entry.failure)
            elif self.config.autostart and entry.autostart == "always":
                to_start.append(entry.id)
        for worker_id in to_start:
            self._own(self._autostart(worker_id), f"autostart-{worker_id}")
        self._want_spare()

    async def aclose(self, *, stop_workers: bool = True) -> None:
        """Stop the workers (saved, gracefully, all at once) unless told to leave them running."""
        self._closing = True
        await self._tasks.aclose()
        if self._spare is not None:
            await self._spare.aclose()
        sups = list(self.supervisors.values())
        if stop_workers:
            results = await asyncio.gather(*(s.stop() for s in sups), return_exceptions=True)
            for sup, result in zip(sups, results, strict=True):
                if isinstance(result, BaseException):
                    log.error("stopping worker %s failed: %s", sup.worker_id, result)
        await asyncio.gather(*(s.aclose() for s in sups), return_exceptions=True)
        if self._http is not None:
            await self._http.close()

    def hello(self) -> dict[str, Any]:
        return {"protocol_version": PROTOCOL_VERSION, "version": __version__, "pid": os.getpid()}

    # --- records and events ---------------------------------------------------------------

    def supervisor(self, worker_id: str) -> Supervisor:
        sup = self.supervisors.get(worker_id)
        if sup is None:
            folder = self.registry.folder(worker_id)
            sup = Supervisor(
                worker_id,
                launch=lambda safe: self._launch(worker_id, safe=safe),
                token=self.config.token or "",
                policy=self.config.policy,
                on_change=self._changed,
                http=self._session,
                tail=lambda: log_tail(folder / LOG_FILE),
                beacon=lambda: read_beacon(folder / BEACON_FILE),
            )
            self.supervisors[worker_id] = sup
        return sup

    def record(self, worker_id: str) -> dict[str, Any]:
        entry = self.registry.get(worker_id)
        return {
            "id": entry.id,
            "name": entry.name,
            "requirements": entry.requirements,
            "venv": entry.venv,
            "autostart": entry.autostart,
            "created": entry.created or None,
            "env_error": self.env_errors.get(worker_id),
            "env": dict(entry.env),
            "secrets": secret_names(self.registry.folder(worker_id)),
            **self.supervisor(worker_id).view(),
        }

    def broadcast(self, name: str, data: Any, key: Any = None) -> None:
        for client in self.clients:
            client.event(name, data, key)

    def _changed(self, sup: Supervisor) -> None:
        with contextlib.suppress(ProtocolError):  # deleted meanwhile
            self._remember_failure(sup)
            self.broadcast("worker_status", self.record(sup.worker_id))

    def _remember_failure(self, sup: Supervisor) -> None:
        """Keep a failure (and its reason) in worker.json, so a new hub shows it too."""
        entry = self.registry.get(sup.worker_id)
        failure = sup.error if sup.status is Status.FAILED else None
        if sup.status in (Status.FAILED, Status.RUNNING) and entry.failure != failure:
            self.registry.update(entry.model_copy(update={"failure": failure}))

    def _discovered(self, worker_id: str) -> dict[str, Any]:
        """The record, after adopting the worker if it runs without this hub having started it
        (``nodeweave worker run ID`` by hand): its lock and runtime file say so."""
        sup = self.supervisor(worker_id)
        if sup.status in (Status.STOPPED, Status.FAILED) and not sup.closed:
            running = self._running_by_itself(self.registry.folder(worker_id))
            if running is not None:
                sup.adopt(running)
        return self.record(worker_id)

    def _session(self) -> aiohttp.ClientSession:
        if self._http is None or self._http.closed:
            self._http = aiohttp.ClientSession()
        return self._http

    # --- launching ----------------------------------------------------------------------

    async def _launch(self, worker_id: str, *, safe: bool = False) -> WorkerProcess:
        entry = self.registry.get(worker_id)
        folder = self.registry.folder(worker_id)
        running = self._running_by_itself(folder)
        if running is not None:  # started by hand, or left by a hub: take it over
            log.info("worker %s is already running (pid %d): adopting it", worker_id, running.pid)
            return running
        python = self._python()
        if entry.venv:
            python = str(await self._ensure_env(entry))
        env = worker_env(
            self.config.state,
            self.config.port,
            {**entry.env, **read_secrets(folder)},
            self.config.token,
        )
        argv = ("worker", "run", worker_id, *(("--safe",) if safe else ()))
        log_path = folder / LOG_FILE
        timeout = self.config.policy.ready_timeout
        async with self._launching:
            spare = self._take_spare(python, env)
            try:
                if spare is not None:
                    try:
                        return await spare.hand_over(
                            argv, env=env, cwd=folder, log_path=log_path, ready_timeout=timeout
                        )
                    except SpareGone as exc:
                        log.warning("worker %s starts cold: %s", worker_id, exc)
                return await WorkerProcess.spawn(
                    python, argv, log_path=log_path, env=env, ready_timeout=timeout, cwd=folder
                )
            finally:
                if python == self._python():
                    self._want_spare()

    # --- the warm spare -----------------------------------------------------------------

    def _python(self) -> str:
        """The interpreter of workers without an environment of their own (and of the spare)."""
        return str(self.config.python or sys.executable)

    def spare_view(self) -> dict[str, Any] | None:
        spare = self._spare
        return spare.view() if spare is not None and spare.alive and not spare.used else None

    def _want_spare(self) -> None:
        """Start the next spare in the background, unless one is there or on its way."""
        if not self.config.warm_spare or self._closing:
            return
        spare = self._spare
        if spare is not None and spare.alive and not spare.used:
            return
        if self._spare_starting is not None and not self._spare_starting.done():
            return
        self._spare_starting = self._tasks.spawn(self._start_spare(), "warm-spare")

    async def _start_spare(self) -> None:
        env = worker_env(self.config.state, self.config.port, {}, self.config.token)
        try:
            spare = await Spare.start(self._python(), env, self.config.state)
        except OSError as exc:
            log.warning("no warm spare: %s", exc)
            return
        self._spare = spare

    def _take_spare(self, python: str, env: dict[str, str]) -> Spare | None:
        """The spare, if it can become a worker of this interpreter and environment: no longer
        the hub's to give to another."""
        spare = self._spare
        if spare is None or not spare.fits(python, env):
            return None
        self._spare = None
        return spare

    def _running_by_itself(self, folder: Path) -> WorkerProcess | None:
        """The worker process that holds this folder's lock, if one does and says where."""
        pid = lock_holder(folder / LOCK_FILE)
        if pid is None:
            return None
        info = _runtime(folder)
        if info is None or info.get("pid") != pid:
            log.warning("%s: pid %d holds the lock but says nowhere where", folder.name, pid)
            return None
        return WorkerProcess.adopt(pid, info)

    async def _autostart(self, worker_id: str) -> None:
        with contextlib.suppress(ProtocolError):  # reported through the worker's status
            await self.supervisor(worker_id).start()

    async def _provision(self, entry: WorkerEntry, resolved: str) -> None:
        """Build the worker's environment from the lock ``resolved`` (beside the current one,
        swapped in when complete: a failure leaves the current one as it was)."""
        lock = self._env_locks.setdefault(entry.id, asyncio.Lock())
        async with lock:
            env_dir = self.registry.folder(entry.id) / VENV_DIR

            def progress(p: EnvProgress) -> None:
                self.broadcast(
                    "env_progress",
                    {
                        "id": entry.id,
                        "stage": p.stage,
                        "message": p.message,
                        "fraction": p.fraction,
                    },
                )

            try:
                await provision(
                    env_dir,
                    [],
                    progress=progress,
                    app_data=self.config.state / "cache" / "virtualenv",
                    resolved=resolved,
                )
            except ProvisionError as exc:
                self.env_errors[entry.id] = exc.output or str(exc)
                self._log_failure(entry.id, str(exc), exc.output)
                self._changed(self.supervisor(entry.id))
                raise ProtocolError(
                    ErrorCode.ENVIRONMENT_FAILED,
                    f"the environment of worker {entry.id} could not be built: {exc}",
                    {"output": exc.output[-8000:]},
                ) from None
            self.env_errors.pop(entry.id, None)

    async def _resolve(
        self,
        entry: WorkerEntry,
        requirements: list[str],
        *,
        upgrade: bool | list[str] = False,
        preferred: str | None = None,
        trial: bool = False,
    ) -> str:
        """The lock of ``requirements``; a failure is kept on the worker's record and in its log
        unless ``trial`` (a dry run: nothing was to change, nothing failed)."""
        try:
            return await packages.resolve(requirements, preferred=preferred, upgrade=upgrade)
        except packages.ResolveError as exc:
            if not trial:
                self.env_errors[entry.id] = exc.output or exc.message
                self._log_failure(entry.id, exc.message, exc.output)
                self._changed(self.supervisor(entry.id))
            raise ProtocolError(
                ErrorCode.RESOLUTION_FAILED,
                f"worker {entry.id}: {exc.message}",
                {"output": exc.output[-8000:]},
            ) from None

    def _log_failure(self, worker_id: str, message: str, output: str) -> None:
        """Put a failed environment change into the worker's log (``worker logs`` shows it)."""
        stamp = datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds")
        text = f"[nodeweave {stamp}] the packages could not be changed: {message}\n{output}\n"
        try:
            with (self.registry.folder(worker_id) / LOG_FILE).open("a", encoding="utf-8") as f:
                f.write(text)
        except OSError as exc:
            log.warning("worker %s: could not write its log: %s", worker_id, exc)

    async def _ensure_env(self, entry: WorkerEntry) -> Path:
        """The worker's environment, in sync with its lock: rebuilt only when it is missing or
        was built from another lock (one small file read otherwise). An environment from before
        locks is used as it is (a start never needs the index); a missing one is resolved."""
        folder = self.registry.folder(entry.id)
        env_dir = folder / VENV_DIR
        resolved = packages.read_lock(folder)
        if resolved is None and env_exists(env_dir):
            return env_python(env_dir)  # built before locks: used as it is until a change
        if resolved is None:
            resolved = await self._resolve(entry, list(entry.requirements))
            packages.write_lock(folder, resolved, entry.requirements)
        if not env_exists(env_dir) or not packages.stamp_matches(env_dir, resolved):
            await self._provision(entry, resolved)
        return env_python(env_dir)

    async def _apply_packages(
        self,
        worker_id: str,
        wanted: Callable[[list[str]], list[str]],
        *,
        upgrade: bool | list[str] = False,
        dry_run: bool,
        resolved: str | None = None,
    ) -> dict[str, Any]:
        """Resolve ``requirements`` (unless ``resolved`` is given), show or apply the change:
        the environment is built beside the current one, the lock and worker.json follow, a
        running worker is restarted on it. Any failure leaves all of it as it was."""
        # one change of a worker's packages at a time: each starts from the lock the previous
        # one left (two adds at once must both end up in it)
        async with self._package_locks.setdefault(worker_id, asyncio.Lock()):
            entry = self.registry.get(worker_id)
            requirements = wanted(list(entry.requirements))
            return await self._apply_packages_locked(
                entry, requirements, upgrade=upgrade, dry_run=dry_run, resolved=resolved
            )

    async def _apply_packages_locked(
        self,
        entry: WorkerEntry,
        requirements: list[str],
        *,
        upgrade: bool | list[str],
        dry_run: bool,
        resolved: str | None,
    ) -> dict[str, Any]:
        worker_id = entry.id
        folder = self.registry.folder(worker_id)
        current = packages.read_lock(folder) or ""
        if resolved is None:
            resolved = await self._resolve(
                entry, requirements, upgrade=upgrade, preferred=current or None, trial=dry_run
            )
        change = packages.diff(packages.parse_lock(current), packages.parse_lock(resolved))
        result: dict[str, Any] = {
            "diff": change.to_dict(),
            "requirements": requirements,
            "applied": False,
            "restarted": False,
        }
        if dry_run:
            return result
        target = entry.model_copy(update={"requirements": requirements, "venv": True})
        await self._provision(target, resolved)
        await asyncio.to_thread(packages.write_lock, folder, resolved, requirements)
        self.registry.update(target)
        result["applied"] = True
        sup = self.supervisor(worker_id)
        self._changed(sup)
        if sup.status is Status.RUNNING:
            await sup.restart()  # on the new environment; its graph was saved on the way down
            result["restarted"] = True
        return result

    async def _add_packages(self, a: h.PackagesArgs) -> dict[str, Any]:
        self.registry.get(a.id)
        added = [self._requirement(r) for r in a.packages]
        return await self._apply_packages(
            a.id, lambda current: packages.with_added(current, added), dry_run=a.dry_run
        )

    async def _remove_packages(self, a: h.PackagesArgs) -> dict[str, Any]:
        self.registry.get(a.id)

        def kept(current: list[str]) -> list[str]:
            rest, missing = packages.without(current, a.packages)
            if missing:
                raise ProtocolError(
                    ErrorCode.NOT_FOUND,
                    f"worker {a.id} does not require {', '.join(missing)}",
                    {"requirements": current},
                )
            return rest

        return await self._apply_packages(a.id, kept, dry_run=a.dry_run)

    async def _upgrade_packages(self, a: h.UpgradeArgs) -> dict[str, Any]:
        entry = self.registry.get(a.id)
        names = [packages.requirement_name(n) or n for n in a.packages]
        upgrade: bool | list[str] = names if names else True
        result = await self._apply_packages(
            a.id, lambda current: current, upgrade=upgrade, dry_run=a.dry_run
        )
        pinned = [
            r
            for r in entry.requirements
            if "==" in r and (not names or packages.requirement_name(r) in names)
        ]
        if pinned and not any(result["diff"].values()):
            result["note"] = (
                f"pinned by the requirements {', '.join(pinned)}: add the package again without "
                "a version (or with a range) to let it move"
            )
        return result

    async def _rollback_packages(self, a: h.RollbackArgs) -> dict[str, Any]:
        self.registry.get(a.id)
        found = packages.previous(self.registry.folder(a.id))
        if found is None:
            raise ProtocolError(
                ErrorCode.INVALID_STATE, f"worker {a.id} has no earlier packages to go back to"
            )
        path, resolved, requirements = found
        result = await self._apply_packages(
            a.id, lambda _current: requirements, dry_run=a.dry_run, resolved=resolved
        )
        if result["applied"]:
            path.unlink(missing_ok=True)  # now the current lock (the replaced one is kept)
        return result

    async def _list_packages(self, a: h.ListPackagesArgs) -> dict[str, Any]:
        entry = self.registry.get(a.id)
        folder = self.registry.folder(a.id)
        resolved = packages.read_lock(folder)
        pins = packages.parse_lock(resolved or "")
        requested = {packages.requirement_name(r) for r in entry.requirements}
        latest: dict[str, str] = {}
        checked = False
        if a.outdated and pins and env_exists(folder / VENV_DIR):
            found = await packages.outdated(env_python(folder / VENV_DIR))
            if found is not None:
                latest, checked = found, True
        items = []
        for pin in pins.values():
            item: dict[str, Any] = {**pin.to_dict(), "requested": pin.name in requested}
            if pin.name in latest:
                item["latest"] = latest[pin.name]
            items.append(item)
        return {
            "requirements": list(entry.requirements),
            "packages": items,
            "locked": resolved is not None,
            "can_roll_back": packages.previous(folder) is not None,
            "outdated_checked": checked,
        }

    @staticmethod
    def _requirement(text: str) -> str:
        try:
            return packages.check_requirement(text)
        except ValueError as exc:
            raise ProtocolError(ErrorCode.INVALID_ARGUMENTS, str(exc)) from None

    # --- commands -----------------------------------------------------------------------

    async def _create(self, a: h.CreateWorkerArgs) -> dict[str, Any]:
        venv = bool(a.requirements) if a.venv is None else a.venv
        if a.requirements and not venv:
            raise ProtocolError(
                ErrorCode.INVALID_ARGUMENTS,
                "requirements need the worker's own environment (venv: true)",
            )
        entry = self.registry.create(
            a.name, requirements=list(a.requirements), venv=venv, autostart=a.autostart
        )
        sup = self.supervisor(entry.id)
        self._changed(sup)
        if venv:
            try:
                await self._ensure_env(entry)
            except ProtocolError as exc:
                # the worker exists, failed, with why (worker list, logs, the UI show it)
                sup.mark_failed(exc.message)
                raise
            self._changed(sup)
        return self.record(entry.id)

    async def _update(self, a: h.UpdateWorkerArgs) -> dict[str, Any]:
        entry = self.registry.get(a.id)
        changes: dict[str, Any] = {}
        if a.name is not None:
            changes["name"] = a.name
        if a.autostart is not None:
            changes["autostart"] = a.autostart
        if a.env is not None:
            changes["env"] = dict(a.env)
        if changes:
            self.registry.update(entry.model_copy(update=changes))
            self._changed(self.supervisor(a.id))
        if a.requirements is not None and requirements_changed(entry.requirements, a.requirements):
            # resolved, built beside, swapped in, restarted: as add_packages does
            wanted = [self._requirement(r) for r in a.requirements]
            await self._apply_packages(a.id, lambda _current: wanted, dry_run=False)
        return self.record(a.id)

    async def _start(self, a: h.StartWorkerArgs) -> dict[str, Any]:
        self.registry.get(a.id)
        await self.supervisor(a.id).start(safe=a.safe)
        return self.record(a.id)

    async def _stop(self, a: h.WorkerIdArgs) -> dict[str, Any]:
        self.registry.get(a.id)
        await self.supervisor(a.id).stop()
        return self.record(a.id)

    async def _restart(self, a: h.WorkerIdArgs) -> dict[str, Any]:
        self.registry.get(a.id)
        await self.supervisor(a.id).restart()
        return self.record(a.id)

    async def _delete(self, a: h.WorkerIdArgs) -> None:
        self.registry.get(a.id)
        sup = self.supervisor(a.id)
        await sup.stop()
        await sup.aclose()
        self.supervisors.pop(a.id, None)
        self.env_errors.pop(a.id, None)
        self.registry.delete(a.id)
        self.broadcast("worker_deleted", {"id": a.id})

    def _list_secrets(self, a: h.WorkerIdArgs) -> dict[str, Any]:
        self.registry.get(a.id)
        return {"id": a.id, "names": secret_names(self.registry.folder(a.id))}

    def _set_secret(self, a: h.SetSecretArgs) -> dict[str, Any]:
        self.registry.get(a.id)
        try:
            names = set_secret(self.registry.folder(a.id), a.name, a.value)
        except SecretError as exc:
            raise ProtocolError(ErrorCode.INVALID_ARGUMENTS, str(exc)) from None
        log.info("worker %s: secret %s set", a.id, a.name)  # its name only
        self._changed(self.supervisor(a.id))
        return {"id": a.id, "names": names}

    def _delete_secret(self, a: h.SecretNameArgs) -> dict[str, Any]:
        self.registry.get(a.id)
        folder = self.registry.folder(a.id)
        if not delete_secret(folder, a.name):
            raise ProtocolError(ErrorCode.NOT_FOUND, f"worker {a.id} has no secret {a.name!r}")
        self._changed(self.supervisor(a.id))
        return {"id": a.id, "names": secret_names(folder)}

    async def _export_bundle(self, a: h.ExportBundleArgs) -> dict[str, Any]:
        from nodeweave import bundles  # (bundles and FuncNodes documents: imported when used)

        from . import bundle_import

        self.registry.get(a.id)
        try:
            bundle = await asyncio.to_thread(bundle_import.of_worker, self.registry, a.id, a.files)
        except bundles.BundleError as exc:
            raise ProtocolError(ErrorCode.INVALID_ARGUMENTS, str(exc)) from None
        result: dict[str, Any] = {
            "name": bundle.name,
            "modules": sorted(bundle.modules),
            "files": sorted(bundle.files),
            "requirements": bundle.requirements,
            "files_available": bundle_import.available_files(self.registry, a.id),
            "data": None,
            "size": 0,
        }
        if not a.dry_run:
            data = await asyncio.to_thread(bundles.write, bundle, __version__)
            result.update(data=base64.b64encode(data).decode("ascii"), size=len(data))
        return result

    async def _read_bundle(self, a: h.ReadBundleArgs) -> dict[str, Any]:
        from nodeweave import bundles

        try:
            raw = base64.b64decode(a.data, validate=True)
            bundle = await asyncio.to_thread(bundles.read, raw)
        except (binascii.Error, ValueError) as exc:
            raise ProtocolError(ErrorCode.INVALID_DOCUMENT, str(exc)) from None
        return {
            "name": bundle.name,
            "document": bundle.document,
            "modules": {k: v.decode("utf-8", errors="replace") for k, v in bundle.modules.items()},
            "files": sorted(bundle.files),
            "requirements": bundle.requirements,
            "written_by": str(bundle.manifest.get("nodeweave", "?")),
        }

    async def _import_bundle(self, a: h.ImportBundleArgs) -> dict[str, Any]:
        from nodeweave import bundles  # (bundles and FuncNodes documents: imported when used)

        from . import bundle_import

        try:
            raw = base64.b64decode(a.data, validate=True)
        except (binascii.Error, ValueError):
            raise ProtocolError(
                ErrorCode.INVALID_DOCUMENT, "the bundle is not valid base64"
            ) from None
        try:
            bundle = await asyncio.to_thread(bundles.read, raw)
            imported = await asyncio.to_thread(
                bundle_import.create_worker, self.registry, bundle, name=a.name, install=a.install
            )
        except bundles.BundleError as exc:
            raise ProtocolError(ErrorCode.INVALID_DOCUMENT, str(exc)) from None
        self._changed(self.supervisor(imported.entry.id))
        return {"worker": self.record(imported.entry.id), **bundle_import.summary(imported)}

    async def _list_funcnodes(self, _: NoArgs) -> list[dict[str, Any]]:
        from . import funcnodes_import

        # reads every FuncNodes worker's graph: off the loop
        return await asyncio.to_thread(funcnodes_import.discover, self.config.state)

    async def _import_funcnodes(self, a: h.ImportFuncNodesArgs) -> dict[str, Any]:
        from nodeweave.funcnodes.workflow import DocumentError, read_export_base64, read_path

        from . import funcnodes_import

        if (a.data is None) == (a.funcnodes_worker is None):
            raise ProtocolError(
                ErrorCode.INVALID_ARGUMENTS, "give either data (an export) or funcnodes_worker"
            )
        state = self.config.state
        try:
            if a.data is not None:
                workflow = await asyncio.to_thread(read_export_base64, a.data)
            else:
                path = await asyncio.to_thread(
                    funcnodes_import.discovered_path, state, str(a.funcnodes_worker)
                )
                workflow = await asyncio.to_thread(read_path, path)
            imported = await asyncio.to_thread(  # writes the graph and its files
                funcnodes_import.import_workflow,
                self.registry,
                workflow,
                name=a.name,
                install=a.install,
            )
        except DocumentError as exc:
            code = (
                ErrorCode.NOT_FOUND
                if a.funcnodes_worker and "no importable" in str(exc)
                else (ErrorCode.INVALID_DOCUMENT)
            )
            raise ProtocolError(code, str(exc)) from None
        self._changed(self.supervisor(imported.entry.id))
        return {"worker": self.record(imported.entry.id), **funcnodes_import.summary(imported)}

    def _logs(self, a: h.WorkerLogsArgs) -> dict[str, Any]:
        folder = self.registry.folder(a.id)
        self.registry.get(a.id)
        return {"id": a.id, "lines": log_tail(folder / LOG_FILE, a.lines)}

    def _own(self, coro: Any, name: str) -> None:
        self._tasks.spawn(coro, name)


def _runtime(folder: Path) -> dict[str, Any] | None:
    try:
        info = orjson.loads((folder / RUNTIME_FILE).read_bytes())
    except (OSError, orjson.JSONDecodeError):
        return None
    return info if isinstance(info, dict) and "url" in info and "port" in info else None
