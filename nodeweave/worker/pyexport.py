"""A workflow as a Python program: ``nodeweave export ID --python -o flow.py``.

The script imports the node functions and calls them in dependency order, one call per node,
named after the node, with the workflow's values; the inputs chosen as parameters become
``argparse`` options (``python flow.py --threshold 0.3``). It prints the outputs as JSON — the
same values ``nodeweave run`` prints — so the graph can live in CI pipelines, cron jobs and code
review. What a script cannot express — a placeholder, a node whose function cannot be imported by
name (e.g. a bridged FuncNodes node) — is reported, and the export refused.
"""

from __future__ import annotations

import dataclasses
import inspect
import keyword
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from nodeweave.core.nodespace import NodeSpace
from nodeweave.core.spec import NodeSpec
from nodeweave.core.values import NO_VALUE

from .views import json_value


class ExportError(ValueError):
    """The workflow cannot be written as a script (``problems`` says what)."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


@dataclasses.dataclass(frozen=True, slots=True)
class Parameter:
    node: str
    io: str


def _ident(text: str, taken: set[str]) -> str:
    base = re.sub(r"\W+", "_", text.strip().lower()).strip("_") or "node"
    if base[0].isdigit() or keyword.iskeyword(base):
        base = f"n_{base}"
    name, n = base, 2
    while name in taken:
        name, n = f"{base}_{n}", n + 1
    taken.add(name)
    return name


def _importable(spec: NodeSpec) -> tuple[str, str] | None:
    """(module, attribute) under which the script can import the node's function."""
    func = spec.func
    module = getattr(func, "__module__", "") or ""
    qualname = getattr(func, "__qualname__", "") or ""
    if not module or not qualname or "<" in qualname or "." in qualname:
        return None
    if module.startswith("nodeweave_modules."):
        return None  # a module file imported under a synthetic name: not importable by it
    return module, qualname


