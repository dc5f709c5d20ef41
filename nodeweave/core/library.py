"""Shelves group node specs for people; the library indexes them by id for the engine."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from .errors import LibraryError, NotFoundError
from .hooks import Hook
from .spec import NodeSpec, Replaces, spec_of


@dataclasses.dataclass
class Shelf:
    """A named group of nodes, possibly with sub-shelves (what a library panel shows as a tree).

    ``nodes`` takes ``@node`` functions or ``NodeSpec`` objects; they are stored as specs.
    """

    name: str
    description: str = ""
    nodes: list[Any] = dataclasses.field(default_factory=list)
    subshelves: list[Shelf] = dataclasses.field(default_factory=list)
    hooks: list[Hook] = dataclasses.field(default_factory=list)
    """Run around every run of this shelf's nodes (or of all nodes: ``Hook(scope="all")``)."""

    def __post_init__(self) -> None:
        if not isinstance(self.name, str) or not self.name.strip():
            raise LibraryError(f"a shelf needs a non-empty name, got {self.name!r}")
        self.nodes = [spec_of(n) for n in self.nodes]
        for sub in self.subshelves:
            if not isinstance(sub, Shelf):
                raise LibraryError(f"shelf {self.name!r}: sub-shelf {sub!r} is not a Shelf")
        for hook in self.hooks:
            if not isinstance(hook, Hook):
                raise LibraryError(f"shelf {self.name!r}: {hook!r} is not a Hook")

    def all_hooks(self) -> Iterator[Hook]:
        """This shelf's hooks and its sub-shelves', depth first."""
        yield from self.hooks
        for sub in self.subshelves:
            yield from sub.all_hooks()

    def specs(self) -> Iterator[NodeSpec]:
        """Every spec on this shelf and its sub-shelves, depth first."""
        yield from self.nodes
        for sub in self.subshelves:
            yield from sub.specs()

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "description": self.description,
            "nodes": [spec.to_dict() for spec in self.nodes],
            "subshelves": [sub.to_dict() for sub in self.subshelves],
        }


@dataclasses.dataclass(frozen=True)
class LibraryChange:
    """What one library operation did, by spec: new ids, removed ids, and ids with new code."""

    added: tuple[NodeSpec, ...] = ()
    removed: tuple[NodeSpec, ...] = ()
    replaced: tuple[NodeSpec, ...] = ()
    hooks: bool = False
    """Hooks came or went (a shelf with hooks was added, replaced or removed)."""

    def __bool__(self) -> bool:
        return bool(self.added or self.removed or self.replaced or self.hooks)


LibraryListener = Callable[[LibraryChange], None]


