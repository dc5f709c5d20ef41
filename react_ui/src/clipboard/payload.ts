// What Copy puts on the clipboard: the selected nodes (type, own input values, properties) and
// the edges between them, as JSON text — so a selection pastes into this worker or another one.
// Paste turns it back into edits: new uuids, the layout kept, the top-left corner at the cursor.
import type { EdgeInfo, NodeInfo } from '../protocol/generated';
import { plural, type Edit } from '../canvas/edits';
import type { XY } from '../state/graph';

export const PAYLOAD_KIND = 'nodeweave/nodes';

export interface CopiedNode {
  uuid: string;
  node_id: string;
  /** Own input values that are JSON data. */
  inputs: Record<string, unknown>;
  properties: Record<string, unknown>;
}

export interface CopiedEdge {
  src: string;
  src_io: string;
  dst: string;
  dst_io: string;
}

export interface ClipboardPayload {
  kind: typeof PAYLOAD_KIND;
  version: 1;
  nodes: CopiedNode[];
  edges: CopiedEdge[];
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The selection as a payload: only edges with both ends selected come along. */
export function buildPayload(nodes: readonly NodeInfo[], edges: Iterable<EdgeInfo>): ClipboardPayload {
  const inside = new Set(nodes.map((n) => n.uuid));
  const copied = nodes.map((n): CopiedNode => {
    const inputs: Record<string, unknown> = {};
    for (const input of n.inputs) {
      if (input.has_value && input.value !== undefined) inputs[input.name] = input.value;
    }
    return { uuid: n.uuid, node_id: n.node_id, inputs, properties: { ...n.properties } };
  });
  const inner: CopiedEdge[] = [];
  for (const e of edges) {
    if (inside.has(e.src) && inside.has(e.dst)) inner.push({ src: e.src, src_io: e.src_io, dst: e.dst, dst_io: e.dst_io });
  }
  return { kind: PAYLOAD_KIND, version: 1, nodes: copied, edges: inner };
}

export function serializePayload(p: ClipboardPayload): string {
  return JSON.stringify(p);
}

/** The payload in clipboard text, or null when the text is something else. */
export function parsePayload(text: string | null | undefined): ClipboardPayload | null {
  if (!text) return null;
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return null;
  }
  if (!isRecord(raw) || raw.kind !== PAYLOAD_KIND || !Array.isArray(raw.nodes) || !Array.isArray(raw.edges)) return null;
  const nodes: CopiedNode[] = [];
  for (const n of raw.nodes) {
    if (!isRecord(n) || typeof n.uuid !== 'string' || typeof n.node_id !== 'string') return null;
    nodes.push({
      uuid: n.uuid,
      node_id: n.node_id,
      inputs: isRecord(n.inputs) ? n.inputs : {},
      properties: isRecord(n.properties) ? n.properties : {},
    });
  }
  const known = new Set(nodes.map((n) => n.uuid));
  const edges: CopiedEdge[] = [];
  for (const e of raw.edges) {
    if (!isRecord(e)) return null;
    const { src, src_io, dst, dst_io } = e;
    if (typeof src !== 'string' || typeof src_io !== 'string' || typeof dst !== 'string' || typeof dst_io !== 'string') return null;
    if (known.has(src) && known.has(dst)) edges.push({ src, src_io, dst, dst_io });
  }
  return nodes.length ? { kind: PAYLOAD_KIND, version: 1, nodes, edges } : null;
}

function positionOf(n: CopiedNode): XY | null {
  const p = n.properties.position;
  if (isRecord(p) && typeof p.x === 'number' && typeof p.y === 'number') return { x: p.x, y: p.y };
  return null;
}

/** Positions of the pasted nodes: the same layout, its top-left corner at `at`. */
export function pastePositions(nodes: readonly CopiedNode[], at: XY, step = 40): XY[] {
  const known = nodes.map(positionOf);
  const xs = known.flatMap((p) => (p ? [p.x] : []));
  const ys = known.flatMap((p) => (p ? [p.y] : []));
  const left = xs.length ? Math.min(...xs) : 0;
  const top = ys.length ? Math.min(...ys) : 0;
  let fresh = 0;
  return known.map((p) => {
    if (p) return { x: Math.round(at.x + p.x - left), y: Math.round(at.y + p.y - top) };
    const q = { x: Math.round(at.x + fresh * step), y: Math.round(at.y + fresh * step) };
    fresh += 1;
    return q;
  });
}

export function randomUuid(): string {
  const c = globalThis.crypto;
  if (c && typeof c.randomUUID === 'function') return c.randomUUID();
  return `n${Date.now().toString(16)}${Math.random().toString(16).slice(2)}`;
}

/** The paste as one step: an `add_node` per node (new uuids), then a `connect` per inner edge. */
export function pasteEdits(
  p: ClipboardPayload,
  at: XY,
  newUuid: () => string = randomUuid,
): { label: string; edits: Edit[]; uuids: string[] } {
  const ids = new Map<string, string>();
  for (const n of p.nodes) ids.set(n.uuid, newUuid());
  const positions = pastePositions(p.nodes, at);
  const edits: Edit[] = p.nodes.map((n, i) => ({
    cmd: 'add_node',
    kwargs: {
      node_id: n.node_id,
      uuid: ids.get(n.uuid) ?? newUuid(),
      inputs: n.inputs,
      properties: { ...n.properties, position: positions[i] },
      allow_missing: true,
    },
  }));
  for (const e of p.edges) {
    const src = ids.get(e.src);
    const dst = ids.get(e.dst);
    if (src && dst) edits.push({ cmd: 'connect', kwargs: { src, src_io: e.src_io, dst, dst_io: e.dst_io } });
  }
  return { label: `Paste ${plural(p.nodes.length, 'node', 'nodes')}`, edits, uuids: [...ids.values()] };
}
