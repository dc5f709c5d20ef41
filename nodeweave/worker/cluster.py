"""``executor="dask"`` nodes: run on a Dask cluster, started lazily or reached at an address.

The worker hands the engine a :class:`DaskExecutor` for the ``"dask"`` kind (and, when
``dask_process_nodes`` is on, for ``"process"`` too). It speaks ``concurrent.futures``, so the
engine treats it like its pools:

- the first run connects: to ``dask_scheduler`` (``tcp://host:port``, ``tls://…`` with Dask's own
  security settings from its configuration or ``DASK_*`` environment variables) or, by default,
  to a ``distributed.LocalCluster`` of ``dask_workers`` processes with ``dask_threads`` threads
  each, bound to 127.0.0.1 — in a thread of its own, so the event loop never waits for it;
- latest wins: cancelling a run's future cancels its Dask future (a task already running on a
  Dask worker finishes there; its result is dropped);
- errors come back with their traceback (Dask sends it along);
- ``ctx.progress()`` in a Dask node reaches the worker through a Dask event topic.

``distributed`` is the ``nodeweave[dask]`` extra, imported only when a Dask node first runs.
"""

from __future__ import annotations

import concurrent.futures
import importlib
import importlib.util
import itertools
import logging
import os
import shutil
import tempfile
import threading
from collections.abc import Callable, Mapping
from typing import Any

from nodeweave.core.context import NodeContext
from nodeweave.core.remote import RemoteValue
from nodeweave.core.spec import spec_of

from .config import DaskSettings

log = logging.getLogger("nodeweave.worker")

EXTRA_HINT = "executor='dask' needs the Dask extra: pip install 'nodeweave[dask]'"


class DaskUnavailable(RuntimeError):
    """``distributed`` is not installed, or the cluster cannot be reached."""


def dask_installed() -> bool:
    return importlib.util.find_spec("distributed") is not None