class Library:
    """Top-level shelves by name, and every spec on them by id (ids are unique library-wide)."""

    def __init__(self, shelves: Sequence[Shelf] = ()) -> None:
        self._shelves: dict[str, Shelf] = {}
        self._specs: dict[str, NodeSpec] = {}
        self._owner: dict[str, str] = {}  # spec id -> top-level shelf name
        self._listeners: list[LibraryListener] = []
        self._replaced: dict[str, tuple[NodeSpec, Replaces]] | None = None  # built when asked
        for shelf in shelves:
            self.add_shelf(shelf)

    # --- queries -------------------------------------------------------------------------

    def get(self, spec_id: str) -> NodeSpec:
        try:
            return self._specs[spec_id]
        except KeyError:
            raise NotFoundError(
                f"no node {spec_id!r} in the library", details={"node_id": spec_id}
            ) from None

    def find(self, spec_id: str) -> NodeSpec | None:
        return self._specs.get(spec_id)

    def hooks_for(self, spec_id: str) -> list[Hook]:
        """The hooks that run around ``spec_id``'s runs: every shelf's ``scope="all"`` hooks,
        then those of the shelf that holds it (in the order the shelves were added)."""
        owner = self._owner.get(spec_id)
        found: list[Hook] = []
        for name, shelf in self._shelves.items():
            for hook in shelf.all_hooks():
                if hook.scope == "all" or name == owner:
                    found.append(hook)
        return found

    def has_hooks(self) -> bool:
        return any(True for shelf in self._shelves.values() for _ in shelf.all_hooks())

    def replacement(self, old_id: str) -> tuple[NodeSpec, Replaces] | None:
        """The spec that declares it replaces ``old_id`` (and how), if one does and ``old_id``
        itself is not in the library. (Two specs replacing one id: the first shelf's wins.)"""
        if old_id in self._specs:
            return None
        if self._replaced is None:
            index: dict[str, tuple[NodeSpec, Replaces]] = {}
            for spec in self._specs.values():
                for rep in spec.replaces:
                    index.setdefault(rep.id, (spec, rep))
            self._replaced = index
        return self._replaced.get(old_id)

    def __contains__(self, spec_id: object) -> bool:
        return spec_id in self._specs

    def specs(self) -> list[NodeSpec]:
        return list(self._specs.values())

    def shelves(self) -> list[Shelf]:
        return list(self._shelves.values())

    def shelf(self, name: str) -> Shelf:
        try:
            return self._shelves[name]
        except KeyError:
            raise NotFoundError(f"no shelf {name!r}", details={"shelf": name}) from None

    def to_dict(self) -> dict[str, Any]:
        return {"shelves": [s.to_dict() for s in self._shelves.values()]}

    # --- changes -------------------------------------------------------------------------

    def subscribe(self, listener: LibraryListener) -> Callable[[], None]:
        """Call ``listener`` after every change; returns a function that unsubscribes it."""
        self._listeners.append(listener)

        def unsubscribe() -> None:
            if listener in self._listeners:
                self._listeners.remove(listener)

        return unsubscribe

    def add_shelf(self, shelf: Shelf, *, replace: bool = False) -> LibraryChange:
        """Add a top-level shelf; with ``replace=True`` a shelf of that name is swapped for it.

        Replacing is how a reloaded module updates its nodes: ids it no longer has are removed,
        ids it still has get the new code, new ids are added.
        """
        if not isinstance(shelf, Shelf):
            raise LibraryError(f"add_shelf needs a Shelf, got {shelf!r}")
        old = self._shelves.get(shelf.name)
        if old is not None and not replace:
            raise LibraryError(
                f"a shelf named {shelf.name!r} is already in the library",
                details={"shelf": shelf.name},
            )
        new_specs: dict[str, NodeSpec] = {}
        for spec in shelf.specs():
            seen = new_specs.get(spec.id)
            if seen is not None and seen is not spec:
                raise LibraryError(
                    f"shelf {shelf.name!r} has two different nodes with id {spec.id!r}",
                    details={"node_id": spec.id},
                )
            owner = self._owner.get(spec.id)
            if owner is not None and owner != shelf.name:
                raise LibraryError(
                    f"node id {spec.id!r} of shelf {shelf.name!r} is already provided by shelf "
                    f"{owner!r}",
                    details={"node_id": spec.id, "shelf": owner},
                )
            new_specs[spec.id] = spec
        old_ids = {s.id for s in old.specs()} if old is not None else set()
        added = tuple(s for i, s in new_specs.items() if i not in old_ids)
        replaced = tuple(
            s for i, s in new_specs.items() if i in old_ids and self._specs[i] is not s
        )
        removed = tuple(self._specs[i] for i in old_ids if i not in new_specs)
        for spec in removed:
            del self._specs[spec.id]
            del self._owner[spec.id]
        for spec_id, spec in new_specs.items():
            self._specs[spec_id] = spec
            self._owner[spec_id] = shelf.name
        previous = self._shelves.get(shelf.name)
        hooks = any(True for _ in shelf.all_hooks()) or (
            previous is not None and any(True for _ in previous.all_hooks())
        )
        self._shelves[shelf.name] = shelf
        change = LibraryChange(added, removed, replaced, hooks)
        self._notify(change)
        return change

    def remove_shelf(self, name: str) -> LibraryChange:
        shelf = self.shelf(name)
        removed = tuple({s.id: s for s in shelf.specs()}.values())
        for spec in removed:
            self._specs.pop(spec.id, None)
            self._owner.pop(spec.id, None)
        del self._shelves[name]
        change = LibraryChange(removed=removed, hooks=any(True for _ in shelf.all_hooks()))
        self._notify(change)
        return change

    def replace_spec(self, spec: NodeSpec) -> LibraryChange:
        """Swap the spec with ``spec.id`` for ``spec`` wherever it sits on the shelves."""
        old = self.get(spec.id)
        if old is spec:
            return LibraryChange()
        for shelf in self._shelves.values():
            _swap(shelf, old, spec)
        self._specs[spec.id] = spec
        change = LibraryChange(replaced=(spec,))
        self._notify(change)
        return change

    def _notify(self, change: LibraryChange) -> None:
        self._replaced = None  # every change goes through here
        if change:
            for listener in list(self._listeners):
                listener(change)


def _swap(shelf: Shelf, old: NodeSpec, new: NodeSpec) -> None:
    shelf.nodes = [new if s is old else s for s in shelf.nodes]
    for sub in shelf.subshelves:
        _swap(sub, old, new)
