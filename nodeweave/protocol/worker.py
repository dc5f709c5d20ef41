"""The worker's commands and events: their tables, and the models of their arguments.

The models of results and event bodies are in :mod:`.worker_results`: a worker validates what it
receives, not what it sends, so it never builds them (they describe the protocol for the schema,
the docs and the tests). The tables name them by where they are (``R + "HelloResult"``); names of
that module are also found here (``from nodeweave.protocol.worker import Preview``).
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from .base import Args as Args
from .base import Data as Data
from .base import NoArgs as NoArgs
from .base import Ok as Ok
from .base import Pong as Pong
from .dispatch import CommandSpec, EventSpec, commands, events, names_from

NodeStatus = Literal["idle", "waiting", "stale", "running", "done", "error", "blocked", "cancelled"]

RESULTS = "nodeweave.protocol.worker_results"
"""Where the tables' result and event models are (imported when one is asked for)."""
R = RESULTS + ":"


Uuid = str


# --- shared shapes --------------------------------------------------------------------------


class EdgeInfo(Data):
    src: Uuid
    src_io: str
    dst: Uuid
    dst_io: str


# --- commands -------------------------------------------------------------------------------


class CompositePort(BaseModel):
    model_config = ConfigDict(extra="forbid", defer_build=True)
    name: str = Field(min_length=1, max_length=64, description="The port's name outside.")
    node: Uuid = Field(description="The inner node it is.")
    io: str = Field(description="The inner node's input or output it is.")


class CompositeData(BaseModel):
    """A composite node's definition: its inside (a graph) and its ports, in order."""

    model_config = ConfigDict(extra="forbid", defer_build=True)
    name: str = Field(min_length=1, max_length=100)
    description: str = Field(default="", max_length=10_000)
    nodes: list[dict[str, Any]] = Field(
        description="The inner nodes, as in a workflow document: {uuid, node_id, inputs, "
        "properties}; inputs made ports take their defaults from these values."
    )
    edges: list[EdgeInfo]
    inputs: list[CompositePort]
    outputs: list[CompositePort]


class SetCompositeArgs(Args):
    id: str = Field(pattern=r"^[A-Za-z0-9_][A-Za-z0-9_-]{0,63}$")
    composite: CompositeData
    renamed: dict[str, str] = Field(
        default_factory=dict,
        description="Ports renamed by this change (old name → new): the instances' edges follow.",
    )


class CompositeIdArgs(Args):
    id: str = Field(min_length=1, max_length=64)


class MakeCompositeArgs(Args):
    nodes: list[Uuid] = Field(min_length=1, max_length=10_000)
    name: str = Field(min_length=1, max_length=100)


class GetInsideArgs(Args):
    uuid: Uuid = Field(description="The composite node to look into.")
    path: list[Uuid] = Field(
        default_factory=list,
        max_length=32,
        description="The composite nodes it sits inside, outermost first (empty: a node of the "
        "workflow itself). Each must have run.",
    )


class AddNodeArgs(Args):
    node_id: str = Field(min_length=1, description="The node type (library id).")
    uuid: Uuid | None = Field(default=None, min_length=1, max_length=200)
    inputs: dict[str, Any] = Field(default_factory=dict, description="Own input values.")
    properties: dict[str, Any] = Field(default_factory=dict)
    allow_missing: bool = Field(
        default=False,
        description="A node type the library does not know becomes a placeholder that keeps its "
        "data (as on import) instead of an error: for pasting into another worker.",
    )


class UuidArgs(Args):
    uuid: Uuid


class UpdateNodeArgs(Args):
    uuid: Uuid
    properties: dict[str, Any]
    merge: bool = Field(default=True, description="Merge into the existing properties.")


class ConnectArgs(Args):
    src: Uuid
    src_io: str
    dst: Uuid
    dst_io: str
    replace: bool = Field(
        default=False, description="Replace an edge that already drives the input."
    )


class DisconnectArgs(Args):
    src: Uuid
    src_io: str
    dst: Uuid
    dst_io: str


class SetInputArgs(Args):
    uuid: Uuid
    io: str
    value: Any


class IoArgs(Args):
    uuid: Uuid
    io: str


