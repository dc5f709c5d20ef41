import { describe, expect, it } from 'vitest';
import type { EdgeInfo, NodeInfo } from '../protocol/generated';
import { diffIncoming, IncomingStore, incomingPreview, inKey, type Preview } from './incoming';

const EMPTY: Preview = { kind: 'empty', type: 'NoValue' };

function node(uuid: string, out: Preview): NodeInfo {
  return {
    uuid,
    node_id: 't',
    name: 't',
    status: 'done',
    placeholder: false,
    inputs: [],
    outputs: [{ name: 'out', type: 'int', schema: {}, preview: out }],
    properties: {},
  };
}

const e: EdgeInfo = { src: 'a', src_io: 'out', dst: 'b', dst_io: 'x' };
const edges = { k: e };

describe('incoming previews', () => {
  it("is the source output's preview", () => {
    const p: Preview = { kind: 'json', type: 'int', value: 7 };
    const nodes = { a: node('a', p), b: node('b', EMPTY) };
    expect(incomingPreview(edges, nodes, 'b', 'x')).toBe(p);
    expect(incomingPreview(edges, nodes, 'b', 'y')).toBeUndefined();
    expect(incomingPreview(edges, { b: node('b', EMPTY) }, 'b', 'x')).toBeUndefined();
  });

  it('reports only the inputs whose incoming preview changed', () => {
    const p1: Preview = { kind: 'json', type: 'int', value: 1 };
    const first = diffIncoming(new Map(), edges, { a: node('a', p1) });
    expect(first.changed).toEqual([inKey('b', 'x')]);
    const same = diffIncoming(first.next, edges, { a: { ...node('a', p1), outputs: [{ name: 'out', type: 'int', schema: {}, preview: p1 }] } });
    expect(same.changed).toEqual([]);
    const gone = diffIncoming(first.next, {}, { a: node('a', p1) });
    expect(gone.changed).toEqual([inKey('b', 'x')]);
  });

  it('notifies the subscribers of a changed input only', () => {
    const store = new IncomingStore();
    const calls: string[] = [];
    const off = store.subscribe(inKey('b', 'x'), () => calls.push('bx'));
    store.subscribe(inKey('c', 'x'), () => calls.push('cx'));
    const p: Preview = { kind: 'json', type: 'int', value: 2 };
    store.update(edges, { a: node('a', p) });
    expect(calls).toEqual(['bx']);
    expect(store.get(inKey('b', 'x'))).toBe(p);
    off();
    store.update(edges, { a: node('a', { kind: 'json', type: 'int', value: 3 }) });
    expect(calls).toEqual(['bx']);
  });
});
