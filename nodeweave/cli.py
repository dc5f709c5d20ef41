"""The ``nodeweave`` command."""

from __future__ import annotations

import argparse
import os
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


WARM_SPARE_ENV = "NODEWEAVE_WARM_SPARE"


def _cmd_up(args: argparse.Namespace) -> int:
    from .state import ensure_token, state_dir
    from .workermanager.config import HubConfig
    from .workermanager.main import run

    state = state_dir()
    config = HubConfig(
        state=state,
        token=ensure_token(state),
        host=args.host,
        port=args.port,
        warm_spare=not args.no_spare and os.environ.get(WARM_SPARE_ENV, "1") != "0",
    )
    return run(config, open_browser=not args.no_browser)


def _hub_call(cmd: str, *, progress_of: str | None = None, **kwargs: object) -> object:
    """One command to the running hub of the state directory (exit 1 with a reason if none).

    ``progress_of``: a worker id (``"*"``: any) whose environment progress is printed to stderr
    meanwhile.
    """
    import asyncio

    import aiohttp

    from .client import Client, RpcError
    from .state import read_token, state_dir
    from .workermanager.hubfile import hub_info

    state = state_dir()
    info = hub_info(state)
    if info is None:
        raise _CliError(f"no hub is running for {state}; start one with: nodeweave up")

    async def call() -> object:
        async with await Client.connect(str(info["ws"]), read_token(state)) as client:
            if progress_of is None:
                return await client.call(cmd, **kwargs)
            reply = await client.send(cmd, **kwargs)
            while not reply.done():
                waiter = asyncio.ensure_future(client.events.get())
                await asyncio.wait({reply, waiter}, return_when=asyncio.FIRST_COMPLETED)
                if not waiter.done():
                    waiter.cancel()
                    break
                event = waiter.result()
                data = event.get("data") or {}
                if event.get("event") == "env_progress" and progress_of in ("*", data.get("id")):
                    print(f"  {data.get('stage', '')}: {data.get('message', '')}", file=sys.stderr)
            return await reply

    try:
        return asyncio.run(call())
    except (OSError, aiohttp.ClientError) as exc:
        raise _CliError(f"the hub at {info.get('url')} does not answer ({exc})") from None
    except RpcError as exc:
        output = exc.details.get("output") if isinstance(exc.details, dict) else None
        more = f"\n{str(output).rstrip()}" if output else ""
        raise _CliError(f"{exc.code}: {exc.message}{more}") from None


class _CliError(Exception):
    pass


def _print_change(result: dict[str, object]) -> None:
    """A package change as the CLI shows it: the resolution's difference, then what happened."""
    change = result.get("diff")
    lines: list[str] = []
    if isinstance(change, dict):
        for pin in change.get("added", []):
            lines.append(f"  + {pin['name']} {pin['version'] or ''}".rstrip())
        for pin in change.get("removed", []):
            lines.append(f"  - {pin['name']} {pin['version'] or ''}".rstrip())
        for item in change.get("changed", []):
            lines.append(f"  ~ {item['name']} {item['from']} -> {item['to']}")
    print("\n".join(lines) if lines else "  (no change to the resolved packages)")
    if result.get("note"):
        print(f"  note: {result['note']}")
    if not result.get("applied"):
        print("dry run: nothing changed")
    else:
        restarted = "; the worker was restarted on it" if result.get("restarted") else ""
        print(f"applied{restarted}")


def _cmd_env(args: argparse.Namespace) -> int:
    """Show or change a worker's environment variables (applied at its next start)."""
    try:
        record = _hub_call("get_worker", id=args.id)
        assert isinstance(record, dict)
        env = dict(record.get("env") or {})
        changed = False
        for item in args.assignments:
            key, sep, value = item.partition("=")
            if not sep or not key:
                print(f"nodeweave worker env: {item!r} is not KEY=VALUE", file=sys.stderr)
                return 2
            env[key] = value
            changed = True
        for key in args.unset:
            changed = env.pop(key, None) is not None or changed
        if changed:
            record = _hub_call("update_worker", id=args.id, env=env)
            assert isinstance(record, dict)
        for key, value in sorted((record.get("env") or {}).items()):
            print(f"{key}={value}")
        if changed:
            print(f"(applied at its next start: nodeweave worker restart {args.id})")
    except _CliError as exc:
        print(f"nodeweave worker env: {exc}", file=sys.stderr)
        return 1
    return 0