class CancelArgs(Args):
    uuid: Uuid | None = Field(
        default=None, description="Cancel this node's run only (default: everything running)."
    )


class ImportWorkflowArgs(Args):
    document: dict[str, Any] = Field(description="A workflow document (as export_workflow gives).")


class MergeWorkflowArgs(Args):
    document: dict[str, Any] = Field(description="A workflow document (as export_workflow gives).")
    offset_x: float = Field(default=0.0, description="Moves the merged nodes right by this.")
    offset_y: float = Field(default=0.0, description="… and down by this.")


class SetAnnotationArgs(Args):
    id: str = Field(min_length=1, max_length=200)
    annotation: dict[str, Any] = Field(description="An AnnotationData (checked as such).")


class AnnotationIdArgs(Args):
    id: str = Field(min_length=1, max_length=200)


class PresetValueData(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)
    node: Uuid
    io: str
    value: Any


class PresetData(Data):
    values: list[PresetValueData]


class PresetInput(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)
    uuid: Uuid
    io: str


class SavePresetArgs(Args):
    name: str = Field(min_length=1, max_length=200)
    inputs: list[PresetInput] = Field(
        min_length=1, max_length=10_000, description="The inputs whose current values it keeps."
    )


class SetPresetArgs(Args):
    name: str = Field(min_length=1, max_length=200)
    preset: PresetData


class PresetNameArgs(Args):
    name: str = Field(min_length=1, max_length=200)


class RenamePresetArgs(Args):
    name: str = Field(min_length=1, max_length=200)
    to: str = Field(min_length=1, max_length=200)


class Edit(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)
    cmd: Literal[
        "add_node",
        "remove_node",
        "update_node",
        "connect",
        "disconnect",
        "set_input",
        "clear_input",
        "set_annotation",
        "remove_annotation",
        "set_preset",
        "remove_preset",
        "set_composite",
        "remove_composite",
    ]
    kwargs: dict[str, Any] = Field(description="The command's arguments, as sent on their own.")


class ApplyEditsArgs(Args):
    label: str = Field(default="edit", max_length=200, description="Names the undo step.")
    edits: list[Edit] = Field(max_length=10_000)


class ModuleFileArgs(Args):
    name: str = Field(description="A file directly in modules/, like my_nodes.py.")


class WriteModuleArgs(ModuleFileArgs):
    source: str


class OpenExampleArgs(Args):
    name: str = Field(
        default="sales", description="Which example (nodeweave/examples/<name>.json)."
    )


