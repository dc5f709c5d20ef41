import { describe, expect, it, vi } from 'vitest';
import { deleteEdits, moveEdits, sendEdits } from './edits';

describe('deleteEdits', () => {
  it('removes the nodes and disconnects the edges, named for the history', () => {
    const edge = { src: 'a', src_io: 'out', dst: 'b', dst_io: 'x' };
    const { label, edits } = deleteEdits(['n1', 'n2'], [edge]);
    expect(label).toBe('Delete 2 nodes and 1 edge');
    expect(edits).toEqual([
      { cmd: 'remove_node', kwargs: { uuid: 'n1' } },
      { cmd: 'remove_node', kwargs: { uuid: 'n2' } },
      { cmd: 'disconnect', kwargs: edge },
    ]);
    expect(deleteEdits(['n1'], []).label).toBe('Delete 1 node');
  });
});

describe('moveEdits', () => {
  it('saves each position, merged into the properties', () => {
    const { label, edits } = moveEdits(new Map([['a', { x: 1, y: 2 }], ['b', { x: 3, y: 4 }]]));
    expect(label).toBe('Move 2 nodes');
    expect(edits[1]).toEqual({ cmd: 'update_node', kwargs: { uuid: 'b', properties: { position: { x: 3, y: 4 } }, merge: true } });
  });
});

describe('sendEdits', () => {
  it('sends one edit as its own command and several as one apply_edits step', async () => {
    const send = vi.fn(() => Promise.resolve({}));
    await sendEdits({ send }, 'Delete 1 node', [{ cmd: 'remove_node', kwargs: { uuid: 'a' } }]);
    expect(send).toHaveBeenLastCalledWith('remove_node', { uuid: 'a' });
    const two = deleteEdits(['a', 'b'], []);
    await sendEdits({ send }, two.label, two.edits);
    expect(send).toHaveBeenLastCalledWith('apply_edits', { label: 'Delete 2 nodes', edits: two.edits });
    send.mockClear();
    await sendEdits({ send }, 'nothing', []);
    expect(send).not.toHaveBeenCalled();
  });
});
