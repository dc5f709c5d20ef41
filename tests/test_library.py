"""Shelves group nodes; the library indexes them by id and reports every change."""

from __future__ import annotations

import pytest

from nodeweave import Library, Shelf, node
from nodeweave.core.errors import LibraryError, NotFoundError
from nodeweave.core.library import LibraryChange
from nodeweave.core.spec import build_spec, spec_of


@node(id="lib.a")
def a(x: int) -> int:
    return x


@node(id="lib.b")
def b(x: int) -> int:
    return x


def test_lookup_by_id_across_sub_shelves() -> None:
    lib = Library([Shelf("top", nodes=[a], subshelves=[Shelf("sub", nodes=[b])])])
    assert lib.get("lib.b") is spec_of(b)
    assert "lib.a" in lib
    assert [s.id for s in lib.shelf("top").specs()] == ["lib.a", "lib.b"]


def test_unknown_id_is_not_found_with_code() -> None:
    with pytest.raises(NotFoundError) as info:
        Library().get("nope")
    assert info.value.code == "not_found"


def test_shelf_name_taken_is_refused_unless_replacing() -> None:
    lib = Library([Shelf("s", nodes=[a])])
    with pytest.raises(LibraryError, match="already in the library"):
        lib.add_shelf(Shelf("s", nodes=[b]))


def test_same_id_from_two_shelves_is_refused() -> None:
    lib = Library([Shelf("one", nodes=[a])])
    with pytest.raises(LibraryError, match="already provided by shelf 'one'"):
        lib.add_shelf(Shelf("two", nodes=[a]))


def test_replacing_a_shelf_reports_added_removed_and_replaced_specs() -> None:
    lib = Library([Shelf("s", nodes=[a, b])])
    changes: list[LibraryChange] = []
    lib.subscribe(changes.append)
    a2 = build_spec(lambda x: x, id="lib.a")
    c = build_spec(lambda x: x, id="lib.c")
    change = lib.add_shelf(Shelf("s", nodes=[a2, c]), replace=True)
    assert [s.id for s in change.replaced] == ["lib.a"]
    assert [s.id for s in change.added] == ["lib.c"]
    assert [s.id for s in change.removed] == ["lib.b"]
    assert changes == [change]
    assert lib.get("lib.a") is a2
    assert lib.find("lib.b") is None


def test_replace_spec_swaps_it_on_its_shelf() -> None:
    lib = Library([Shelf("s", subshelves=[Shelf("inner", nodes=[a])])])
    new = build_spec(lambda x: x + 1, id="lib.a")
    lib.replace_spec(new)
    assert lib.get("lib.a") is new
    assert list(lib.shelf("s").specs()) == [new]


def test_remove_shelf_removes_its_specs() -> None:
    lib = Library([Shelf("s", nodes=[a])])
    change = lib.remove_shelf("s")
    assert [s.id for s in change.removed] == ["lib.a"]
    assert "lib.a" not in lib


def test_shelf_accepts_only_nodes() -> None:
    with pytest.raises(TypeError, match="not a node"):
        Shelf("s", nodes=[print])


def test_library_to_dict_lists_shelves() -> None:
    lib = Library([Shelf("s", description="d", nodes=[a])])
    data = lib.to_dict()
    assert data["shelves"][0]["name"] == "s"
    assert data["shelves"][0]["nodes"][0]["id"] == "lib.a"