class DaskExecutor(concurrent.futures.Executor):
    _names = itertools.count()

    def __init__(
        self,
        settings: DaskSettings,
        *,
        budget: int = 65536,
        rich_budget: int = 1 << 20,
        on_connect: Callable[[dict[str, Any]], None] | None = None,
    ) -> None:
        self.settings = settings
        self._on_connect = on_connect
        self.info: dict[str, Any] | None = None
        """Where the cluster is, once connected: scheduler, dashboard (or None), workers."""
        self.budget = budget
        self.rich_budget = rich_budget
        """The preview budgets its outputs' previews are computed with, on the cluster."""
        self._lock = threading.Lock()
        self._client: Any = None
        self._cluster: Any = None
        self._scratch: str | None = None
        self._failed: BaseException | None = None
        self._shutdown = False
        # one thread connects and submits, so submit() never blocks the event loop
        self._connector = concurrent.futures.ThreadPoolExecutor(1, "nodeweave-dask")
        self._topic = f"nodeweave-progress-{os.getpid()}-{next(self._names)}"
        self._reports: dict[str, Callable[[float | None, str], None]] = {}
        self._previews: dict[int, _PreviewWait] = {}
        self._tokens = itertools.count()
        self.dashboard_link: str | None = None

    # --- concurrent.futures ------------------------------------------------------------------

    def submit(
        self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any
    ) -> concurrent.futures.Future[Any]:
        if self._shutdown:
            raise RuntimeError("cannot schedule new calls after shutdown")
        outer: concurrent.futures.Future[Any] = concurrent.futures.Future()
        self._connector.submit(self._submit_now, outer, fn, args, kwargs)
        return outer

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        self._shutdown = True
        self._connector.shutdown(wait=wait, cancel_futures=cancel_futures)
        with self._lock:
            client, cluster = self._client, self._cluster
            self._client = self._cluster = None
        if client is not None:
            try:
                client.close(timeout=5)
            except Exception:
                log.debug("closing the Dask client failed", exc_info=True)
        if cluster is not None:
            try:
                cluster.close(timeout=10)
            except Exception:
                log.debug("closing the LocalCluster failed", exc_info=True)
        if self._scratch is not None:
            shutil.rmtree(self._scratch, ignore_errors=True)
            self._scratch = None

    # --- node contexts -------------------------------------------------------------------------

    def context(self, uuid: str, report: Callable[[float | None, str], None]) -> NodeContext:
        """A context that can travel to the cluster: its progress comes back as Dask events."""
        self._reports[uuid] = report
        return ClusterContext(uuid, self._topic)

    # --- internals -------------------------------------------------------------------------------

    def _submit_now(
        self,
        outer: concurrent.futures.Future[Any],
        fn: Callable[..., Any],
        args: tuple[Any, ...],
        kwargs: dict[str, Any],
    ) -> None:
        if outer.cancelled():
            return  # superseded before it was sent
        outputs = _output_names(fn)
        token = next(self._tokens)
        try:
            client = self._connect()
            # values already on the cluster go as its own references: they never leave it
            args = tuple(a.ref if isinstance(a, ClusterValue) else a for a in args)
            kwargs = {k: v.ref if isinstance(v, ClusterValue) else v for k, v in kwargs.items()}
            if outputs:
                # The outputs stay on the cluster; the task sends their previews back as an
                # event (no second task, no second round trip).
                waiting = self._previews[token] = _PreviewWait()
                inner = client.submit(
                    _run_node,
                    fn,
                    args,
                    kwargs,
                    outputs,
                    self.budget,
                    self.rich_budget,
                    self._topic,
                    token,
                    pure=False,
                )
            else:
                inner = client.submit(fn, *args, pure=False, **kwargs)
        except BaseException as exc:  # noqa: BLE001 - the run's error
            self._previews.pop(token, None)
            if not outer.done():
                outer.set_exception(exc)
            return
        parts: list[Any] = []
        if outputs and len(outputs) > 1:
            parts = [
                client.submit(_output, inner, i, name, pure=False) for i, name in enumerate(outputs)
            ]
        elif outputs:
            parts = [inner]

        def settle(done: Any) -> None:  # in a thread of the Dask client
            try:
                if outer.done():
                    return
                if done.status == "cancelled":
                    outer.cancel()
                elif done.status != "finished":
                    outer.set_exception(done.exception())
                elif outputs is None:  # not a node function: the caller wants the value
                    outer.set_result(done.result())
                elif not outputs:
                    outer.set_result(None)
                else:
                    previews = waiting.get(PREVIEW_WAIT)
                    if previews is None:  # the event was lost: ask for them
                        previews = client.submit(
                            _previews, parts, self.budget, self.rich_budget, pure=False
                        ).result()
                    handles = [
                        ClusterValue(part, preview)
                        for part, preview in zip(parts, previews, strict=True)
                    ]
                    outer.set_result(handles[0] if len(handles) == 1 else tuple(handles))
            except BaseException as exc:  # noqa: BLE001 - the run's error
                if not outer.done():
                    outer.set_exception(exc)
            finally:
                self._previews.pop(token, None)

        def cancel_inner(done: concurrent.futures.Future[Any]) -> None:
            if done.cancelled():
                for future in (*parts, inner):
                    if future.status not in ("finished", "error", "cancelled"):
                        future.cancel()

        outer.add_done_callback(cancel_inner)
        inner.add_done_callback(settle)

    def _connect(self) -> Any:
        with self._lock:
            if self._client is not None:
                return self._client
            if self._failed is not None:
                raise DaskUnavailable(str(self._failed))
            if not dask_installed():
                raise DaskUnavailable(EXTRA_HINT)
            try:
                self._client = client = self._start()
            except Exception as exc:
                self._failed = exc
                raise DaskUnavailable(f"cannot reach the Dask cluster: {exc}") from exc
        info = client.scheduler_info()
        self.info = {
            "scheduler": client.scheduler.address,
            "dashboard": self.dashboard_link,
            "workers": len(info.get("workers", {})),
            "local": self._cluster is not None,
        }
        log.info("Dask cluster ready: %s", self.info)
        if self._on_connect is not None:
            self._on_connect(self.info)
        return client

    def _start(self) -> Any:
        distributed: Any = importlib.import_module("distributed")
        settings = self.settings
        if settings.scheduler:
            log.info("connecting to the Dask scheduler at %s", settings.scheduler)
            client = distributed.Client(settings.scheduler, timeout="10s")
        else:
            log.info(
                "starting a Dask LocalCluster: %d processes × %d threads",
                settings.workers,
                settings.threads,
            )
            # its scheduler's and workers' scratch space in a folder of ours, removed at shutdown
            self._scratch = tempfile.mkdtemp(prefix="nodeweave-dask-")
            importlib.import_module("dask").config.set({"temporary-directory": self._scratch})
            self._cluster = distributed.LocalCluster(
                local_directory=self._scratch,
                n_workers=settings.workers,
                threads_per_worker=settings.threads,
                processes=True,
                host="127.0.0.1",
                # its HTTP server (the dashboard, when bokeh is installed) on a free local port
                dashboard_address="127.0.0.1:0",
            )
            client = distributed.Client(self._cluster)
        self.dashboard_link = client.dashboard_link if _has_bokeh() else None
        client.subscribe_topic(self._topic, self._on_event)
        return client

    def _on_event(self, event: Any) -> None:
        _, message = event
        if message[0] == "previews":
            _, token, previews = message
            waiting = self._previews.get(token)
            if waiting is not None:
                waiting.put(previews)
            return
        _, uuid, fraction, text = message
        report = self._reports.get(uuid)
        if report is not None:
            report(fraction, text)


