// One worker's graph: a pure reducer over `get_state` results and worker events, keyed by
// node uuid, plus conversion to React Flow nodes/edges.
import type { Edge, Node } from '@xyflow/react';
import type {
  AnnotationInfo,
  CompositeData,
  EdgeInfo,
  InputInfo,
  NodeInfo,
  OutputInfo,
  ProgressData,
  StateResult,
  WorkerEvents,
} from '../protocol/generated';
import { STALE_RUNS_FIELD, staleRunsOf } from './runs';

export interface GraphState {
  /** Nodes by uuid (with the UI's own `stale_runs` count of superseded runs finishing, runs.ts). */
  nodes: Readonly<Record<string, NodeInfo>>;
  /** Node uuids in the order they appeared (stable default layout). */
  order: readonly string[];
  /** Edges by `edgeKey`. */
  edges: Readonly<Record<string, EdgeInfo>>;
  /** Latest progress of running nodes, by uuid. */
  progress: Readonly<Record<string, ProgressData>>;
  /** Groups and notes on the canvas, by id. */
  annotations: Readonly<Record<string, AnnotationInfo>>;
  /** The workflow's composite definitions, by id (node type `composite.<id>`). */
  composites: Readonly<Record<string, CompositeData>>;
  /** Set by `graph_replaced` or a resync request: call `get_state` and dispatch `state`. */
  needsRefetch: boolean;
  /** A `get_state` result has been applied at least once. */
  loaded: boolean;
}

export type GraphEvent = {
  [K in keyof WorkerEvents]: { type: 'event'; event: K; data: WorkerEvents[K] };
}[keyof WorkerEvents];

export type GraphAction =
  | { type: 'state'; state: StateResult }
  | { type: 'resync' }
  /** Events gathered over one animation frame, applied in order as one update. */
  | { type: 'events'; events: readonly GraphEvent[] }
  | GraphEvent;

export const initialGraphState: GraphState = {
  nodes: {},
  order: [],
  edges: {},
  progress: {},
  annotations: {},
  composites: {},
  needsRefetch: false,
  loaded: false,
};

export function edgeKey(e: Pick<EdgeInfo, 'src' | 'src_io' | 'dst' | 'dst_io'>): string {
  return `${e.src}:${e.src_io}->${e.dst}:${e.dst_io}`;
}

/** Build a graph action from a raw event (as delivered by the client's `onAny`). */
export function eventAction(event: string, data: unknown): GraphEvent {
  return { type: 'event', event, data } as GraphEvent;
}

function withoutKey<T>(rec: Readonly<Record<string, T>>, key: string): Record<string, T> {
  if (!(key in rec)) return rec as Record<string, T>;
  const { [key]: _removed, ...rest } = rec;
  return rest;
}

/** Statuses after which a node's old error is gone (the worker drops it too). */
const CLEARS_ERROR: ReadonlySet<string> = new Set(['running', 'done', 'waiting', 'blocked']);

/**
 * Statuses after which a node's outputs no longer come from a cache: it runs, failed, waits, or
 * lost its outputs. (`stale` and `done` keep the mark: a node whose inputs came back unchanged
 * keeps its outputs as they were, and a hit announces itself after its `done`.)
 */
const CLEARS_CACHED: ReadonlySet<string> = new Set(['running', 'error', 'waiting', 'blocked', 'cancelled', 'idle']);

/** Statuses in which a node's stream is no longer live (it runs again or failed). */
const ENDS_STREAM: ReadonlySet<string> = new Set(['running', 'error', 'waiting', 'blocked', 'cancelled', 'idle']);

function updateNode(state: GraphState, uuid: string, fn: (n: NodeInfo) => NodeInfo): GraphState {
  const node = state.nodes[uuid];
  if (!node) return state; // an event for a node we do not know (yet): ignore
  const next = fn(node);
  return next === node ? state : { ...state, nodes: { ...state.nodes, [uuid]: next } };
}

function updateInput(node: NodeInfo, io: string, fn: (i: InputInfo) => InputInfo): NodeInfo {
  if (!node.inputs.some((i) => i.name === io)) return node;
  return { ...node, inputs: node.inputs.map((i) => (i.name === io ? fn(i) : i)) };
}

function updateOutput(node: NodeInfo, io: string, fn: (o: OutputInfo) => OutputInfo): NodeInfo {
  if (!node.outputs.some((o) => o.name === io)) return node;
  return { ...node, outputs: node.outputs.map((o) => (o.name === io ? fn(o) : o)) };
}

function setConnected(state: GraphState, e: EdgeInfo, connected: boolean): GraphState {
  return updateNode(state, e.dst, (n) => updateInput(n, e.dst_io, (i) => ({ ...i, connected })));
}

function removeEdge(state: GraphState, e: EdgeInfo): GraphState {
  const key = edgeKey(e);
  if (!(key in state.edges)) return state;
  const next = { ...state, edges: withoutKey(state.edges, key) };
  // An input has at most one edge: once it is gone the input is no longer driven.
  return setConnected(next, e, false);
}

