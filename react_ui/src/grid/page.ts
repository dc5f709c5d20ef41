// One page of a DataFrame or Series as the grid gets it from the worker:
// `{offset, limit, total, unfiltered, columns, dtypes, index, rows}` (or `items` for a Series).
import { labelText } from '../previews/table';
import { columnKind, type ColumnKind } from './query';

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const count = (v: unknown): number | null => (typeof v === 'number' && Number.isInteger(v) && v >= 0 ? v : null);

/** dtypes by column label from a page body: a list aligned with `columns`, or a mapping. */
export function bodyDtypes(body: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (!isRecord(body)) return out;
  const { dtypes, columns } = body;
  if (Array.isArray(dtypes) && Array.isArray(columns)) {
    columns.forEach((c, i) => {
      const d = dtypes[i];
      if (typeof d === 'string') out[labelText(c)] = d;
    });
  } else if (isRecord(dtypes)) {
    for (const [k, d] of Object.entries(dtypes)) if (typeof d === 'string') out[k] = d;
  }
  return out;
}

/** Rows after filtering (`total`) and before (`unfiltered`), as far as the body says. */
export function pageTotals(body: unknown, header: number | null): { total: number | null; unfiltered: number | null } {
  const b = isRecord(body) ? body : {};
  const total = count(b.total) ?? header;
  return { total, unfiltered: count(b.unfiltered) ?? total };
}

/** Filter kinds by column label, from dtypes (the page's first, then the preview's). */
export function columnKinds(labels: readonly string[], ...dtypes: ReadonlyArray<Readonly<Record<string, string>>>): Record<string, ColumnKind> {
  const out: Record<string, ColumnKind> = {};
  for (const label of labels) {
    const dtype = dtypes.map((d) => d[label]).find((d) => d !== undefined);
    out[label] = columnKind(dtype);
  }
  return out;
}

/** "Rows 1–50 of 1,204 (filtered from 10,000)". */
export function rangeText(offset: number, shown: number, total: number | null, unfiltered: number | null): string {
  const fmt = (n: number) => new Intl.NumberFormat('en-US').format(n);
  if (total === 0) return unfiltered ? `No rows match (of ${fmt(unfiltered)})` : 'No rows';
  const range = shown > 0 ? `${fmt(offset + 1)}–${fmt(offset + shown)}` : `${fmt(offset)}`;
  const of = total === null ? '' : ` of ${fmt(total)}`;
  const filtered = total !== null && unfiltered !== null && unfiltered !== total ? ` (filtered from ${fmt(unfiltered)})` : '';
  return `Rows ${range}${of}${filtered}`;
}

/** Offset of the last page of `total` rows. */
export function lastOffset(total: number, limit: number): number {
  return total <= 0 ? 0 : Math.floor((total - 1) / limit) * limit;
}

/** The page offset holding row `row` (counting from 1), within `total` rows when known. */
export function offsetForRow(row: number, limit: number, total: number | null): number {
  if (!Number.isFinite(row) || row < 1) return 0;
  const last = total === null ? Infinity : lastOffset(total, limit);
  return Math.min(last, Math.floor((Math.floor(row) - 1) / limit) * limit);
}
