import { describe, expect, it } from 'vitest';
import { graphReducer, initialGraphState } from '../state/graph';
import { frameAround, GROUP_HEADER, GROUP_PADDING, moveEdits, newGroup, type Annotation } from './model';

describe('groups', () => {
  it('frame the selected cards with room for the title', () => {
    const f = frameAround([
      { x: 0, y: 0, width: 240, height: 120 },
      { x: 300, y: 50, width: 240, height: 100 },
    ]);
    expect(f).toEqual({ x: -GROUP_PADDING, y: -GROUP_PADDING - GROUP_HEADER, width: 540 + 2 * GROUP_PADDING, height: 150 + 2 * GROUP_PADDING + GROUP_HEADER });
    const { annotation } = newGroup(['a', 'b'], [{ x: 0, y: 0, width: 10, height: 10 }], 0);
    expect(annotation).toMatchObject({ kind: 'group', title: 'Group', nodes: ['a', 'b'] });
  });

  it('moving a group moves its nodes in the same step', () => {
    const g: Annotation = { id: 'g', kind: 'group', title: 'In', x: 10, y: 20, width: 300, height: 200, nodes: ['a', 'b'] };
    const { label, edits } = moveEdits(g, { x: 5.4, y: -10 }, new Map([['a', { x: 100, y: 100 }]]));
    expect(label).toBe('Move group In');
    expect(edits).toEqual([
      { cmd: 'set_annotation', kwargs: { id: 'g', annotation: { kind: 'group', title: 'In', x: 15, y: 10, width: 300, height: 200, nodes: ['a', 'b'] } } },
      { cmd: 'update_node', kwargs: { uuid: 'a', properties: { position: { x: 105, y: 90 } }, merge: true } },
    ]);
    const note: Annotation = { id: 'n', kind: 'note', x: 0, y: 0 };
    expect(moveEdits(note, { x: 1, y: 1 }, new Map()).edits).toHaveLength(1);
  });
});

describe('annotations in the graph state', () => {
  it('come with get_state and follow annotation_changed', () => {
    let s = graphReducer(initialGraphState, { type: 'state', state: { nodes: [], edges: [], annotations: [{ id: 'g', kind: 'group', title: 'A' }] } });
    expect(s.annotations.g?.title).toBe('A');
    s = graphReducer(s, { type: 'event', event: 'annotation_changed', data: { id: 'n', annotation: { kind: 'note', text: 'hi' } } });
    expect(s.annotations.n).toEqual({ id: 'n', kind: 'note', text: 'hi' });
    s = graphReducer(s, { type: 'event', event: 'annotation_changed', data: { id: 'g', annotation: null } });
    expect(Object.keys(s.annotations)).toEqual(['n']);
  });
});