function addNode(state: GraphState, node: NodeInfo): GraphState {
  const known = node.uuid in state.nodes;
  return {
    ...state,
    nodes: { ...state.nodes, [node.uuid]: node },
    order: known ? state.order : [...state.order, node.uuid],
  };
}

export function graphReducer(state: GraphState, action: GraphAction): GraphState {
  switch (action.type) {
    case 'state': {
      const nodes: Record<string, NodeInfo> = {};
      const order: string[] = [];
      for (const n of action.state.nodes) {
        if (!(n.uuid in nodes)) order.push(n.uuid);
        nodes[n.uuid] = n;
      }
      const edges: Record<string, EdgeInfo> = {};
      for (const e of action.state.edges) edges[edgeKey(e)] = e;
      // keep progress of nodes that are still running
      const progress: Record<string, ProgressData> = {};
      for (const [uuid, p] of Object.entries(state.progress)) {
        if (nodes[uuid]?.status === 'running') progress[uuid] = p;
      }
      const annotations: Record<string, AnnotationInfo> = {};
      for (const a of action.state.annotations ?? []) annotations[a.id] = a;
      const composites = action.state.composites ?? {};
      return { nodes, order, edges, progress, annotations, composites, needsRefetch: false, loaded: true };
    }
    case 'resync':
      return state.needsRefetch ? state : { ...state, needsRefetch: true };
    case 'event':
      return applyEvent(state, action);
    case 'events': {
      let next = state;
      for (const e of action.events) next = applyEvent(next, e);
      return next;
    }
    default:
      return state;
  }
}

function applyEvent(state: GraphState, action: GraphEvent): GraphState {
  switch (action.event) {
    case 'node_added':
      return addNode(state, action.data);
    case 'node_removed': {
      const uuid = action.data.uuid;
      if (!(uuid in state.nodes)) return state;
      let next: GraphState = state;
      for (const e of Object.values(state.edges)) {
        if (e.src === uuid || e.dst === uuid) next = removeEdge(next, e);
      }
      return {
        ...next,
        nodes: withoutKey(next.nodes, uuid),
        order: next.order.filter((u) => u !== uuid),
        progress: withoutKey(next.progress, uuid),
      };
    }
    case 'edge_added': {
      const { src, src_io, dst, dst_io } = action.data;
      const e: EdgeInfo = { src, src_io, dst, dst_io };
      const next = { ...state, edges: { ...state.edges, [edgeKey(e)]: e } };
      return setConnected(next, e, true);
    }
    case 'edge_removed': {
      const { src, src_io, dst, dst_io } = action.data;
      return removeEdge(state, { src, src_io, dst, dst_io });
    }
    case 'node_status': {
      const { uuid, status } = action.data;
      // a node that runs again, finished, or waits for its inputs no longer has the old error
      const clears = CLEARS_ERROR.has(status);
      // …and a node that runs (or cannot) shows neither a cache mark nor a live stream
      const uncache = CLEARS_CACHED.has(status);
      const unlive = ENDS_STREAM.has(status);
      let next = updateNode(state, uuid, (n) => {
        const cached = uncache && n.cached;
        const live = unlive && n.live;
        if (n.status === status && !(clears && n.error) && !cached && !live) return n;
        const out: NodeInfo = { ...n, status, error: clears ? null : n.error };
        if (cached) out.cached = null;
        if (live) out.live = false;
        return out;
      });
      if (status !== 'running' && uuid in next.progress) {
        next = { ...next, progress: withoutKey(next.progress, uuid) };
      }
      return next;
    }
    case 'progress': {
      if (!(action.data.uuid in state.nodes)) return state;
      return { ...state, progress: { ...state.progress, [action.data.uuid]: action.data } };
    }
    case 'value': {
      const { uuid, io, preview } = action.data;
      // latest wins: a value event replaces the output's preview
      return updateNode(state, uuid, (n) => updateOutput(n, io, (o) => ({ ...o, preview })));
    }
    case 'node_error': {
      const { uuid, message, type, traceback } = action.data;
      return updateNode(state, uuid, (n) => ({ ...n, error: { message, type, traceback } }));
    }
    case 'input_changed': {
      const { uuid, io, preview, has_value } = action.data;
      const value = action.data.value ?? null;
      return updateNode(state, uuid, (n) =>
        updateInput(n, io, (i) => ({ ...i, preview, has_value, value })),
      );
    }
    case 'input_options': {
      // the choices of a column picker follow its table: replace them (the value stays)
      const { uuid, io } = action.data;
      const options = Array.isArray(action.data.options) ? action.data.options : [];
      return updateNode(state, uuid, (n) => updateInput(n, io, (i) => ({ ...i, options })));
    }
    case 'node_updated': {
      // the event carries the node's whole properties
      const { uuid, properties } = action.data;
      return updateNode(state, uuid, (n) => ({ ...n, properties }));
    }
    case 'node_rebound': {
      const { uuid, node, dropped_edges } = action.data;
      let next = state;
      for (const e of dropped_edges) next = removeEdge(next, e);
      if (node && typeof node === 'object') {
        // runs of the old code that are still finishing keep their note
        const finishing = state.nodes[uuid] ? staleRunsOf(state.nodes[uuid]) : 0;
        next = addNode(next, finishing > 0 && staleRunsOf(node) === 0 ? { ...node, [STALE_RUNS_FIELD]: finishing } : node);
      } else {
        next = updateNode(next, uuid, (n) => ({
          ...n,
          node_id: action.data.node_id,
          placeholder: action.data.placeholder,
        }));
      }
      return next;
    }
    case 'cache_hit': {
      // its outputs came from a cache: it did not run (until its next status change says so)
      const source = action.data.source === 'disk' ? 'disk' : 'memory';
      return updateNode(state, action.data.uuid, (n) => (n.cached === source ? n : { ...n, cached: source }));
    }
    case 'stream': {
      const live = action.data.live === true;
      return updateNode(state, action.data.uuid, (n) => ((n.live === true) === live ? n : { ...n, live }));
    }
    case 'composite_changed': {
      const { id, composite } = action.data;
      if (!composite) return { ...state, composites: withoutKey(state.composites, id) };
      return { ...state, composites: { ...state.composites, [id]: composite } };
    }
    case 'annotation_changed': {
      const { id, annotation } = action.data;
      if (!annotation) return { ...state, annotations: withoutKey(state.annotations, id) };
      return { ...state, annotations: { ...state.annotations, [id]: { ...annotation, id } } };
    }
    case 'stale_runs': {
      // superseded runs still finishing: the card's note (a UI field of the NodeInfo, so only
      // that card re-renders; gone with the node and with a refetch)
      const { uuid } = action.data;
      const count = typeof action.data.count === 'number' && action.data.count > 0 ? action.data.count : 0;
      const known = state.nodes[uuid];
      if (!known || staleRunsOf(known) === count) return state;
      return updateNode(state, uuid, (n) => {
        if (count === 0) {
          const { [STALE_RUNS_FIELD]: _gone, ...rest } = n;
          return rest as NodeInfo;
        }
        return { ...n, [STALE_RUNS_FIELD]: count };
      });
    }
    case 'graph_replaced':
      return state.needsRefetch ? state : { ...state, needsRefetch: true };
    default:
      // hello, library_changed, module_*, problem, shutting_down: not graph state
      return state;
  }
}

