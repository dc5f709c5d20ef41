import { describe, expect, it } from 'vitest';
import type { Annotation } from '../annotations/model';
import type { Edit } from './edits';
import { groupEditsAfterMove, withGroupJoins } from './groupMembership';

const group: Annotation = { id: 'g', kind: 'group', title: 'G', text: '', color: '', nodes: ['a', 'b'], x: 0, y: 0, width: 600, height: 400 };
const note: Annotation = { id: 'n', kind: 'note', title: '', text: 'hi', color: '', nodes: [], x: 0, y: 0, width: 600, height: 400 };
const sized = (id: string) => ({ id, measured: { width: 200, height: 100 } });
const nodes = [sized('a'), sized('b'), sized('c')];

describe('groupEditsAfterMove', () => {
  it('takes a card dragged out of the frame off the group', () => {
    const edits = groupEditsAfterMove(nodes, { g: group, n: note }, new Map([['a', { x: 900, y: 50 }]]));
    expect(edits).toEqual([{ cmd: 'set_annotation', kwargs: { id: 'g', annotation: expect.objectContaining({ nodes: ['b'], x: 0, width: 600 }) } }]);
  });

  it('adds a card dropped into the frame (by its centre) and leaves the notes alone', () => {
    const edits = groupEditsAfterMove(nodes, { g: group, n: note }, new Map([['c', { x: 450, y: 320 }]]));
    expect(edits).toHaveLength(1);
    expect(edits[0]).toMatchObject({ cmd: 'set_annotation', kwargs: { id: 'g', annotation: { nodes: ['a', 'b', 'c'] } } });
  });

  it('sends nothing when cards move inside the frame or outside every frame', () => {
    expect(groupEditsAfterMove(nodes, { g: group }, new Map([['a', { x: 100, y: 100 }]]))).toEqual([]);
    expect(groupEditsAfterMove(nodes, { g: group }, new Map([['c', { x: 1000, y: 1000 }]]))).toEqual([]);
    expect(groupEditsAfterMove(nodes, {}, new Map([['a', { x: 1000, y: 1000 }]]))).toEqual([]);
  });

  it('moves one card out of one group and into another in the same step', () => {
    const other: Annotation = { ...group, id: 'h', nodes: [], x: 1000, y: 0 };
    const edits = groupEditsAfterMove(nodes, { g: group, h: other }, new Map([['b', { x: 1100, y: 100 }]]));
    expect(edits.map((e) => e.kwargs)).toEqual([
      { id: 'g', annotation: expect.objectContaining({ nodes: ['a'] }) },
      { id: 'h', annotation: expect.objectContaining({ nodes: ['b'] }) },
    ]);
  });
});

describe('withGroupJoins', () => {
  const add = (uuid: string, x: number, y: number): Edit => ({ cmd: 'add_node', kwargs: { node_id: 'numbers.add', uuid, properties: { position: { x, y } } } });
  const connect: Edit = { cmd: 'connect', kwargs: { src: 'p1', src_io: 'out', dst: 'p2', dst_io: 'a' } };

  it('adds the pasted nodes that land in a frame to its group, after the edits, in one list', () => {
    // p1's centre (120, 60) and p2's (420, 260) are in g's frame; p3's (1120, 60) is not
    const edits = [add('p1', 0, 0), add('p2', 300, 200), add('p3', 1000, 0), connect];
    const out = withGroupJoins({ g: group, n: note }, edits);
    expect(out.slice(0, 4)).toEqual(edits);
    expect(out.slice(4)).toEqual([{ cmd: 'set_annotation', kwargs: { id: 'g', annotation: expect.objectContaining({ nodes: ['a', 'b', 'p1', 'p2'] }) } }]);
  });

  it('changes nothing when no new node lands in a frame', () => {
    const edits = [add('p1', 1000, 1000), connect];
    expect(withGroupJoins({ g: group }, edits)).toEqual(edits);
    expect(withGroupJoins({}, [add('p1', 0, 0)])).toEqual([add('p1', 0, 0)]);
    // without a uuid or a position there is nothing to place
    const bare: Edit = { cmd: 'add_node', kwargs: { node_id: 'numbers.add' } };
    expect(withGroupJoins({ g: group }, [bare])).toEqual([bare]);
  });
});
