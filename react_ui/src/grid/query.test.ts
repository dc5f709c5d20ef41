import { describe, expect, it } from 'vitest';
import { createWorkerHttp } from '../hooks/workerHttp';
import { columnKind, EMPTY_QUERY, filterSpecs, gridParams, nextSort, parseBound, sortOf, withFilter, type GridQuery } from './query';

const kinds = { city: 'text', amount: 'number', units: 'number' } as const;

describe('grid query', () => {
  it('cycles a column through ascending, descending and unsorted', () => {
    let q = nextSort(EMPTY_QUERY, 'amount');
    expect(sortOf(q, 'amount')).toBe('ascending');
    q = nextSort(q, 'amount');
    expect(sortOf(q, 'amount')).toBe('descending');
    q = nextSort(q, 'amount');
    expect(q.sort).toBeNull();
    expect(sortOf(nextSort(nextSort(EMPTY_QUERY, 'amount'), 'city'), 'city')).toBe('ascending');
  });

  it('builds contains filters for text and ranges for numbers', () => {
    let q: GridQuery = withFilter(EMPTY_QUERY, 'city', { text: ' Ber ' });
    q = withFilter(q, 'amount', { min: '1,000', max: '2e3' });
    q = withFilter(q, 'units', { min: '', max: '7' });
    expect(filterSpecs(q, kinds)).toEqual([
      { column: 'city', op: 'contains', value: 'Ber' },
      { column: 'amount', op: 'between', value: 1000, value2: 2000 },
      { column: 'units', op: '<=', value: 7 },
    ]);
    expect(filterSpecs(withFilter(EMPTY_QUERY, 'units', { min: '3' }), kinds)).toEqual([{ column: 'units', op: '>=', value: 3 }]);
  });

  it('drops empty filters and ignores bounds that are not numbers', () => {
    const q = withFilter(withFilter(EMPTY_QUERY, 'city', { text: 'x' }), 'city', { text: '  ' });
    expect(q.filters).toEqual({});
    expect(filterSpecs(withFilter(EMPTY_QUERY, 'amount', { min: 'abc' }), kinds)).toEqual([]);
    expect(parseBound('1 000')).toBe(1000);
    expect(parseBound('')).toBeNull();
  });

  it('reads numeric dtypes as ranges and the rest as text', () => {
    expect(columnKind('int64')).toBe('number');
    expect(columnKind('Float64')).toBe('number');
    expect(columnKind('object')).toBe('text');
    expect(columnKind('datetime64[ns]')).toBe('text');
    expect(columnKind(null)).toBe('text');
  });

  it('puts sort, filter, page and format into the value URL with the token', () => {
    const http = createWorkerHttp('ws://127.0.0.1:9000/ws', 'tok');
    let q = nextSort(nextSort(EMPTY_QUERY, 'amount'), 'amount');
    q = withFilter(q, 'city', { text: 'Ber' });
    const page = new URL(http.valueUrl('n 1', 'out', gridParams(q, kinds, { offset: 50, limit: 50 })));
    expect(page.pathname).toBe('/values/n%201/out');
    expect(page.searchParams.get('offset')).toBe('50');
    expect(page.searchParams.get('limit')).toBe('50');
    expect(page.searchParams.get('sort')).toBe('amount');
    expect(page.searchParams.get('descending')).toBe('1');
    expect(JSON.parse(page.searchParams.get('filter') ?? '')).toEqual([{ column: 'city', op: 'contains', value: 'Ber' }]);
    expect(page.searchParams.get('token')).toBe('tok');
    const csv = new URL(http.valueUrl('n1', 'out', gridParams(nextSort(EMPTY_QUERY, 'city'), kinds, { format: 'csv' })));
    expect([...csv.searchParams.keys()]).toEqual(['sort', 'format', 'token']);
    expect(csv.searchParams.get('format')).toBe('csv');
    const plain = new URL(http.valueUrl('n1', 'out', gridParams(EMPTY_QUERY, kinds)));
    expect(plain.search).toBe('?token=tok');
  });
});
