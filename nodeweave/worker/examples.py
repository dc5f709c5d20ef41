"""Example workflows shipped with nodeweave: a graph plus the data files it reads.

``nodeweave/examples/<name>.json`` is a nodespace document; every other ``<name>.*`` data file
beside it (``sales.csv``) is copied into the worker's ``files/`` folder, where the graph's reader
nodes find it. Opening an example never overwrites the user's work: it needs an empty graph, and
a file of the same name with other content stays as it is (the request is refused).
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import orjson

from nodeweave.core.errors import NodeweaveError, NotFoundError
from nodeweave.protocol.envelope import ErrorCode

EXAMPLES_DIR = Path(__file__).resolve().parent.parent / "examples"
_DATA_SUFFIXES = frozenset({".csv", ".tsv", ".parquet", ".xlsx", ".json", ".jsonl", ".png"})


class ExampleConflict(NodeweaveError):
    code = ErrorCode.INVALID_STATE


def example_names() -> list[str]:
    return sorted(p.stem for p in EXAMPLES_DIR.glob("*.json") if not p.stem.startswith("_"))


def load_example(name: str) -> tuple[dict[str, Any], list[Path]]:
    """The example's document and its data files (``NotFoundError`` for an unknown name)."""
    if name not in example_names():
        raise NotFoundError(
            f"no example {name!r}; there are: {', '.join(example_names()) or 'none'}",
            details={"name": name},
        )
    document = orjson.loads((EXAMPLES_DIR / f"{name}.json").read_bytes())
    data = [
        p
        for p in sorted(EXAMPLES_DIR.glob(f"{name}.*"))
        if p.suffix in _DATA_SUFFIXES and p.name != f"{name}.json"
    ]
    return document, data


def install_files(files: list[Path], target: Path) -> list[str]:
    """Copy the example's data files into ``target`` (refused if one would overwrite other data)."""
    target.mkdir(parents=True, exist_ok=True)
    for source in files:
        existing = target / source.name
        if existing.exists() and existing.read_bytes() != source.read_bytes():
            raise ExampleConflict(
                f"files/{source.name} exists with other content: rename it to open the example",
                details={"path": source.name},
            )
    for source in files:
        shutil.copyfile(source, target / source.name)
    return [source.name for source in files]
