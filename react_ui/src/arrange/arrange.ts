// Arrange: lay the selection (or the whole graph) out left to right, as one `apply_edits` step
// of position updates. The layout library is its own chunk, imported on the first arrange.
import type { Edit } from '../canvas/edits';
import { plural } from '../canvas/edits';
import type { Box } from '../canvas/flow';
import type { XY } from '../state/graph';

export interface LayoutNode {
  id: string;
  width: number;
  height: number;
}

export interface LayoutEdge {
  source: string;
  target: string;
}

/** Top-left positions of the nodes (any origin). */
export type LayoutFn = (nodes: readonly LayoutNode[], edges: readonly LayoutEdge[]) => Map<string, XY>;

export type LoadLayout = () => Promise<{ layout: LayoutFn }>;

export const loadDagre: LoadLayout = () => import('./dagreLayout');

/**
 * The edits that move `nodes` where the layout puts them, its top-left corner where the
 * nodes' top-left corner was; nodes that do not move are left out.
 */
export function arrangeEdits(
  nodes: ReadonlyMap<string, Box>,
  edges: readonly LayoutEdge[],
  layout: LayoutFn,
): { label: string; edits: Edit[] } {
  const list = [...nodes].map(([id, b]) => ({ id, width: b.width, height: b.height }));
  const inner = edges.filter((e) => nodes.has(e.source) && nodes.has(e.target));
  const placed = layout(list, inner);
  const boxes = [...nodes.values()];
  const left = Math.min(...boxes.map((b) => b.x));
  const top = Math.min(...boxes.map((b) => b.y));
  const ps = [...placed.values()];
  const minX = Math.min(...ps.map((p) => p.x));
  const minY = Math.min(...ps.map((p) => p.y));
  const edits: Edit[] = [];
  for (const [id, p] of placed) {
    const old = nodes.get(id);
    if (!old) continue;
    const position = { x: Math.round(left + p.x - minX), y: Math.round(top + p.y - minY) };
    if (position.x === old.x && position.y === old.y) continue;
    edits.push({ cmd: 'update_node', kwargs: { uuid: id, properties: { position }, merge: true } });
  }
  return { label: `Arrange ${plural(nodes.size, 'node', 'nodes')}`, edits };
}

/** Load the layout (its chunk, the first time) and compute the arrange edits. */
export async function arrange(
  nodes: ReadonlyMap<string, Box>,
  edges: readonly LayoutEdge[],
  load: LoadLayout = loadDagre,
): Promise<{ label: string; edits: Edit[] }> {
  if (nodes.size === 0) return { label: 'Arrange', edits: [] };
  const { layout } = await load();
  return arrangeEdits(nodes, edges, layout);
}
