// Groups (a titled, coloured frame around some nodes) and notes (markdown) on the canvas, as
// the worker keeps them (`set_annotation`, `annotation_changed`), and the edits that change them:
// moving a group moves its nodes in the same step.
import type { AnnotationInfo } from '../protocol/generated';
import type { Edit } from '../canvas/edits';
import type { Box } from '../canvas/flow';
import type { XY } from '../state/graph';
import { randomUuid } from '../clipboard/payload';

export type Annotation = AnnotationInfo;

export const GROUP_PADDING = 32;
/** Room above the framed cards for the group's title bar. */
export const GROUP_HEADER = 36;
export const NOTE_SIZE = { width: 260, height: 140 } as const;
export const MIN_SIZE = { width: 120, height: 60 } as const;
export const GROUP_COLORS = ['#5b8def', '#46b37b', '#d9a13b', '#c95fd1', '#e0605e'] as const;

/** The rectangle of an annotation (defaults for missing fields). */
export function annotationBox(a: Annotation): Box {
  return {
    x: a.x ?? 0,
    y: a.y ?? 0,
    width: Math.max(MIN_SIZE.width, a.width ?? NOTE_SIZE.width),
    height: Math.max(MIN_SIZE.height, a.height ?? NOTE_SIZE.height),
  };
}

/** The annotation as `set_annotation` takes it (without its id). */
export function annotationData(a: Annotation): Record<string, unknown> {
  const { id: _id, ...rest } = a;
  return rest;
}

/** A frame around the boxes of the selected cards, with room for the title. */
export function frameAround(boxes: readonly Box[]): Box {
  const left = Math.min(...boxes.map((b) => b.x));
  const top = Math.min(...boxes.map((b) => b.y));
  const right = Math.max(...boxes.map((b) => b.x + b.width));
  const bottom = Math.max(...boxes.map((b) => b.y + b.height));
  return {
    x: Math.round(left - GROUP_PADDING),
    y: Math.round(top - GROUP_PADDING - GROUP_HEADER),
    width: Math.round(right - left + 2 * GROUP_PADDING),
    height: Math.round(bottom - top + 2 * GROUP_PADDING + GROUP_HEADER),
  };
}

export function newGroup(nodes: readonly string[], boxes: readonly Box[], index: number): { id: string; annotation: Annotation } {
  const id = `group-${randomUuid()}`;
  const frame = frameAround(boxes);
  const color = GROUP_COLORS[index % GROUP_COLORS.length] ?? '';
  return { id, annotation: { id, kind: 'group', title: 'Group', text: '', color, nodes: [...nodes], ...frame } };
}

export function newNote(at: XY): { id: string; annotation: Annotation } {
  const id = `note-${randomUuid()}`;
  return {
    id,
    annotation: { id, kind: 'note', title: '', text: 'A note: **markdown** works.', color: '', nodes: [], x: Math.round(at.x), y: Math.round(at.y), ...NOTE_SIZE },
  };
}

export function setEdit(a: Annotation): Edit {
  return { cmd: 'set_annotation', kwargs: { id: a.id, annotation: annotationData(a) } };
}

/** Moving an annotation by (dx, dy): a group takes its nodes along (one step). */
export function moveEdits(a: Annotation, d: XY, positions: ReadonlyMap<string, XY>): { label: string; edits: Edit[] } {
  const moved: Annotation = { ...a, x: Math.round((a.x ?? 0) + d.x), y: Math.round((a.y ?? 0) + d.y) };
  const edits: Edit[] = [setEdit(moved)];
  if (a.kind === 'group') {
    for (const uuid of a.nodes ?? []) {
      const p = positions.get(uuid);
      if (!p) continue;
      edits.push({ cmd: 'update_node', kwargs: { uuid, properties: { position: { x: Math.round(p.x + d.x), y: Math.round(p.y + d.y) } }, merge: true } });
    }
  }
  return { label: a.kind === 'group' ? `Move group ${a.title || ''}`.trim() : 'Move note', edits };
}

/** Is the centre of `box` inside the frame? (How a card counts as in a group.) */
function centreInside(box: Box, frame: Box): boolean {
  const cx = box.x + box.width / 2;
  const cy = box.y + box.height / 2;
  return cx >= frame.x && cx <= frame.x + frame.width && cy >= frame.y && cy <= frame.y + frame.height;
}

/**
 * After cards moved (their new boxes): each group whose frame a card left or entered gets its
 * new node list, as `set_annotation` edits to send in the same step as the move. A card is in a
 * group when its centre lies in the group's frame.
 */
export function membershipEdits(annotations: readonly Annotation[], moved: ReadonlyMap<string, Box>): Edit[] {
  const edits: Edit[] = [];
  for (const a of annotations) {
    if (a.kind !== 'group') continue;
    const frame = annotationBox(a);
    const nodes = [...(a.nodes ?? [])];
    let changed = false;
    for (const [uuid, box] of moved) {
      const member = nodes.indexOf(uuid);
      const inside = centreInside(box, frame);
      if (inside && member < 0) {
        nodes.push(uuid);
        changed = true;
      } else if (!inside && member >= 0) {
        nodes.splice(member, 1);
        changed = true;
      }
    }
    if (changed) edits.push(setEdit({ ...a, nodes }));
  }
  return edits;
}
