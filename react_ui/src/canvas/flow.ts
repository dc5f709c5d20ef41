// Incremental React Flow nodes and edges for one worker's graph.
//
// The canvas keeps its own list of flow nodes (React Flow writes measured sizes, selection and
// drag positions into it) and merges every new graph state into that list here. A flow node is
// reused, object for object, whenever what React Flow and the minimap read of it did not change:
// position, highlight, progress and status. A new value, an input's echo or new properties do
// not make a new flow node: the card reads its live NodeInfo from the NodeStore (nodeStore.ts)
// and re-renders alone, so a value event leaves React Flow's nodes untouched.
import { MarkerType, type Edge, type EdgeMarker, type NodeChange, type ReactFlowProps } from '@xyflow/react';
import type { EdgeInfo, NodeInfo, ProgressData } from '../protocol/generated';
import { defaultPosition, nodePosition, type FlowNode, type LayoutOptions, type XY } from '../state/graph';

/** What the flow nodes are built from (fields of `GraphState`, plus the inspected node). */
export interface NodeSource {
  order: readonly string[];
  nodes: Readonly<Record<string, NodeInfo>>;
  progress: Readonly<Record<string, ProgressData>>;
  /** The node shown in the inspector (highlighted). */
  inspected: string | null;
}

/** Class of the flow node shown in the inspector. */
export const INSPECTED_CLASS = 'nw-inspected';

export function samePosition(a: XY | undefined, b: XY | undefined): boolean {
  return a === b || (a !== undefined && b !== undefined && a.x === b.x && a.y === b.y);
}

/** Positions are saved as whole pixels. */
export function roundPosition(p: XY): XY {
  return { x: Math.round(p.x), y: Math.round(p.y) };
}

/**
 * Merge the graph into the previous flow nodes.
 *
 * Position of a node: its local one while it is being dragged; else the position this tab
 * saved and the worker has not confirmed yet (`pins`); else `properties.position`; else a grid
 * slot. Selection, measured size and other React Flow fields are carried over. Returns `prev`
 * itself when nothing changed.
 */
export function syncFlowNodes(
  prev: readonly FlowNode[],
  src: NodeSource,
  pins: ReadonlyMap<string, XY> = new Map(),
  layout: LayoutOptions = {},
): FlowNode[] {
  const prevById = new Map<string, FlowNode>();
  for (const n of prev) prevById.set(n.id, n);
  const out: FlowNode[] = [];
  let changed = false;
  let slot = 0;
  for (const uuid of src.order) {
    const info = src.nodes[uuid];
    if (!info) continue;
    const progress = src.progress[uuid] ?? null;
    const old = prevById.get(uuid);
    const saved = nodePosition(info);
    const fallback = saved ?? defaultPosition(slot++, layout);
    const position = old?.dragging ? old.position : (pins.get(uuid) ?? fallback);
    const className = uuid === src.inspected ? INSPECTED_CLASS : undefined;
    let node: FlowNode;
    if (
      old &&
      sameForFlow(old.data.info, info) &&
      old.data.progress === progress &&
      samePosition(old.position, position) &&
      old.className === className
    ) {
      node = old;
    } else {
      const sameData = old !== undefined && old.data.info === info && old.data.progress === progress;
      node = {
        ...old,
        id: uuid,
        type: 'nodeweave',
        position: old && samePosition(old.position, position) ? old.position : position,
        data: sameData ? old.data : { info, progress },
        className,
      };
    }
    if (node !== prev[out.length]) changed = true;
    out.push(node);
  }
  if (!changed && out.length === prev.length) return prev as FlowNode[];
  return out;
}

/**
 * What React Flow and the minimap read of a node's NodeInfo is the same: its status (the
 * minimap's colour). Everything else reaches the card through the NodeStore, so a flow node's
 * `data.info` is the NodeInfo as of its last status change, not necessarily the latest.
 */
export function sameForFlow(a: NodeInfo, b: NodeInfo): boolean {
  return a === b || a.status === b.status;
}

/** Pins that are done: the worker reports the pinned position, or the node is gone. */
export function settledPins(pins: ReadonlyMap<string, XY>, nodes: Readonly<Record<string, NodeInfo>>): string[] {
  const done: string[] = [];
  for (const [uuid, pin] of pins) {
    const info = nodes[uuid];
    if (!info) {
      done.push(uuid);
      continue;
    }
    const saved = nodePosition(info);
    if (saved && samePosition(saved, pin)) done.push(uuid);
  }
  return done;
}

/**
 * Positions where a move ended (drag stop, keyboard nudge): React Flow reports them as
 * position changes with `dragging: false`. Rounded, ready to save.
 */
export function finishedMoves(changes: readonly NodeChange<FlowNode>[]): Map<string, XY> {
  const moves = new Map<string, XY>();
  for (const c of changes) {
    if (c.type === 'position' && c.dragging === false && c.position) {
      moves.set(c.id, roundPosition(c.position));
    }
  }
  return moves;
}

// --- edges --------------------------------------------------------------------------------

export interface FlowEdgeData extends Record<string, unknown> {
  edge: EdgeInfo;
}

export type FlowEdge = Edge<FlowEdgeData>;

export interface EdgeSource {
  edges: Readonly<Record<string, EdgeInfo>>;
  nodes: Readonly<Record<string, NodeInfo>>;
}

/** Class of an edge by the states of its ends: data flowing, or feeding a failed node. */
export function edgeClass(src: NodeInfo, dst: NodeInfo): string | undefined {
  if (src.status === 'running') return 'nw-edge-running';
  if (dst.status === 'error') return 'nw-edge-error';
  if (src.status === 'error' || src.status === 'blocked') return 'nw-edge-blocked';
  return undefined;
}

