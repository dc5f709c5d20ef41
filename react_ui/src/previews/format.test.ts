import { describe, expect, it } from 'vitest';
import { cellText, ellipsis, formatBytes, formatCount, formatNumber, formatShape, isFloatType, isNumericDtype, shortJson } from './format';

describe('formatNumber', () => {
  it('prints ints and floats exactly, without rounding', () => {
    expect(formatNumber(10)).toBe('10');
    expect(formatNumber(3.5)).toBe('3.5');
    expect(formatNumber(0.1)).toBe('0.1');
    expect(formatNumber(9007199254740991)).toBe('9007199254740991');
    expect(formatNumber(-42)).toBe('-42');
    expect(formatNumber(1 / 3)).toBe('0.3333333333333333');
  });

  it('follows Python float repr when the value is a float', () => {
    expect(formatNumber(3, true)).toBe('3.0');
    expect(formatNumber(3.5, true)).toBe('3.5');
    expect(formatNumber(0, true)).toBe('0.0');
    expect(formatNumber(-0, true)).toBe('-0.0');
    expect(formatNumber(1e16, true)).toBe('1e+16');
    expect(formatNumber(1.5e16, true)).toBe('1.5e+16');
    expect(formatNumber(9999999999999998, true)).toBe('9999999999999998.0');
    expect(formatNumber(0.0001, true)).toBe('0.0001');
    expect(formatNumber(0.00001, true)).toBe('1e-05');
    expect(formatNumber(1.2345e-7, true)).toBe('1.2345e-07');
    expect(formatNumber(1e300, true)).toBe('1e+300');
  });

  it('names non-finite numbers like Python', () => {
    expect(formatNumber(Number.NaN)).toBe('nan');
    expect(formatNumber(Infinity)).toBe('inf');
    expect(formatNumber(-Infinity, true)).toBe('-inf');
  });
});

describe('small formatters', () => {
  it('groups counts', () => {
    expect(formatCount(1000)).toBe('1,000');
    expect(formatCount(7)).toBe('7');
  });

  it('recognises float type names', () => {
    expect(isFloatType('float')).toBe(true);
    expect(isFloatType('float64')).toBe(true);
    expect(isFloatType('Float32')).toBe(true);
    expect(isFloatType('int64')).toBe(false);
    expect(isFloatType(undefined)).toBe(false);
  });

  it('sizes bytes', () => {
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(1536)).toBe('1.5 KB');
    expect(formatBytes(1024 * 1024)).toBe('1 MB');
    expect(formatBytes(200 * 1024 * 1024)).toBe('200 MB');
  });

  it('prints shapes as tuples', () => {
    expect(formatShape([3, 4])).toBe('(3, 4)');
    expect(formatShape([5])).toBe('(5,)');
    expect(formatShape([])).toBe('()');
    expect(formatShape('x')).toBe('');
  });

  it('cuts with an ellipsis', () => {
    expect(ellipsis('abcdef', 4)).toBe('abc…');
    expect(ellipsis('abc', 4)).toBe('abc');
  });

  it('renders cells Python-style', () => {
    expect(cellText(null)).toBe('None');
    expect(cellText(true)).toBe('True');
    expect(cellText('x')).toBe('x');
    expect(cellText(2, true)).toBe('2.0');
    expect(cellText([1, 2])).toBe('[1, 2]');
  });
});

describe('shortJson', () => {
  it('renders small values whole', () => {
    expect(shortJson([1, 'a', null, true])).toBe('[1, "a", null, true]');
    expect(shortJson({ a: 1, 'b c': [2] })).toBe('{a: 1, "b c": [2]}');
    expect(shortJson({})).toBe('{}');
  });

  it('cuts at the limit with an ellipsis', () => {
    const text = shortJson(Array.from({ length: 1000 }, (_, i) => i), 20);
    expect(text.length).toBeLessThanOrEqual(20);
    expect(text.endsWith('…')).toBe(true);
    expect(text.startsWith('[0, 1, 2')).toBe(true);
  });
});

describe('isNumericDtype', () => {
  it('knows numeric dtypes', () => {
    expect(['int64', 'uint8', 'Int32', 'float32', 'complex128'].every(isNumericDtype)).toBe(true);
    expect(['object', 'bool', 'datetime64[ns]', 'category'].some(isNumericDtype)).toBe(false);
    expect(isNumericDtype(null)).toBe(false);
  });
});
