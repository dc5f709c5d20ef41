import { describe, expect, it } from 'vitest';
import { arrayHeadLine, containerLabel, isTruncated, normalizePreview, previewSummary } from './model';

describe('normalizePreview', () => {
  it('reads scalars, formatting floats by their type', () => {
    expect(normalizePreview({ kind: 'json', type: 'int', value: 10 })).toMatchObject({ kind: 'scalar', text: '10', tone: 'number' });
    expect(normalizePreview({ kind: 'json', type: 'float', value: 3.5 })).toMatchObject({ text: '3.5' });
    expect(normalizePreview({ kind: 'json', type: 'float', value: 2 })).toMatchObject({ text: '2.0' });
    expect(normalizePreview({ kind: 'json', type: 'NoneType', value: null })).toMatchObject({ text: 'None', tone: 'null' });
    expect(normalizePreview({ kind: 'json', type: 'bool', value: true })).toMatchObject({ text: 'True', tone: 'boolean' });
  });

  it('keeps numbers JSON cannot hold as their text', () => {
    const m = normalizePreview({ kind: 'json', type: 'int', repr: true, value: '123456789012345678901234567890', length: 30, truncated: false });
    expect(m).toMatchObject({ kind: 'scalar', tone: 'repr', text: '123456789012345678901234567890' });
    const cut = normalizePreview({ kind: 'json', type: 'int', repr: true, value: '1234', length: 5000, truncated: true });
    expect(cut).toMatchObject({ text: '1234…' });
    expect(isTruncated(cut)).toBe(true);
  });

  it('reads containers with their full length', () => {
    const m = normalizePreview({ kind: 'json', type: 'list', value: [1, 2, 3], length: 12, truncated: true });
    expect(m).toMatchObject({ kind: 'container', length: 12, truncated: true });
    expect(previewSummary(m)).toBe('list[12]');
    expect(previewSummary(normalizePreview({ kind: 'json', type: 'dict', value: { a: 1, b: 2, c: 3 } }))).toBe('dict{3}');
  });

  it('reads text, bytes, error and repr previews', () => {
    const t = normalizePreview({ kind: 'text', type: 'str', value: 'hello', length: 1234, truncated: true });
    expect(t).toMatchObject({ kind: 'text', value: 'hello', length: 1234, truncated: true });
    expect(previewSummary(t)).toBe('str · 1,234 chars');
    const b = normalizePreview({ kind: 'bytes', type: 'bytes', length: 2048, mime: 'application/pdf', head: '2550' });
    expect(previewSummary(b)).toBe('bytes · 2 KB · application/pdf');
    expect(normalizePreview({ kind: 'error', type: 'ValueError', value: 'bad' })).toMatchObject({ kind: 'error', message: 'bad' });
    expect(normalizePreview({ kind: 'repr', type: 'Foo', value: '<Foo>' })).toMatchObject({ kind: 'repr', value: '<Foo>', truncated: false });
  });

  it('builds a data URL for images and refuses other MIME types', () => {
    const m = normalizePreview({ kind: 'image', type: 'Image', mime: 'image/png', data: 'AAAA', width: 640, height: 480 });
    expect(m).toMatchObject({ kind: 'image', src: 'data:image/png;base64,AAAA', width: 640, height: 480 });
    expect(previewSummary(m)).toBe('PNG 640×480');
    expect(normalizePreview({ kind: 'image', type: 'x', mime: 'text/html', data: 'AAAA' }).kind).toBe('unknown');
  });

  it('summarises arrays and tables', () => {
    expect(previewSummary(normalizePreview({ kind: 'array', type: 'ndarray', shape: [3, 4], dtype: 'float64', head: [] }))).toBe('float64 (3, 4)');
    expect(previewSummary(normalizePreview({ kind: 'table', type: 'DataFrame', shape: [1000, 3] }))).toBe('DataFrame 1,000 × 3');
    expect(previewSummary(normalizePreview({ kind: 'table', type: 'Series', shape: [5, 1], name: null }))).toBe('Series[5]');
  });

  it('treats anything unexpected as unknown', () => {
    expect(normalizePreview(null).kind).toBe('unknown');
    expect(normalizePreview([1]).kind).toBe('unknown');
    expect(normalizePreview({ kind: 'hologram', type: 'X' })).toMatchObject({ kind: 'unknown', type: 'X' });
    expect(normalizePreview({ kind: 'empty', type: 'NoValue' }).kind).toBe('empty');
  });
});

describe('labels', () => {
  it('labels containers', () => {
    expect(containerLabel('list', [], 12)).toBe('list[12]');
    expect(containerLabel('dict', {}, 3)).toBe('dict{3}');
    expect(containerLabel('set', [], null)).toBe('set[?]');
  });

  it('lists the first values of an array head', () => {
    expect(arrayHeadLine([[1, 2], [3, 4]], 'float64')).toBe('1.0, 2.0, 3.0, 4.0');
    expect(arrayHeadLine([1, 2, 3], 'int64')).toBe('1, 2, 3');
    const long = arrayHeadLine(Array.from({ length: 100 }, (_, i) => i), 'int64', 20);
    expect(long.endsWith('…')).toBe(true);
  });
});
