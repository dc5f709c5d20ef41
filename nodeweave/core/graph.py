"""Per-node state and the topology questions the scheduler asks (paths, cones)."""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from typing import Any

from .events import Edge, NodeError, Status
from .spec import NodeSpec
from .values import NO_VALUE


class Node:
    """The scheduler's record of one node. Mutated only by the scheduler."""

    __slots__ = (
        "cached",
        "children",
        "conn",
        "error",
        "forced",
        "generation",
        "ident",
        "last_inputs",
        "memo",
        "node_id",
        "out_edges",
        "outcome",
        "outputs",
        "parents",
        "pending",
        "props",
        "queued",
        "running_inputs",
        "spec",
        "status",
        "streaming",
        "uuid",
        "values",
        "version",
    )

    def __init__(
        self,
        uuid: str,
        node_id: str,
        spec: NodeSpec | None,
        values: dict[str, Any],
        props: dict[str, Any],
    ) -> None:
        self.uuid = uuid
        self.node_id = node_id
        self.spec = spec  # None: a placeholder for a node id the library does not know
        self.values = values  # the node's own input values (set by a user or a document)
        self.props = props  # free JSON properties: canvas position, name, …
        # recent results by their (scalar) inputs: served again without a run (see scheduler)
        self.memo: dict[Hashable, tuple[dict[str, Any], str | None]] | None = None
        # what its outputs are, for the result cache's keys of its children: their digest when
        # small, else the key of the run that made them (None: unknown, children have no key)
        self.ident: str | None = None
        self.cached = ""  # where its outputs came from when it did not run: "memory" or "disk"
        self.streaming = False  # a generator node whose stream is live (its status is done)
        self.forced = False  # triggered: its next run runs the code, whatever a cache holds
        # the node version its values are for: its spec's, or (a placeholder) the saved one
        self.version = spec.version if spec is not None else 1
        self.conn: dict[str, Edge] = {}  # input name -> the edge that drives it
        self.out_edges: list[Edge] = []
        self.children: dict[str, int] = {}  # child uuid -> number of edges to it
        self.parents: dict[str, int] = {}
        self.outputs: dict[str, Any] = {}
        self.status = Status.IDLE
        self.outcome = Status.IDLE  # DONE or ERROR after a completed run
        # The inputs of the last completed run: if they equal the current ones, the outputs (and
        # outcome) are still right and the node need not run. None forces the next run.
        self.last_inputs: dict[str, Any] | None = None
        self.running_inputs: dict[str, Any] = {}
        self.pending = 0  # unsettled parents, while stale
        self.queued = False  # sits in the ready queue
        self.generation = 0  # bumped per run; results of older runs are discarded
        self.error: NodeError | None = None

    @property
    def placeholder(self) -> bool:
        return self.spec is None

    def own_value(self, io: str) -> Any:
        """The input's value when no edge drives it: the own value, else the default."""
        if io in self.values:
            return self.values[io]
        if self.spec is not None:
            ispec = self.spec.input_map.get(io)
            if ispec is not None:
                return ispec.default
        return NO_VALUE


def find_path(nodes: dict[str, Node], start: str, goal: str) -> list[str] | None:
    """A path start → … → goal along edges, or None. Iterative DFS (graphs can be deep)."""
    if start == goal:
        return [start]
    parent: dict[str, str] = {start: start}
    stack = [start]
    while stack:
        current = stack.pop()
        for child in nodes[current].children:
            if child in parent:
                continue
            parent[child] = current
            if child == goal:
                path = [child]
                while path[-1] != start:
                    path.append(parent[path[-1]])
                path.reverse()
                return path
            stack.append(child)
    return None


def cone(nodes: dict[str, Node], roots: Iterable[Node]) -> list[Node]:
    """The roots and every node downstream of them, each once."""
    seen: set[str] = set()
    out: list[Node] = []
    stack = list(roots)
    while stack:
        node = stack.pop()
        if node.uuid in seen:
            continue
        seen.add(node.uuid)
        out.append(node)
        for child in node.children:
            if child not in seen:
                stack.append(nodes[child])
    return out


def topological_order(nodes: dict[str, Node]) -> list[str]:
    """Every node, parents before children (Kahn's algorithm)."""
    indegree = {u: len(n.parents) for u, n in nodes.items()}
    queue = [u for u, d in indegree.items() if d == 0]
    order: list[str] = []
    while queue:
        u = queue.pop()
        order.append(u)
        for child in nodes[u].children:
            indegree[child] -= 1
            if indegree[child] == 0:
                queue.append(child)
    return order
