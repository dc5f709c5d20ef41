"""Annotations: the groups (titled, coloured frames) and notes (markdown) drawn on the canvas.

They are part of the workflow — saved in its document under ``"annotations"`` (an object keyed by
id, left out while there are none, so older readers see the same documents), undone and redone
with the graph, shared by every client — but not of the computation: no node reads them. A
group holds the uuids of the nodes it frames (``nodes``), so that moving it moves them.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from .errors import InvalidValueError

MAX_ANNOTATIONS = 10_000


class Annotation(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    kind: Literal["group", "note"]
    title: str = Field(default="", max_length=200)
    text: str = Field(default="", max_length=100_000, description="Markdown (notes).")
    color: str = Field(
        default="",
        max_length=32,
        pattern=r"^(#[0-9a-fA-F]{3,8}|[a-z]*)$",
        description="'#rrggbb' or a colour name; empty: the theme's.",
    )
    x: float = 0.0
    y: float = 0.0
    width: float = Field(default=320.0, gt=0, le=100_000)
    height: float = Field(default=200.0, gt=0, le=100_000)
    nodes: list[str] = Field(default_factory=list, max_length=100_000)


def check_annotation(annotation_id: Any, data: Any) -> dict[str, Any]:
    """A valid annotation as plain data, or :class:`InvalidValueError` saying what is wrong."""
    if not isinstance(annotation_id, str) or not 0 < len(annotation_id) <= 200:
        raise InvalidValueError(
            f"an annotation id is a non-empty string of at most 200 characters, got "
            f"{annotation_id!r}"
        )
    try:
        return Annotation.model_validate(data).model_dump()
    except ValidationError as exc:
        first = exc.errors(include_url=False)[0]
        where = ".".join(str(p) for p in first["loc"]) or "annotation"
        raise InvalidValueError(
            f"annotation {annotation_id!r}: {where}: {first['msg']}",
            details={"id": annotation_id},
        ) from None


def check_annotations(data: Any) -> dict[str, dict[str, Any]]:
    if not isinstance(data, dict):
        raise InvalidValueError("'annotations' must be an object keyed by annotation id")
    if len(data) > MAX_ANNOTATIONS:
        raise InvalidValueError(f"at most {MAX_ANNOTATIONS} annotations")
    return {key: check_annotation(key, value) for key, value in data.items()}


__all__ = ["MAX_ANNOTATIONS", "Annotation", "check_annotation", "check_annotations"]
