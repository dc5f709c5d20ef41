"""Everything a worker is told from outside, in one frozen object (no globals, no env reads)."""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Mapping
from pathlib import Path

from nodeweave.state import (
    BEACON_FILE,
    CACHE_DIR,
    FILES_DIR,
    JOURNAL_FILE,
    LIBRARY_CACHE_FILE,
    MODULES_DIR,
    NODESPACE_FILE,
    RUNTIME_FILE,
    state_dir,
    worker_dir,
)

DEFAULT_HUB_PORT = 9380


@dataclasses.dataclass(frozen=True)
class DaskSettings:
    scheduler: str | None = None
    """A scheduler address; ``None``: start a LocalCluster on the first Dask run."""
    workers: int = 2
    threads: int = 1
    process_nodes: bool = False
    """Send every ``executor="process"`` node to the cluster too."""

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> DaskSettings:
        """``NODEWEAVE_DASK_SCHEDULER``, ``NODEWEAVE_DASK_WORKERS``, ``NODEWEAVE_DASK_THREADS``,
        ``NODEWEAVE_DASK_PROCESS_NODES`` (1/true/yes)."""
        return cls(
            scheduler=env.get("NODEWEAVE_DASK_SCHEDULER") or None,
            workers=int(env.get("NODEWEAVE_DASK_WORKERS") or 2),
            threads=int(env.get("NODEWEAVE_DASK_THREADS") or 1),
            process_nodes=env.get("NODEWEAVE_DASK_PROCESS_NODES", "").lower()
            in ("1", "true", "yes"),
        )


@dataclasses.dataclass(frozen=True, slots=True)
class WorkerConfig:
    worker_id: str
    directory: Path
    """``<state>/workers/<id>``: nodespace.json, modules/, files/, the lock."""
    token: str | None
    """Required on every endpoint except /health; ``None`` only for in-process tests."""
    host: str = "127.0.0.1"
    port: int = 0
    """0: the OS picks a free port (reported in the handshake)."""
    module_paths: tuple[Path, ...] = ()
    """Extra module folders (``NODEWEAVE_MODULES_PATH``)."""
    entry_points: bool = True
    funcnodes: bool = True
    """Also load the installed FuncNodes modules (entry-point group ``funcnodes.module``; with
    ``entry_points``). ``NODEWEAVE_FUNCNODES=off`` turns it off."""
    builtins: bool = True
    watch: bool = True
    """Hot-reload the local module files."""
    safe_start: bool = False
    """Load the graph without running any node, until a client sends ``resume``."""
    idle_timeout: float = 10.0
    """Seconds a connection may sit without a request (an unfinished handshake, an idle
    keep-alive) before it is closed. WebSockets are kept alive by pings instead."""
    dask: DaskSettings = dataclasses.field(default_factory=DaskSettings)
    """Where ``executor="dask"`` nodes run (see :mod:`nodeweave.worker.cluster`)."""
    allowed_origins: frozenset[str] = frozenset()
    """Origins (``scheme://host:port``) whose browsers may open the WebSocket, besides the
    worker's own. Clients that send no Origin (scripts) are not browsers and are let through."""
    autosave_delay: float = 0.1
    autosave_max_delay: float = 0.5
    """A continuous stream of edits (a dragged slider) is still saved at least this often."""
    max_frame_bytes: int = 16 * 2**20
    max_upload_bytes: int = 1024 * 2**20
    max_request_bytes: int = 16 * 2**20
    client_queue: int = 4096
    """Outbound events a lagging client may have waiting before they are dropped (it resyncs)."""
    preview_budget: int = 65536
    chart_preview_budget: int = 1 << 20
    """Room for an interactive chart's preview (a plotly or Vega-Lite spec with its data)."""
    debounce_ms: int = 30
    defer_funcnodes: bool = False
    """Installed FuncNodes modules are imported only once something needs them: the saved graph
    uses a node type the rest of the library lacks, a command names such a node type or lists
    the library when no cache of their part of it is current (see ``WHOLE_LIBRARY`` in
    service.py and :mod:`.librarycache`). ``nodeweave worker run`` defers
    (``NODEWEAVE_FUNCNODES=eager``: not), in-process tests do not."""
    freeze_imports: bool = False
    """Once the modules are loaded, freeze what is alive out of the cyclic collector's sight
    (see :mod:`nodeweave.worker.heap`); ``nodeweave worker run`` does, in-process tests do not."""
    cache_max_bytes: int = 1 << 30
    """The result cache's cap on disk (``NODEWEAVE_CACHE_MB``; 0 turns the cache off)."""
    cache_min_seconds: float = 0.1
    """Results of runs that took at least this long are kept on disk
    (``NODEWEAVE_CACHE_MIN_SECONDS``; ``@node(cache=True)`` keeps every result)."""

    @property
    def nodespace_path(self) -> Path:
        return self.directory / NODESPACE_FILE

    @property
    def beacon_path(self) -> Path:
        return self.directory / BEACON_FILE

    @property
    def journal_path(self) -> Path:
        return self.directory / JOURNAL_FILE

    @property
    def runtime_path(self) -> Path:
        return self.directory / RUNTIME_FILE

    @property
    def modules_dir(self) -> Path:
        return self.directory / MODULES_DIR

    @property
    def library_cache_path(self) -> Path:
        return self.directory / LIBRARY_CACHE_FILE

    @property
    def files_dir(self) -> Path:
        return self.directory / FILES_DIR

    @property
    def cache_dir(self) -> Path:
        return self.directory / CACHE_DIR


