// What the data grid asks the worker for: sort, filters, the page, or a download, as the query
// parameters of GET /values/{uuid}/{io} (sort, descending, filter, offset, limit, format).
// Sorting and filtering happen in the worker; the browser only ever holds one page.
import { isNumericDtype } from '../previews/format';

export type FilterOp = 'contains' | '==' | '!=' | '<' | '<=' | '>' | '>=' | 'between' | 'isnull' | 'notnull';

/** One filter as the worker reads it (a JSON list of these is the `filter` parameter). */
export interface FilterSpec {
  column: string;
  op: FilterOp;
  value?: unknown;
  value2?: unknown;
}

/** The query parameters of a full value: the page, sort, filters and format. */
export interface ValueParams {
  offset?: number;
  limit?: number;
  sort?: string;
  descending?: boolean;
  filter?: readonly FilterSpec[];
  format?: 'csv' | 'parquet' | 'json';
}

/** What the user typed into a column's filter (texts as typed; parsed when building the query). */
export interface ColumnFilter {
  text?: string;
  min?: string;
  max?: string;
}

export interface GridQuery {
  sort: string | null;
  descending: boolean;
  filters: Readonly<Record<string, ColumnFilter>>;
}

export const EMPTY_QUERY: GridQuery = { sort: null, descending: false, filters: {} };

/** How a column is filtered: a min/max range for numbers, "contains" for the rest. */
export type ColumnKind = 'number' | 'text';

export function columnKind(dtype: string | null | undefined): ColumnKind {
  return isNumericDtype(dtype) && !/^complex/i.test(dtype ?? '') ? 'number' : 'text';
}

/** A header click: ascending → descending → unsorted; another column starts ascending. */
export function nextSort(q: GridQuery, column: string): GridQuery {
  if (q.sort !== column) return { ...q, sort: column, descending: false };
  if (!q.descending) return { ...q, descending: true };
  return { ...q, sort: null, descending: false };
}

/** The sort state of a column, for its header (`aria-sort`). */
export function sortOf(q: GridQuery, column: string): 'ascending' | 'descending' | 'none' {
  if (q.sort !== column) return 'none';
  return q.descending ? 'descending' : 'ascending';
}

/** The query with one column's filter replaced (an empty filter is dropped). */
export function withFilter(q: GridQuery, column: string, f: ColumnFilter): GridQuery {
  const { [column]: _old, ...rest } = q.filters;
  const empty = !f.text?.trim() && !f.min?.trim() && !f.max?.trim();
  return { ...q, filters: empty ? rest : { ...rest, [column]: f } };
}

/** A number typed into a range field ("1,000", " 2.5 ", "1e3"); null when blank or not a number. */
export function parseBound(text: string | undefined): number | null {
  const t = (text ?? '').trim().replace(/[,_\s]/g, '');
  if (t === '') return null;
  const n = Number(t);
  return Number.isFinite(n) ? n : null;
}

/** Whether a range field holds text that is not a number (outlined; the bound is not sent). */
export function badBound(text: string | undefined): boolean {
  return (text ?? '').trim() !== '' && parseBound(text) === null;
}

/** The filters the worker gets, in column order: contains for text, between / >= / <= for numbers. */
export function filterSpecs(q: GridQuery, kinds: Readonly<Record<string, ColumnKind>>): FilterSpec[] {
  const out: FilterSpec[] = [];
  for (const [column, f] of Object.entries(q.filters)) {
    if ((kinds[column] ?? 'text') === 'number') {
      const min = parseBound(f.min);
      const max = parseBound(f.max);
      if (min !== null && max !== null) out.push({ column, op: 'between', value: min, value2: max });
      else if (min !== null) out.push({ column, op: '>=', value: min });
      else if (max !== null) out.push({ column, op: '<=', value: max });
    } else {
      const text = f.text?.trim() ?? '';
      if (text !== '') out.push({ column, op: 'contains', value: text });
    }
  }
  return out;
}

/** Whether the grid's query changes what the worker returns (sorted or filtered). */
export function isActive(q: GridQuery, kinds: Readonly<Record<string, ColumnKind>>): boolean {
  return q.sort !== null || filterSpecs(q, kinds).length > 0;
}

/** The request parameters for one page (or a download) of the grid. */
export function gridParams(
  q: GridQuery,
  kinds: Readonly<Record<string, ColumnKind>>,
  extra: Pick<ValueParams, 'offset' | 'limit' | 'format'> = {},
): ValueParams {
  const p: ValueParams = { ...extra };
  if (q.sort !== null) {
    p.sort = q.sort;
    if (q.descending) p.descending = true;
  }
  const filters = filterSpecs(q, kinds);
  if (filters.length > 0) p.filter = filters;
  return p;
}

/** Write value parameters into a URL (the order is fixed: equal queries give equal URLs). */
export function applyParams(url: URL, p: ValueParams | undefined): URL {
  if (!p) return url;
  if (p.offset !== undefined) url.searchParams.set('offset', String(p.offset));
  if (p.limit !== undefined) url.searchParams.set('limit', String(p.limit));
  if (p.sort !== undefined) url.searchParams.set('sort', p.sort);
  if (p.descending) url.searchParams.set('descending', '1');
  if (p.filter && p.filter.length > 0) url.searchParams.set('filter', JSON.stringify(p.filter));
  if (p.format !== undefined) url.searchParams.set('format', p.format);
  return url;
}