def export_script(
    ns: NodeSpace,
    *,
    module_dirs: Sequence[Path] = (),
    parameters: Sequence[Parameter] = (),
    title: str = "workflow",
) -> str:
    """The script of ``ns``'s graph (see the module docstring); raises :class:`ExportError`."""
    from nodeweave.core.graph import topological_order

    scheduler = ns._scheduler
    problems: list[str] = []
    imports: dict[tuple[str, str], str] = {}
    taken: set[str] = {"main", "args", "parser", "outputs", "json", "asyncio", "argparse", "sys"}
    names: dict[str, str] = {}
    order = topological_order(scheduler.nodes)
    for uuid in order:
        node = scheduler.nodes[uuid]
        label = str(node.props.get("name") or (node.spec.name if node.spec else node.node_id))
        if node.spec is None:
            problems.append(f"node {uuid} ({node.node_id}): its type is missing (a placeholder)")
            continue
        if node.spec.stream:
            problems.append(
                f"node {uuid} ({node.node_id}): a source (its values come one after another, "
                "maybe without end): a script that runs once cannot follow it"
            )
            continue
        where = _importable(node.spec)
        if where is None:
            problems.append(
                f"node {uuid} ({node.node_id}): its function cannot be imported by name "
                "(a generated or bridged node, or a composite)"
            )
            continue
        if where not in imports:
            imports[where] = _ident(f"{where[1]}", taken)
        names[uuid] = _ident(label, taken)
    wanted = {(p.node, p.io) for p in parameters}
    for p in parameters:
        target = scheduler.nodes.get(p.node)
        if target is None or target.spec is None or p.io not in target.spec.input_map:
            problems.append(f"parameter {p.node}.{p.io}: no such node input")
        elif p.io in target.conn:
            problems.append(f"parameter {p.node}.{p.io}: an edge drives that input")
    if problems:
        raise ExportError(problems)

    lines = [
        "#!/usr/bin/env python3",
        f'"""{title} — written by nodeweave export --python.',
        "",
        "One call per node, in dependency order, with the workflow's values; prints the outputs",
        'as JSON. Parameters: see --help."""',
        "",
        "from __future__ import annotations",
        "",
        "import argparse",
        "import asyncio",
        "import json",
        "import sys",
        "from pathlib import Path",
        "",
        "from nodeweave import NodeContext",
        "",
    ]
    for folder in module_dirs:
        lines.append(f"sys.path.insert(0, {str(Path(folder).absolute())!r})")
    lines.append("")
    for (module, attr), alias in sorted(imports.items(), key=lambda kv: kv[1]):
        lines.append(f"from {module} import {attr} as {alias}  # noqa: E402")
    lines += ["", "", "def _outputs(result, names):"]
    lines += [
        "    if len(names) == 1:",
        "        return {names[0]: result}",
        "    if not names:",
        "        return {}",
        "    if isinstance(result, dict):",
        "        return {n: result[n] for n in names}",
        "    return dict(zip(names, result))",
        "",
        "",
        "def _json(value):",
        "    try:",
        "        return json.loads(json.dumps(value))",
        "    except (TypeError, ValueError):",
        "        return {'repr': repr(value)}",
        "",
        "",
        "async def main(argv=None):",
        f"    parser = argparse.ArgumentParser(description={title!r})",
    ]
    param_names: dict[tuple[str, str], str] = {}
    for p in parameters:
        node = scheduler.nodes[p.node]
        value = node.values.get(p.io, NO_VALUE)
        default = value if value is not NO_VALUE else node.spec.input_map[p.io].default  # type: ignore[union-attr]
        option = _ident(
            p.io if p.io not in param_names.values() else f"{names[p.node]}_{p.io}", set()
        )
        param_names[(p.node, p.io)] = option
        ok, plain = json_value(default)
        lines.append(
            f"    parser.add_argument('--{option.replace('_', '-')}', dest={option!r}, "
            f"type=json.loads, default={plain!r}, help='{names[p.node]}.{p.io} (JSON; default "
            f"%(default)s)')"
            if ok
            else f"    parser.add_argument('--{option.replace('_', '-')}', dest={option!r}, "
            f"type=json.loads, required=True, help='{names[p.node]}.{p.io} (JSON)')"
        )
    lines += ["    args = parser.parse_args(argv)", "    outputs = {}"]
    for uuid in order:
        node = scheduler.nodes[uuid]
        spec = node.spec
        assert spec is not None
        var = names[uuid]
        kwargs: list[str] = []
        for ispec in spec.inputs:
            io = ispec.name
            edge = node.conn.get(io)
            if edge is not None:
                kwargs.append(f"{io}={names[edge.src]}[{edge.src_io!r}]")
            elif (uuid, io) in wanted:
                kwargs.append(f"{io}=args.{param_names[(uuid, io)]}")
            elif io in node.values:
                ok, plain = json_value(node.values[io])
                if not ok:
                    raise ExportError([f"node {uuid}.{io}: its value is not JSON"])
                kwargs.append(f"{io}={plain!r}")
        if spec.context_param is not None:
            kwargs.append(f"{spec.context_param}=NodeContext({uuid!r}, lambda f, m: None)")
        call = f"{imports[_importable(spec)]}({', '.join(kwargs)})"  # type: ignore[index]
        if inspect.iscoroutinefunction(spec.func):
            call = f"await {call}"
        outs = [o.name for o in spec.outputs]
        lines.append(f"    {var} = _outputs({call}, {outs!r})  # {node.node_id} ({uuid})")
        lines.append(f"    outputs[{uuid!r}] = {{k: _json(v) for k, v in {var}.items()}}")
    lines += [
        "    print(json.dumps(outputs, indent=2))",
        "    return outputs",
        "",
        "",
        'if __name__ == "__main__":',
        "    asyncio.run(main())",
        "",
    ]
    return "\n".join(lines)


def parse_parameters(ns: NodeSpace, texts: Sequence[str], resolve: Any) -> list[Parameter]:
    """``--param NODE.INPUT`` (NODE as ``nodeweave run --set`` takes it)."""
    out = []
    for text in texts:
        node, dot, io = text.rpartition(".")
        if not dot or not node or not io:
            raise ExportError([f"--param {text!r}: expected NODE.INPUT"])
        out.append(Parameter(resolve(ns, node, option="--param"), io))
    return out
