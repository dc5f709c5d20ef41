"""Node module loading: builtins, entry points, module folders, failures, reload and removal."""

from __future__ import annotations

import asyncio
import importlib.metadata
import os
import sys
import textwrap
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from nodeweave import Hook, Library, NodeSpace, Shelf, node
from nodeweave.shelves import builtin_shelves
from nodeweave.worker.modules import (
    ENTRY_POINT_GROUP,
    HOOKS_GROUP,
    ModuleEvent,
    ModuleLoader,
    modules_path_from_env,
)

# --- what the fake entry points load -----------------------------------------------------


@node(id="ep.shelf_node")
def _ep_shelf_node(x: int = 1) -> int:
    return x


@node(id="ep.made_node")
def _ep_made_node(x: int = 2) -> int:
    return x


EP_SHELF = Shelf(name="ep shelf", nodes=[_ep_shelf_node])
NOT_A_SHELF = 42


def ep_shelves() -> list[Shelf]:
    return [Shelf(name="ep made", nodes=[_ep_made_node])]


def ep_broken() -> Shelf:
    raise RuntimeError("the entry point factory broke")


# --- harness -----------------------------------------------------------------------------

MakeLoader = Callable[..., tuple[ModuleLoader, list[ModuleEvent]]]


@pytest.fixture(autouse=True)
def _no_leftovers() -> Iterator[None]:
    """Every test leaves sys.modules and sys.path as it found them (loaders are closed)."""
    modules, path = set(sys.modules), list(sys.path)
    yield
    prefixes = ("nwt_", "_nwt_", "nodeweave_modules")
    leaked = {m for m in set(sys.modules) - modules if m.startswith(prefixes)}
    assert not leaked
    assert sys.path == path


@pytest.fixture
def forget_modules() -> Iterator[list[str]]:
    """Names of modules a test imports by itself, dropped from sys.modules afterwards."""
    names: list[str] = []
    yield names
    for name in names:
        sys.modules.pop(name, None)


@pytest.fixture
def mods(tmp_path: Path) -> Path:
    # Resolved: the loader reports real paths (tmp_path may sit behind a symlink, as on macOS).
    folder = tmp_path.resolve() / "modules"
    folder.mkdir()
    return folder


@pytest.fixture
def make_loader() -> Iterator[MakeLoader]:
    """Loaders that record their events; closed (sys.modules, sys.path restored) afterwards."""
    loaders: list[ModuleLoader] = []

    def make(
        *dirs: Path, library: Library | None = None, **kwargs: Any
    ) -> tuple[ModuleLoader, list[ModuleEvent]]:
        events: list[ModuleEvent] = []
        kwargs.setdefault("builtins", False)
        kwargs.setdefault("entry_points", False)
        loader = ModuleLoader(
            library if library is not None else Library(),
            module_dirs=dirs,
            on_event=events.append,
            **kwargs,
        )
        loaders.append(loader)
        return loader, events

    yield make
    for loader in loaders:
        loader.close()


def write(folder: Path, name: str, source: str) -> Path:
    path = folder / name
    path.write_text(textwrap.dedent(source).lstrip())
    return path


ADD_V1 = """
    '''Arithmetic for tests.

    More text.
    '''
    from nodeweave import node

    @node
    def add(a: int, b: int = 1) -> int:
        return a + b
"""

ADD_V2 = ADD_V1.replace("return a + b", "return a + b + 100")

SHELF_MODULE = """
    from nodeweave import Shelf, node

    @node(id="shelfmod.twice")
    def twice(x: int) -> int:
        return 2 * x

    NODE_SHELF = Shelf(name="Shelf Module", description="doubles", nodes=[twice])
"""


def kinds(events: list[ModuleEvent]) -> list[tuple[str, str]]:
    return [(e.kind, e.module) for e in events]


# --- loading -----------------------------------------------------------------------------


