import { describe, expect, it } from 'vitest';
import { bytesToBase64, importCounts, MAX_IMPORT_BYTES, refuseFile, requirementsText } from './funcnodes';

describe('bytesToBase64', () => {
  it('encodes like btoa, also past one chunk', () => {
    expect(bytesToBase64(new Uint8Array([0x50, 0x4b, 0x03, 0x04, 0x00, 0xff]))).toBe('UEsDBAD/');
    const big = new Uint8Array(100_000).map((_, i) => (i * 7) % 256);
    expect(bytesToBase64(big)).toBe(Buffer.from(big).toString('base64'));
  });

  it('keeps the biggest accepted file under the hub limit for data (3 MiB of base64)', () => {
    expect(Math.ceil(MAX_IMPORT_BYTES / 3) * 4).toBeLessThanOrEqual(3 * 2 ** 20);
  });
});

describe('refuseFile', () => {
  it('refuses files over 2 MB with the command line to use, and empty ones', () => {
    expect(refuseFile({ name: 'a.fnw', size: MAX_IMPORT_BYTES })).toBeNull();
    expect(refuseFile({ name: 'a.fnw', size: 5 * 2 ** 20 })).toBe(
      'a.fnw is 5.0 MB: the page sends up to 2 MB. Import it on the command line instead: nodeweave import-funcnodes PATH',
    );
    expect(refuseFile({ name: 'a.json', size: 0 })).toBe('a.json is empty.');
  });
});

describe('summary texts', () => {
  it('counts in words', () => {
    expect(importCounts({ nodes: 1, edges: 0, values: 2 })).toBe('1 node, 0 edges, 2 values');
  });

  it('says what becomes of the requirements', () => {
    expect(requirementsText(['funcnodes-basic', 'funcnodes-numpy'], true)).toBe(
      'funcnodes-basic, funcnodes-numpy — installed into its own environment at its first start',
    );
    expect(requirementsText([], true)).toContain('none');
    expect(requirementsText([], false)).toBeNull();
    expect(requirementsText([], false, ['funcnodes-pandas'])).toContain('funcnodes-pandas — not installed');
  });
});