/** An arrow where a wire enters its node, so it is clear which card it feeds. */
export const EDGE_MARKER: EdgeMarker = { type: MarkerType.ArrowClosed, width: 14, height: 14, color: '#8b93a3' };

/** Merge the graph's edges into the previous flow edges (selection is kept; `prev` when unchanged). */
export function syncFlowEdges(prev: readonly FlowEdge[], src: EdgeSource): FlowEdge[] {
  const prevById = new Map<string, FlowEdge>();
  for (const e of prev) prevById.set(e.id, e);
  const out: FlowEdge[] = [];
  let changed = false;
  for (const [id, e] of Object.entries(src.edges)) {
    const a = src.nodes[e.src];
    const b = src.nodes[e.dst];
    if (!a || !b) continue;
    const animated = a.status === 'running';
    const className = edgeClass(a, b);
    const old = prevById.get(id);
    let edge: FlowEdge;
    if (old && old.data?.edge === e && old.animated === animated && old.className === className) {
      edge = old;
    } else {
      edge = {
        ...old,
        id,
        source: e.src,
        sourceHandle: e.src_io,
        target: e.dst,
        targetHandle: e.dst_io,
        animated,
        className,
        markerEnd: EDGE_MARKER,
        data: { edge: e },
      };
    }
    if (edge !== prev[out.length]) changed = true;
    out.push(edge);
  }
  if (!changed && out.length === prev.length) return prev as FlowEdge[];
  return out;
}

/** The edge that drives an input, if any. */
export function edgeInto(edges: Readonly<Record<string, EdgeInfo>>, dst: string, dstIo: string): EdgeInfo | null {
  for (const e of Object.values(edges)) {
    if (e.dst === dst && e.dst_io === dstIo) return e;
  }
  return null;
}

// --- placing new nodes --------------------------------------------------------------------

/** Approximate size of a fresh node card (to centre it on a point). */
export const CARD_SIZE = { width: 240, height: 120 } as const;

export interface Box extends XY {
  width: number;
  height: number;
}

function overlaps(a: Box, b: Box, gap: number): boolean {
  return a.x < b.x + b.width + gap && b.x < a.x + a.width + gap && a.y < b.y + b.height + gap && b.y < a.y + a.height + gap;
}

/**
 * Where a new card of `size` goes when it should sit at `want`: there if no card is in the
 * way, else the nearest free spot on a grid of `step` around it (at most `rings` steps away),
 * else `want` shifted diagonally past the cards whose corner sits there.
 */
export function freeSpot(
  want: XY,
  taken: readonly Box[],
  size: { width: number; height: number } = CARD_SIZE,
  step = 40,
  rings = 8,
  gap = 16,
): XY {
  const origin = roundPosition(want);
  const free = (p: XY) => !taken.some((t) => overlaps({ ...p, ...size }, t, gap));
  for (let r = 0; r <= rings; r++) {
    const ring: XY[] = [];
    for (let dx = -r; dx <= r; dx++) {
      for (let dy = -r; dy <= r; dy++) {
        if (Math.max(Math.abs(dx), Math.abs(dy)) === r) ring.push({ x: dx * step, y: dy * step });
      }
    }
    // nearest first; on a tie prefer right, then down
    ring.sort((a, b) => a.x * a.x + a.y * a.y - (b.x * b.x + b.y * b.y) || b.x - a.x || b.y - a.y);
    for (const d of ring) {
      const p = { x: origin.x + d.x, y: origin.y + d.y };
      if (free(p)) return p;
    }
  }
  let p = origin;
  for (let i = 0; i < 50 && taken.some((t) => Math.abs(t.x - p.x) < 12 && Math.abs(t.y - p.y) < 12); i++) {
    p = { x: p.x + 32, y: p.y + 32 };
  }
  return p;
}

/** The box a flow node covers (its measured size, else the usual card size). */
export function nodeBox(n: Pick<FlowNode, 'position' | 'measured'>): Box {
  return {
    x: n.position.x,
    y: n.position.y,
    width: n.measured?.width ?? CARD_SIZE.width,
    height: n.measured?.height ?? CARD_SIZE.height,
  };
}

/** Top-left of a new card centred on a flow point. */
export function centredAt(p: XY): XY {
  return roundPosition({ x: p.x - CARD_SIZE.width / 2, y: p.y - CARD_SIZE.height / 2 });
}

/** Top-left for a box of `size` opened at `at`, kept inside `bounds` (4 px margin). */
export function clampToBox(
  at: XY,
  size: { width: number; height: number },
  bounds: { width: number; height: number },
  margin = 4,
): { left: number; top: number } {
  const maxLeft = Math.max(margin, bounds.width - size.width - margin);
  const maxTop = Math.max(margin, bounds.height - size.height - margin);
  return {
    left: Math.min(Math.max(margin, at.x), maxLeft),
    top: Math.min(Math.max(margin, at.y), maxTop),
  };
}

/** What the workflow canvas and a composite's inside share: the keys (Delete and double-click
 * are the editor's own; Shift selects, Shift/Meta/Control add to a selection), the zoom limits
 * and how near a handle a dropped wire snaps. */
export const EDITOR_FLOW_PROPS: Partial<ReactFlowProps<FlowNode, FlowEdge>> = {
  deleteKeyCode: null,
  zoomOnDoubleClick: false,
  panActivationKeyCode: null,
  selectionKeyCode: 'Shift',
  multiSelectionKeyCode: ['Shift', 'Meta', 'Control'],
  minZoom: 0.1,
  maxZoom: 2,
  connectionRadius: 24,
};
