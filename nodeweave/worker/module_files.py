"""The worker's module files, edited over the RPC: list, read, write, create, delete.

Writing a module file is running code in the worker (it is imported at once, as when it is saved
from an editor): these commands need the token like every other, and the README says so. Names
are plain ``name.py`` files directly in ``modules/`` — no folders, no ``..``, no hidden or
private files (the loader skips names starting with ``_``), and a symlink may not lead out.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Final

from nodeweave.core.errors import NodeweaveError, NotFoundError
from nodeweave.protocol.envelope import ErrorCode
from nodeweave.state import atomic_write

ENTRY_POINT_GROUP: Final = "nodeweave.modules"
"""Installed packages' node modules (each entry point names an importable module)."""
HOOKS_GROUP: Final = "nodeweave.hooks"
"""Entry points naming a Hook, a list of them, or a callable returning either: hooks an
installed package runs around every node's runs (an audit trail, credentials set-up, …)."""


def is_module_file(path: Path) -> bool:
    """A ``.py`` file name that is a node module (``_helpers.py``, ``.#x.py`` and such are not)."""
    return path.suffix == ".py" and not path.name.startswith(("_", "."))


MODULE_NAME: Final = re.compile(r"^[A-Za-z][A-Za-z0-9_]*\.py$")
MAX_SOURCE_BYTES: Final = 2 * 2**20

TEMPLATE: Final = '''"""{title}: nodes of this worker (save to reload them; the graph keeps its values)."""

from typing import Annotated

from nodeweave import Input, node


@node(id="{stem}.scale", name="Scale")
def scale(x: float = 1.0, factor: Annotated[float, Input(min=0, max=10, step=0.5)] = 2.0) -> float:
    """x times a factor."""
    return x * factor


@node(id="{stem}.greet", name="Greet")
def greet(name: str = "world") -> str:
    """A greeting."""
    return f"Hello, {{name}}!"
'''


class ModuleNameError(NodeweaveError):
    code = ErrorCode.INVALID_PATH


class ModuleExists(NodeweaveError):
    code = ErrorCode.INVALID_STATE


class SourceTooLarge(NodeweaveError):
    code = ErrorCode.PAYLOAD_TOO_LARGE


def module_path(folder: Path, name: str) -> Path:
    """``folder / name`` for a valid module file name that stays in ``folder``."""
    if not isinstance(name, str) or not MODULE_NAME.match(name):
        raise ModuleNameError(
            f"{name!r} is not a module file name: use letters, digits and _ ending in .py "
            "(like my_nodes.py), directly in modules/",
            details={"name": str(name)},
        )
    folder.mkdir(parents=True, exist_ok=True)
    base = folder.resolve()
    path = base / name
    if path.is_symlink() and not path.resolve().is_relative_to(base):
        raise ModuleNameError(f"modules/{name} leads outside modules/", details={"name": name})
    return path


def list_files(folder: Path) -> list[dict[str, Any]]:
    if not folder.is_dir():
        return []
    out = []
    for path in sorted(folder.iterdir()):
        if MODULE_NAME.match(path.name) and path.is_file():
            stat = path.stat()
            out.append({"name": path.name, "size": stat.st_size, "modified": stat.st_mtime})
    return out


def read(folder: Path, name: str) -> str:
    path = module_path(folder, name)
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise NotFoundError(f"no module file modules/{name}", details={"name": name}) from None
    except UnicodeDecodeError as exc:
        raise ModuleNameError(f"modules/{name} is not UTF-8 text: {exc}") from None


def write(folder: Path, name: str, source: str, *, create: bool = False) -> Path:
    path = module_path(folder, name)
    data = source.encode("utf-8", "surrogateescape")
    if len(data) > MAX_SOURCE_BYTES:
        raise SourceTooLarge(
            f"a module file may hold at most {MAX_SOURCE_BYTES} bytes", details={"name": name}
        )
    if create and path.exists():
        raise ModuleExists(f"modules/{name} exists already", details={"name": name})
    atomic_write(path, data)
    return path


def template(name: str) -> str:
    stem = name.removesuffix(".py")
    return TEMPLATE.format(stem=stem, title=stem.replace("_", " ").capitalize())


def delete(folder: Path, name: str) -> Path:
    path = module_path(folder, name)
    if not path.is_file():
        raise NotFoundError(f"no module file modules/{name}", details={"name": name})
    path.unlink()
    return path