def test_builtins_load_as_one_module_per_shelf(make_loader: MakeLoader) -> None:
    loader, events = make_loader(builtins=True)
    loader.load_all()
    names = [s.name for s in builtin_shelves()]
    assert [(e.kind, e.module, e.origin) for e in events] == [
        ("loaded", n, "builtin") for n in names
    ]
    assert "numbers.add" in loader.library
    assert [m.name for m in loader.modules()] == names


def test_node_shelf_module_and_bare_node_module_load(make_loader: MakeLoader, mods: Path) -> None:
    write(mods, "nwt_arith.py", ADD_V1)
    write(mods, "nwt_shelfmod.py", SHELF_MODULE)
    loader, events = make_loader(mods)
    loader.load_all()
    assert kinds(events) == [("loaded", "nwt_arith"), ("loaded", "nwt_shelfmod")]
    lib = loader.library
    # Bare @node: the id is the file's stem and the function name.
    assert lib.get("nwt_arith.add").func(2) == 3
    arith = lib.shelf("nwt_arith")
    assert arith.description == "Arithmetic for tests."
    assert lib.shelf("Shelf Module").description == "doubles"
    assert events[1].node_ids == ("shelfmod.twice",)
    assert events[0].path == str(mods / "nwt_arith.py")


def test_imported_nodes_are_not_collected_twice(make_loader: MakeLoader, mods: Path) -> None:
    write(
        mods,
        "nwt_reexport.py",
        """
        from nodeweave import node
        from nodeweave.shelves.numbers import add  # a builtin node, not this module's

        @node
        def own(x: int) -> int:
            return x
        """,
    )
    loader, events = make_loader(mods, builtins=True)
    loader.load_all()
    assert events[-1].kind == "loaded" and events[-1].node_ids == ("nwt_reexport.own",)


def test_non_module_files_are_skipped(make_loader: MakeLoader, mods: Path) -> None:
    write(mods, "nwt_real.py", ADD_V1)
    write(mods, "_nwt_helper.py", "raise RuntimeError('helpers are not modules')")
    write(mods, ".nwt_hidden.py", "raise RuntimeError('nor hidden files')")
    write(mods, "notes.txt", "not python")
    (mods / "nwt_sub.py").mkdir()
    loader, events = make_loader(mods)
    loader.load_all()
    assert kinds(events) == [("loaded", "nwt_real")]


def test_modules_can_import_helpers_next_to_them(
    make_loader: MakeLoader, mods: Path, forget_modules: list[str]
) -> None:
    forget_modules.append("_nwt_consts")  # imported by the module itself, not by the loader
    write(mods, "_nwt_consts.py", "OFFSET = 7\n")
    write(
        mods,
        "nwt_user.py",
        """
        from _nwt_consts import OFFSET
        from nodeweave import node

        @node
        def shift(x: int) -> int:
            return x + OFFSET
        """,
    )
    loader, _events = make_loader(mods)
    loader.load_all()
    assert loader.library.get("nwt_user.shift").func(1) == 8


def test_a_module_raising_at_import_is_reported_with_its_traceback(
    make_loader: MakeLoader, mods: Path
) -> None:
    write(mods, "nwt_a_good.py", ADD_V1)
    write(
        mods,
        "nwt_b_raises.py",
        """
        x = 1

        raise RuntimeError("boom at import")
        """,
    )
    write(mods, "nwt_c_good.py", SHELF_MODULE)
    loader, events = make_loader(mods)
    loader.load_all()
    assert kinds(events) == [
        ("loaded", "nwt_a_good"),
        ("failed", "nwt_b_raises"),
        ("loaded", "nwt_c_good"),
    ]
    failed = events[1]
    assert failed.message == "RuntimeError: boom at import"
    assert f'File "{mods / "nwt_b_raises.py"}", line 3' in failed.traceback
    assert "nodeweave/worker" not in failed.traceback  # the loader's own frames are noise
    assert failed.node_ids == ()
    assert "nwt_b_raises" not in sys.modules
    [info] = [m for m in loader.modules() if m.name == "nwt_b_raises"]
    assert info.status == "failed" and info.error == failed.message


