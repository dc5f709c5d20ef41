// Column summaries of a table preview (`summary`, aligned with `columns`): nulls and
// min/max/mean for numbers and dates, unique count and top values for the rest.
import { labelText } from '../previews/table';
import { formatGridNumber } from './numbers';

// `sample`: on long tables the worker computes all but the null counts from an evenly spread
// sample of this many rows (null otherwise: exact).
export type ColumnSummary =
  | { kind: 'range'; nulls: number; min: unknown; max: unknown; mean: number | null; sample: number | null }
  | { kind: 'top'; nulls: number; unique: number | null; top: Array<[string, number]>; sample: number | null };

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const count = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : 0);

export function parseSummary(raw: unknown): ColumnSummary | null {
  if (!isRecord(raw)) return null;
  const nulls = count(raw.nulls);
  const sample = typeof raw.sample === 'number' && raw.sample > 0 ? raw.sample : null;
  if ('min' in raw || 'max' in raw || 'mean' in raw) {
    const mean = typeof raw.mean === 'number' ? raw.mean : null;
    return { kind: 'range', nulls, min: raw.min ?? null, max: raw.max ?? null, mean, sample };
  }
  if ('top' in raw || 'unique' in raw) {
    const top: Array<[string, number]> = [];
    if (Array.isArray(raw.top)) {
      for (const entry of raw.top) {
        if (Array.isArray(entry) && entry.length >= 2) top.push([labelText(entry[0]), count(entry[1])]);
      }
    }
    return { kind: 'top', nulls, unique: typeof raw.unique === 'number' ? raw.unique : null, top, sample };
  }
  return null;
}

/** Summaries by column label, from a table preview. */
export function previewSummaries(preview: Record<string, unknown> | undefined): Record<string, ColumnSummary> {
  const out: Record<string, ColumnSummary> = {};
  if (!preview || !Array.isArray(preview.summary)) return out;
  const names = Array.isArray(preview.columns) ? preview.columns : [];
  const series = 'name' in preview;
  preview.summary.forEach((raw, i) => {
    const s = parseSummary(raw);
    if (!s) return;
    const label = series ? (typeof preview.name === 'string' && preview.name !== '' ? preview.name : 'value') : labelText(names[i]);
    out[label] = s;
  });
  return out;
}

const value = (v: unknown): string => (typeof v === 'number' ? formatGridNumber(v) : v === null || v === undefined ? '–' : String(v));

/** The lines a column's summary shows under its header. */
export function summaryLines(s: ColumnSummary): string[] {
  const lines: string[] = [];
  if (s.kind === 'range') {
    lines.push(`${value(s.min)} … ${value(s.max)}`);
    // a mean is an estimate: five significant digits say enough
    if (s.mean !== null) lines.push(`mean ${formatGridNumber(Number.isFinite(s.mean) ? Number(s.mean.toPrecision(5)) : s.mean, true)}`);
  } else {
    if (s.unique !== null) lines.push(`${formatGridNumber(s.unique)} unique`);
    if (s.top.length > 0) lines.push(s.top.map(([t, n]) => `${t} (${formatGridNumber(n)})`).join(', '));
  }
  // "≈": read from a sample of the rows (the null count below stays exact)
  if (s.sample !== null && lines.length > 0) lines[0] = `≈ ${lines[0]}`;
  if (s.nulls > 0) lines.push(`${formatGridNumber(s.nulls)} null`);
  return lines;
}

/** The tooltip of a column's summary: its lines, and where a sample stands in for the rows. */
export function summaryTitle(s: ColumnSummary): string {
  const lines = summaryLines(s);
  if (s.sample !== null) lines.push(`≈ from an evenly spread sample of ${formatGridNumber(s.sample)} rows; null counts are exact`);
  return lines.join('\n');
}
