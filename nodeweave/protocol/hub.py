"""The hub's commands and events: workers as records."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import ConfigDict, Field, RootModel

from .base import Args, Data, NoArgs, Ok, Pong
from .dispatch import CommandSpec, EventSpec, commands, events

WorkerStatus = Literal["stopped", "starting", "running", "stopping", "failed"]
Autostart = Literal["never", "always"]


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


class CreateWorkerArgs(Args):
    name: str = Field(min_length=1, max_length=200)
    requirements: list[str] = Field(default_factory=list)
    venv: bool | None = Field(
        default=None, description="Own virtualenv; default: yes when requirements are given."
    )
    autostart: Autostart = "never"


class WorkerIdArgs(Args):
    id: str


class StartWorkerArgs(Args):
    id: str
    safe: bool = Field(
        default=False,
        description="Safe start: load the graph without running any node (fix or remove the one "
        "that hangs or crashes, then send the worker resume).",
    )


class WorkerLogsArgs(Args):
    id: str
    lines: int = Field(default=200, ge=1, le=100_000)


class WorkerLogs(Data):
    id: str
    lines: list[str]


class UpdateWorkerArgs(Args):
    id: str
    name: str | None = Field(default=None, min_length=1, max_length=200)
    requirements: list[str] | None = None
    autostart: Autostart | None = None
    env: dict[str, str] | None = Field(
        default=None,
        description="Environment variables of the worker's process (replaces them all; e.g. "
        "NODEWEAVE_DASK_SCHEDULER). Applied at its next start.",
    )


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


class ImportFuncNodesArgs(Args):
    data: str | None = Field(
        default=None,
        max_length=3 * 2**20,
        description="A FuncNodes export (.fnw) or nodespace.json, base64 (up to about 2 MB: "
        "bigger ones with the CLI, nodeweave import-funcnodes PATH).",
    )
    funcnodes_worker: str | None = Field(
        default=None,
        max_length=100,
        description="Or: the id of a FuncNodes worker of this state directory "
        "(list_funcnodes_workers).",
    )
    name: str | None = Field(default=None, min_length=1, max_length=200)
    install: bool = Field(
        default=False,
        description="Install its FuncNodes package dependencies into the new worker's own "
        "environment (built at its first start).",
    )


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


class SetSecretArgs(Args):
    id: str
    name: str = Field(
        pattern=r"^[A-Za-z_][A-Za-z0-9_]{0,127}$", description="An environment variable name."
    )
    value: str = Field(
        max_length=65536,
        description="Kept in the worker's secrets.json (0600) and given to its process at start; "
        "never sent back, logged or exported.",
    )


class SecretNameArgs(Args):
    id: str
    name: str = Field(max_length=128)


class SecretNames(Data):
    id: str
    names: list[str]


class ExportBundleArgs(Args):
    id: str
    files: list[str] = Field(
        default_factory=list,
        max_length=1000,
        description="Files of the worker's files/ folder to carry (see dry_run's files_available).",
    )
    dry_run: bool = Field(default=False, description="Only say what it would hold.")


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


class ImportBundleArgs(Args):
    data: str = Field(
        max_length=3 * 2**20,
        description="A bundle (.nwflow), base64 (bigger ones: nodeweave import FILE).",
    )
    name: str | None = Field(default=None, min_length=1, max_length=200)
    install: bool = Field(
        default=False, description="Give the worker the bundle's packages (from its lock)."
    )


class ReadBundleArgs(Args):
    data: str = Field(max_length=3 * 2**20, description="A bundle (.nwflow), base64.")


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


class PackagesArgs(Args):
    id: str
    packages: list[str] = Field(
        min_length=1, max_length=100, description="Requirements: name, name==1.2, name>=1, …"
    )
    dry_run: bool = Field(default=False, description="Only resolve and show the difference.")


class UpgradeArgs(Args):
    id: str
    packages: list[str] = Field(
        default_factory=list, max_length=100, description="Names to upgrade; none: every one."
    )
    dry_run: bool = False


class ListPackagesArgs(Args):
    id: str
    outdated: bool = Field(
        default=False,
        description="Also ask the package index for newer versions (cached; bounded in time; "
        "nothing when offline).",
    )


class RollbackArgs(Args):
    id: str
    dry_run: bool = False


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


HUB_COMMANDS: dict[str, CommandSpec] = commands(
    CommandSpec("ping", NoArgs, Pong, "Answer at once."),
    CommandSpec("list_workers", NoArgs, WorkerList, "Every registered worker."),
    CommandSpec("get_worker", WorkerIdArgs, WorkerRecord, "One worker."),
    CommandSpec("create_worker", CreateWorkerArgs, WorkerRecord, "Register a new worker."),
    CommandSpec("update_worker", UpdateWorkerArgs, WorkerRecord, "Rename, re-sync requirements."),
    CommandSpec("start_worker", StartWorkerArgs, WorkerRecord, "Start it; returns once running."),
    CommandSpec("stop_worker", WorkerIdArgs, WorkerRecord, "Stop it (it saves first)."),
    CommandSpec("restart_worker", WorkerIdArgs, WorkerRecord, "Stop, then start."),
    CommandSpec("delete_worker", WorkerIdArgs, Ok, "Stop it and delete its folder."),
    CommandSpec("worker_logs", WorkerLogsArgs, WorkerLogs, "The last lines of its log."),
    CommandSpec(
        "list_packages", ListPackagesArgs, PackageListResult, "A worker's packages and its lock."
    ),
    CommandSpec(
        "add_packages",
        PackagesArgs,
        PackageChangeResult,
        "Add node packages to a worker's environment (resolved, installed beside the current "
        "one, swapped in, the worker restarted); dry_run shows the difference only.",
    ),
    CommandSpec(
        "remove_packages", PackagesArgs, PackageChangeResult, "Remove node packages (as add)."
    ),
    CommandSpec(
        "upgrade_packages",
        UpgradeArgs,
        PackageChangeResult,
        "Upgrade some or all packages to their newest fitting versions (as add).",
    ),
    CommandSpec(
        "rollback_packages",
        RollbackArgs,
        PackageChangeResult,
        "Go back to the lock before the last change (again: forward again).",
    ),
    CommandSpec("list_secrets", WorkerIdArgs, SecretNames, "The names of a worker's secrets."),
    CommandSpec(
        "set_secret",
        SetSecretArgs,
        SecretNames,
        "Set a secret (applied at the worker's next start); answers with the names only.",
    ),
    CommandSpec("delete_secret", SecretNameArgs, SecretNames, "Remove a secret."),
    CommandSpec(
        "export_bundle",
        ExportBundleArgs,
        ExportBundleResult,
        "A worker as a bundle: its saved graph, modules, packages, settings (never secrets), "
        "chosen files.",
    ),
    CommandSpec(
        "read_bundle",
        ReadBundleArgs,
        ReadBundleResult,
        "What a bundle holds (checked; nothing written): to merge it into an open worker.",
    ),
    CommandSpec(
        "import_bundle",
        ImportBundleArgs,
        ImportBundleResult,
        "A new worker from a bundle (its modules are written and run when it starts).",
    ),
    CommandSpec(
        "list_funcnodes_workers",
        NoArgs,
        FuncNodesWorkerList,
        "FuncNodes workers of this state directory, importable (read only).",
    ),
    CommandSpec(
        "import_funcnodes",
        ImportFuncNodesArgs,
        ImportFuncNodesResult,
        "A new worker from a FuncNodes workflow (an export, or a FuncNodes worker).",
    ),
)


class HubHello(Data):
    protocol_version: int
    version: str = Field(description="nodeweave's version.")
    pid: int = Field(description="The hub's process id.")


HUB_EVENTS: dict[str, EventSpec] = events(
    EventSpec("hello", HubHello, "First event on every connection (seq 1)."),
    EventSpec("worker_status", WorkerRecord, "A worker's record changed."),
    EventSpec("worker_deleted", WorkerDeletedData, "A worker and its folder are gone."),
    EventSpec("env_progress", EnvProgressData, "Progress while an environment is built."),
)