WORKER_COMMANDS: dict[str, CommandSpec] = commands(
    CommandSpec("hello", NoArgs, R + "HelloResult", "The protocol version and who this worker is."),
    CommandSpec("ping", NoArgs, Pong, "Answer at once (liveness, round-trip timing)."),
    CommandSpec("get_state", NoArgs, R + "StateResult", "The whole graph: every node and edge."),
    CommandSpec("get_library", NoArgs, R + "LibraryResult", "The shelves and node types."),
    CommandSpec("add_node", AddNodeArgs, R + "NodeInfo", "Add a node of a library type."),
    CommandSpec("remove_node", UuidArgs, Ok, "Remove a node and its edges."),
    CommandSpec("get_node", UuidArgs, R + "NodeInfo", "One node."),
    CommandSpec(
        "update_node",
        UpdateNodeArgs,
        R + "NodeInfo",
        "Change a node's properties (position, name …).",
    ),
    CommandSpec(
        "connect", ConnectArgs, EdgeInfo, "Connect an output to an input (refused with a reason)."
    ),
    CommandSpec("disconnect", DisconnectArgs, Ok, "Remove an edge."),
    CommandSpec("set_input", SetInputArgs, R + "SetInputResult", "Set an input's own value."),
    CommandSpec("get_value", IoArgs, R + "PreviewResult", "Preview of an output's current value."),
    CommandSpec("trigger", UuidArgs, Ok, "Run a node again although its inputs did not change."),
    CommandSpec(
        "cancel", CancelArgs, R + "CancelResult", "Cancel everything running or about to run."
    ),
    CommandSpec("list_modules", NoArgs, R + "ModulesResult", "The node modules and their state."),
    CommandSpec(
        "reload_modules",
        NoArgs,
        R + "ReloadResult",
        "Re-scan the module folders and reload changes.",
    ),
    CommandSpec(
        "export_workflow", NoArgs, R + "WorkflowResult", "The graph as a workflow document."
    ),
    CommandSpec(
        "import_workflow",
        ImportWorkflowArgs,
        R + "LoadReportData",
        "Replace the graph by a workflow document (an invalid one changes nothing).",
    ),
    CommandSpec(
        "clear_input", IoArgs, R + "SetInputResult", "Drop an input's own value (its default)."
    ),
    CommandSpec(
        "set_annotation",
        SetAnnotationArgs,
        R + "AnnotationData",
        "Create or replace a group or note.",
    ),
    CommandSpec("remove_annotation", AnnotationIdArgs, Ok, "Remove a group or note."),
    CommandSpec(
        "merge_workflow",
        MergeWorkflowArgs,
        R + "MergeWorkflowResult",
        "Add a workflow's nodes, edges, groups and notes to this graph at an offset (new uuids; "
        "one undo step), as a paste does.",
    ),
    CommandSpec(
        "list_presets",
        NoArgs,
        R + "PresetList",
        "The workflow's presets, with what does not fit now.",
    ),
    CommandSpec(
        "save_preset",
        SavePresetArgs,
        PresetData,
        "Create (or replace) a preset from the current values of chosen inputs (undoable).",
    ),
    CommandSpec("set_preset", SetPresetArgs, PresetData, "Create or replace a preset (undoable)."),
    CommandSpec("rename_preset", RenamePresetArgs, PresetData, "Rename a preset (undoable)."),
    CommandSpec("delete_preset", PresetNameArgs, Ok, "Delete a preset (undoable)."),
    CommandSpec(
        "apply_preset",
        PresetNameArgs,
        R + "ApplyPresetResult",
        "Set a preset's values as one undoable step (one recompute); a preset that does not fit "
        "is refused with its problems (invalid_state) and changes nothing.",
    ),
    CommandSpec(
        "make_composite",
        MakeCompositeArgs,
        R + "MakeCompositeResult",
        "Fold nodes into one composite node (one undo step): its inputs are the selection's "
        "inputs fed from outside or left without a value, its outputs those read outside (or, "
        "if none, the last nodes' outputs).",
    ),
    CommandSpec(
        "set_composite",
        SetCompositeArgs,
        CompositeData,
        "Create or replace a composite definition (undoable); its instances follow.",
    ),
    CommandSpec(
        "remove_composite",
        CompositeIdArgs,
        Ok,
        "Remove a composite definition nothing uses (else invalid_state).",
    ),
    CommandSpec(
        "expand_composite",
        UuidArgs,
        R + "ExpandCompositeResult",
        "Put a composite node's inside in its place (one undo step; the definition stays).",
    ),
    CommandSpec(
        "get_inside",
        GetInsideArgs,
        R + "InsideResult",
        "A composite node's inside, with values (a composite inside another: give its path).",
    ),
    CommandSpec("undo", NoArgs, R + "UndoResult", "Take back the last edit (of any client)."),
    CommandSpec("redo", NoArgs, R + "UndoResult", "Apply again the last edit undone."),
    CommandSpec("get_history", NoArgs, R + "HistoryData", "What undo and redo would do."),
    CommandSpec(
        "apply_edits",
        ApplyEditsArgs,
        R + "ApplyEditsResult",
        "Several edits as one undo step, all or nothing (paste, multi-delete, arrange).",
    ),
    CommandSpec("list_module_files", NoArgs, R + "ModuleFilesResult", "The files in modules/."),
    CommandSpec("read_module", ModuleFileArgs, R + "ModuleSourceResult", "A module file's source."),
    CommandSpec(
        "write_module",
        WriteModuleArgs,
        R + "ModuleEventData",
        "Write a module file (atomically) and reload it at once: runs its code.",
    ),
    CommandSpec(
        "create_module", ModuleFileArgs, R + "ModuleEventData", "A new module file from a template."
    ),
    CommandSpec("delete_module", ModuleFileArgs, R + "ModuleEventData", "Delete a module file."),
    CommandSpec(
        "open_example",
        OpenExampleArgs,
        R + "OpenExampleResult",
        "Load a shipped example workflow and its data files into an empty worker.",
    ),
    CommandSpec("save", NoArgs, R + "SaveResult", "Write nodespace.json now."),
    CommandSpec(
        "resume",
        NoArgs,
        R + "ResumeResult",
        "Run the graph after a safe start (every stale node runs).",
    ),
    CommandSpec("shutdown", NoArgs, Ok, "Save, close every connection and exit."),
)


