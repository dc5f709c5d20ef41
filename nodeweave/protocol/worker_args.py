"""The models of the worker's command arguments (and the shapes they share with its results).

A worker validates every request against one of these, so each is imported when a command that
uses it first arrives: a worker at rest, answering ``ping`` and ``hello`` only, never builds them.
The tables in :mod:`.worker` name them by where they are (``A + "AddNodeArgs"``).
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from .base import Args, Data

NodeStatus = Literal["idle", "waiting", "stale", "running", "done", "error", "blocked", "cancelled"]

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