def test_a_syntax_error_is_reported(make_loader: MakeLoader, mods: Path) -> None:
    write(mods, "nwt_syntax.py", "def broken(:\n    pass\n")
    write(mods, "nwt_fine.py", ADD_V1)
    loader, events = make_loader(mods)
    loader.load_all()
    assert kinds(events) == [("loaded", "nwt_fine"), ("failed", "nwt_syntax")]
    assert events[1].message.startswith("SyntaxError")
    assert "nwt_syntax.py" in events[1].traceback and "line 1" in events[1].traceback


@pytest.mark.parametrize(
    ("statement", "message"),
    [
        ("import sys; sys.exit(3)", "the module called sys.exit(3) while importing"),
        ("raise SystemExit", "the module called sys.exit(None) while importing"),
        ("raise KeyboardInterrupt", "KeyboardInterrupt"),
    ],
)
def test_exiting_at_import_fails_the_module_not_the_worker(
    make_loader: MakeLoader, mods: Path, statement: str, message: str
) -> None:
    write(mods, "nwt_exits.py", statement + "\n")
    write(mods, "nwt_survivor.py", ADD_V1)
    loader, events = make_loader(mods)
    loader.load_all()
    assert kinds(events) == [("failed", "nwt_exits"), ("loaded", "nwt_survivor")]
    assert events[0].message == message


def test_node_shelf_that_is_not_a_shelf_fails(make_loader: MakeLoader, mods: Path) -> None:
    write(mods, "nwt_badshelf.py", "NODE_SHELF = ['not', 'a', 'shelf']\n")
    loader, events = make_loader(mods)
    loader.load_all()
    assert kinds(events) == [("failed", "nwt_badshelf")]
    assert events[0].message == (
        "_ModuleError: NODE_SHELF must be a nodeweave Shelf (or a FuncNodes Shelf), got list"
    )


def test_an_invalid_node_definition_fails_the_module(make_loader: MakeLoader, mods: Path) -> None:
    write(
        mods,
        "nwt_invalid.py",
        """
        from nodeweave import node

        @node
        def splat(*args: int) -> int:
            return 0
        """,
    )
    loader, events = make_loader(mods)
    loader.load_all()
    assert kinds(events) == [("failed", "nwt_invalid")]
    assert events[0].message.startswith("DefinitionError: @node 'nwt_invalid.splat'")
    assert "*args" in events[0].message
    assert "nwt_invalid.py" in events[0].traceback


def test_a_node_id_clash_fails_the_second_module(make_loader: MakeLoader, mods: Path) -> None:
    clashing = """
        from nodeweave import node

        @node(id="shared.node")
        def f(x: int) -> int:
            return x
    """
    write(mods, "nwt_first.py", clashing)
    write(mods, "nwt_second.py", clashing.replace("return x", "return -x"))
    loader, events = make_loader(mods)
    loader.load_all()
    assert kinds(events) == [("loaded", "nwt_first"), ("failed", "nwt_second")]
    assert "node id 'shared.node' is already provided by file module 'nwt_first'" in (
        events[1].message
    )
    assert loader.library.get("shared.node").func(5) == 5


def test_a_node_id_clash_with_a_builtin_fails(make_loader: MakeLoader, mods: Path) -> None:
    write(
        mods,
        "nwt_fake_add.py",
        """
        from nodeweave import node

        @node(id="numbers.add")
        def add(a: float, b: float) -> float:
            return 0.0
        """,
    )
    loader, events = make_loader(mods, builtins=True)
    loader.load_all()
    assert events[-1].kind == "failed"
    assert "already provided by builtin module 'numbers'" in events[-1].message
    assert loader.library.get("numbers.add").func(1.0, 2.0) == 3.0


