"""``python -m nodeweave.protocol [--check] [--out DIR]``: write (or check) the generated docs."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import orjson

from .schema import json_schema, markdown

DEFAULT_OUT = Path(__file__).resolve().parents[2] / "docs"


def generated() -> dict[str, bytes]:
    schema = orjson.dumps(json_schema(), option=orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS)
    return {"protocol.schema.json": schema + b"\n", "protocol.md": markdown().encode()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m nodeweave.protocol", description=__doc__)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="folder (default: docs/)")
    parser.add_argument(
        "--check", action="store_true", help="exit 1 when the files differ from the models"
    )
    parser.add_argument("--stdout", action="store_true", help="print the JSON Schema only")
    args = parser.parse_args(argv)
    files = generated()
    if args.stdout:
        sys.stdout.buffer.write(files["protocol.schema.json"])
        return 0
    stale = [n for n, data in files.items() if _read(args.out / n) != data]
    if args.check:
        for name in stale:
            print(
                f"{args.out / name} is out of date: run python -m nodeweave.protocol",
                file=sys.stderr,
            )
        return 1 if stale else 0
    args.out.mkdir(parents=True, exist_ok=True)
    for name in stale:
        (args.out / name).write_bytes(files[name])
        print(f"wrote {args.out / name}")
    return 0


def _read(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        return None


if __name__ == "__main__":
    sys.exit(main())
