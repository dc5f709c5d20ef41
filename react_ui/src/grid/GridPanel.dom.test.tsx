// @vitest-environment happy-dom
import { act } from 'react';
import { describe, expect, it } from 'vitest';
import type { FullValue, ValueParams, WorkerHttp } from '../hooks/workerHttp';
import { createWorkerHttp } from '../hooks/workerHttp';
import { mountPoint } from '../testing/mount';
import { GridPanel } from './GridPanel';

const mount = mountPoint();
const $ = <T extends Element = HTMLElement>(sel: string) => mount.host.querySelector<T>(sel);
const $$ = (sel: string) => [...mount.host.querySelectorAll<HTMLElement>(sel)];
const wait = (ms = 0) =>
  act(async () => {
    await new Promise((r) => setTimeout(r, ms));
  });

const ROWS = Array.from({ length: 120 }, (_, i) => ({ city: ['Berlin', 'Paris', 'Rome'][i % 3]!, amount: i * 1.1 }));

/** A worker that sorts, filters and pages in memory, like the real one. */
function fakeWorker() {
  const calls: ValueParams[] = [];
  const real = createWorkerHttp('ws://127.0.0.1:9000/ws', 't');
  const http: WorkerHttp = {
    ...real,
    fetchValue: (_uuid, _io, params = {}) => {
      calls.push(params);
      let rows = ROWS.map((r, i) => ({ ...r, i }));
      for (const f of params.filter ?? []) {
        if (f.op === 'contains') rows = rows.filter((r) => String(r[f.column as 'city']).toLowerCase().includes(String(f.value).toLowerCase()));
        if (f.op === 'between') rows = rows.filter((r) => r.amount >= Number(f.value) && r.amount <= Number(f.value2));
      }
      if (params.sort) {
        const key = params.sort as 'city' | 'amount';
        rows = [...rows].sort((a, b) => (a[key] < b[key] ? -1 : a[key] > b[key] ? 1 : 0));
        if (params.descending) rows.reverse();
      }
      const offset = params.offset ?? 0;
      const page = rows.slice(offset, offset + (params.limit ?? rows.length));
      const body = {
        offset,
        limit: params.limit,
        total: rows.length,
        unfiltered: ROWS.length,
        columns: ['city', 'amount'],
        dtypes: ['object', 'float64'],
        index: page.map((r) => r.i),
        rows: page.map((r) => [r.city, r.amount]),
      };
      const fv: FullValue = { contentType: 'application/json', total: rows.length, json: body, text: null, blob: null };
      return Promise.resolve(fv);
    },
  };
  return { http, calls };
}

const preview = {
  kind: 'table',
  type: 'DataFrame',
  columns: ['city', 'amount'],
  dtypes: ['object', 'float64'],
  shape: [120, 2],
  rows: [],
  summary: [{ nulls: 0, unique: 3, top: [['Berlin', 40]] }, { nulls: 0, min: 0, max: 130.9, mean: 65.45 }],
};

async function open() {
  const { http, calls } = fakeWorker();
  act(() => mount.root.render(<GridPanel http={http} uuid="n1" io="out" preview={preview} nodeName="sales" />));
  act(() => $('[data-testid="full-value-button"]')?.click());
  await wait();
  return calls;
}

const firstCell = () => $('[data-testid="data-grid"] tbody td')?.textContent;

