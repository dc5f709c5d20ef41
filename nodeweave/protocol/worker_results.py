"""The models of the worker's results and event bodies (see :mod:`.worker`, whose tables name
them): what a worker sends, described for the schema, the docs and the tests. A worker never
imports this module."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, RootModel

from .base import Data
from .worker_args import (
    CompositeData,
    EdgeInfo,
    NodeStatus,
    PresetData,
    Uuid,
)

# --- previews: a tagged union on "kind" (see docs/core.md) -----------------------------------


class _PreviewBase(Data):
    type: str = Field(description="The value's type name (e.g. 'int', 'DataFrame').")


class EmptyPreview(_PreviewBase):
    """No value yet."""

    kind: Literal["empty"]


class JsonPreview(_PreviewBase):
    """A number, bool, None or a bounded copy of a container, as JSON."""

    kind: Literal["json"]
    value: Any = Field(
        default=None,
        description="The value, or (with repr) the digits of a number JSON cannot hold exactly.",
    )
    repr: bool = Field(default=False, description="value is the text of a number (e.g. 2**70).")
    length: int | None = Field(default=None, description="Items in the container, or digits.")
    truncated: bool = False


class _TextFields(_PreviewBase):
    value: str = Field(description="The text, or its prefix that fits.")
    length: int = Field(description="The full text's length in characters.")
    truncated: bool


class TextPreview(_TextFields):
    kind: Literal["text"]


class ErrorPreview(_TextFields):
    """An exception: value is its message."""

    kind: Literal["error"]


class ReprPreview(_TextFields):
    """Any other value: value is its repr."""

    kind: Literal["repr"]


class BytesPreview(_PreviewBase):
    kind: Literal["bytes"]
    length: int
    mime: str = Field(description="Sniffed from the first bytes (application/octet-stream else).")
    head: str = Field(description="The first 32 bytes, hex.")


class ImagePreview(_PreviewBase):
    """A PNG thumbnail (≤ 256 px a side) or a small image as it is."""

    kind: Literal["image"]
    mime: str
    data: str = Field(description="The image, base64.")
    width: int | None = Field(description="The original's width in pixels.")
    height: int | None = Field(description="The original's height in pixels.")
    shape: list[int] | None = Field(default=None, description="An array image's shape.")
    dtype: str | None = Field(default=None, description="An array image's dtype.")


class ArrayPreview(_PreviewBase):
    kind: Literal["array"]
    shape: list[int]
    dtype: str
    head: Any = Field(description="The array's leading corner as nested lists.")
    truncated: bool


class TablePreview(_PreviewBase):
    """The head of a data frame, series or Arrow table."""

    kind: Literal["table"]
    columns: list[str]
    dtypes: list[str]
    index: list[Any] = Field(description="The index labels of the rows shown.")
    rows: list[list[Any]]
    shape: list[int] = Field(description="[rows, columns] of the whole table.")
    summary: list[Any] | None = Field(
        default=None, description="Per column: nulls and range, or distinct and top values."
    )
    name: str | None = Field(default=None, description="A series' name (present for series).")
    truncated: bool


class PlotlyPreview(_PreviewBase):
    kind: Literal["plotly"]
    spec: dict[str, Any] = Field(description="The figure's data and layout (plotly.js JSON).")
    points: int = Field(description="Points in the whole figure.")
    shown: int = Field(description="Points in spec (fewer when downsampled).")
    downsampled: bool
    truncated: bool


class VegaPreview(_PreviewBase):
    kind: Literal["vega"]
    spec: dict[str, Any] = Field(description="The Vega-Lite spec (inline datasets may be cut).")
    truncated: bool


Preview = Annotated[
    EmptyPreview
    | JsonPreview
    | TextPreview
    | ErrorPreview
    | ReprPreview
    | BytesPreview
    | ImagePreview
    | ArrayPreview
    | TablePreview
    | PlotlyPreview
    | VegaPreview,
    Field(discriminator="kind"),
]
"""A bounded preview of a value, tagged by ``kind`` (see docs/core.md)."""


class NodeErrorInfo(Data):
    message: str
    type: str
    traceback: str = ""


class InputInfo(Data):
    name: str
    type: str = Field(description="The annotation, readable (e.g. 'int', 'list[str]').")
    schema_: dict[str, Any] = Field(alias="schema", description="JSON Schema of the input.")
    required: bool
    connected: bool = Field(description="Driven by an edge (its own value is then ignored).")
    preview: Preview = Field(description="Preview of the current value (edge, own or default).")
    value: Any = Field(
        default=None,
        description="The node's own value when it is JSON data (what a widget edits).",
    )
    has_value: bool = Field(description="Whether the node has an own value for this input.")
    description: str | None = Field(
        default=None,
        description="What the input is for (from Input(description=…)); absent if none.",
    )
    options: list[Any] | None = Field(
        default=None,
        description="For an input whose schema has x-options-from: the choices that the named "
        "input's current value offers (a table's columns, a dict's keys); absent otherwise.",
    )


class OutputInfo(Data):
    name: str
    type: str
    schema_: dict[str, Any] = Field(alias="schema")
    preview: Preview


class NodeInfo(Data):
    uuid: Uuid
    node_id: str
    name: str
    status: NodeStatus
    placeholder: bool = Field(description="The node's type is missing from the library.")
    inputs: list[InputInfo]
    outputs: list[OutputInfo]
    properties: dict[str, Any] = Field(description="Free JSON: canvas position, name, …")
    error: NodeErrorInfo | None = None
    description: str = ""
    live: bool = Field(
        default=False, description="A generator node whose stream is live (a running source)."
    )
    cached: Literal["memory", "disk"] | None = Field(
        default=None,
        description="Its outputs came from a cache and it did not run: its memo of inputs seen "
        "lately, or the worker's result cache on disk (absent: it ran, or has not).",
    )


class ModuleInfo(Data):
    name: str
    origin: Literal["builtin", "entry_point", "file"]
    path: str | None = None
    status: Literal["loaded", "failed", "deferred"] = Field(
        description="failed: the last import failed; an earlier version's nodes keep serving. "
        "deferred: an installed FuncNodes module not imported yet (nothing has needed it); its "
        "node_ids and shelves are what it gave when it last loaded, and it loads when one of "
        "them is used."
    )
    node_ids: list[str]
    shelves: list[str]
    import_name: str | None = None
    error: str = ""
    traceback: str = ""
    skipped: list[str] = Field(
        default_factory=list, description="Nodes of the module that could not be loaded, and why."
    )


class ModuleEventData(Data):
    kind: Literal["loaded", "reloaded", "failed", "removed"]
    module: str
    origin: Literal["builtin", "entry_point", "file"]
    path: str | None = None
    node_ids: list[str]
    message: str = ""
    traceback: str = ""
    line: int | None = Field(
        default=None, description="failed: the line of the module file where the import failed."
    )
    skipped: list[str] = Field(
        default_factory=list,
        description="Nodes of the module that could not be loaded, each as \"'node id': "
        'why" (FuncNodes node classes that cannot run here); the rest loaded.',
    )


class ClusterData(Data):
    scheduler: str = Field(description="The Dask scheduler's address.")
    dashboard: str | None = Field(description="Its dashboard's URL (None without bokeh).")
    workers: int = Field(description="Dask workers when it connected.")
    local: bool = Field(description="A LocalCluster this worker started (not an address).")


class HelloResult(Data):
    protocol_version: int
    worker_id: str
    pid: int
    version: str = Field(description="nodeweave's version.")
    paused: bool = Field(
        default=False,
        description="Nothing runs: the worker was started in safe start (send resume to run the "
        "graph; nodes stay stale meanwhile).",
    )
    cluster: ClusterData | None = Field(
        default=None, description="The Dask cluster of its Dask nodes, once one has run."
    )
    problems: list[str] = Field(
        default_factory=list, description="What went wrong restoring state or loading modules."
    )


class AnnotationData(BaseModel):
    """A group (a titled, coloured frame around ``nodes``) or a note (markdown) on the canvas."""

    model_config = ConfigDict(extra="forbid", defer_build=True)
    kind: Literal["group", "note"]
    title: str = Field(default="", max_length=200)
    text: str = Field(default="", max_length=100_000, description="Markdown (notes).")
    color: str = Field(default="", max_length=32, description="'#rrggbb', a name, or ''.")
    x: float = 0.0
    y: float = 0.0
    width: float = 320.0
    height: float = 200.0
    nodes: list[Uuid] = Field(default_factory=list, description="The nodes a group frames.")


class AnnotationInfo(AnnotationData):
    id: str


class StateResult(Data):
    nodes: list[NodeInfo]
    edges: list[EdgeInfo]
    annotations: list[AnnotationInfo] = Field(default_factory=list)
    composites: dict[str, CompositeData] = Field(
        default_factory=dict,
        description="The workflow's composite definitions by id (node type composite.<id>).",
    )


class MakeCompositeResult(Data):
    id: str
    uuid: Uuid = Field(description="The composite node that took the selection's place.")
    composite: CompositeData


class ExpandCompositeResult(Data):
    nodes: dict[str, str] = Field(description="The inner nodes' uuids → their uuids now.")


class InsideResult(Data):
    id: str = Field(description="The composite's id.")
    composite: CompositeData
    state: StateResult | None = Field(
        description="The inside of this instance as it is now (values, statuses); null until "
        "the composite has run."
    )


class LibraryResult(Data):
    shelves: list[dict[str, Any]] = Field(
        description="Shelves: {name, description, nodes: [spec], subshelves: [shelf]}."
    )


class SetInputResult(Data):
    changed: bool = Field(description="False when the value equalled the current one.")


class PreviewResult(RootModel[Preview]):
    """A preview (see docs/core.md); the full value is at ``GET /values/{uuid}/{io}``."""

    model_config = ConfigDict(defer_build=True)


class CancelResult(Data):
    cancelled: list[Uuid]


class ModulesResult(RootModel[list[ModuleInfo]]):
    model_config = ConfigDict(defer_build=True)


class ReloadResult(RootModel[list[ModuleEventData]]):
    model_config = ConfigDict(defer_build=True)


class WorkflowResult(RootModel[dict[str, Any]]):
    """A workflow document: ``{"schema_version": 1, "nodes": [...], "edges": [...]}``."""

    model_config = ConfigDict(defer_build=True)


class MergeWorkflowResult(Data):
    nodes: dict[str, str] = Field(description="The document's node uuids → the new ones.")
    dropped_edges: list[dict[str, Any]] = Field(description="Edges whose ports do not exist here.")


class LoadReportData(Data):
    placeholders: list[dict[str, Any]] = Field(description="Nodes whose type is missing.")
    dropped_inputs: list[dict[str, Any]]
    dropped_edges: list[dict[str, Any]]
    migrated: list[dict[str, Any]] = Field(
        default_factory=list,
        description="Nodes saved under an id a node now replaces, or at an older version: "
        "{uuid, from, to} (ids, or id@vN).",
    )


class AnnotationChangedData(Data):
    id: str
    annotation: AnnotationData | None = Field(description="null: it was removed.")


class PresetInfo(PresetData):
    name: str
    problems: list[str] = Field(
        description="Why it cannot be applied now (a missing node or input, a value that no "
        "longer fits …); empty: it can."
    )


class PresetList(Data):
    presets: list[PresetInfo]


class ApplyPresetResult(Data):
    changed: int = Field(description="Inputs whose value changed (one undo step, one recompute).")


class PresetChangedData(Data):
    name: str
    preset: PresetData | None = Field(description="null: it was removed.")


class HistoryData(Data):
    can_undo: bool
    can_redo: bool
    undo_label: str | None = Field(description="What undo would take back, e.g. 'delete Add'.")
    redo_label: str | None


class UndoResult(Data):
    applied: bool = Field(description="False when there was nothing to undo (or redo).")
    label: str | None


class ApplyEditsResult(Data):
    results: list[Any] = Field(description="Each edit's result, in order.")


class ModuleFileInfo(Data):
    name: str
    size: int
    modified: float


class ModuleFilesResult(Data):
    files: list[ModuleFileInfo]


class ModuleSourceResult(Data):
    name: str
    source: str


class OpenExampleResult(LoadReportData):
    files: list[str] = Field(description="The data files copied into the worker's files/ folder.")


class ResumeResult(Data):
    resumed: bool = Field(description="False when the graph was already running.")


class SaveResult(Data):
    path: str
    saved: bool = Field(description="False when there was nothing new to write.")


class NodeStatusData(Data):
    uuid: Uuid
    status: NodeStatus


class ValueData(Data):
    uuid: Uuid
    io: str
    preview: Preview


class ProgressData(Data):
    uuid: Uuid
    fraction: float | None = Field(description="0…1, or null when unknown.")
    message: str


class StaleRunsData(Data):
    uuid: Uuid
    count: int = Field(
        description="Runs of the node that were superseded or cancelled but are still going "
        "(a thread node that does not check its context, a process being stopped): their "
        "results will be dropped. 0 once all have ended."
    )


class MovedOffLoopData(Data):
    node_id: str
    uuid: Uuid = Field(description="The node whose run was slow.")
    seconds: float = Field(description="How long that run blocked the worker's event loop.")


class NodeErrorData(Data):
    uuid: Uuid
    message: str
    type: str
    traceback: str


class NodeRemovedData(Data):
    uuid: Uuid


class EdgeRemovedData(EdgeInfo):
    reason: str = Field(default="", description="Why the engine dropped it (empty: disconnect).")


class InputChangedData(Data):
    uuid: Uuid
    io: str
    preview: Preview
    value: Any = None
    has_value: bool


class InputOptionsData(Data):
    uuid: Uuid
    io: str
    options: list[Any] = Field(description="The input's choices now (see InputInfo.options).")


class NodeUpdatedData(Data):
    uuid: Uuid
    properties: dict[str, Any]


class NodeReboundData(Data):
    uuid: Uuid
    node_id: str
    placeholder: bool
    dropped_inputs: list[str]
    dropped_edges: list[EdgeInfo]
    node: NodeInfo
    migrated: str = Field(
        default="",
        description="How its saved values were migrated ('old.id → new.id', 'v1 → v2').",
    )


class CacheHitData(Data):
    uuid: Uuid = Field(description="The node whose outputs came from a cache (it did not run).")
    source: Literal["memory", "disk"] = Field(
        default="memory",
        description="memory: its memo of inputs seen lately; disk: the worker's result cache.",
    )


class StreamData(Data):
    uuid: Uuid
    live: bool = Field(
        description="True: the node is a live source (each value it yields flows on); false: its "
        "stream ended (returned, failed, stopped by an input change, or the node was paused)."
    )


class CompositeChangedData(Data):
    id: str
    composite: CompositeData | None = Field(description="null: it was removed.")


class NodesMigratedData(Data):
    migrated: list[dict[str, Any]] = Field(
        description="{uuid, from, to}: nodes migrated while a graph was loaded (start, import)."
    )


class GraphReplacedData(Data):
    """The whole graph changed (a workflow was imported): fetch it again with get_state."""


class LibraryChangedData(Data):
    added: list[str]
    removed: list[str]
    replaced: list[str]


class ProblemData(Data):
    message: str


class PausedData(Data):
    paused: bool = Field(description="False: the graph runs again (safe start ended).")


class ShuttingDownData(Data):
    reason: str
