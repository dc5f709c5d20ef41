import { describe, expect, it } from 'vitest';
import { childCount, childPath, childSlice, containerBadge, flattenTree, jsonType, treeKeyTarget, type TreeView } from './tree';

const view = (expanded: [string, boolean][] = [], shown: [string, number][] = []): TreeView => ({
  expanded: new Map(expanded),
  shown: new Map(shown),
});

describe('tree helpers', () => {
  it('types and counts', () => {
    expect(jsonType([1])).toBe('array');
    expect(jsonType({})).toBe('object');
    expect(jsonType(null)).toBe('null');
    expect(jsonType('a')).toBe('string');
    expect(childCount({ a: 1, b: 2 })).toBe(2);
    expect(childCount(5)).toBe(0);
  });

  it('slices children', () => {
    expect(childSlice([5, 6, 7], 1, 5)).toEqual([
      ['1', 6],
      ['2', 7],
    ]);
    expect(childSlice({ a: 1, b: 2 }, 0, 1)).toEqual([['a', 1]]);
  });

  it('escapes keys in paths', () => {
    expect(childPath('', 'a/b')).toBe('/a~1b');
    expect(childPath('/x', '~')).toBe('/x/~0');
  });

  it('badges containers', () => {
    expect(containerBadge('array', 1200)).toBe('[1,200]');
    expect(containerBadge('object', 3)).toBe('{3}');
  });
});

describe('flattenTree', () => {
  it('shows a leaf root as one row', () => {
    const rows = flattenTree(42, view());
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ kind: 'node', key: null, value: 42 });
  });

  it('opens small containers under a small root by itself', () => {
    const rows = flattenTree({ a: { b: 1 }, c: [1, 2] }, view());
    expect(rows.map((r) => r.path)).toEqual(['/a', '/a/b', '/c', '/c/0', '/c/1']);
  });

  it('keeps children of closed containers out and honours choices', () => {
    const rows = flattenTree({ a: { b: 1 } }, view([['/a', false]]));
    expect(rows.map((r) => r.path)).toEqual(['/a']);
    expect(rows[0]).toMatchObject({ expanded: false, count: 1 });
  });

  it('does not walk into big containers until asked', () => {
    const big = Array.from({ length: 100 }, () => ({ x: 1 }));
    const rows = flattenTree(big, view(), 10);
    // 10 closed rows + one "more"
    expect(rows).toHaveLength(11);
    expect(rows[10]).toMatchObject({ kind: 'more', remaining: 90, parent: '' });
    const more = flattenTree(big, view([], [['', 30]]), 10);
    expect(more).toHaveLength(31);
  });

  it('caps a million items at one page', () => {
    const huge = new Array(1_000_000).fill(0);
    const rows = flattenTree(huge, view(), 200);
    expect(rows).toHaveLength(201);
    expect(rows[200]).toMatchObject({ kind: 'more', remaining: 999_800 });
  });

  it('bounds the rows', () => {
    const rows = flattenTree(new Array(100).fill(0), view(), 200, 25);
    expect(rows).toHaveLength(25);
  });
});

describe('treeKeyTarget', () => {
  const rows = flattenTree({ a: { b: 1, c: 2 }, d: 3 }, view());
  // /a, /a/b, /a/c, /d
  it('moves up and down and to the ends', () => {
    expect(treeKeyTarget(rows, 0, 'ArrowDown')).toBe(1);
    expect(treeKeyTarget(rows, 3, 'ArrowDown')).toBeNull();
    expect(treeKeyTarget(rows, 2, 'ArrowUp')).toBe(1);
    expect(treeKeyTarget(rows, 2, 'Home')).toBe(0);
    expect(treeKeyTarget(rows, 0, 'End')).toBe(3);
  });

  it('goes to the parent on the left and the first child on the right', () => {
    expect(treeKeyTarget(rows, 2, 'ArrowLeft')).toBe(0);
    expect(treeKeyTarget(rows, 0, 'ArrowRight')).toBe(1);
    expect(treeKeyTarget(rows, 3, 'ArrowLeft')).toBeNull();
  });
});
