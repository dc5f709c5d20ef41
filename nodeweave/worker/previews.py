"""Preview plug-ins: installed packages that declare the entry-point group ``nodeweave.previews``.

Each entry point's name is a qualified class name and its value a ``"module:function"`` handler
(see :mod:`nodeweave.core.preview`)::

    [project.entry-points."nodeweave.previews"]
    "geo.shapes.Polygon" = "geo.nodeweave_previews:polygon_preview"

Registering reads package metadata only: a plug-in is imported the first time a value of its
class is previewed, so plug-ins cost a worker nothing until they are used.
"""

from __future__ import annotations

import importlib.metadata
import logging

from nodeweave.core.preview import PREVIEWS, PreviewRegistry

PREVIEW_ENTRY_POINT_GROUP = "nodeweave.previews"

log = logging.getLogger("nodeweave.worker")


def register_preview_plugins(registry: PreviewRegistry = PREVIEWS) -> list[str]:
    """Register every installed preview plug-in; returns the class names registered."""
    try:
        found = list(importlib.metadata.entry_points(group=PREVIEW_ENTRY_POINT_GROUP))
    except Exception:
        log.exception("could not read the %s entry points", PREVIEW_ENTRY_POINT_GROUP)
        return []
    names = []
    for entry in found:
        try:
            registry.register(entry.name, entry.value)
        except ValueError as exc:
            log.warning("preview plug-in %s=%s refused: %s", entry.name, entry.value, exc)
            continue
        names.append(entry.name)
    return names