def _cmd_secret(args: argparse.Namespace) -> int:
    """A worker's secrets, written into its folder directly: the value never crosses the
    protocol, and is never printed."""
    import getpass

    from .state import state_dir
    from .state.secrets import SecretError, delete_secret, secret_names, set_secret
    from .workermanager.registry import Registry

    registry = Registry(state_dir())
    try:
        registry.get(args.id)
    except Exception:  # noqa: BLE001 - the registry's not-found, said plainly
        print(f"nodeweave worker secret: no worker {args.id!r}", file=sys.stderr)
        return 1
    folder = registry.folder(args.id)
    try:
        if args.secret_command == "set":
            if sys.stdin.isatty():
                value = getpass.getpass(f"value of {args.name} (not shown): ")
            else:
                value = sys.stdin.read().rstrip("\n")
            set_secret(folder, args.name, value)
            print(f"secret {args.name} set for {args.id} (applied at its next start)")
        elif args.secret_command == "delete":
            if not delete_secret(folder, args.name):
                print(
                    f"nodeweave worker secret: {args.id} has no secret {args.name}", file=sys.stderr
                )
                return 1
            print(f"secret {args.name} deleted")
        else:
            for name in secret_names(folder):
                print(name)
    except SecretError as exc:
        print(f"nodeweave worker secret: {exc}", file=sys.stderr)
        return 2
    return 0


def _cmd_packages(args: argparse.Namespace) -> int:
    cmd = args.worker_command
    try:
        if cmd == "packages":
            listed = _hub_call("list_packages", id=args.id, outdated=args.outdated)
            assert isinstance(listed, dict)
            if args.json:
                sys.stdout.buffer.write(orjson.dumps(listed, option=orjson.OPT_INDENT_2) + b"\n")
                return 0
            print(f"requirements: {', '.join(listed['requirements']) or '(none)'}")
            for pin in listed["packages"]:
                mark = "*" if pin["requested"] else " "
                newer = f"  (newer: {pin['latest']})" if pin.get("latest") else ""
                print(f" {mark} {pin['name']:<32} {pin['version'] or '(file)'}{newer}")
            if args.outdated and not listed.get("outdated_checked"):
                print("(the package index could not be asked for newer versions)")
            return 0
        kwargs: dict[str, object] = {"id": args.id, "dry_run": args.dry_run}
        if cmd in ("add", "remove", "upgrade"):
            kwargs["packages"] = list(args.packages)
        result = _hub_call(f"{cmd}_packages", progress_of=args.id, **kwargs)
        assert isinstance(result, dict)
        _print_change(result)
    except _CliError as exc:
        print(f"nodeweave worker {cmd}: {exc}", file=sys.stderr)
        return 1
    return 0


def _print_record(record: dict[str, object]) -> None:
    where = f"  {record['url']}" if record.get("url") else ""
    pid = f"  pid {record['pid']}" if record.get("pid") else ""
    print(f"{record['id']:<24} {record['status']:<9} {record['name']}{pid}{where}")
    if record.get("error"):
        print(f"{'':<24} {record['error']}")
    env_error = record.get("env_error")
    if isinstance(env_error, str) and env_error.strip():
        last = env_error.strip().splitlines()[-1][:160]
        print(f"{'':<24} environment: {last}  (worker logs {record['id']})")


