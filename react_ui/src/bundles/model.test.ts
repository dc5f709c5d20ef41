import { describe, expect, it } from 'vitest';
import { node } from '../testing/fixtures';
import {
  base64ToBytes,
  bundleFileName,
  documentPositions,
  formatBytes,
  MAX_EXPORT_BYTES,
  mergeOffset,
  MERGE_MARGIN,
  refuseBundle,
  refuseExport,
} from './model';
import { CARD_SIZE } from '../canvas/flow';

describe('bundle model', () => {
  it('names the file after the worker id', () => {
    expect(bundleFileName('flow-1')).toBe('flow-1.nwflow');
    expect(bundleFileName(' a/b ')).toBe('a-b.nwflow');
    expect(bundleFileName('')).toBe('workflow.nwflow');
  });

  it('formats sizes', () => {
    expect(formatBytes(12)).toBe('12 B');
    expect(formatBytes(2048)).toBe('2.0 KB');
    expect(formatBytes(5 * 1024 * 1024)).toBe('5.0 MB');
  });

  it('refuses bundles over 2 MB with the CLI, and exports over 256 MB', () => {
    expect(refuseBundle({ name: 'a.nwflow', size: 1000 })).toBeNull();
    expect(refuseBundle({ name: 'a.nwflow', size: 0 })).toContain('empty');
    expect(refuseBundle({ name: 'big.nwflow', size: 3 * 1024 * 1024 })).toContain('nodeweave import FILE');
    expect(refuseExport(MAX_EXPORT_BYTES)).toBeNull();
    expect(refuseExport(MAX_EXPORT_BYTES + 1)).toContain('256.0 MB');
  });

  it('decodes base64', () => {
    expect(Array.from(base64ToBytes(btoa('PK\u0003')))).toEqual([80, 75, 3]);
  });

  it('places a merge right of the graph, top-aligned', () => {
    const here = [
      node('a', { properties: { position: { x: 100, y: 50 } } }),
      node('b', { properties: { position: { x: 400, y: 200 } } }),
    ];
    const incoming = documentPositions({ nodes: [{ properties: { position: { x: 10, y: 30 } } }, { properties: {} }] });
    expect(incoming).toEqual([{ x: 10, y: 30 }]);
    expect(mergeOffset(here, incoming)).toEqual({ x: 400 + CARD_SIZE.width + MERGE_MARGIN - 10, y: 50 - 30 });
    expect(mergeOffset([], incoming)).toEqual({ x: 0, y: 0 });
  });
});