describe('GridPanel', () => {
  it('fetches only the first page and shows it with summaries', async () => {
    const calls = await open();
    expect(calls).toEqual([{ offset: 0, limit: 50 }]);
    expect($$('[data-testid="data-grid"] tbody tr')).toHaveLength(50);
    expect($('[data-testid="table-range"]')?.textContent).toBe('Rows 1–50 of 120');
    expect($('[data-testid="grid-summary"]')?.textContent).toContain('3 unique');
    expect($('[data-testid="grid-summary"]')?.textContent).toContain('mean 65.45');
    // 3 * 1.1 = 3.3000000000000003 shows as 3.3
    expect($$('[data-testid="data-grid"] tbody tr')[3]?.querySelectorAll('td')[1]?.textContent).toBe('3.3');
  });

  it('jumps to the page that holds a row', async () => {
    const calls = await open();
    const go = $<HTMLInputElement>('[data-testid="grid-goto"]')!;
    act(() => {
      Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value')!.set!.call(go, '101');
      go.dispatchEvent(new Event('input', { bubbles: true }));
    });
    act(() => go.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true })));
    await wait();
    expect(calls.at(-1)).toEqual({ offset: 100, limit: 50 });
    expect($('[data-testid="table-range"]')?.textContent).toBe('Rows 101–120 of 120');
  });

  it('sorts through the worker: ascending, descending, none', async () => {
    const calls = await open();
    const amount = () => $$('[data-testid="grid-sort"]')[1]!;
    act(() => amount().click());
    await wait();
    expect(calls.at(-1)).toEqual({ offset: 0, limit: 50, sort: 'amount' });
    expect(amount().closest('th')?.getAttribute('aria-sort')).toBe('ascending');
    act(() => amount().click());
    await wait();
    expect(calls.at(-1)).toEqual({ offset: 0, limit: 50, sort: 'amount', descending: true });
    expect(firstCell()).toBe('Rome');
    act(() => amount().click());
    await wait();
    expect(calls.at(-1)).toEqual({ offset: 0, limit: 50 });
  });

  it('filters through the worker after typing stops, from the first page', async () => {
    const calls = await open();
    act(() => $('[data-testid="table-next"]')?.click());
    await wait();
    expect(calls.at(-1)?.offset).toBe(50);
    const input = $<HTMLInputElement>('[data-testid="grid-filter-text"]')!;
    act(() => {
      const set = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value')!.set!;
      set.call(input, 'par');
      input.dispatchEvent(new Event('input', { bubbles: true }));
    });
    await wait(400);
    expect(calls.at(-1)).toEqual({ offset: 0, limit: 50, filter: [{ column: 'city', op: 'contains', value: 'par' }] });
    expect($('[data-testid="table-range"]')?.textContent).toBe('Rows 1–40 of 40 (filtered from 120)');
    expect(firstCell()).toBe('Paris');
    // the downloads carry the filter
    const csv = new URL($<HTMLAnchorElement>('[data-testid="download-csv"]')!.href);
    expect(csv.searchParams.get('format')).toBe('csv');
    expect(JSON.parse(csv.searchParams.get('filter') ?? '')).toEqual([{ column: 'city', op: 'contains', value: 'par' }]);
    expect(csv.searchParams.get('token')).toBe('t');
    expect($<HTMLAnchorElement>('[data-testid="download-parquet"]')?.getAttribute('download')).toBe('sales-out.parquet');
  });

  it('offers a min/max range for numeric columns', async () => {
    const calls = await open();
    const [min, max] = [$<HTMLInputElement>('[data-testid="grid-filter-min"]')!, $<HTMLInputElement>('[data-testid="grid-filter-max"]')!];
    const type = (el: HTMLInputElement, v: string) =>
      act(() => {
        Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value')!.set!.call(el, v);
        el.dispatchEvent(new Event('input', { bubbles: true }));
      });
    type(min, '10');
    type(max, '20');
    await wait(400);
    expect(calls.at(-1)?.filter).toEqual([{ column: 'amount', op: 'between', value: 10, value2: 20 }]);
  });

  it('treats a Series as one column named by the Series, sorted and filtered by that name', async () => {
    const calls: ValueParams[] = [];
    const real = createWorkerHttp('ws://127.0.0.1:9000/ws', 't');
    const http: WorkerHttp = {
      ...real,
      fetchValue: (_u, _io, params = {}) => {
        calls.push(params);
        const items = params.descending ? [9, 8, 7] : [1, 2, 3];
        return Promise.resolve({ contentType: 'application/json', total: 3, json: { offset: 0, limit: 50, total: 3, items }, text: null, blob: null });
      },
    };
    const series = { kind: 'table', type: 'Series', name: 'units', columns: ['units'], dtypes: ['int64'], shape: [3, 1], rows: [[1]], index: [0] };
    act(() => mount.root.render(<GridPanel http={http} uuid="n1" io="out" preview={series} nodeName="col" />));
    act(() => $('[data-testid="full-value-button"]')?.click());
    await wait();
    expect($$('[data-testid="grid-sort"]').map((b) => b.textContent)).toEqual(['units']);
    expect($('[data-testid="grid-filter-min"]')).not.toBeNull();
    act(() => $$('[data-testid="grid-sort"]')[0]!.click());
    act(() => $$('[data-testid="grid-sort"]')[0]!.click());
    await wait();
    expect(calls.at(-1)).toEqual({ offset: 0, limit: 50, sort: 'units', descending: true });
    expect(firstCell()).toBe('9');
  });
});
