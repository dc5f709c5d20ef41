// Cards dragged out of a group's frame leave the group, cards dropped into one join it: the
// groups' new node lists go in the same `apply_edits` step as the move.
import { membershipEdits, type Annotation } from '../annotations/model';
import type { FlowNode, XY } from '../state/graph';
import type { Edit } from './edits';
import { nodeBox, type Box } from './flow';

export function groupEditsAfterMove(
  nodes: readonly Pick<FlowNode, 'id' | 'measured'>[],
  annotations: Readonly<Record<string, Annotation>>,
  moved: ReadonlyMap<string, XY>,
): Edit[] {
  if (moved.size === 0) return [];
  const groups = Object.values(annotations).filter((a) => a.kind === 'group');
  if (groups.length === 0) return [];
  const measured = new Map(nodes.map((n) => [n.id, n.measured]));
  const boxes = new Map<string, Box>();
  for (const [uuid, position] of moved) boxes.set(uuid, nodeBox({ position, measured: measured.get(uuid) }));
  return membershipEdits(groups, boxes);
}

/**
 * New nodes (the `add_node` edits of a paste, or one node added from the palette or the library)
 * that land in a group's frame join that group: `edits` plus the groups' new node lists, to send
 * as one step. A new card's box is its position and the default card size.
 */
export function withGroupJoins(annotations: Readonly<Record<string, Annotation>>, edits: readonly Edit[]): Edit[] {
  const added = new Map<string, XY>();
  for (const e of edits) {
    if (e.cmd !== 'add_node' || !e.kwargs.uuid) continue;
    const position = positionOf(e.kwargs.properties);
    if (position) added.set(e.kwargs.uuid, position);
  }
  return [...edits, ...groupEditsAfterMove([], annotations, added)];
}

function positionOf(properties: Readonly<Record<string, unknown>> | undefined): XY | null {
  const p = properties?.position;
  if (typeof p !== 'object' || p === null) return null;
  const { x, y } = p as Record<string, unknown>;
  return typeof x === 'number' && typeof y === 'number' && Number.isFinite(x) && Number.isFinite(y) ? { x, y } : null;
}
