import { describe, expect, it } from 'vitest';
import { HttpError, type FullValue } from '../hooks/workerHttp';
import {
  clampOffset,
  downloadName,
  fetchErrorText,
  interpretFull,
  isAbort,
  isPagingRefused,
  pageHint,
  wantsPaging,
} from './fullValue';

const fv = (over: Partial<FullValue>): FullValue => ({
  contentType: 'application/json',
  total: null,
  json: null,
  text: null,
  blob: null,
  ...over,
});

describe('wantsPaging', () => {
  it('pages tables, arrays and lists longer than their preview', () => {
    expect(wantsPaging({ kind: 'table' })).toBe(true);
    expect(wantsPaging({ kind: 'array' })).toBe(true);
    expect(wantsPaging({ kind: 'image', shape: [10, 10, 3] })).toBe(true);
    expect(wantsPaging({ kind: 'json', value: [1, 2], length: 1000 })).toBe(true);
  });

  it('fetches other values whole', () => {
    expect(wantsPaging({ kind: 'json', value: [1, 2], length: 2 })).toBe(false);
    expect(wantsPaging({ kind: 'json', value: { a: 1 }, length: 100 })).toBe(false);
    expect(wantsPaging({ kind: 'image', mime: 'image/png' })).toBe(false);
    expect(wantsPaging({ kind: 'text', length: 1e6 })).toBe(false);
    expect(wantsPaging(undefined)).toBe(false);
  });
});

describe('pageHint', () => {
  it('takes dtypes and a Series name from a table preview', () => {
    expect(pageHint({ kind: 'table', columns: ['a'], dtypes: ['float64'] })).toEqual({ dtypes: { a: 'float64' } });
    expect(pageHint({ kind: 'table', columns: ['p'], dtypes: ['int64'], name: 'p', shape: [3, 1] })).toEqual({
      dtypes: { p: 'int64' },
      valueLabel: 'p',
      dtype: 'int64',
    });
    expect(pageHint({ kind: 'array', dtype: 'uint8' })).toEqual({ dtype: 'uint8' });
    expect(pageHint({ kind: 'json' })).toEqual({});
  });
});

describe('interpretFull', () => {
  it('shows pages as tables, totals from the body or the header', () => {
    const list = interpretFull(fv({ json: { offset: 50, limit: 50, total: 1000, items: [1, 2] }, total: 1000 }));
    expect(list).toMatchObject({ kind: 'table', offset: 50, total: 1000 });
    const frame = interpretFull(fv({ json: { columns: ['a'], index: [0], rows: [[1]] }, total: 7 }));
    expect(frame).toMatchObject({ kind: 'table', offset: 0, total: 7 });
  });

  it('shows other JSON as a tree, text as text', () => {
    expect(interpretFull(fv({ json: { a: 1 } }))).toEqual({ kind: 'json', value: { a: 1 } });
    expect(interpretFull(fv({ json: [1, 2, 3], total: 3 }))).toEqual({ kind: 'json', value: [1, 2, 3] });
    expect(interpretFull(fv({ contentType: 'text/plain; charset=utf-8', text: 'hi' }))).toEqual({ kind: 'text', text: 'hi' });
  });

  it('shows images as images and other bytes as a download', () => {
    const blob = new Blob([new Uint8Array(10)]);
    expect(interpretFull(fv({ contentType: 'image/png', blob }))).toEqual({ kind: 'image', blob, mime: 'image/png' });
    expect(interpretFull(fv({ contentType: 'application/pdf', blob }))).toEqual({ kind: 'binary', size: 10, mime: 'application/pdf' });
  });
});

describe('errors and offsets', () => {
  it('knows when the worker refuses paging', () => {
    expect(isPagingRefused(new HttpError(400, 'invalid_value', 'cannot page'))).toBe(true);
    expect(isPagingRefused(new HttpError(404, 'not_found', 'no value'))).toBe(false);
    expect(isPagingRefused(new Error('x'))).toBe(false);
  });

  it('describes errors as "message (code)"', () => {
    expect(fetchErrorText(new HttpError(404, 'not_found', "output 'out' has no value"))).toBe("output 'out' has no value (not_found)");
    expect(fetchErrorText(new Error('offline'))).toBe('offline');
  });

  it('recognises aborts', () => {
    expect(isAbort(new DOMException('stop', 'AbortError'))).toBe(true);
    expect(isAbort(new Error('x'))).toBe(false);
  });

  it('moves past-the-end offsets to the last page', () => {
    expect(clampOffset(100, 1000)).toBe(100);
    expect(clampOffset(100, 60)).toBe(50);
    expect(clampOffset(100, 100)).toBe(50);
    expect(clampOffset(50, 0)).toBe(0);
    expect(clampOffset(50, null)).toBe(50);
  });

  it('names downloads', () => {
    expect(downloadName('Load image', 'out', 'image/png')).toBe('Load_image-out.png');
    expect(downloadName('x', 'data', 'application/octet-stream')).toBe('x-data.bin');
  });
});
