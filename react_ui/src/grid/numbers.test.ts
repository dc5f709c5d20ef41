import { describe, expect, it } from 'vitest';
import { formatGridNumber, gridCellText } from './numbers';
import { parseSummary, previewSummaries, summaryLines, summaryTitle } from './summary';
import { offsetForRow, rangeText } from './page';

describe('grid numbers', () => {
  it('rounds float noise away', () => {
    expect(formatGridNumber(434.40000000000003)).toBe('434.4');
    expect(formatGridNumber(0.1 + 0.2)).toBe('0.3');
    expect(formatGridNumber(2.5, true)).toBe('2.5');
  });

  it('keeps ints as ints, grouping big ones', () => {
    expect(formatGridNumber(2024)).toBe('2024');
    expect(formatGridNumber(1234567)).toBe('1,234,567');
    expect(formatGridNumber(-98765)).toBe('-98,765');
    expect(formatGridNumber(3, true)).toBe('3.0');
  });

  it('groups big floats and writes tiny and huge ones with an exponent', () => {
    expect(formatGridNumber(1234567.891)).toBe('1,234,567.891');
    expect(formatGridNumber(12345.000000001)).toBe('12,345');
    expect(formatGridNumber(0.0000015)).toBe('1.5e-6');
    expect(formatGridNumber(3.2e18, true)).toBe('3.2e18');
    expect(formatGridNumber(0, true)).toBe('0.0');
    expect(formatGridNumber(Number.NaN)).toBe('NaN');
  });

  it('shows other cells as text', () => {
    expect(gridCellText(true)).toBe('True');
    expect(gridCellText('abc')).toBe('abc');
    expect(gridCellText([1, 2])).toBe('[1,2]');
  });
});

describe('grid summaries and ranges', () => {
  it('reads numeric and text summaries aligned with the columns', () => {
    const s = previewSummaries({
      kind: 'table',
      columns: ['amount', 'city', 'x'],
      summary: [{ nulls: 2, min: 1, max: 1234567, mean: 434.40000000000003 }, { nulls: 0, unique: 3, top: [['Berlin', 5], ['Paris', 2]] }, null],
    });
    expect(Object.keys(s)).toEqual(['amount', 'city']);
    expect(summaryLines(s.amount!)).toEqual(['1 … 1,234,567', 'mean 434.4', '2 null']);
    expect(summaryLines(s.city!)).toEqual(['3 unique', 'Berlin (5), Paris (2)']);
    expect(parseSummary('x')).toBeNull();
    expect(summaryLines({ kind: 'range', nulls: 0, min: 1.5, max: 98.9, mean: 36.013333333333335, sample: null })).toEqual(['1.5 … 98.9', 'mean 36.013']);
  });

  it('marks summaries read from a sample of a long table, null counts exact', () => {
    const s = previewSummaries({
      kind: 'table',
      columns: ['x', 'city'],
      summary: [{ nulls: 20, min: 1, max: 9, mean: 5, sample: 10000 }, { nulls: 0, unique: 7, top: [['Oslo', 3]], sample: 10000 }],
    });
    expect(summaryLines(s.x!)).toEqual(['≈ 1 … 9', 'mean 5.0', '20 null']);
    expect(summaryLines(s.city!)).toEqual(['≈ 7 unique', 'Oslo (3)']);
    expect(summaryTitle(s.x!)).toContain('sample of 10,000 rows; null counts are exact');
    expect(summaryTitle(previewSummaries({ kind: 'table', columns: ['a'], summary: [{ nulls: 0, unique: 1, top: [] }] }).a!)).not.toContain('sample');
  });

  it('says which rows are shown and how many match', () => {
    expect(rangeText(0, 50, 1204, 10000)).toBe('Rows 1–50 of 1,204 (filtered from 10,000)');
    expect(rangeText(50, 50, 1000, 1000)).toBe('Rows 51–100 of 1,000');
    expect(rangeText(0, 0, 0, 10)).toBe('No rows match (of 10)');
  });
});

describe('going to a row', () => {
  it('finds the page that holds it, never past the last one', () => {
    expect(offsetForRow(1, 50, 1000)).toBe(0);
    expect(offsetForRow(51, 50, 1000)).toBe(50);
    expect(offsetForRow(1_234_567, 50, 2_000_000)).toBe(1_234_550);
    expect(offsetForRow(5000, 50, 1000)).toBe(950);
    expect(offsetForRow(0, 50, 1000)).toBe(0);
  });
});