def default_origins(hub_port: int = DEFAULT_HUB_PORT) -> frozenset[str]:
    """The hub's UI, where the browser pages that drive workers come from."""
    return frozenset(f"http://{host}:{hub_port}" for host in ("127.0.0.1", "localhost", "[::1]"))


def config_from_env(
    worker_id: str,
    *,
    port: int = 0,
    host: str = "127.0.0.1",
    environ: Mapping[str, str] | None = None,
    token: str | None = None,
    safe_start: bool = False,
    dask_scheduler: str | None = None,
) -> WorkerConfig:
    """The config of ``nodeweave worker run``: state dir, modules path and origins from the env.

    ``NODEWEAVE_ALLOWED_ORIGINS`` (comma-separated) adds origins; ``NODEWEAVE_HUB_PORT`` says
    where the hub's UI is served; ``NODEWEAVE_FUNCNODES=off`` leaves FuncNodes modules out,
    ``=eager`` loads them at start even when nothing needs them yet.
    """
    env = os.environ if environ is None else environ
    state = state_dir(env)
    paths = tuple(
        Path(p).expanduser() for p in env.get("NODEWEAVE_MODULES_PATH", "").split(os.pathsep) if p
    )
    hub_port = int(env.get("NODEWEAVE_HUB_PORT", "") or DEFAULT_HUB_PORT)
    extra = {o.strip().rstrip("/") for o in env.get("NODEWEAVE_ALLOWED_ORIGINS", "").split(",")}
    return WorkerConfig(
        worker_id=worker_id,
        directory=worker_dir(state, worker_id),
        token=token,
        host=host,
        port=port,
        module_paths=paths,
        allowed_origins=default_origins(hub_port) | {o for o in extra if o},
        safe_start=safe_start,
        dask=_dask_settings(env, dask_scheduler),
        idle_timeout=float(env.get("NODEWEAVE_IDLE_TIMEOUT") or 10.0),
        funcnodes=funcnodes_enabled(env),
        defer_funcnodes=env.get("NODEWEAVE_FUNCNODES", "").strip().lower() != "eager",
        freeze_imports=True,
        cache_max_bytes=int(float(env.get("NODEWEAVE_CACHE_MB") or 1024) * 2**20),
        cache_min_seconds=float(env.get("NODEWEAVE_CACHE_MIN_SECONDS") or 0.1),
    )


_OFF = frozenset({"0", "off", "false", "no"})


def funcnodes_enabled(env: Mapping[str, str]) -> bool:
    """Whether installed FuncNodes modules load (``NODEWEAVE_FUNCNODES=off`` says no)."""
    return env.get("NODEWEAVE_FUNCNODES", "on").strip().lower() not in _OFF


def _dask_settings(env: Mapping[str, str], scheduler: str | None) -> DaskSettings:
    settings = DaskSettings.from_env(env)
    return dataclasses.replace(settings, scheduler=scheduler) if scheduler else settings