// --- React Flow ---------------------------------------------------------------------------

export interface XY {
  x: number;
  y: number;
}

/** `properties.position` when it is a finite {x, y}; else null. */
export function nodePosition(node: NodeInfo): XY | null {
  const p = node.properties?.position;
  if (typeof p !== 'object' || p === null) return null;
  const { x, y } = p as Record<string, unknown>;
  if (typeof x !== 'number' || typeof y !== 'number' || !Number.isFinite(x) || !Number.isFinite(y)) {
    return null;
  }
  return { x, y };
}

export interface LayoutOptions {
  columns?: number;
  dx?: number;
  dy?: number;
  origin?: XY;
}

/** Default grid slot `index` for a node without a position. */
export function defaultPosition(index: number, options: LayoutOptions = {}): XY {
  const columns = options.columns ?? 4;
  const dx = options.dx ?? 260;
  const dy = options.dy ?? 180;
  const origin = options.origin ?? { x: 0, y: 0 };
  return {
    x: origin.x + (index % columns) * dx,
    y: origin.y + Math.floor(index / columns) * dy,
  };
}

export interface FlowNodeData extends Record<string, unknown> {
  info: NodeInfo;
  progress: ProgressData | null;
}

export type FlowNode = Node<FlowNodeData, 'nodeweave'>;

/** React Flow nodes in insertion order; nodes without a position get grid slots. */
export function toFlowNodes(state: GraphState, options: LayoutOptions = {}): FlowNode[] {
  const out: FlowNode[] = [];
  let slot = 0;
  for (const uuid of state.order) {
    const info = state.nodes[uuid];
    if (!info) continue;
    const position = nodePosition(info) ?? defaultPosition(slot++, options);
    out.push({
      id: uuid,
      type: 'nodeweave',
      position,
      data: { info, progress: state.progress[uuid] ?? null },
    });
  }
  return out;
}

/** React Flow edges (handles are the io names). */
export function toFlowEdges(state: GraphState): Edge[] {
  return Object.entries(state.edges)
    .filter(([, e]) => e.src in state.nodes && e.dst in state.nodes)
    .map(([id, e]) => ({
      id,
      source: e.src,
      sourceHandle: e.src_io,
      target: e.dst,
      targetHandle: e.dst_io,
    }));
}
