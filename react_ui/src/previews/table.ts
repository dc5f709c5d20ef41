// One table model for everything shown as rows and columns: table previews (DataFrame/Series),
// array heads, and pages of full values (lists, arrays, Series, DataFrames) fetched from a
// worker. Normalising is defensive: any field may be missing or of the wrong shape.
import { cellText, formatCount, isFloatType } from './format';

export interface TableColumn {
  label: string;
  /** pandas/numpy dtype, when known. */
  dtype: string | null;
}

export interface TableModel {
  columns: TableColumn[];
  /** Row labels; null means positions (`offset`, `offset + 1`, …). */
  index: unknown[] | null;
  rows: unknown[][];
  /** Position of the first row in the whole value. */
  offset: number;
  /** Rows and columns of the whole value, when known. */
  totalRows: number | null;
  totalCols: number | null;
}

/** Most columns a table renders; the rest is summarised. */
export const MAX_COLUMNS = 50;

const asArray = (v: unknown): unknown[] | null => (Array.isArray(v) ? v : null);
const asCount = (v: unknown): number | null =>
  typeof v === 'number' && Number.isInteger(v) && v >= 0 ? v : null;

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The label of a column or index entry (tuples of a MultiIndex read "a / b"). */
export function labelText(v: unknown): string {
  if (Array.isArray(v)) return v.map((x) => cellText(x)).join(' / ');
  return cellText(v);
}

/** A table cell: floats of float columns keep their ".0". */
export function cellFor(table: TableModel, row: unknown[], col: number): string {
  return cellText(row[col], isFloatType(table.columns[col]?.dtype));
}

/** The label of row `i` of the table (its index entry, else its position). */
export function rowLabel(table: TableModel, i: number): string {
  if (table.index && i < table.index.length) return labelText(table.index[i]);
  return String(table.offset + i);
}

/** A `table` preview (DataFrame or Series). */
export function tableFromPreview(preview: Record<string, unknown>): TableModel {
  const shape = asArray(preview.shape);
  const totalRows = asCount(shape?.[0]);
  const totalCols = asCount(shape?.[1]);
  const names = asArray(preview.columns) ?? [];
  const dtypes = asArray(preview.dtypes) ?? [];
  const series = 'name' in preview && totalCols === 1;
  const rows = (asArray(preview.rows) ?? []).map((r) => asArray(r) ?? [r]);
  const width = Math.max(names.length, ...rows.map((r) => r.length), 0);
  const columns: TableColumn[] = [];
  for (let c = 0; c < Math.min(width, MAX_COLUMNS); c++) {
    const name = names[c];
    // a Series' one column is named by `name` (its `columns` entry is the text "None" when unnamed)
    const label = series
      ? typeof preview.name === 'string' && preview.name !== ''
        ? preview.name
        : 'value'
      : name === undefined
        ? String(c)
        : labelText(name);
    const dtype = dtypes[c];
    columns.push({ label, dtype: typeof dtype === 'string' ? dtype : null });
  }
  return { columns, index: asArray(preview.index), rows, offset: 0, totalRows, totalCols };
}

/** The leading corner of an array (`head` nested lists) as rows: 1-D is one column. */
export function tableFromArrayHead(head: unknown, shape: unknown, dtype: unknown): TableModel {
  const dims = (asArray(shape) ?? []).map(asCount);
  const dt = typeof dtype === 'string' ? dtype : null;
  const list = asArray(head);
  if (list === null) {
    // a 0-d array: one cell
    return { columns: [{ label: 'value', dtype: dt }], index: null, rows: [[head]], offset: 0, totalRows: 1, totalCols: 1 };
  }
  const totalRows = dims[0] ?? null;
  if (dims.length <= 1) {
    return { columns: [{ label: 'value', dtype: dt }], index: null, rows: list.map((v) => [v]), offset: 0, totalRows, totalCols: 1 };
  }
  const rows = list.map((r) => asArray(r) ?? [r]);
  const width = Math.min(MAX_COLUMNS, Math.max(0, ...rows.map((r) => r.length)));
  const columns = Array.from({ length: width }, (_, c) => ({ label: String(c), dtype: dt }));
  return { columns, index: null, rows, offset: 0, totalRows, totalCols: dims[1] ?? null };
}

export interface PageHint {
  /** Column name for a list of scalars (a Series' name). */
  valueLabel?: string;
  /** dtypes by column label (from the preview), for cell formatting. */
  dtypes?: Readonly<Record<string, string>>;
  /** dtype of every cell (an array's). */
  dtype?: string | null;
}

