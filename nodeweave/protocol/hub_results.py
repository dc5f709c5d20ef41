"""The models of the hub's results and event bodies (see :mod:`.hub`, whose tables name them):
what a hub sends, described for the schema, the docs and the tests. A hub never imports this
module."""

from __future__ import annotations

from typing import Any

from pydantic import ConfigDict, Field, RootModel

from .base import Data
from .hub import Autostart, WorkerStatus


class WorkerRecord(Data):
    id: str
    name: str
    status: WorkerStatus
    pid: int | None = None
    port: int | None = None
    url: str | None = Field(default=None, description="The worker's ws://…/ws when running.")
    requirements: list[str] = Field(default_factory=list)
    venv: bool = False
    autostart: Autostart = "never"
    created: str | None = Field(default=None, description="ISO 8601 time of creation.")
    error: str | None = Field(
        default=None,
        description="Why it failed (or what its last crash was, while it restarts).",
    )
    env_error: str | None = Field(
        default=None, description="The installer's output when its environment failed to build."
    )
    log_tail: list[str] | None = None
    safe: bool = Field(
        default=False,
        description="Started in safe start: the graph is loaded and nothing has run.",
    )
    env: dict[str, str] = Field(
        default_factory=dict,
        description="Environment variables of its process (update_worker env), applied at start.",
    )
    secrets: list[str] = Field(
        default_factory=list,
        description="The names of its secrets (set_secret): never their values.",
    )
    hung_node: dict[str, str] | None = Field(
        default=None,
        description="The node that was running when the worker last hung ({uuid, node_id, "
        "name}), as the worker's beacon said.",
    )


class WorkerList(RootModel[list[WorkerRecord]]):
    model_config = ConfigDict(defer_build=True)


class WorkerLogs(Data):
    id: str
    lines: list[str]


class WorkerDeletedData(Data):
    id: str


class EnvProgressData(Data):
    id: str
    stage: str
    message: str
    fraction: float | None = None


class FuncNodesWorkerInfo(Data):
    id: str = Field(description="FuncNodes' worker id (its folder is workers/worker_<id>).")
    name: str
    path: str = Field(description="Its folder (read only: nodeweave never changes it).")
    nodes: int
    edges: int
    requirements: list[str] = Field(description="Its FuncNodes package dependencies.")
    error: str | None = Field(default=None, description="Why it cannot be imported.")


class FuncNodesWorkerList(RootModel[list[FuncNodesWorkerInfo]]):
    model_config = ConfigDict(defer_build=True)


class ImportFuncNodesResult(Data):
    worker: WorkerRecord = Field(description="The new nodeweave worker (stopped).")
    nodes: int
    edges: int
    values: int = Field(description="Input values carried over.")
    dropped_values: list[str] = Field(
        description="node_uuid.input values JSON cannot hold (left out)."
    )
    node_ids: list[str] = Field(
        description="The node ids the graph uses; ones no module of the worker provides load "
        "as placeholders (the worker reports them as problems)."
    )
    requirements: list[str] = Field(description="Requirements given to the new worker.")
    packages: list[str] = Field(
        default_factory=list,
        description="The workflow's FuncNodes package dependencies (its requirements with "
        "install).",
    )
    files: int = Field(description="Data files copied into its files/ folder.")


class SecretNames(Data):
    id: str
    names: list[str]


class BundleFile(Data):
    path: str
    size: int


class ExportBundleResult(Data):
    name: str
    modules: list[str]
    files: list[str]
    requirements: list[str]
    files_available: list[BundleFile] = Field(description="What files could be carried.")
    data: str | None = Field(
        default=None, description="The bundle (.nwflow), base64; none for a dry run."
    )
    size: int = Field(default=0, description="Its size in bytes.")


class ReadBundleResult(Data):
    name: str
    document: dict[str, Any] = Field(description="Its workflow document (for merge_workflow).")
    modules: dict[str, str] = Field(
        description="Its node modules by file name: their source (code: show before writing)."
    )
    files: list[str]
    requirements: list[str]
    written_by: str


class ImportBundleResult(Data):
    worker: WorkerRecord = Field(description="The new worker (stopped).")
    nodes: int
    modules: list[str] = Field(description="Node modules written into it (they run at start).")
    files: list[str]
    requirements: list[str]
    installed: bool
    written_by: str = Field(description="The nodeweave version that wrote the bundle.")


class PinInfo(Data):
    name: str
    version: str | None = Field(description="Exact version (None: installed from a path or URL).")


class VersionChange(Data):
    name: str
    from_: str | None = Field(alias="from")
    to: str | None


class LockDiffData(Data):
    added: list[PinInfo]
    removed: list[PinInfo]
    changed: list[VersionChange]


class PackageChangeResult(Data):
    diff: LockDiffData = Field(description="What the resolution changes (added/removed/changed).")
    requirements: list[str] = Field(description="The worker's requirements afterwards.")
    applied: bool = Field(description="False for a dry run (nothing changed).")
    restarted: bool = Field(description="The worker was running and was restarted on them.")
    note: str | None = Field(
        default=None, description="Why nothing changed, when it is not obvious (a pinned version)."
    )


class PackageInfo(PinInfo):
    requested: bool = Field(description="One of the worker's requirements (not a dependency).")
    latest: str | None = Field(
        default=None, description="A newer version on the index (with outdated: true)."
    )


class PackageListResult(Data):
    requirements: list[str]
    packages: list[PackageInfo] = Field(description="Everything the lock pins.")
    locked: bool = Field(description="The environment is resolved (requirements.lock exists).")
    can_roll_back: bool = Field(description="A previous lock is kept (rollback_packages).")
    outdated_checked: bool = Field(
        default=False, description="Newer versions were asked for (false offline)."
    )


class HubHello(Data):
    protocol_version: int
    version: str = Field(description="nodeweave's version.")
    pid: int = Field(description="The hub's process id.")
