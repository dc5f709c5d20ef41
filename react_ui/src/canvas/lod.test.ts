import { describe, expect, it } from 'vitest';
import { inputLine, LINE_CHARS, previewLine } from './lod';

describe('previewLine', () => {
  it('shows short values as they are', () => {
    expect(previewLine({ kind: 'json', type: 'int', value: 42 })).toBe('42');
    expect(previewLine({ kind: 'json', type: 'bool', value: true })).toBe('True');
    expect(previewLine({ kind: 'json', type: 'NoneType', value: null })).toBe('None');
    expect(previewLine({ kind: 'empty', type: 'NoneType' })).toBe('—');
  });

  it('cuts long values to one line with an ellipsis', () => {
    const line = previewLine({ kind: 'text', type: 'str', value: `${'x'.repeat(100)}\nsecond line`, length: 112 });
    expect(line).toHaveLength(LINE_CHARS);
    expect(line.endsWith('…')).toBe(true);
    expect(previewLine({ kind: 'text', type: 'str', value: 'first\nsecond', length: 12 })).toBe('first');
    expect(previewLine({ kind: 'json', type: 'list', value: [1, 2, 3], length: 3 })).toBe('[1, 2, 3]');
    expect(previewLine({ kind: 'json', type: 'list', value: Array.from({ length: 50 }, (_, i) => i), length: 50 }).length).toBeLessThanOrEqual(LINE_CHARS);
  });

  it('names what big values are', () => {
    expect(previewLine({ kind: 'table', type: 'DataFrame', shape: [100, 3] })).toBe('DataFrame 100 × 3');
    expect(previewLine({ kind: 'bytes', type: 'bytes', length: 2048 })).toMatch(/^bytes · 2/);
    expect(previewLine({ kind: 'error', type: 'ValueError', value: 'bad' })).toBe('ValueError: bad');
    expect(previewLine('garbage')).toBe('?');
  });
});

describe('inputLine', () => {
  const base: Parameters<typeof inputLine>[0] = { connected: false, has_value: false, value: null, preview: { kind: 'json', type: 'int', value: 3 } };

  it('shows what drives a connected input', () => {
    expect(inputLine({ ...base, connected: true }, { kind: 'json', type: 'int', value: 7 })).toBe('← 7');
    expect(inputLine({ ...base, connected: true })).toBe('← 3');
  });

  it('shows the own value before the default', () => {
    expect(inputLine({ ...base, has_value: true, value: 'abc' })).toBe('abc');
    expect(inputLine(base)).toBe('3');
  });
});