def _cmd_worker(args: argparse.Namespace) -> int:
    cmd = args.worker_command
    try:
        if cmd == "new":
            kwargs: dict[str, object] = {"name": args.name, "requirements": args.requirement}
            if args.no_venv:
                kwargs["venv"] = False
            # its id is not known before: every environment's progress is shown meanwhile
            progress = "*" if args.requirement else None
            created = _hub_call("create_worker", progress_of=progress, **kwargs)
            _print_record(created)  # type: ignore[arg-type]
        elif cmd == "list":
            records = _hub_call("list_workers")
            if args.json:
                sys.stdout.buffer.write(orjson.dumps(records, option=orjson.OPT_INDENT_2) + b"\n")
            else:
                for record in records:  # type: ignore[attr-defined]
                    _print_record(record)
        elif cmd == "logs":
            result = _hub_call("worker_logs", id=args.id, lines=args.lines)
            for line in result["lines"]:  # type: ignore[index]
                print(line)
        elif cmd == "delete":
            _hub_call("delete_worker", id=args.id)
            print(f"deleted {args.id}")
        elif cmd == "start" and args.safe:
            _print_record(_hub_call("start_worker", id=args.id, safe=True))  # type: ignore[arg-type]
        else:
            _print_record(_hub_call(f"{cmd}_worker", id=args.id))  # type: ignore[arg-type]
    except _CliError as exc:
        print(f"nodeweave worker {cmd}: {exc}", file=sys.stderr)
        return 1
    return 0


def _cmd_worker_run(args: argparse.Namespace) -> int:
    from .state import InvalidWorkerIdError, ensure_token, state_dir
    from .worker.config import config_from_env
    from .worker.main import run

    try:
        # A hub passes its token; run by hand, the worker uses (or creates) the state's.
        token = os.environ.get("NODEWEAVE_TOKEN") or ensure_token(state_dir())
        config = config_from_env(
            args.id,
            port=args.port,
            host=args.host,
            token=token,
            safe_start=args.safe,
            dask_scheduler=args.dask_scheduler,
        )
    except InvalidWorkerIdError as exc:
        print(f"nodeweave worker run: {exc}", file=sys.stderr)
        return 2
    return run(config)


def _cmd_worker_spare(args: argparse.Namespace) -> int:
    from .worker.spare import wait

    job = wait()
    return job if isinstance(job, int) else main(job.argv)


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
            outputs=args.outputs,
            output_format=args.format,
            preset=args.preset,
        )
    )


