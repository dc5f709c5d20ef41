import { describe, expect, it } from 'vitest';
import type { NodeInfo } from '../protocol/generated';
import { displayName, escapeCloses, formatPosition, otherProperties, sourceLabel } from './inspect';

const node = (over: Partial<NodeInfo> = {}): NodeInfo => ({
  uuid: 'n1',
  node_id: 'bench.add1',
  name: 'add1',
  status: 'idle',
  placeholder: false,
  inputs: [],
  outputs: [],
  properties: {},
  ...over,
});

describe('inspector helpers', () => {
  it('prefers the own name', () => {
    expect(displayName(node())).toBe('add1');
    expect(displayName(node({ properties: { name: 'Total' } }))).toBe('Total');
    expect(displayName(node({ properties: { name: '  ' } }))).toBe('add1');
  });

  it('formats positions', () => {
    expect(formatPosition(node({ properties: { position: { x: 120, y: 80.26 } } }))).toBe('120, 80.3');
    expect(formatPosition(node())).toBeNull();
  });

  it('lists the other properties sorted', () => {
    expect(otherProperties({ position: {}, name: 'a', z: 1, b: 2 })).toEqual([
      ['b', 2],
      ['z', 1],
    ]);
    expect(otherProperties(undefined)).toEqual([]);
  });

  it('names the output driving an input', () => {
    const nodes = { n0: node({ uuid: 'n0', name: 'load' }), n1: node() };
    const edges = { k: { src: 'n0', src_io: 'table', dst: 'n1', dst_io: 'a' } };
    expect(sourceLabel(edges, nodes, 'n1', 'a')).toBe('load.table');
    expect(sourceLabel(edges, nodes, 'n1', 'b')).toBeNull();
    expect(sourceLabel(edges, { n1: node() }, 'n1', 'a')).toBe('n0.table');
  });

  it('leaves Escape to fields that use it', () => {
    expect(escapeCloses(null)).toBe(true);
    expect(escapeCloses({ tagName: 'BUTTON' })).toBe(true);
    expect(escapeCloses({ tagName: 'INPUT', type: 'range' })).toBe(true);
    expect(escapeCloses({ tagName: 'INPUT', type: 'text' })).toBe(true);
    expect(escapeCloses({ tagName: 'INPUT', type: 'number' })).toBe(false);
    expect(escapeCloses({ tagName: 'TEXTAREA' })).toBe(false);
    expect(escapeCloses({ tagName: 'SELECT' })).toBe(false);
    expect(escapeCloses({ tagName: 'DIV', isContentEditable: true })).toBe(false);
  });
});
