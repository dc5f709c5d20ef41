// What flows into edge-driven inputs. The worker sends an input's preview only with the node
// (get_state, node_added); afterwards new values arrive as `value` events of the *source*
// output. A connected input therefore shows its source's output preview, and only that input's
// row re-renders when it changes (it subscribes to its own key here), not the whole card.
import type { EdgeInfo, NodeInfo, PreviewResult } from '../protocol/generated';

/** A value's preview: the protocol's tagged union (generated from the Python models). */
export type Preview = PreviewResult;

/** Key of one input of one node. */
export function inKey(uuid: string, io: string): string {
  return `${uuid}\u0000${io}`;
}

// Edges by the input they drive, built once per edges object (the graph reducer makes a new one
// only when an edge changes): a driven input's widget looks its edge up in every render.
const edgesByInput = new WeakMap<object, Map<string, EdgeInfo>>();

function edgeDriving(edges: Readonly<Record<string, EdgeInfo>>, dst: string, dstIo: string): EdgeInfo | undefined {
  let index = edgesByInput.get(edges);
  if (!index) {
    index = new Map();
    for (const e of Object.values(edges)) index.set(inKey(e.dst, e.dst_io), e);
    edgesByInput.set(edges, index);
  }
  return index.get(inKey(dst, dstIo));
}

/** The preview of the output that drives `dst.dstIo`, if an edge does and its source is known. */
export function incomingPreview(
  edges: Readonly<Record<string, EdgeInfo>>,
  nodes: Readonly<Record<string, NodeInfo>>,
  dst: string,
  dstIo: string,
): Preview | undefined {
  const e = edgeDriving(edges, dst, dstIo);
  return e ? nodes[e.src]?.outputs.find((o) => o.name === e.src_io)?.preview : undefined;
}

/** Every driven input's incoming preview, and the keys whose preview differs from `prev`. */
export function diffIncoming(
  prev: ReadonlyMap<string, Preview>,
  edges: Readonly<Record<string, EdgeInfo>>,
  nodes: Readonly<Record<string, NodeInfo>>,
): { next: Map<string, Preview>; changed: string[] } {
  const next = new Map<string, Preview>();
  for (const e of Object.values(edges)) {
    const preview = nodes[e.src]?.outputs.find((o) => o.name === e.src_io)?.preview;
    if (preview) next.set(inKey(e.dst, e.dst_io), preview);
  }
  const changed: string[] = [];
  for (const [key, preview] of next) if (prev.get(key) !== preview) changed.push(key);
  for (const key of prev.keys()) if (!next.has(key)) changed.push(key);
  return { next, changed };
}

/** A subscribable map of incoming previews (for `useSyncExternalStore`). */
export class IncomingStore {
  private current: Map<string, Preview> = new Map();
  private readonly listeners = new Map<string, Set<() => void>>();

  /** Take the graph's edges and nodes; tell the inputs whose incoming preview changed. */
  update(edges: Readonly<Record<string, EdgeInfo>>, nodes: Readonly<Record<string, NodeInfo>>): void {
    const { next, changed } = diffIncoming(this.current, edges, nodes);
    this.current = next;
    for (const key of changed) {
      for (const fn of [...(this.listeners.get(key) ?? [])]) fn();
    }
  }

  get(key: string): Preview | undefined {
    return this.current.get(key);
  }

  subscribe(key: string, fn: () => void): () => void {
    let set = this.listeners.get(key);
    if (!set) {
      set = new Set();
      this.listeners.set(key, set);
    }
    set.add(fn);
    return () => {
      set.delete(fn);
      if (set.size === 0) this.listeners.delete(key);
    };
  }
}
