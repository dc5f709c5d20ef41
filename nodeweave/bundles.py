"""Workflow bundles (``.nwflow``): one file a person can hand over — the graph, the code of the
worker's own node modules, its packages, its settings, and chosen data files.

A bundle is a zip:

* ``bundle.json`` — the manifest: ``format`` (``"nodeweave-bundle"``), ``bundle_version``,
  nodeweave's version and the protocol and document schema versions it was written with, the
  worker's name, ``requirements``, ``lock`` (``requirements.lock``, when there is one), ``env``
  (its environment variables — never its secrets), and the lists of ``modules`` and ``files``;
* ``workflow.json`` — the workflow document (graph, values, groups, notes, presets);
* ``modules/<name>.py`` — the worker's local node modules;
* ``files/…`` — data files chosen at export (each at most :data:`MAX_FILE`, all at most
  :data:`MAX_FILES_TOTAL`).

A bundle is data: reading one runs nothing. Importing one writes its module files into a new
worker — code that runs when that worker starts — so the CLI and the UI say so first. A bundle
from a newer nodeweave (a higher ``bundle_version`` or document ``schema_version``) is refused with
a clear message; an older one is read as it is (the document's own migrations apply on load).
No engine import here: the hub uses it.
"""

from __future__ import annotations

import dataclasses
import io
import re
import zipfile
from collections.abc import Mapping, Sequence
from pathlib import Path, PurePosixPath
from typing import Any, Final

import orjson

from nodeweave.state import FILES_DIR, MODULES_DIR, NODESPACE_FILE, atomic_write

FORMAT: Final = "nodeweave-bundle"
BUNDLE_VERSION: Final = 1
SCHEMA_VERSION: Final = 1
"""The workflow document version nodeweave reads (``nodeweave.core.document``; tested equal)."""
PROTOCOL_VERSION: Final = 1
MAX_BUNDLE: Final = 512 * 2**20
MAX_FILE: Final = 64 * 2**20
MAX_FILES_TOTAL: Final = 256 * 2**20
MAX_MODULE: Final = 2 * 2**20
SUFFIX: Final = ".nwflow"
_MODULE_NAME: Final = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,99}\.py$")


class BundleError(ValueError):
    """Not a bundle nodeweave can read or write (the message says why)."""

    code = "invalid_document"


@dataclasses.dataclass
class Bundle:
    name: str
    document: dict[str, Any]
    modules: dict[str, bytes] = dataclasses.field(default_factory=dict)
    """File name (``x.py``) → source."""
    files: dict[str, bytes] = dataclasses.field(default_factory=dict)
    """Relative POSIX path under ``files/`` → content."""
    requirements: list[str] = dataclasses.field(default_factory=list)
    lock: str | None = None
    env: dict[str, str] = dataclasses.field(default_factory=dict)
    manifest: dict[str, Any] = dataclasses.field(default_factory=dict)
    """As read (versions it was written with); written anew by :func:`write`."""


# --- writing -------------------------------------------------------------------------------------


def from_worker_folder(
    folder: Path,
    *,
    name: str,
    document: dict[str, Any] | None = None,
    requirements: Sequence[str] = (),
    env: Mapping[str, str] | None = None,
    files: Sequence[str] = (),
) -> Bundle:
    """A bundle of a worker's folder: its saved graph (or ``document``), modules, lock and the
    chosen ``files`` (relative to its ``files/``; each checked to stay inside it)."""
    if document is None:
        try:
            document = orjson.loads((folder / NODESPACE_FILE).read_bytes())
        except FileNotFoundError:
            document = {"schema_version": SCHEMA_VERSION, "nodes": [], "edges": []}
        except orjson.JSONDecodeError as exc:
            raise BundleError(f"the worker's saved graph is not valid JSON: {exc}") from None
    if not isinstance(document, dict):
        raise BundleError("the worker's saved graph is not a workflow document")
    document = {k: v for k, v in document.items() if k != "journal_seq"}
    modules: dict[str, bytes] = {}
    module_dir = folder / MODULES_DIR
    if module_dir.is_dir():
        for path in sorted(module_dir.glob("*.py")):
            if path.is_file() and not path.is_symlink() and _MODULE_NAME.match(path.name):
                modules[path.name] = path.read_bytes()
    chosen: dict[str, bytes] = {}
    root = (folder / FILES_DIR).resolve()
    total = 0
    for rel in files:
        safe = safe_relative(rel)
        path = (root / safe).resolve()
        if not path.is_relative_to(root) or not path.is_file():
            raise BundleError(f"no file {rel!r} in the worker's files/ folder")
        size = path.stat().st_size
        total += size
        if size > MAX_FILE or total > MAX_FILES_TOTAL:
            raise BundleError(
                f"{rel!r}: a bundle takes files up to {MAX_FILE >> 20} MB each, "
                f"{MAX_FILES_TOTAL >> 20} MB in all"
            )
        chosen[safe] = path.read_bytes()
    try:
        lock: str | None = (folder / "requirements.lock").read_text(encoding="utf-8")
    except FileNotFoundError:
        lock = None
    return Bundle(
        name=name,
        document=document,
        modules=modules,
        files=chosen,
        requirements=list(requirements),
        lock=lock,
        env=dict(env or {}),
    )


