"""Previews of images (bytes, PIL, matplotlib figures) and numpy arrays and scalars.

Loaded by the preview registry the first time such a value is previewed (see
:mod:`nodeweave.core.preview`); Pillow is imported on demand, to thumbnail image bytes.
"""

from __future__ import annotations

import base64
import importlib
import io
import sys
from typing import Any, Final

import orjson

from .fullvalue import PNG_MIME, image_size
from .lazytypes import imported
from .preview import (
    THUMBNAIL_SIDE,
    Bounded,
    Preview,
    PreviewRequest,
    fit,
    make_preview,
    repr_preview,
)

ARRAY_CELLS: Final = 4096


def pil_preview(value: Any, request: PreviewRequest) -> Preview | None:
    return thumbnail(value, {"kind": "image", "type": request.tname}, request.budget)


def numpy_scalar_preview(value: Any, request: PreviewRequest) -> Preview | None:
    item = value.item()
    if isinstance(item, sys.modules["numpy"].generic):  # e.g. longdouble: no Python type holds it
        return repr_preview(value, request.budget)
    return {**make_preview(item, request.budget), "type": request.tname}


def image_bytes_preview(data: bytes, mime: str, tname: str, budget: int) -> Preview | None:
    pil = _pil()
    if pil is not None:
        try:
            image = pil.open(io.BytesIO(data))
            size = image.size
            if mime != PNG_MIME or max(size) > THUMBNAIL_SIDE:  # a small PNG is its own thumbnail
                image.draft(None, (THUMBNAIL_SIDE, THUMBNAIL_SIDE))  # fast JPEG downscale
                return thumbnail(image, {"kind": "image", "type": tname}, budget, size)
        except Exception:  # noqa: BLE001 - undecodable here; the browser may still show it
            pass
    width, height = image_size(data, mime)
    preview = {"kind": "image", "type": tname, "mime": mime, "data": "", "width": width}
    preview["height"] = height
    # base64 grows data by 4/3: check before encoding megabytes for nothing.
    if len(orjson.dumps(preview)) + 4 * ((len(data) + 2) // 3) > budget:
        return None
    preview["data"] = base64.b64encode(data).decode("ascii")
    return preview


def thumbnail(
    image: Any, preview: Preview, budget: int, size: tuple[int, int] | None = None
) -> Preview | None:
    """A PNG thumbnail, ≤ 256 px a side (smaller if needed to fit); ``size`` is the original's."""
    width, height = size or image.size
    preview.update(mime=PNG_MIME, data="", width=width, height=height)
    base = len(orjson.dumps(preview))
    for side in (THUMBNAIL_SIDE, 128, 64, 32):
        scale = min(1.0, side / max(*image.size, 1))
        target = (max(1, round(image.size[0] * scale)), max(1, round(image.size[1] * scale)))
        if target != image.size:  # each step shrinks the previous one, never the original again
            image = image.resize(target, reducing_gap=3.0)
        if image.mode not in ("RGB", "RGBA", "L", "LA"):
            image = image.convert("RGBA")
        buffer = io.BytesIO()
        image.save(buffer, format="PNG")
        if base + 4 * ((buffer.tell() + 2) // 3) <= budget:
            preview["data"] = base64.b64encode(buffer.getvalue()).decode("ascii")
            return preview
    return None


def figure_preview(figure: Any, request: PreviewRequest) -> Preview | None:
    tname, budget = request.tname, request.budget
    try:
        inches = max(float(x) for x in figure.get_size_inches())
    except Exception:  # noqa: BLE001 - figure-like object without a size: matplotlib's default
        inches = 6.4
    buffer = io.BytesIO()
    # Render near thumbnail size right away: cheaper than rendering big, then shrinking.
    dpi = max(10.0, min(100.0, THUMBNAIL_SIDE / max(inches, 0.1)))
    figure.savefig(buffer, format="png", dpi=dpi)
    return image_bytes_preview(buffer.getvalue(), PNG_MIME, tname, budget)


def _pil() -> Any:
    """The ``PIL.Image`` module, imported on demand, or ``None`` without Pillow."""
    module = imported("PIL.Image")
    if module is not None:
        return module
    try:
        return importlib.import_module("PIL.Image")
    except Exception:  # noqa: BLE001 - not installed, or a blocked/broken install
        return None


# --- numpy ---------------------------------------------------------------------------------


def array_preview(array: Any, request: PreviewRequest) -> Preview | None:
    tname, budget = request.tname, request.budget
    shape, dtype = list(array.shape), str(array.dtype)
    if dtype == "uint8" and array.ndim == 3 and shape[2] in (3, 4) and min(shape[:2]) > 1:
        pil = _pil()
        if pil is not None:
            preview = {"kind": "image", "type": tname, "shape": shape, "dtype": dtype}
            thumb = thumbnail(pil.fromarray(array), preview, budget)
            if thumb is not None:
                return thumb

    def make(bounded: Bounded) -> Preview:
        per_axis = max(1, min(bounded.items, int(ARRAY_CELLS ** (1 / max(array.ndim, 1)))))
        corner = array[tuple(slice(0, per_axis) for _ in shape)]
        if array.dtype.kind in "mM":  # tolist() would give raw integers for ns datetimes
            corner = corner.astype(str)
        head = bounded.build(corner.tolist())
        bounded.truncated |= corner.shape != array.shape
        return {"kind": "array", "type": tname, "shape": shape, "dtype": dtype, "head": head}

    return fit(budget, make)
