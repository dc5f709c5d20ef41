"""The ``nodeweave`` command."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

import orjson

from . import __version__


def _cmd_library(args: argparse.Namespace) -> int:
    from .core.library import Library
    from .shelves import builtin_shelves

    library = Library(builtin_shelves())
    if args.json:
        sys.stdout.buffer.write(orjson.dumps(library.to_dict(), option=orjson.OPT_INDENT_2))
        sys.stdout.write("\n")
        return 0
    for shelf in library.shelves():
        print(f"{shelf.name}: {shelf.description}")
        for spec in shelf.specs():
            inputs = ", ".join(
                f"{i.name}: {i.type_name}" + ("" if i.required else "?") for i in spec.inputs
            )
            outputs = ", ".join(f"{o.name}: {o.type_name}" for o in spec.outputs)
            print(f"  {spec.id:<28} ({inputs}) -> ({outputs})")
    return 0


def _cmd_up(args: argparse.Namespace) -> int:
    print(
        "nodeweave up: the workermanager hub is not part of this version yet; the reactive "
        "core and its built-in library are (see 'nodeweave library').",
        file=sys.stderr,
    )
    return 1


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="nodeweave", description="Reactive, node-based dataflow for Python."
    )
    parser.add_argument("--version", action="version", version=f"nodeweave {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    lib = sub.add_parser("library", help="list the built-in nodes")
    lib.add_argument("--json", action="store_true", help="print the library as JSON")
    lib.set_defaults(func=_cmd_library)

    up = sub.add_parser("up", help="run the workermanager hub and its UI")
    up.add_argument("--host", default="127.0.0.1")
    up.add_argument("--port", type=int, default=9380)
    up.add_argument("--no-browser", action="store_true")
    up.set_defaults(func=_cmd_up)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    try:
        result: int = args.func(args)
    except BrokenPipeError:  # e.g. piped into `head`: not an error of ours
        sys.stderr.close()
        return 0
    return result