/** dtypes by column label of a table preview, to format the cells of its pages. */
export function previewDtypes(preview: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  const names = asArray(preview.columns) ?? [];
  const dtypes = asArray(preview.dtypes) ?? [];
  names.forEach((n, i) => {
    const d = dtypes[i];
    if (typeof d === 'string') out[labelText(n)] = d;
  });
  return out;
}

/** Whether a full value's JSON is a page (or a whole DataFrame): rows to show as a table. */
export function isPageBody(body: unknown): body is Record<string, unknown> {
  if (!isRecord(body)) return false;
  return Array.isArray(body.items) || (Array.isArray(body.rows) && Array.isArray(body.columns));
}

/**
 * A page of a full value as a table: `{offset, limit, total, items}` (lists, arrays, Series) or
 * `{offset?, limit?, total, columns, index, rows}` (DataFrames). Items that are all objects
 * become columns by key, items that are all lists become numbered columns, else one column.
 */
export function tableFromPage(body: unknown, hint: PageHint = {}, totalHeader: number | null = null): TableModel {
  const b = isRecord(body) ? body : {};
  const offset = asCount(b.offset) ?? 0;
  const totalRows = asCount(b.total) ?? totalHeader;
  const dtypeOf = (label: string) => hint.dtypes?.[label] ?? hint.dtype ?? null;

  if (Array.isArray(b.rows)) {
    const names = asArray(b.columns) ?? [];
    const rows = b.rows.map((r) => asArray(r) ?? [r]);
    const width = Math.max(names.length, 0, ...rows.map((r) => r.length));
    const columns: TableColumn[] = [];
    for (let c = 0; c < Math.min(width, MAX_COLUMNS); c++) {
      const label = c < names.length ? labelText(names[c]) : String(c);
      columns.push({ label, dtype: dtypeOf(label) });
    }
    return { columns, index: asArray(b.index), rows, offset, totalRows, totalCols: width };
  }

  const items = asArray(b.items) ?? [];
  if (items.length > 0 && items.every(isRecord)) {
    const keys: string[] = [];
    const seen = new Set<string>();
    let more = false;
    for (const item of items) {
      for (const k of Object.keys(item)) {
        if (seen.has(k)) continue;
        seen.add(k);
        if (keys.length < MAX_COLUMNS) keys.push(k);
        else more = true;
      }
    }
    const rows = items.map((item) => keys.map((k) => item[k]));
    return {
      columns: keys.map((k) => ({ label: k, dtype: dtypeOf(k) })),
      index: null,
      rows,
      offset,
      totalRows,
      totalCols: more ? seen.size : keys.length,
    };
  }
  if (items.length > 0 && items.every(Array.isArray)) {
    const rows = items as unknown[][];
    const full = Math.max(0, ...rows.map((r) => r.length));
    const width = Math.min(MAX_COLUMNS, full);
    const columns = Array.from({ length: width }, (_, c) => ({ label: String(c), dtype: hint.dtype ?? null }));
    return { columns, index: null, rows, offset, totalRows, totalCols: full };
  }
  const label = hint.valueLabel ?? 'value';
  return {
    columns: [{ label, dtype: dtypeOf(label) }],
    index: null,
    rows: items.map((v) => [v]),
    offset,
    totalRows,
    totalCols: 1,
  };
}

/** "1–50 of 1,000"; "0 of 0" for an empty value; "51–60" when the total is unknown. */
export function pageRangeText(offset: number, count: number, total: number | null): string {
  if (count <= 0) return total === null ? 'no rows' : `0 of ${formatCount(total)}`;
  const range = `${formatCount(offset + 1)}–${formatCount(offset + count)}`;
  return total === null ? range : `${range} of ${formatCount(total)}`;
}

/** "1,000 rows × 3 cols" for a caption, from what the table knows. */
export function tableCaption(table: TableModel): string {
  const rows = table.totalRows ?? table.rows.length;
  const cols = table.totalCols ?? table.columns.length;
  return `${formatCount(rows)} ${rows === 1 ? 'row' : 'rows'} × ${formatCount(cols)} ${cols === 1 ? 'col' : 'cols'}`;
}

/**
 * Offsets of the previous and next page of `limit` rows (null when there is none), given the
 * `count` rows of this page; without a total, a full page may have a successor.
 */
export function pageOffsets(
  offset: number,
  limit: number,
  count: number,
  total: number | null,
): { prev: number | null; next: number | null } {
  const prev = offset > 0 ? Math.max(0, offset - limit) : null;
  const more = total === null ? count >= limit : offset + limit < total;
  const next = more ? offset + limit : null;
  return { prev, next };
}