class ClusterValue(RemoteValue):
    """A node output kept on the Dask cluster (``ref`` is its Dask future)."""

    __slots__ = ()

    def fetch(self) -> Any:
        return self.ref.result()


PREVIEW_WAIT = 5.0
"""How long a finished run waits for its previews' event before asking for them again."""


class _PreviewWait:
    """The previews a run on the cluster sends back as an event, awaited by its settle."""

    def __init__(self) -> None:
        self._event = threading.Event()
        self._previews: list[dict[str, Any]] | None = None

    def put(self, previews: list[dict[str, Any]]) -> None:
        self._previews = previews
        self._event.set()

    def get(self, timeout: float) -> list[dict[str, Any]] | None:
        self._event.wait(timeout)
        return self._previews


def _run_node(
    fn: Callable[..., Any],
    args: tuple[Any, ...],
    kwargs: dict[str, Any],
    outputs: list[str],
    budget: int,
    rich_budget: int,
    topic: str,
    token: int,
) -> Any:
    """A node's run on a Dask worker: its result stays there; its outputs' previews are sent
    to the nodeweave worker as an event."""
    result = fn(*args, **kwargs)
    values = (
        [result]
        if len(outputs) == 1
        else [_output(result, i, name) for i, name in enumerate(outputs)]
    )
    previews = _previews(values, budget, rich_budget)
    importlib.import_module("distributed").get_worker().log_event(
        topic, ["previews", token, previews]
    )
    return result


def _output_names(fn: Callable[..., Any]) -> list[str] | None:
    try:
        spec = spec_of(fn)
    except TypeError:  # not a @node function (DefinitionError is a TypeError)
        return None
    return [o.name for o in spec.outputs]


def _output(result: Any, index: int, name: str) -> Any:
    """One output of a multi-output node's result (on the cluster): as the engine splits it."""
    if isinstance(result, Mapping):
        return result[name]
    return result[index]


def _previews(values: list[Any], budget: int, rich_budget: int) -> list[dict[str, Any]]:
    """The outputs' previews, made where the values live (a Dask worker)."""
    from nodeweave.core.preview import make_preview

    return [make_preview(value, budget, rich_budget=rich_budget) for value in values]


def _has_bokeh() -> bool:
    return importlib.util.find_spec("bokeh") is not None


class ClusterContext(NodeContext):
    """The context of a node running on a Dask worker: progress goes out as a Dask event."""

    __slots__ = ("_topic",)

    def __init__(self, node: str, topic: str) -> None:
        super().__init__(node, self._publish)
        self._topic = topic

    def __reduce__(self) -> tuple[Any, ...]:
        return (ClusterContext, (self.node, self._topic))

    def _publish(self, fraction: float | None, message: str) -> None:
        try:
            worker = importlib.import_module("distributed").get_worker()
            worker.log_event(self._topic, ["progress", self.node, fraction, message])
        except (ImportError, ValueError):
            pass  # not on a Dask worker (a test calling the function directly)
