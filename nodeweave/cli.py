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


def _cmd_worker_run(args: argparse.Namespace) -> int:
    from .state import InvalidWorkerIdError, ensure_token, state_dir
    from .worker.config import config_from_env
    from .worker.main import run

    try:
        token = ensure_token(state_dir())
        config = config_from_env(args.id, port=args.port, host=args.host, token=token)
    except InvalidWorkerIdError as exc:
        print(f"nodeweave worker run: {exc}", file=sys.stderr)
        return 2
    return run(config)


def _cmd_run(args: argparse.Namespace) -> int:
    import asyncio
    import logging
    from pathlib import Path

    from .worker.headless import run_workflow

    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    return asyncio.run(
        run_workflow(
            Path(args.workflow),
            args.set,
            module_dirs=[Path(m) for m in args.modules],
            settle_within=args.timeout,
        )
    )


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

    worker = sub.add_parser("worker", help="workers: run one in the foreground")
    wsub = worker.add_subparsers(dest="worker_command", metavar="COMMAND", required=True)
    wrun = wsub.add_parser(
        "run", help="run worker ID of the state directory in the foreground (what the hub spawns)"
    )
    wrun.add_argument("id", help="the worker's id (its folder under workers/)")
    wrun.add_argument("--port", type=int, default=0, help="default: a free port the OS picks")
    wrun.add_argument("--host", default="127.0.0.1")
    wrun.set_defaults(func=_cmd_worker_run)

    run = sub.add_parser(
        "run",
        help="compute a workflow headless and print its outputs as JSON",
        description="Exit 0 on success, 1 if a node failed, 2 for an invalid workflow or "
        "arguments.",
    )
    run.add_argument("workflow", help="a workflow document (export_workflow, nodespace.json)")
    run.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="NODE.INPUT=JSON",
        help="set an input before computing (NODE: uuid, node name or node type id)",
    )
    run.add_argument(
        "--modules", action="append", default=[], metavar="DIR", help="also load modules here"
    )
    run.add_argument("--timeout", type=float, default=None, help="give up after this many s")
    run.set_defaults(func=_cmd_run)
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
