import { describe, expect, it } from 'vitest';
import type { NodeInfo } from '../protocol/generated';
import { looseWire } from './looseWire';
import { wireEdits, wirePlacement } from './usePalette';
import type { LooseWire, PaletteEntry } from './compat';

const node = {
  uuid: 'n1',
  node_id: 'numbers.number',
  name: 'Number',
  status: 'done',
  placeholder: false,
  properties: {},
  inputs: [{ name: 'value', type: 'float', connected: false, has_value: true, preview: {}, required: true, schema: {} }],
  outputs: [{ name: 'out', type: 'float', preview: {}, schema: {} }],
} as NodeInfo;
const handle = (type: 'source' | 'target', id: string) => ({ nodeId: 'n1', id, type, x: 0, y: 0, width: 1, height: 1, position: 'right' }) as never;

describe('loose wires', () => {
  it('reads the port and its type from a wire dropped on nothing', () => {
    expect(looseWire({ fromHandle: handle('source', 'out'), toHandle: null, isValid: null }, { n1: node })).toEqual({
      uuid: 'n1',
      io: 'out',
      side: 'source',
      type: 'float',
    });
    expect(looseWire({ fromHandle: handle('target', 'value'), toHandle: null, isValid: null }, { n1: node })?.side).toBe('target');
    // ended on a port: a normal connect
    expect(looseWire({ fromHandle: handle('source', 'out'), toHandle: handle('target', 'value'), isValid: true }, { n1: node })).toBeNull();
    expect(looseWire({ fromHandle: null, toHandle: null, isValid: null }, { n1: node })).toBeNull();
  });

  it('adds and connects the picked node as one step, on the far side of the wire', () => {
    const entry = { spec: { id: 'numbers.add', name: 'Add' }, port: 'a' } as PaletteEntry;
    const out: LooseWire = { uuid: 'n1', io: 'out', side: 'source', type: 'float' };
    expect(wirePlacement({ x: 500, y: 300 }, out)).toEqual({ x: 516, y: 260 });
    expect(wireEdits(entry, out, { x: 1, y: 2 }, 'new')).toEqual({
      label: 'Add Add and connect it',
      edits: [
        { cmd: 'add_node', kwargs: { node_id: 'numbers.add', uuid: 'new', properties: { position: { x: 1, y: 2 } } } },
        { cmd: 'connect', kwargs: { src: 'n1', src_io: 'out', dst: 'new', dst_io: 'a' } },
      ],
    });
    const into: LooseWire = { uuid: 'n1', io: 'value', side: 'target', type: 'float' };
    expect(wirePlacement({ x: 500, y: 300 }, into).x).toBeLessThan(500 - 200);
    expect(wireEdits({ ...entry, port: 'out' }, into, { x: 1, y: 2 }, 'new').edits[1]).toEqual({
      cmd: 'connect',
      kwargs: { src: 'new', src_io: 'out', dst: 'n1', dst_io: 'value', replace: true },
    });
  });
});