# --- events ---------------------------------------------------------------------------------


WORKER_EVENTS: dict[str, EventSpec] = events(
    EventSpec("hello", R + "HelloResult", "First event on every connection (seq 1)."),
    EventSpec("node_status", R + "NodeStatusData", "A node changed state."),
    EventSpec("value", R + "ValueData", "An output has a new value (coalesced per client)."),
    EventSpec("progress", R + "ProgressData", "A running node reported progress."),
    EventSpec("node_error", R + "NodeErrorData", "A node's run failed."),
    EventSpec(
        "stale_runs",
        R + "StaleRunsData",
        "Superseded runs of a node are still finishing (shown as 'superseded, finishing').",
    ),
    EventSpec(
        "moved_off_loop",
        R + "MovedOffLoopData",
        "A sync node type blocked the event loop too long: it runs in a thread from now on.",
    ),
    EventSpec("node_added", R + "NodeInfo", "A node was added."),
    EventSpec("node_removed", R + "NodeRemovedData", "A node was removed (its edges first)."),
    EventSpec("edge_added", EdgeInfo, "An edge was added."),
    EventSpec("edge_removed", R + "EdgeRemovedData", "An edge was removed."),
    EventSpec("input_changed", R + "InputChangedData", "A node's own input value was set."),
    EventSpec("node_updated", R + "NodeUpdatedData", "A node's properties changed."),
    EventSpec(
        "input_options",
        R + "InputOptionsData",
        "The choices of an input that follows another input's value changed (column pickers).",
    ),
    EventSpec(
        "node_rebound",
        R + "NodeReboundData",
        "A node got new code, lost its type or found it again.",
    ),
    EventSpec("graph_replaced", R + "GraphReplacedData", "The graph was replaced: resync."),
    EventSpec(
        "cache_hit",
        R + "CacheHitData",
        "A node's outputs came from a cache (its memo, or the result cache on disk): no run.",
    ),
    EventSpec(
        "stream",
        R + "StreamData",
        "A generator node's stream went live (it yields values as they come) or ended.",
    ),
    EventSpec(
        "nodes_migrated",
        R + "NodesMigratedData",
        "Loading a graph migrated nodes (a replaced id, an older version).",
    ),
    EventSpec("history", R + "HistoryData", "What undo and redo would do changed."),
    EventSpec(
        "annotation_changed", R + "AnnotationChangedData", "A group or note was set or removed."
    ),
    EventSpec("preset_changed", R + "PresetChangedData", "A preset was set or removed."),
    EventSpec(
        "composite_changed",
        R + "CompositeChangedData",
        "A composite definition was set or removed.",
    ),
    EventSpec(
        "library_changed", R + "LibraryChangedData", "Node types were added/removed/replaced."
    ),
    EventSpec("module_loaded", R + "ModuleEventData", "A node module was loaded."),
    EventSpec(
        "module_reloaded", R + "ModuleEventData", "A node module was reloaded after an edit."
    ),
    EventSpec("module_failed", R + "ModuleEventData", "A node module failed to import."),
    EventSpec("module_removed", R + "ModuleEventData", "A node module's file was deleted."),
    EventSpec(
        "problem", R + "ProblemData", "Something the user should know (e.g. a corrupt save)."
    ),
    EventSpec("paused", R + "PausedData", "Computing was resumed after a safe start."),
    EventSpec(
        "cluster", R + "ClusterData", "The worker connected to the Dask cluster of its Dask nodes."
    ),
    EventSpec("shutting_down", R + "ShuttingDownData", "The worker is stopping."),
)


__getattr__ = names_from(RESULTS, __name__)
