import { describe, expect, it } from 'vitest';
import type { EdgeInfo, NodeInfo } from '../protocol/generated';
import { buildPayload, parsePayload, pasteEdits, pastePositions, serializePayload } from './payload';

function node(uuid: string, x: number, y: number, value?: unknown): NodeInfo {
  return {
    uuid,
    node_id: 'numbers.add',
    name: 'Add',
    status: 'done',
    placeholder: false,
    outputs: [],
    properties: { position: { x, y }, name: `my ${uuid}` },
    inputs: [
      { name: 'a', connected: false, has_value: value !== undefined, preview: { kind: 'empty', type: 'NoValue' }, required: true, schema: {}, type: 'int', ...(value !== undefined ? { value } : {}) },
      { name: 'b', connected: true, has_value: false, preview: { kind: 'empty', type: 'NoValue' }, required: true, schema: {}, type: 'int' },
    ],
  };
}
const edge = (src: string, dst: string): EdgeInfo => ({ src, src_io: 'out', dst, dst_io: 'b' }) as EdgeInfo;

describe('clipboard payload', () => {
  it('keeps the selection, its own values, properties and only the inner edges', () => {
    const p = buildPayload([node('a', 100, 50, 3), node('b', 400, 50)], [edge('a', 'b'), edge('x', 'a'), edge('b', 'y')]);
    expect(p.nodes.map((n) => [n.uuid, n.inputs, n.properties.name])).toEqual([
      ['a', { a: 3 }, 'my a'],
      ['b', {}, 'my b'],
    ]);
    expect(p.edges).toEqual([{ src: 'a', src_io: 'out', dst: 'b', dst_io: 'b' }]);
  });

  it('round-trips as JSON text and refuses other text', () => {
    const p = buildPayload([node('a', 0, 0, 1)], []);
    expect(parsePayload(serializePayload(p))).toEqual(p);
    expect(parsePayload('hello')).toBeNull();
    expect(parsePayload('{"kind": "other"}')).toBeNull();
    expect(parsePayload(JSON.stringify({ ...p, nodes: [] }))).toBeNull();
    expect(parsePayload(null)).toBeNull();
  });

  it('drops edges whose ends are not in the payload', () => {
    const text = JSON.stringify({ kind: 'nodeweave/nodes', version: 1, nodes: [{ uuid: 'a', node_id: 't' }], edges: [{ src: 'a', src_io: 'o', dst: 'z', dst_io: 'i' }] });
    expect(parsePayload(text)?.edges).toEqual([]);
  });
});

describe('paste', () => {
  it('puts the top-left corner at the cursor, keeping the layout', () => {
    const p = buildPayload([node('a', 100, 50), node('b', 400, 150)], []);
    expect(pastePositions(p.nodes, { x: 1000, y: 2000 })).toEqual([
      { x: 1000, y: 2000 },
      { x: 1300, y: 2100 },
    ]);
  });

  it('is one step: new uuids, allow_missing, inner edges rewired, properties kept', () => {
    const p = buildPayload([node('a', 0, 0, 5), node('b', 300, 0)], [edge('a', 'b')]);
    let n = 0;
    const { label, edits, uuids } = pasteEdits(p, { x: 10, y: 20 }, () => `new${++n}`);
    expect(label).toBe('Paste 2 nodes');
    expect(uuids).toEqual(['new1', 'new2']);
    expect(edits).toEqual([
      { cmd: 'add_node', kwargs: { node_id: 'numbers.add', uuid: 'new1', inputs: { a: 5 }, properties: { position: { x: 10, y: 20 }, name: 'my a' }, allow_missing: true } },
      { cmd: 'add_node', kwargs: { node_id: 'numbers.add', uuid: 'new2', inputs: {}, properties: { position: { x: 310, y: 20 }, name: 'my b' }, allow_missing: true } },
      { cmd: 'connect', kwargs: { src: 'new1', src_io: 'out', dst: 'new2', dst_io: 'b' } },
    ]);
  });
});
