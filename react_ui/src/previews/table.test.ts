import { describe, expect, it } from 'vitest';
import {
  cellFor,
  isPageBody,
  pageOffsets,
  pageRangeText,
  rowLabel,
  tableCaption,
  tableFromArrayHead,
  tableFromPage,
  tableFromPreview,
} from './table';

describe('tableFromPreview', () => {
  it('reads a DataFrame preview', () => {
    const t = tableFromPreview({
      kind: 'table',
      type: 'DataFrame',
      columns: ['a', 'b'],
      dtypes: ['int64', 'float64'],
      index: [10, 11],
      rows: [
        [1, 2],
        [3, 4.5],
      ],
      shape: [100, 2],
      truncated: true,
    });
    expect(t.columns).toEqual([
      { label: 'a', dtype: 'int64' },
      { label: 'b', dtype: 'float64' },
    ]);
    expect(t.totalRows).toBe(100);
    expect(rowLabel(t, 1)).toBe('11');
    expect(cellFor(t, t.rows[0]!, 1)).toBe('2.0');
    expect(cellFor(t, t.rows[0]!, 0)).toBe('1');
    expect(tableCaption(t)).toBe('100 rows × 2 cols');
  });

  it('reads a Series preview with and without a name', () => {
    const base = { kind: 'table', type: 'Series', columns: ['None'], dtypes: ['int64'], index: [0, 1], rows: [[1], [2]], shape: [2, 1] };
    expect(tableFromPreview({ ...base, name: 'price', columns: ['price'] }).columns[0]?.label).toBe('price');
    expect(tableFromPreview({ ...base, name: null, columns: ['None'] }).columns[0]?.label).toBe('value');
  });

  it('survives missing and malformed fields', () => {
    const t = tableFromPreview({ kind: 'table', rows: [5, [1, 2]], columns: 'x' });
    expect(t.rows).toEqual([[5], [1, 2]]);
    expect(t.columns.map((c) => c.label)).toEqual(['0', '1']);
    expect(t.totalRows).toBeNull();
    expect(rowLabel(t, 1)).toBe('1');
    expect(tableCaption(t)).toBe('2 rows × 2 cols');
  });
});

describe('tableFromArrayHead', () => {
  it('shows 1-D arrays as one column and 2-D as rows', () => {
    const one = tableFromArrayHead([1, 2, 3], [1000], 'float64');
    expect(one.columns).toEqual([{ label: 'value', dtype: 'float64' }]);
    expect(one.rows).toEqual([[1], [2], [3]]);
    expect(one.totalRows).toBe(1000);
    const two = tableFromArrayHead([[1, 2], [3, 4]], [10, 20], 'int32');
    expect(two.columns.map((c) => c.label)).toEqual(['0', '1']);
    expect(two.totalCols).toBe(20);
  });

  it('shows a 0-d array as one cell', () => {
    expect(tableFromArrayHead(5, [], 'int64').rows).toEqual([[5]]);
  });
});

describe('tableFromPage', () => {
  it('reads a DataFrame page', () => {
    const t = tableFromPage(
      { offset: 50, limit: 50, total: 1000, columns: ['x', 'y'], index: ['r50', 'r51'], rows: [[1, 2], [3, 4]] },
      { dtypes: { y: 'float64' } },
    );
    expect(t.offset).toBe(50);
    expect(t.totalRows).toBe(1000);
    expect(t.columns).toEqual([
      { label: 'x', dtype: null },
      { label: 'y', dtype: 'float64' },
    ]);
    expect(rowLabel(t, 0)).toBe('r50');
    expect(cellFor(t, t.rows[1]!, 1)).toBe('4.0');
  });

  it('reads a page of scalars as one column labelled by the hint', () => {
    const t = tableFromPage({ offset: 100, limit: 50, total: 120, items: [7, 8] }, { valueLabel: 'price' });
    expect(t.columns[0]?.label).toBe('price');
    expect(t.rows).toEqual([[7], [8]]);
    expect(rowLabel(t, 1)).toBe('101');
  });

  it('turns records into columns by key', () => {
    const t = tableFromPage({ offset: 0, total: 2, items: [{ a: 1 }, { a: 2, b: 'x' }] });
    expect(t.columns.map((c) => c.label)).toEqual(['a', 'b']);
    expect(t.rows).toEqual([
      [1, undefined],
      [2, 'x'],
    ]);
  });

  it('turns lists (array rows) into numbered columns', () => {
    const t = tableFromPage({ offset: 0, total: 2, items: [[1, 2, 3], [4]] }, { dtype: 'int8' });
    expect(t.columns).toHaveLength(3);
    expect(t.columns[0]?.dtype).toBe('int8');
  });

  it('falls back to the header total and to one column for mixed items', () => {
    const t = tableFromPage({ items: [1, [2], { a: 3 }] }, {}, 42);
    expect(t.totalRows).toBe(42);
    expect(t.columns.map((c) => c.label)).toEqual(['value']);
  });

  it('recognises page bodies', () => {
    expect(isPageBody({ items: [] })).toBe(true);
    expect(isPageBody({ total: 1, columns: ['a'], index: [0], rows: [[1]] })).toBe(true);
    expect(isPageBody({ rows: [] })).toBe(false);
    expect(isPageBody([1, 2])).toBe(false);
    expect(isPageBody(null)).toBe(false);
  });
});

describe('paging', () => {
  it('says which rows are shown', () => {
    expect(pageRangeText(0, 50, 1000)).toBe('1–50 of 1,000');
    expect(pageRangeText(950, 50, 1000)).toBe('951–1,000 of 1,000');
    expect(pageRangeText(0, 0, 0)).toBe('0 of 0');
    expect(pageRangeText(50, 10, null)).toBe('51–60');
  });

  it('finds the previous and next pages', () => {
    expect(pageOffsets(0, 50, 50, 1000)).toEqual({ prev: null, next: 50 });
    expect(pageOffsets(50, 50, 50, 1000)).toEqual({ prev: 0, next: 100 });
    expect(pageOffsets(950, 50, 50, 1000)).toEqual({ prev: 900, next: null });
    expect(pageOffsets(30, 50, 20, 50)).toEqual({ prev: 0, next: null });
    expect(pageOffsets(0, 50, 50, null)).toEqual({ prev: null, next: 50 });
    expect(pageOffsets(50, 50, 3, null)).toEqual({ prev: 0, next: null });
  });
});
