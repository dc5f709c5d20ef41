"""The worker's commands and events: their tables.

The models are named by where they are, and imported when first needed: arguments in
:mod:`.worker_args` (``A + "AddNodeArgs"``: when a command first arrives, so a worker at rest,
answering ``ping`` and ``hello`` only, never builds them), results and event bodies in
:mod:`.worker_results` (``R + "HelloResult"``: a worker validates what it receives, not what it
sends, so it never builds those; they describe the protocol for the schema, the docs and the
tests). The names of both modules are also found here
(``from nodeweave.protocol.worker import Preview``).
"""

from __future__ import annotations

from .base import NoArgs, Ok, Pong
from .dispatch import CommandSpec, EventSpec, commands, events, names_from

ARGS = "nodeweave.protocol.worker_args"
"""Where the tables' argument models are."""
A = ARGS + ":"
RESULTS = "nodeweave.protocol.worker_results"
"""Where the tables' result and event models are."""
R = RESULTS + ":"


WORKER_COMMANDS: dict[str, CommandSpec] = commands(
    CommandSpec("hello", NoArgs, R + "HelloResult", "The protocol version and who this worker is."),
    CommandSpec("ping", NoArgs, Pong, "Answer at once (liveness, round-trip timing)."),
    CommandSpec("get_state", NoArgs, R + "StateResult", "The whole graph: every node and edge."),
    CommandSpec("get_library", NoArgs, R + "LibraryResult", "The shelves and node types."),
    CommandSpec("add_node", A + "AddNodeArgs", R + "NodeInfo", "Add a node of a library type."),
    CommandSpec("remove_node", A + "UuidArgs", Ok, "Remove a node and its edges."),
    CommandSpec("get_node", A + "UuidArgs", R + "NodeInfo", "One node."),
    CommandSpec(
        "update_node",
        A + "UpdateNodeArgs",
        R + "NodeInfo",
        "Change a node's properties (position, name …).",
    ),
    CommandSpec(
        "connect",
        A + "ConnectArgs",
        A + "EdgeInfo",
        "Connect an output to an input (refused with a reason).",
    ),
    CommandSpec("disconnect", A + "DisconnectArgs", Ok, "Remove an edge."),
    CommandSpec("set_input", A + "SetInputArgs", R + "SetInputResult", "Set an input's own value."),
    CommandSpec(
        "get_value", A + "IoArgs", R + "PreviewResult", "Preview of an output's current value."
    ),
    CommandSpec(
        "trigger", A + "UuidArgs", Ok, "Run a node again although its inputs did not change."
    ),
    CommandSpec(
        "cancel", A + "CancelArgs", R + "CancelResult", "Cancel everything running or about to run."
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
        A + "ImportWorkflowArgs",
        R + "LoadReportData",
        "Replace the graph by a workflow document (an invalid one changes nothing).",
    ),
    CommandSpec(
        "clear_input",
        A + "IoArgs",
        R + "SetInputResult",
        "Drop an input's own value (its default).",
    ),
    CommandSpec(
        "set_annotation",
        A + "SetAnnotationArgs",
        R + "AnnotationData",
        "Create or replace a group or note.",
    ),
    CommandSpec("remove_annotation", A + "AnnotationIdArgs", Ok, "Remove a group or note."),
    CommandSpec(
        "merge_workflow",
        A + "MergeWorkflowArgs",
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
        A + "SavePresetArgs",
        A + "PresetData",
        "Create (or replace) a preset from the current values of chosen inputs (undoable).",
    ),
    CommandSpec(
        "set_preset",
        A + "SetPresetArgs",
        A + "PresetData",
        "Create or replace a preset (undoable).",
    ),
    CommandSpec(
        "rename_preset", A + "RenamePresetArgs", A + "PresetData", "Rename a preset (undoable)."
    ),
    CommandSpec("delete_preset", A + "PresetNameArgs", Ok, "Delete a preset (undoable)."),
    CommandSpec(
        "apply_preset",
        A + "PresetNameArgs",
        R + "ApplyPresetResult",
        "Set a preset's values as one undoable step (one recompute); a preset that does not fit "
        "is refused with its problems (invalid_state) and changes nothing.",
    ),
    CommandSpec(
        "make_composite",
        A + "MakeCompositeArgs",
        R + "MakeCompositeResult",
        "Fold nodes into one composite node (one undo step): its inputs are the selection's "
        "inputs fed from outside or left without a value, its outputs those read outside (or, "
        "if none, the last nodes' outputs).",
    ),
    CommandSpec(
        "set_composite",
        A + "SetCompositeArgs",
        A + "CompositeData",
        "Create or replace a composite definition (undoable); its instances follow.",
    ),
    CommandSpec(
        "remove_composite",
        A + "CompositeIdArgs",
        Ok,
        "Remove a composite definition nothing uses (else invalid_state).",
    ),
    CommandSpec(
        "expand_composite",
        A + "UuidArgs",
        R + "ExpandCompositeResult",
        "Put a composite node's inside in its place (one undo step; the definition stays).",
    ),
    CommandSpec(
        "get_inside",
        A + "GetInsideArgs",
        R + "InsideResult",
        "A composite node's inside, with values (a composite inside another: give its path).",
    ),
    CommandSpec("undo", NoArgs, R + "UndoResult", "Take back the last edit (of any client)."),
    CommandSpec("redo", NoArgs, R + "UndoResult", "Apply again the last edit undone."),
    CommandSpec("get_history", NoArgs, R + "HistoryData", "What undo and redo would do."),
    CommandSpec(
        "apply_edits",
        A + "ApplyEditsArgs",
        R + "ApplyEditsResult",
        "Several edits as one undo step, all or nothing (paste, multi-delete, arrange).",
    ),
    CommandSpec("list_module_files", NoArgs, R + "ModuleFilesResult", "The files in modules/."),
    CommandSpec(
        "read_module", A + "ModuleFileArgs", R + "ModuleSourceResult", "A module file's source."
    ),
    CommandSpec(
        "write_module",
        A + "WriteModuleArgs",
        R + "ModuleEventData",
        "Write a module file (atomically) and reload it at once: runs its code.",
    ),
    CommandSpec(
        "create_module",
        A + "ModuleFileArgs",
        R + "ModuleEventData",
        "A new module file from a template.",
    ),
    CommandSpec(
        "delete_module", A + "ModuleFileArgs", R + "ModuleEventData", "Delete a module file."
    ),
    CommandSpec(
        "open_example",
        A + "OpenExampleArgs",
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
    EventSpec("edge_added", A + "EdgeInfo", "An edge was added."),
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


__getattr__ = names_from((ARGS, RESULTS), __name__)
