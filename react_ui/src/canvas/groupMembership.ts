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
