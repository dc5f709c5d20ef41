import { describe, expect, it } from 'vitest';
import type { FlowNode } from '../state/graph';
import { deselectAll, selectArrived } from './selection';

const n = (id: string, selected = false) => ({ id, selected, position: { x: 0, y: 0 }, data: {} }) as unknown as FlowNode;

describe('selection of arriving nodes', () => {
  it('selects the wanted nodes as they arrive and forgets them', () => {
    const wanted = new Set(['b', 'c']);
    const nodes = [n('a'), n('b')];
    const out = selectArrived(nodes, wanted);
    expect(out.map((x) => x.selected)).toEqual([false, true]);
    expect(out[0]).toBe(nodes[0]);
    expect([...wanted]).toEqual(['c']);
    const none = [n('a')];
    expect(selectArrived(none, wanted)).toBe(none);
  });

  it('deselects everything, keeping unselected nodes as they are', () => {
    const nodes = [n('a', true), n('b')];
    const out = deselectAll(nodes);
    expect(out.map((x) => x.selected)).toEqual([false, false]);
    expect(out[1]).toBe(nodes[1]);
    expect(deselectAll(out)).toBe(out);
  });
});