def _cmd_import_funcnodes(args: argparse.Namespace) -> int:
    """A new worker from a FuncNodes workflow, written into the state directory (no hub needed:
    a running hub lists it at once; its environment, if any, is built at its first start)."""
    import logging
    from pathlib import Path

    from .funcnodes.workflow import DocumentError, read_path
    from .state import state_dir
    from .workermanager.funcnodes_import import import_workflow
    from .workermanager.registry import Registry

    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    state = state_dir()
    try:
        workflow = read_path(Path(args.path).expanduser())
        imported = import_workflow(Registry(state), workflow, name=args.name, install=args.install)
    except DocumentError as exc:
        print(f"nodeweave import-funcnodes: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:
        print(f"nodeweave import-funcnodes: {exc}", file=sys.stderr)
        return 1
    c, entry = imported.converted, imported.entry
    edges = "edge" if c.edges == 1 else "edges"
    print(
        f"imported {workflow.name!r} as worker {entry.id}: {c.nodes} nodes, {c.edges} {edges}, "
        f"{c.values} input values, {imported.files} files"
    )
    for item in c.dropped_values:
        print(f"  left out the value of {item} (JSON cannot hold it)")
    missing = _unknown_here(c.node_ids)
    if missing:
        later = " (its requirements install at its first start)" if imported.requirements else ""
        print(f"  not provided in this environment{later}, placeholders until they are:")
        for node_id in missing:
            print(f"    {node_id}")
    if imported.requirements:
        print(f"  requirements: {', '.join(imported.requirements)}")
    elif workflow.requirements:
        print(
            f"  its FuncNodes packages (not installed; --install does): "
            f"{', '.join(workflow.requirements)}"
        )
    print(f"start it with: nodeweave worker start {entry.id}  (or from the UI: nodeweave up)")
    return 0


def _cmd_export(args: argparse.Namespace) -> int:
    """A worker as a bundle file (its saved graph, modules, packages, settings, chosen files)."""
    from pathlib import Path

    from . import bundles
    from .protocol import ProtocolError
    from .state import state_dir
    from .workermanager.bundle_import import available_files, default_output, of_worker
    from .workermanager.registry import Registry

    registry = Registry(state_dir())
    try:
        registry.get(args.id)
    except ProtocolError:
        print(f"nodeweave export: no worker {args.id!r}", file=sys.stderr)
        return 1
    if args.list_files:
        for item in available_files(registry, args.id):
            print(f"{item['size']:>12}  {item['path']}")
        return 0
    try:
        bundle = of_worker(registry, args.id, list(args.file))
    except bundles.BundleError as exc:
        print(f"nodeweave export: {exc}", file=sys.stderr)
        return 2
    if args.python:
        return _export_python(registry.folder(args.id), args)
    target = Path(args.output) if args.output else default_output(args.id)
    data = bundles.write(bundle, __version__)
    target.write_bytes(data)
    print(
        f"wrote {target} ({len(data)} bytes): {len(bundle.document.get('nodes', []))} nodes, "
        f"{len(bundle.modules)} modules, {len(bundle.files)} files, "
        f"{len(bundle.requirements)} requirements (secrets are never exported)"
    )
    return 0


def _export_python(folder: object, args: argparse.Namespace) -> int:
    """The worker's saved graph as a Python script (``--python``)."""
    import asyncio
    import logging
    from pathlib import Path

    from .core.library import Library
    from .core.nodespace import NodeSpace
    from .worker.config import funcnodes_enabled
    from .worker.headless import UsageError, resolve_node
    from .worker.modules import ModuleLoader
    from .worker.pyexport import ExportError, export_script, parse_parameters

    assert isinstance(folder, Path)
    logging.disable(logging.WARNING)
    modules = folder / "modules"
    library = Library()
    try:
        document = orjson.loads((folder / "nodespace.json").read_bytes())
    except (OSError, orjson.JSONDecodeError) as exc:
        print(f"nodeweave export: the worker has no readable saved graph: {exc}", file=sys.stderr)
        return 2

    async def build() -> str:
        with ModuleLoader(
            library, module_dirs=[modules], funcnodes=funcnodes_enabled(os.environ)
        ) as loader:
            loader.load_all()
            ns = NodeSpace(library)
            try:
                ns.pause()
                ns.load_document(document)
                params = parse_parameters(ns, args.param, resolve_node)
                return export_script(ns, module_dirs=[modules], parameters=params, title=args.id)
            finally:
                await ns.aclose()

    try:
        script = asyncio.run(build())
    except (ExportError, UsageError) as exc:
        for line in getattr(exc, "problems", [str(exc)]):
            print(f"nodeweave export: {line}", file=sys.stderr)
        return 2
    finally:
        logging.disable(logging.NOTSET)
    target = Path(args.output) if args.output else Path(f"{args.id}.py")
    target.write_text(script)
    print(f"wrote {target}: run it with python {target} (--help lists its parameters)")
    return 0


def _cmd_import(args: argparse.Namespace) -> int:
    """A new worker from a bundle (its modules are written, and run when it starts: asked)."""
    from pathlib import Path

    from . import bundles
    from .state import state_dir
    from .workermanager.bundle_import import create_worker, summary
    from .workermanager.registry import Registry

    try:
        bundle = bundles.read(Path(args.path).expanduser().read_bytes())
    except OSError as exc:
        print(f"nodeweave import: {exc}", file=sys.stderr)
        return 1
    except bundles.BundleError as exc:
        print(f"nodeweave import: {exc}", file=sys.stderr)
        return 2
    if bundle.modules and not args.yes:
        names = ", ".join(sorted(bundle.modules))
        question = (
            f"This bundle holds {len(bundle.modules)} node module(s) ({names}). Importing writes "
            "them into the new worker, and they run — with your rights — when it starts. "
            "Continue? [y/N] "
        )
        if not sys.stdin.isatty():
            print(f"nodeweave import: {question[:-9]}: say --yes to import it", file=sys.stderr)
            return 1
        if input(question).strip().lower() not in ("y", "yes"):
            print("nothing imported")
            return 1
    imported = create_worker(Registry(state_dir()), bundle, name=args.name, install=args.install)
    info = summary(imported)
    print(
        f"imported {bundle.name!r} as worker {imported.entry.id}: {info['nodes']} nodes, "
        f"{len(info['modules'])} modules, {len(info['files'])} files (written by nodeweave "
        f"{info['written_by']})"
    )
    if bundle.requirements and not args.install:
        print(f"  its packages (not installed; --install does): {', '.join(bundle.requirements)}")
    missing = [
        n
        for n in _unknown_here(_node_ids(bundle.document))
        if not any(n.encode() in source for source in bundle.modules.values())
    ]
    if missing:
        print("  not provided here, placeholders until a module provides them:")
        for node_id in missing:
            print(f"    {node_id}")
    print(f"start it with: nodeweave worker start {imported.entry.id}")
    return 0


def _node_ids(document: dict[str, object]) -> list[str]:
    nodes = document.get("nodes")
    ids = (
        {str(n.get("node_id")) for n in nodes if isinstance(n, dict)}
        if isinstance(nodes, list)
        else set()
    )
    return sorted(ids)


def _unknown_here(node_ids: list[str]) -> list[str]:
    """The node ids no module of this Python environment provides (built-in shelves, installed
    nodeweave and FuncNodes modules)."""
    import logging
    import tempfile
    import warnings

    from .core.library import Library
    from .worker.config import funcnodes_enabled
    from .worker.modules import ModuleLoader

    library = Library()
    logging.disable(logging.WARNING)  # modules that talk while they describe themselves
    # FuncNodes writes its config and logs where FUNCNODES_CONFIG_DIR says (the state directory,
    # which holds FuncNodes' own files): for this look, somewhere of our own that goes away.
    saved = os.environ.get("FUNCNODES_CONFIG_DIR")
    saved_env = dict(os.environ)
    with tempfile.TemporaryDirectory(prefix="nodeweave-import-") as scratch:
        os.environ["FUNCNODES_CONFIG_DIR"] = scratch
        try:
            funcnodes = funcnodes_enabled(saved_env)
            with warnings.catch_warnings(), ModuleLoader(library, funcnodes=funcnodes) as loader:
                warnings.simplefilter("ignore")
                loader.load_all()
                return [n for n in node_ids if n not in library]
        finally:
            logging.disable(logging.NOTSET)
            if saved is None:
                os.environ.pop("FUNCNODES_CONFIG_DIR", None)
            else:
                os.environ["FUNCNODES_CONFIG_DIR"] = saved


SAFE_HELP = (
    "safe start: load the graph without running any node (fix or remove a node that hangs or "
    "crashes the worker, then run the graph from the UI or with the worker's resume command)"
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
    up.add_argument(
        "--no-spare",
        action="store_true",
        help=f"keep no warm spare to start workers from (also: {WARM_SPARE_ENV}=0)",
    )
    up.set_defaults(func=_cmd_up)

    worker = sub.add_parser("worker", help="workers: manage them through the hub, or run one")
    wsub = worker.add_subparsers(dest="worker_command", metavar="COMMAND", required=True)
    wnew = wsub.add_parser("new", help="create a worker")
    wnew.add_argument("name")
    wnew.add_argument(
        "--requirement", "-r", action="append", default=[], help="a package to install in its env"
    )
    wnew.add_argument("--no-venv", action="store_true", help="run it in the hub's environment")
    wnew.set_defaults(func=_cmd_worker)
    wlist = wsub.add_parser("list", help="list the workers and their status")
    wlist.add_argument("--json", action="store_true")
    wlist.set_defaults(func=_cmd_worker)
    for name, text in (
        ("start", "start a worker"),
        ("stop", "stop a worker (it saves first)"),
        ("restart", "stop, then start a worker"),
        ("delete", "stop a worker and delete its folder"),
    ):
        p = wsub.add_parser(name, help=text)
        p.add_argument("id")
        if name == "start":
            p.add_argument("--safe", action="store_true", help=SAFE_HELP)
        p.set_defaults(func=_cmd_worker)
    dry = {"action": "store_true", "help": "only resolve and show the difference"}
    wadd = wsub.add_parser("add", help="add node packages to a worker's environment")
    wadd.add_argument("id")
    wadd.add_argument("packages", nargs="+", metavar="PKG", help="name, name==1.2, a wheel …")
    wadd.add_argument("--dry-run", **dry)  # type: ignore[arg-type]
    wrm = wsub.add_parser("remove", help="remove node packages from a worker's environment")
    wrm.add_argument("id")
    wrm.add_argument("packages", nargs="+", metavar="PKG")
    wrm.add_argument("--dry-run", **dry)  # type: ignore[arg-type]
    wup = wsub.add_parser("upgrade", help="upgrade a worker's packages (all, or those named)")
    wup.add_argument("id")
    wup.add_argument("packages", nargs="*", metavar="PKG")
    wup.add_argument("--dry-run", **dry)  # type: ignore[arg-type]
    wrb = wsub.add_parser("rollback", help="go back to the packages before the last change")
    wrb.add_argument("id")
    wrb.add_argument("--dry-run", **dry)  # type: ignore[arg-type]
    wpk = wsub.add_parser("packages", help="a worker's packages (* = asked for)")
    wpk.add_argument("id")
    wpk.add_argument("--outdated", action="store_true", help="ask the index for newer versions")
    wpk.add_argument("--json", action="store_true")
    for p in (wadd, wrm, wup, wrb, wpk):
        p.set_defaults(func=_cmd_packages)
    wenv = wsub.add_parser("env", help="show or set a worker's environment variables")
    wenv.add_argument("id")
    wenv.add_argument("assignments", nargs="*", metavar="KEY=VALUE")
    wenv.add_argument("--unset", action="append", default=[], metavar="KEY")
    wenv.set_defaults(func=_cmd_env)
    wsec = wsub.add_parser("secret", help="a worker's secrets (values never shown)")
    ssub = wsec.add_subparsers(dest="secret_command", metavar="ACTION", required=True)
    sset = ssub.add_parser("set", help="set NAME from stdin (or a prompt)")
    sset.add_argument("id")
    sset.add_argument("name")
    sdel = ssub.add_parser("delete", help="remove NAME")
    sdel.add_argument("id")
    sdel.add_argument("name")
    slist = ssub.add_parser("list", help="the names")
    slist.add_argument("id")
    for p in (sset, sdel, slist):
        p.set_defaults(func=_cmd_secret)
    wlogs = wsub.add_parser("logs", help="the last lines of a worker's log")
    wlogs.add_argument("id")
    wlogs.add_argument("--lines", "-n", type=int, default=100)
    wlogs.set_defaults(func=_cmd_worker)
    wrun = wsub.add_parser(
        "run", help="run worker ID of the state directory in the foreground (what the hub spawns)"
    )
    wrun.add_argument("id", help="the worker's id (its folder under workers/)")
    wrun.add_argument("--port", type=int, default=0, help="default: a free port the OS picks")
    wrun.add_argument("--host", default="127.0.0.1")
    wrun.add_argument("--safe", action="store_true", help=SAFE_HELP)
    wrun.add_argument(
        "--dask-scheduler",
        metavar="ADDRESS",
        help="run executor='dask' nodes on this Dask scheduler (default: NODEWEAVE_DASK_SCHEDULER,"
        " else a LocalCluster started on the first Dask node)",
    )
    wrun.set_defaults(func=_cmd_worker_run)
    wspare = wsub.add_parser(
        "spare",
        help="import what a worker needs, then wait on stdin to become one (the hub's warm spare)",
    )
    wspare.set_defaults(func=_cmd_worker_spare)

    run = sub.add_parser(
        "run",
        help="compute a workflow headless and print its outputs",
        description="Compute a workflow without a server and print the requested outputs.",
        epilog="Exit codes: 0 every requested output computed; 1 a node failed, its type is "
        "missing, or the graph did not settle in time; 2 the workflow or the arguments are not "
        "usable; 3 a requested output was never computed (its node waits for an input without "
        "a value: the message names the node and the input).",
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
    run.add_argument(
        "--outputs",
        action="append",
        default=[],
        metavar="NODE.OUT,…",
        help="print (and require) only these outputs (NODE as for --set); default: all",
    )
    run.add_argument(
        "--format", choices=("json", "table"), default="json", help="json (default) or table"
    )
    run.add_argument(
        "--preset", default=None, metavar="NAME", help="apply the workflow's preset (before --set)"
    )
    run.set_defaults(func=_cmd_run)

    exp = sub.add_parser(
        "export",
        help="write a worker as a bundle (.nwflow): graph, modules, packages, settings, files",
        description="Secrets are never exported. Exit 0 on success, 1 for an unknown worker, 2 "
        "for a file that cannot go in.",
    )
    exp.add_argument("id")
    exp.add_argument("-o", "--output", default=None, help="the file (default: ID.nwflow)")
    exp.add_argument(
        "--file",
        action="append",
        default=[],
        metavar="PATH",
        help="also carry this file of the worker's files/ folder (see --list-files)",
    )
    exp.add_argument("--list-files", action="store_true", help="list the files it could carry")
    exp.add_argument(
        "--python", action="store_true", help="write the graph as a Python script instead"
    )
    exp.add_argument(
        "--param",
        action="append",
        default=[],
        metavar="NODE.INPUT",
        help="with --python: make this input a command-line option of the script",
    )
    exp.set_defaults(func=_cmd_export)

    bimp = sub.add_parser(
        "import",
        help="a new worker from a bundle (.nwflow)",
        description="A bundle's node modules run when the new worker starts: the command says "
        "so and asks (--yes answers). Exit 0 on success, 1 when not confirmed, 2 for a file that "
        "is not a bundle this nodeweave reads.",
    )
    bimp.add_argument("path")
    bimp.add_argument("--name", default=None, help="the new worker's name (default: the bundle's)")
    bimp.add_argument(
        "--install",
        action="store_true",
        help="give it the bundle's packages (its own environment, from the bundle's lock)",
    )
    bimp.add_argument("--yes", action="store_true", help="import its modules without asking")
    bimp.set_defaults(func=_cmd_import)

    imp = sub.add_parser(
        "import-funcnodes",
        help="a new worker from a FuncNodes workflow (.fnw export, worker folder, nodespace.json)",
        description="Exit 0 on success, 2 when PATH is not a FuncNodes workflow. FuncNodes' own "
        "files are only read.",
    )
    imp.add_argument("path", help="a .fnw export, a FuncNodes worker folder or a nodespace.json")
    imp.add_argument("--name", default=None, help="the new worker's name (default: FuncNodes')")
    imp.add_argument(
        "--install",
        action="store_true",
        help="install the workflow's FuncNodes packages into the worker's own environment",
    )
    imp.set_defaults(func=_cmd_import_funcnodes)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    # Not kept while the command runs (a worker runs for days): the parser is ~0.1 MB of objects.
    del parser
    try:
        result: int = args.func(args)
    except BrokenPipeError:  # e.g. piped into `head`: not an error of ours
        sys.stderr.close()
        return 0
    return result