def write(bundle: Bundle, nodeweave_version: str) -> bytes:
    manifest = {
        "format": FORMAT,
        "bundle_version": BUNDLE_VERSION,
        "nodeweave": nodeweave_version,
        "protocol_version": PROTOCOL_VERSION,
        "schema_version": int(bundle.document.get("schema_version", SCHEMA_VERSION)),
        "name": bundle.name,
        "requirements": bundle.requirements,
        "lock": bundle.lock,
        "env": bundle.env,
        "modules": sorted(bundle.modules),
        "files": sorted(bundle.files),
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("bundle.json", orjson.dumps(manifest, option=orjson.OPT_INDENT_2))
        archive.writestr("workflow.json", orjson.dumps(bundle.document, option=orjson.OPT_INDENT_2))
        for name, source in sorted(bundle.modules.items()):
            archive.writestr(f"{MODULES_DIR}/{name}", source)
        for rel, data in sorted(bundle.files.items()):
            archive.writestr(f"{FILES_DIR}/{rel}", data)
    return buffer.getvalue()


# --- reading -------------------------------------------------------------------------------------


def read(data: bytes) -> Bundle:
    """A bundle's contents, checked (nothing is written or run)."""
    if len(data) > MAX_BUNDLE:
        raise BundleError(f"a bundle is at most {MAX_BUNDLE >> 20} MB")
    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise BundleError("not a nodeweave bundle (not a zip file)")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            if "bundle.json" not in names or "workflow.json" not in names:
                raise BundleError("not a nodeweave bundle (no bundle.json and workflow.json)")
            manifest = _json(_read(archive, "bundle.json", MAX_MODULE), "bundle.json")
            if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
                raise BundleError("not a nodeweave bundle (bundle.json has another format)")
            _check_versions(manifest)
            document = _json(_read(archive, "workflow.json", MAX_BUNDLE), "workflow.json")
            if not isinstance(document, dict):
                raise BundleError("workflow.json is not a workflow document")
            version = document.get("schema_version")
            if isinstance(version, int) and version > SCHEMA_VERSION:
                raise BundleError(
                    f"the workflow was written by a newer nodeweave (document schema {version}; "
                    f"this one reads up to {SCHEMA_VERSION}): upgrade nodeweave to open it"
                )
            modules: dict[str, bytes] = {}
            files: dict[str, bytes] = {}
            total = 0
            for info in archive.infolist():
                if info.is_dir():
                    continue
                if info.filename.startswith(f"{MODULES_DIR}/"):
                    module = info.filename[len(MODULES_DIR) + 1 :]
                    if not _MODULE_NAME.match(module):
                        raise BundleError(f"the bundle holds a module with a bad name: {module!r}")
                    modules[module] = _read(archive, info.filename, MAX_MODULE)
                elif info.filename.startswith(f"{FILES_DIR}/"):
                    rel = safe_relative(info.filename[len(FILES_DIR) + 1 :])
                    total += info.file_size
                    if info.file_size > MAX_FILE or total > MAX_FILES_TOTAL:
                        raise BundleError("the bundle's files are too large")
                    files[rel] = _read(archive, info.filename, MAX_FILE)
    except zipfile.BadZipFile as exc:
        raise BundleError(f"not a readable bundle: {exc}") from None
    reqs = manifest.get("requirements")
    env = manifest.get("env")
    lock = manifest.get("lock")
    return Bundle(
        name=str(manifest.get("name") or "imported workflow")[:200],
        document=document,
        modules=modules,
        files=files,
        requirements=[str(r) for r in reqs] if isinstance(reqs, list) else [],
        lock=lock if isinstance(lock, str) else None,
        env={str(k): str(v) for k, v in env.items()} if isinstance(env, dict) else {},
        manifest=manifest,
    )


def _check_versions(manifest: Mapping[str, Any]) -> None:
    version = manifest.get("bundle_version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise BundleError("bundle.json has no valid bundle_version")
    if version > BUNDLE_VERSION:
        raise BundleError(
            f"the bundle was written by a newer nodeweave ({manifest.get('nodeweave', '?')}, "
            f"bundle version {version}; this one reads up to {BUNDLE_VERSION}): upgrade nodeweave "
            "to open it"
        )


def _read(archive: zipfile.ZipFile, name: str, limit: int) -> bytes:
    info = archive.getinfo(name)
    if info.file_size > limit:
        raise BundleError(f"{name!r} in the bundle is too large")
    return archive.read(name)


def _json(data: bytes, what: str) -> Any:
    try:
        return orjson.loads(data)
    except orjson.JSONDecodeError as exc:
        raise BundleError(f"{what} is not valid JSON: {exc}") from None


def safe_relative(name: str) -> str:
    """``name`` as a relative POSIX path that stays inside its folder (else :class:`BundleError`)."""
    path = PurePosixPath(str(name))
    if (
        not str(name)
        or path.is_absolute()
        or "\\" in str(name)
        or any(part in ("..", "") for part in path.parts)
        or len(str(name)) > 1024
    ):
        raise BundleError(f"unsafe file path in a bundle: {name!r}")
    return path.as_posix()


def install(bundle: Bundle, folder: Path) -> None:
    """Write a bundle's graph, modules and files into a (new) worker folder."""
    folder.mkdir(parents=True, exist_ok=True)
    atomic_write(folder / NODESPACE_FILE, orjson.dumps(bundle.document, option=orjson.OPT_INDENT_2))
    if bundle.modules:
        (folder / MODULES_DIR).mkdir(exist_ok=True)
        for name, source in bundle.modules.items():
            atomic_write(folder / MODULES_DIR / name, source)
    for rel, data in bundle.files.items():
        target = folder / FILES_DIR / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        atomic_write(target, data)