def test_same_stem_in_two_folders_loads_both_with_distinct_names(
    make_loader: MakeLoader, tmp_path: Path
) -> None:
    one, two = tmp_path / "one", tmp_path / "two"
    one.mkdir()
    two.mkdir()
    write(one, "nwt_twin.py", ADD_V1)
    write(two, "nwt_twin.py", ADD_V2)
    loader, events = make_loader(one, two)
    loader.load_all()
    assert kinds(events) == [("loaded", "nwt_twin"), ("loaded", "nwt_twin")]
    assert events[0].node_ids == ("nwt_twin.add",)
    assert events[1].node_ids == ("nodeweave_modules.nwt_twin.add",)
    assert {s.name for s in loader.library.shelves()} == {"nwt_twin", "nwt_twin (two)"}


def test_same_node_shelf_name_in_two_files_fails_the_second(
    make_loader: MakeLoader, tmp_path: Path
) -> None:
    one, two = tmp_path / "one", tmp_path / "two"
    one.mkdir()
    two.mkdir()
    write(one, "nwt_shelfa.py", SHELF_MODULE)
    write(two, "nwt_shelfb.py", SHELF_MODULE.replace("shelfmod.twice", "other.twice"))
    loader, events = make_loader(one, two)
    loader.load_all()
    assert kinds(events) == [("loaded", "nwt_shelfa"), ("failed", "nwt_shelfb")]
    assert "shelf name 'Shelf Module' is already used by file module 'nwt_shelfa'" in (
        events[1].message
    )
    assert "other.twice" not in loader.library


def test_a_file_named_like_a_stdlib_module_does_not_shadow_it(
    make_loader: MakeLoader, mods: Path
) -> None:
    import json

    write(
        mods,
        "json.py",
        """
        from nodeweave import node

        @node
        def dump(x: int) -> str:
            return str(x)
        """,
    )
    loader, events = make_loader(mods)
    loader.load_all()
    assert events[0].node_ids == ("nodeweave_modules.json.dump",)
    assert sys.modules["json"] is json
    assert loader.modules()[0].import_name == "nodeweave_modules.json"


def test_a_symlinked_folder_is_one_folder(make_loader: MakeLoader, mods: Path) -> None:
    path = write(mods, "nwt_linked.py", ADD_V1)
    link = mods.parent / "link"
    link.symlink_to(mods, target_is_directory=True)
    loader, events = make_loader(link, mods)
    loader.load_all()
    assert kinds(events) == [("loaded", "nwt_linked")]
    assert events[0].path == str(path)
    assert loader.reload_all() == []  # the same file under either name: nothing changed
    assert loader.reload_file(link / "nwt_linked.py").kind == "reloaded"
    assert len(loader.modules()) == 1


def test_modules_path_is_read_from_the_environment() -> None:
    sep = os.pathsep
    env = {"NODEWEAVE_MODULES_PATH": f"/srv/a{sep}{sep} ~/b {sep}/srv/a"}
    assert modules_path_from_env(env) == [Path("/srv/a"), Path("~/b").expanduser()]
    assert modules_path_from_env({}) == []


