import { describe, expect, it, vi } from 'vitest';
import { arrange, type LayoutFn } from './arrange';
import { layout as dagre } from './dagreLayout';

const box = (x: number, y: number) => ({ x, y, width: 200, height: 100 });

describe('arrange', () => {
  it('moves the nodes where the layout chunk puts them, anchored at the old top-left, as one step', async () => {
    const fake: LayoutFn = (nodes) => new Map(nodes.map((n, i) => [n.id, { x: 1000 + i * 300, y: 500 }]));
    const load = vi.fn(() => Promise.resolve({ layout: fake }));
    const nodes = new Map([
      ['a', box(50, 80)],
      ['b', box(10, 400)],
      ['c', box(310, 80)],
    ]);
    const { label, edits } = await arrange(nodes, [{ source: 'a', target: 'b' }, { source: 'x', target: 'a' }], load);
    expect(load).toHaveBeenCalledOnce();
    expect(label).toBe('Arrange 3 nodes');
    expect(edits).toEqual([
      { cmd: 'update_node', kwargs: { uuid: 'a', properties: { position: { x: 10, y: 80 } }, merge: true } },
      { cmd: 'update_node', kwargs: { uuid: 'b', properties: { position: { x: 310, y: 80 } }, merge: true } },
      { cmd: 'update_node', kwargs: { uuid: 'c', properties: { position: { x: 610, y: 80 } }, merge: true } },
    ]);
  });

  it('nothing to arrange loads nothing', async () => {
    const load = vi.fn();
    expect((await arrange(new Map(), [], load)).edits).toEqual([]);
    expect(load).not.toHaveBeenCalled();
  });

  it('dagre lays a chain out left to right', () => {
    const placed = dagre(
      ['a', 'b', 'c'].map((id) => ({ id, width: 200, height: 100 })),
      [
        { source: 'a', target: 'b' },
        { source: 'b', target: 'c' },
      ],
    );
    const xs = ['a', 'b', 'c'].map((id) => placed.get(id)?.x ?? NaN);
    expect(xs[0]).toBeLessThan(xs[1] ?? 0);
    expect(xs[1]).toBeLessThan(xs[2] ?? 0);
    expect(new Set(['a', 'b', 'c'].map((id) => placed.get(id)?.y)).size).toBe(1);
  });
});
