import { describe, expect, it } from 'vitest';
import {
  buttonLabel,
  formatJson,
  formatNumber,
  formatText,
  nextPress,
  optionIndex,
  optionLabel,
  parseJsonText,
  previewValue,
  parseNumberText,
  shownValue,
  sliderPosition,
  sliderValue,
  stepDecimals,
} from './values';

describe('shownValue', () => {
  it('prefers the own value, then the default, else nothing', () => {
    expect(shownValue({ has_value: true, value: 3 }, { default: 1 })).toBe(3);
    expect(shownValue({ has_value: true, value: null }, { default: 1 })).toBeNull();
    expect(shownValue({ has_value: false, value: null }, { default: 1 })).toBe(1);
    expect(shownValue({ has_value: false, value: null }, {})).toBeUndefined();
  });

  it("shows the function's default from the input's preview", () => {
    const preview = { kind: 'json', type: 'float', value: 50 };
    expect(shownValue({ has_value: false, value: null, preview }, {})).toBe(50);
    expect(shownValue({ has_value: true, value: 7, preview }, {})).toBe(7);
  });
});

describe('previewValue', () => {
  it('takes whole JSON and text values only', () => {
    expect(previewValue({ kind: 'json', value: [1] })).toEqual([1]);
    expect(previewValue({ kind: 'json', value: null })).toBeNull();
    expect(previewValue({ kind: 'text', value: 'abc', truncated: false })).toBe('abc');
    expect(previewValue({ kind: 'text', value: 'ab…', truncated: true })).toBeUndefined();
    expect(previewValue({ kind: 'json', value: 'nan', repr: true })).toBeUndefined();
    expect(previewValue({ kind: 'empty' })).toBeUndefined();
    expect(previewValue({ kind: 'image', data: '' })).toBeUndefined();
    expect(previewValue(undefined)).toBeUndefined();
  });
});

describe('number fields', () => {
  const spec = { integer: true, min: 0, max: 10, nullable: false };

  it('formats finite numbers only', () => {
    expect(formatNumber(2.5)).toBe('2.5');
    expect(formatNumber(null)).toBe('');
    expect(formatNumber('3')).toBe('');
    expect(formatNumber(Number.NaN)).toBe('');
  });

  it('accepts numbers within the bounds', () => {
    expect(parseNumberText('7', spec)).toEqual({ ok: true, value: 7 });
    expect(parseNumberText(' 0 ', spec)).toEqual({ ok: true, value: 0 });
    expect(parseNumberText('1e1', spec)).toEqual({ ok: true, value: 10 });
  });

  it('refuses out of range, fractions for integers, and garbage', () => {
    expect(parseNumberText('11', spec)).toMatchObject({ ok: false, error: 'at most 10' });
    expect(parseNumberText('-1', spec)).toMatchObject({ ok: false, error: 'at least 0' });
    expect(parseNumberText('2.5', spec)).toMatchObject({ ok: false });
    expect(parseNumberText('abc', spec)).toMatchObject({ ok: false });
    expect(parseNumberText('2.5', { nullable: false })).toEqual({ ok: true, value: 2.5 });
  });

  it('treats empty as null only when nullable', () => {
    expect(parseNumberText('', spec)).toMatchObject({ ok: false });
    expect(parseNumberText('  ', { ...spec, nullable: true })).toEqual({ ok: true, value: null });
  });
});

describe('sliders', () => {
  it('counts the decimals of a step', () => {
    expect(stepDecimals(1)).toBe(0);
    expect(stepDecimals(0.05)).toBe(2);
    expect(stepDecimals(1e-7)).toBe(7);
    expect(stepDecimals(-0.5)).toBe(1);
    expect(stepDecimals(undefined)).toBe(0);
  });

  it('sends integers as integers', () => {
    const v = sliderValue('4', { integer: true, min: 0, max: 10, step: 1 });
    expect(v).toBe(4);
    expect(Number.isInteger(v)).toBe(true);
    expect(sliderValue('4.6', { integer: true, min: 0, max: 10, step: 1 })).toBe(5);
  });

  it('snaps to the step from min without float noise, clamped', () => {
    const spec = { min: 0, max: 1, step: 0.1 };
    expect(sliderValue('0.30000000000000004', spec)).toBe(0.3);
    expect(sliderValue('0.74', spec)).toBe(0.7);
    expect(sliderValue('2', spec)).toBe(1);
    expect(sliderValue('-3', spec)).toBe(0);
    expect(sliderValue('0.35', { min: 0.05, max: 1, step: 0.1 })).toBe(0.35);
    expect(sliderValue('x', spec)).toBeNull();
  });

  it('places the thumb at the value, clamped; at min when there is none', () => {
    expect(sliderPosition(5, { min: 0, max: 10 })).toBe(5);
    expect(sliderPosition(50, { min: 0, max: 10 })).toBe(10);
    expect(sliderPosition(null, { min: 2, max: 10 })).toBe(2);
  });
});

describe('JSON editor', () => {
  it('formats values with two-space indent', () => {
    expect(formatJson({ a: [1, 2] })).toBe('{\n  "a": [\n    1,\n    2\n  ]\n}');
    expect(formatJson(null)).toBe('null');
    expect(formatJson(undefined)).toBe('');
  });

  it('parses JSON or says why not', () => {
    expect(parseJsonText('[1, 2]', false)).toEqual({ ok: true, value: [1, 2] });
    expect(parseJsonText('{"a": ', false)).toMatchObject({ ok: false });
    expect(parseJsonText('', false)).toMatchObject({ ok: false });
    expect(parseJsonText(' ', true)).toEqual({ ok: true, value: null });
  });
});

describe('select and text', () => {
  it('finds non-string options by value', () => {
    const options = [1, 2, 'two', true, null];
    expect(optionIndex(options, 2)).toBe(1);
    expect(optionIndex(options, '2')).toBe(-1);
    expect(optionIndex(options, true)).toBe(3);
    expect(optionIndex(options, null)).toBe(4);
    expect(optionIndex(options, undefined)).toBe(-1);
  });

  it('labels options', () => {
    expect(optionLabel('a')).toBe('a');
    expect(optionLabel(3)).toBe('3');
    expect(optionLabel(false)).toBe('false');
    expect(optionLabel(null)).toBe('None');
  });

  it('shows text values', () => {
    expect(formatText('hi')).toBe('hi');
    expect(formatText(null)).toBe('');
    expect(formatText(4)).toBe('4');
    expect(formatText(['a'])).toBe('["a"]');
  });
});

describe('button inputs', () => {
  it('sends one more press than the count so far, and than a press still unanswered', () => {
    expect(nextPress(0)).toBe(1);
    expect(nextPress(4)).toBe(5);
    expect(nextPress(undefined)).toBe(1);
    expect(nextPress(null)).toBe(1);
    expect(nextPress(-3)).toBe(1);
    expect(nextPress(2, 3)).toBe(4);
    expect(nextPress(5, 3)).toBe(6);
  });

  it('labels the button with the input name in words', () => {
    expect(buttonLabel('refresh')).toBe('Refresh');
    expect(buttonLabel('reload_now')).toBe('Reload now');
    expect(buttonLabel('_')).toBe('Run again');
  });
});
