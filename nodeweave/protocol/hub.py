"""The hub's commands and events: their tables, and the models of their arguments.

The models of results and event bodies (workers as records, …) are in :mod:`.hub_results`,
imported when a table's model is asked for (the schema, the docs, the tests): a hub validates
what it receives and never builds them. Their names are found here too.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from .base import Args, NoArgs, Ok, Pong
from .dispatch import CommandSpec, EventSpec, commands, events, names_from

WorkerStatus = Literal["stopped", "starting", "running", "stopping", "failed"]
Autostart = Literal["never", "always"]

RESULTS = "nodeweave.protocol.hub_results"
"""Where the tables' result and event models are (imported when one is asked for)."""
R = RESULTS + ":"


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


class ExportBundleArgs(Args):
    id: str
    files: list[str] = Field(
        default_factory=list,
        max_length=1000,
        description="Files of the worker's files/ folder to carry (see dry_run's files_available).",
    )
    dry_run: bool = Field(default=False, description="Only say what it would hold.")


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


HUB_COMMANDS: dict[str, CommandSpec] = commands(
    CommandSpec("ping", NoArgs, Pong, "Answer at once."),
    CommandSpec("list_workers", NoArgs, R + "WorkerList", "Every registered worker."),
    CommandSpec("get_worker", WorkerIdArgs, R + "WorkerRecord", "One worker."),
    CommandSpec("create_worker", CreateWorkerArgs, R + "WorkerRecord", "Register a new worker."),
    CommandSpec(
        "update_worker", UpdateWorkerArgs, R + "WorkerRecord", "Rename, re-sync requirements."
    ),
    CommandSpec(
        "start_worker", StartWorkerArgs, R + "WorkerRecord", "Start it; returns once running."
    ),
    CommandSpec("stop_worker", WorkerIdArgs, R + "WorkerRecord", "Stop it (it saves first)."),
    CommandSpec("restart_worker", WorkerIdArgs, R + "WorkerRecord", "Stop, then start."),
    CommandSpec("delete_worker", WorkerIdArgs, Ok, "Stop it and delete its folder."),
    CommandSpec("worker_logs", WorkerLogsArgs, R + "WorkerLogs", "The last lines of its log."),
    CommandSpec(
        "list_packages",
        ListPackagesArgs,
        R + "PackageListResult",
        "A worker's packages and its lock.",
    ),
    CommandSpec(
        "add_packages",
        PackagesArgs,
        R + "PackageChangeResult",
        "Add node packages to a worker's environment (resolved, installed beside the current "
        "one, swapped in, the worker restarted); dry_run shows the difference only.",
    ),
    CommandSpec(
        "remove_packages", PackagesArgs, R + "PackageChangeResult", "Remove node packages (as add)."
    ),
    CommandSpec(
        "upgrade_packages",
        UpgradeArgs,
        R + "PackageChangeResult",
        "Upgrade some or all packages to their newest fitting versions (as add).",
    ),
    CommandSpec(
        "rollback_packages",
        RollbackArgs,
        R + "PackageChangeResult",
        "Go back to the lock before the last change (again: forward again).",
    ),
    CommandSpec(
        "list_secrets", WorkerIdArgs, R + "SecretNames", "The names of a worker's secrets."
    ),
    CommandSpec(
        "set_secret",
        SetSecretArgs,
        R + "SecretNames",
        "Set a secret (applied at the worker's next start); answers with the names only.",
    ),
    CommandSpec("delete_secret", SecretNameArgs, R + "SecretNames", "Remove a secret."),
    CommandSpec(
        "export_bundle",
        ExportBundleArgs,
        R + "ExportBundleResult",
        "A worker as a bundle: its saved graph, modules, packages, settings (never secrets), "
        "chosen files.",
    ),
    CommandSpec(
        "read_bundle",
        ReadBundleArgs,
        R + "ReadBundleResult",
        "What a bundle holds (checked; nothing written): to merge it into an open worker.",
    ),
    CommandSpec(
        "import_bundle",
        ImportBundleArgs,
        R + "ImportBundleResult",
        "A new worker from a bundle (its modules are written and run when it starts).",
    ),
    CommandSpec(
        "list_funcnodes_workers",
        NoArgs,
        R + "FuncNodesWorkerList",
        "FuncNodes workers of this state directory, importable (read only).",
    ),
    CommandSpec(
        "import_funcnodes",
        ImportFuncNodesArgs,
        R + "ImportFuncNodesResult",
        "A new worker from a FuncNodes workflow (an export, or a FuncNodes worker).",
    ),
)


HUB_EVENTS: dict[str, EventSpec] = events(
    EventSpec("hello", R + "HubHello", "First event on every connection (seq 1)."),
    EventSpec("worker_status", R + "WorkerRecord", "A worker's record changed."),
    EventSpec("worker_deleted", R + "WorkerDeletedData", "A worker and its folder are gone."),
    EventSpec("env_progress", R + "EnvProgressData", "Progress while an environment is built."),
)


__getattr__ = names_from((RESULTS,), __name__)