def test_load_order_is_builtins_entry_points_then_folders(
    make_loader: MakeLoader, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first, second = tmp_path / "first", tmp_path / "second"
    first.mkdir()
    second.mkdir()
    write(first, "nwt_z_first.py", ADD_V1)
    write(second, "nwt_a_second.py", SHELF_MODULE)
    fake = [importlib.metadata.EntryPoint("shelfy", "tests.test_modules:EP_SHELF", "g")]
    monkeypatch.setattr(
        importlib.metadata, "entry_points", lambda group: fake if group == ENTRY_POINT_GROUP else []
    )
    loader, events = make_loader(first, second, builtins=True, entry_points=True)
    loader.load_all()
    builtins = ["builtin"] * len(builtin_shelves())
    assert [e.origin for e in events] == [*builtins, "entry_point", "file", "file"]
    assert [e.module for e in events[-2:]] == ["nwt_z_first", "nwt_a_second"]


# --- entry points ------------------------------------------------------------------------


def test_entry_points_load_modules_shelves_and_factories_and_report_failures(
    make_loader: MakeLoader,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    forget_modules: list[str],
) -> None:
    site = tmp_path / "site"
    site.mkdir()
    write(site, "nwt_ep_bare.py", ADD_V1)
    monkeypatch.syspath_prepend(str(site))
    forget_modules.append("nwt_ep_bare")  # imported by the entry point, not by the loader
    targets = {
        "numbers_module": "nodeweave.shelves.numbers",  # a module with NODE_SHELF
        "bare_module": "nwt_ep_bare",  # a module with bare @node functions
        "a_shelf": "tests.test_modules:EP_SHELF",
        "a_factory": "tests.test_modules:ep_shelves",
        "broken_factory": "tests.test_modules:ep_broken",
        "wrong_type": "tests.test_modules:NOT_A_SHELF",
        "missing": "nwt_no_such_module_anywhere:thing",
    }
    asked: list[str] = []

    def entry_points(group: str) -> list[importlib.metadata.EntryPoint]:
        asked.append(group)
        if group != ENTRY_POINT_GROUP:
            return []
        return [importlib.metadata.EntryPoint(n, v, group) for n, v in targets.items()]

    monkeypatch.setattr(importlib.metadata, "entry_points", entry_points)
    loader, events = make_loader(entry_points=True)
    loader.load_all()
    # FuncNodes modules and packages' hooks: none here
    assert asked == [ENTRY_POINT_GROUP, HOOKS_GROUP, "funcnodes.module"]
    assert [(e.kind, e.module, e.origin) for e in events] == [
        ("loaded", "numbers_module", "entry_point"),
        ("loaded", "bare_module", "entry_point"),
        ("loaded", "a_shelf", "entry_point"),
        ("loaded", "a_factory", "entry_point"),
        ("failed", "broken_factory", "entry_point"),
        ("failed", "wrong_type", "entry_point"),
        ("failed", "missing", "entry_point"),
    ]
    lib = loader.library
    assert "numbers.add" in lib
    assert lib.shelf("bare_module").description == "Arithmetic for tests."
    assert events[1].node_ids == ("nwt_ep_bare.add",)
    assert "ep.shelf_node" in lib and "ep.made_node" in lib
    assert events[4].message == "RuntimeError: the entry point factory broke"
    assert "ep_broken" in events[4].traceback
    assert "got int" in events[5].message
    assert events[6].message.startswith("ModuleNotFoundError")


AUDIT: list[str] = []


def _audit(run: Any) -> str | None:
    AUDIT.append(run.node_id)
    return None  # no veto


AUDIT_HOOK = Hook(before_run=_audit, name="audit")


def test_a_package_registers_hooks_for_every_node_through_an_entry_point(
    make_loader: MakeLoader, monkeypatch: pytest.MonkeyPatch
) -> None:
    targets = {"audit": "tests.test_modules:AUDIT_HOOK", "bad": "tests.test_modules:NOT_A_SHELF"}

    def entry_points(group: str) -> list[importlib.metadata.EntryPoint]:
        if group != HOOKS_GROUP:
            return []
        return [importlib.metadata.EntryPoint(n, v, group) for n, v in targets.items()]

    monkeypatch.setattr(importlib.metadata, "entry_points", entry_points)
    loader, events = make_loader(builtins=True, entry_points=True)
    loader.load_all()
    hooked = [e for e in events if e.module.startswith("hooks:")]
    assert [(e.kind, e.module) for e in hooked] == [
        ("loaded", "hooks:audit"),
        ("failed", "hooks:bad"),
    ]
    assert "must give a Hook" in hooked[1].message
    found = loader.library.hooks_for("numbers.add")
    assert [h.name for h in found] == ["audit"] and found[0].scope == "all"


# --- reload and removal ------------------------------------------------------------------


def test_reload_replaces_the_code_under_the_same_ids(make_loader: MakeLoader, mods: Path) -> None:
    path = write(mods, "nwt_reloaded.py", ADD_V1)
    loader, _events = make_loader(mods)
    loader.load_all()
    old_spec = loader.library.get("nwt_reloaded.add")
    old_module = sys.modules["nwt_reloaded"]
    path.write_text(textwrap.dedent(ADD_V2).lstrip())
    event = loader.reload_file(path)
    assert (event.kind, event.node_ids) == ("reloaded", ("nwt_reloaded.add",))
    new_spec = loader.library.get("nwt_reloaded.add")
    assert new_spec is not old_spec and new_spec.func(1) == 102
    # The module object is fresh and registered under the same name.
    assert sys.modules["nwt_reloaded"].add is new_spec.func
    assert sys.modules["nwt_reloaded"] is not old_module
    assert loader.modules()[0].import_name == "nwt_reloaded"


def test_ids_are_the_same_after_a_worker_restart(make_loader: MakeLoader, tmp_path: Path) -> None:
    one, two = tmp_path / "one", tmp_path / "two"
    one.mkdir()
    two.mkdir()
    write(one, "nwt_stable.py", ADD_V1)
    write(two, "nwt_stable.py", ADD_V1)
    write(two, "json.py", ADD_V1)
    first, _ = make_loader(one, two)
    first.load_all()
    ids_before = sorted(s.id for s in first.library.specs())
    first.close()
    second, _ = make_loader(one, two)
    second.load_all()
    assert sorted(s.id for s in second.library.specs()) == ids_before
    assert ids_before == [
        "nodeweave_modules.json.add",
        "nodeweave_modules.nwt_stable.add",
        "nwt_stable.add",
    ]


def test_a_broken_reload_keeps_the_old_code_serving(make_loader: MakeLoader, mods: Path) -> None:
    path = write(mods, "nwt_breaks.py", ADD_V1)
    loader, _events = make_loader(mods)
    loader.load_all()
    old_spec = loader.library.get("nwt_breaks.add")
    old_module = sys.modules["nwt_breaks"]
    path.write_text("from nodeweave import node\n\n@node\ndef add(a: int) -> int\n    return a\n")
    event = loader.reload_file(path)
    assert event.kind == "failed" and event.message.startswith("SyntaxError")
    assert event.node_ids == ("nwt_breaks.add",)  # still served by the previous code
    assert loader.library.get("nwt_breaks.add") is old_spec
    assert sys.modules["nwt_breaks"] is old_module
    [info] = loader.modules()
    assert (info.status, info.node_ids) == ("failed", ("nwt_breaks.add",))
    path.write_text(textwrap.dedent(ADD_V2).lstrip())
    assert loader.reload_file(path).kind == "reloaded"
    assert loader.library.get("nwt_breaks.add").func(1) == 102
    assert loader.modules()[0].status == "loaded"


def test_a_renamed_node_shelf_replaces_the_old_shelf(make_loader: MakeLoader, mods: Path) -> None:
    path = write(mods, "nwt_renames.py", SHELF_MODULE)
    loader, _ = make_loader(mods)
    loader.load_all()
    write(mods, "nwt_renames.py", SHELF_MODULE.replace('name="Shelf Module"', 'name="Renamed"'))
    event = loader.reload_file(path)
    assert (event.kind, event.node_ids) == ("reloaded", ("shelfmod.twice",))
    assert [s.name for s in loader.library.shelves()] == ["Renamed"]
    assert loader.modules()[0].shelves == ("Renamed",)


def test_a_failed_file_that_gets_fixed_is_loaded(make_loader: MakeLoader, mods: Path) -> None:
    path = write(mods, "nwt_late.py", "raise ValueError('not yet')\n")
    loader, _events = make_loader(mods)
    loader.load_all()
    path.write_text(textwrap.dedent(ADD_V1).lstrip())
    assert loader.reload_file(path).kind == "loaded"


def test_removing_a_file_takes_its_nodes_out(make_loader: MakeLoader, mods: Path) -> None:
    path = write(mods, "nwt_gone.py", ADD_V1)
    broken = write(mods, "nwt_gone_broken.py", "1/0\n")
    loader, _events = make_loader(mods)
    loader.load_all()
    path.unlink()
    event = loader.remove_file(path)
    assert event is not None
    assert (event.kind, event.node_ids) == ("removed", ("nwt_gone.add",))
    assert "nwt_gone.add" not in loader.library
    assert "nwt_gone" not in [s.name for s in loader.library.shelves()]
    assert "nwt_gone" not in sys.modules
    broken.unlink()
    dropped = loader.remove_file(broken)
    assert dropped is not None and (dropped.kind, dropped.node_ids) == ("removed", ())
    assert loader.modules() == []
    assert loader.remove_file(mods / "never_seen.py") is None


def test_reload_all_picks_up_new_changed_and_deleted_files(
    make_loader: MakeLoader, mods: Path
) -> None:
    keep = write(mods, "nwt_keep.py", SHELF_MODULE)
    change = write(mods, "nwt_change.py", ADD_V1)
    delete = write(mods, "nwt_delete.py", ADD_V1.replace("def add", "def plus"))
    loader, events = make_loader(mods)
    loader.load_all()
    events.clear()
    change.write_text(textwrap.dedent(ADD_V2).lstrip())
    delete.unlink()
    write(mods, "nwt_new.py", ADD_V1)
    expected = [("removed", "nwt_delete"), ("reloaded", "nwt_change"), ("loaded", "nwt_new")]
    assert kinds(loader.reload_all()) == expected
    assert kinds(events) == expected
    assert loader.reload_all() == []  # nothing changed
    forced = loader.reload_all(force=True)
    assert sorted(kinds(forced)) == [
        ("reloaded", "nwt_change"),
        ("reloaded", "nwt_keep"),
        ("reloaded", "nwt_new"),
    ]
    assert keep.exists()


def test_modules_lists_every_known_module(make_loader: MakeLoader, mods: Path) -> None:
    write(mods, "nwt_listed.py", ADD_V1)
    write(mods, "nwt_listed_bad.py", "raise ImportError('missing dependency')\n")
    loader, _ = make_loader(mods, builtins=True)
    loader.load_all()
    infos = {m.name: m for m in loader.modules()}
    assert infos["numbers"].origin == "builtin" and infos["numbers"].status == "loaded"
    listed = infos["nwt_listed"].to_dict()
    assert listed == {
        "name": "nwt_listed",
        "origin": "file",
        "path": str(mods / "nwt_listed.py"),
        "status": "loaded",
        "node_ids": ["nwt_listed.add"],
        "shelves": ["nwt_listed"],
        "import_name": "nwt_listed",
        "error": "",
        "traceback": "",
        "skipped": [],
    }
    bad = infos["nwt_listed_bad"]
    assert bad.status == "failed" and bad.error == "ImportError: missing dependency"
    assert "line 1" in bad.traceback


def test_events_serialize(make_loader: MakeLoader, mods: Path) -> None:
    write(mods, "nwt_serial.py", ADD_V1)
    loader, events = make_loader(mods)
    loader.load_all()
    assert events[0].to_dict() == {
        "kind": "loaded",
        "module": "nwt_serial",
        "origin": "file",
        "path": str(mods / "nwt_serial.py"),
        "node_ids": ["nwt_serial.add"],
        "message": "",
        "traceback": "",
        "line": None,
        "skipped": [],
    }


def test_close_undoes_the_process_wide_registrations(make_loader: MakeLoader, mods: Path) -> None:
    write(mods, "nwt_closing.py", ADD_V1)
    loader, _ = make_loader(mods)
    loader.load_all()
    assert "nwt_closing" in sys.modules and str(mods) in sys.path
    loader.close()
    assert "nwt_closing" not in sys.modules and str(mods) not in sys.path
    assert "nwt_closing.add" in loader.library


# --- with a live nodespace ---------------------------------------------------------------

CALC_V1 = """
    from nodeweave import node

    @node
    def scale(x: int, factor: int = 2) -> int:
        return x * factor
"""


async def test_a_live_nodespace_follows_reloads_and_removal(
    make_loader: MakeLoader, mods: Path
) -> None:
    ns = NodeSpace()
    try:
        path = write(mods, "nwt_calc.py", CALC_V1)
        loader, _ = make_loader(mods, library=ns.library, builtins=True)
        loader.load_all()
        src = ns.add_node("numbers.integer", inputs={"value": 3})
        sc = ns.add_node("nwt_calc.scale", inputs={"factor": 5})
        ns.connect(src, "out", sc, "x")
        await asyncio.wait_for(ns.settle(), 5)
        assert ns.get_value(sc, "out") == 15

        # New code: the node re-runs with it, keeping its own values and its edge.
        write(mods, "nwt_calc.py", CALC_V1.replace("x * factor", "x * factor + 1000"))
        assert loader.reload_file(path).kind == "reloaded"
        await asyncio.wait_for(ns.settle(), 5)
        assert ns.get_value(sc, "out") == 1015
        assert ns.node(sc).own_values == {"factor": 5}
        assert len(ns.edges()) == 1

        # The input the edge fed was renamed: the edge goes, the node stays.
        renamed = CALC_V1.replace("scale(x: int", "scale(y: int").replace("x * factor", "y")
        write(mods, "nwt_calc.py", renamed)
        assert loader.reload_file(path).kind == "reloaded"
        await asyncio.wait_for(ns.settle(), 5)
        assert ns.edges() == []
        view = ns.node(sc)
        assert not view.placeholder and view.own_values == {"factor": 5}
        ns.set_input(sc, "y", 4)
        await asyncio.wait_for(ns.settle(), 5)
        assert ns.get_value(sc, "out") == 4

        # Deleted: a placeholder that keeps its values; re-created: back to work.
        path.unlink()
        assert loader.remove_file(path) is not None
        await asyncio.wait_for(ns.settle(), 5)
        assert ns.node(sc).placeholder
        assert ns.node(sc).own_values == {"factor": 5, "y": 4}
        write(mods, "nwt_calc.py", renamed.replace("return y", "return y * factor"))
        assert loader.reload_file(path).kind == "loaded"
        await asyncio.wait_for(ns.settle(), 5)
        assert not ns.node(sc).placeholder
        assert ns.get_value(sc, "out") == 20
    finally:
        await ns.aclose()


async def test_process_nodes_from_a_module_file_run_in_the_pool(
    make_loader: MakeLoader, mods: Path
) -> None:
    write(
        mods,
        "nwt_proc.py",
        """
        import os
        from nodeweave import node

        @node(executor="process", outputs=["value", "pid"])
        def tag(x: int) -> tuple[int, int]:
            return x * 3, os.getpid()
        """,
    )
    ns = NodeSpace()
    try:
        loader, _ = make_loader(mods, library=ns.library)
        loader.load_all()
        uuid = ns.add_node("nwt_proc.tag", inputs={"x": 2})
        await asyncio.wait_for(ns.settle(), 30)
        assert ns.error(uuid) is None
        assert ns.get_value(uuid, "value") == 6
        assert ns.get_value(uuid, "pid") != os.getpid()
    finally:
        await ns.aclose()


async def test_process_nodes_run_the_new_code_after_a_reload(
    make_loader: MakeLoader, mods: Path
) -> None:
    source = """
        from nodeweave import node

        @node(executor="process")
        def scaled(x: int) -> int:
            return x * FACTOR

        FACTOR = {factor}
        """
    write(mods, "nwt_proc2.py", source.format(factor=3))
    ns = NodeSpace()
    try:
        loader, _ = make_loader(mods, library=ns.library)
        loader.load_all()
        uuid = ns.add_node("nwt_proc2.scaled", inputs={"x": 2})
        await asyncio.wait_for(ns.settle(), 30)
        assert ns.get_value(uuid, "out") == 6
        path = write(mods, "nwt_proc2.py", source.format(factor=5))
        assert loader.reload_file(path).kind == "reloaded"
        await asyncio.wait_for(ns.settle(), 30)
        assert ns.error(uuid) is None
        assert ns.get_value(uuid, "out") == 10  # not the pool's cached old module
    finally:
        await ns.aclose()
