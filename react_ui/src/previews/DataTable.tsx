// Rows and columns (a table preview, an array head, a page of a full value) as an HTML table:
// a header row of column names with their dtypes, the index as row headers.
import { memo } from 'react';
import { ellipsis, isNumericDtype } from './format';
import { cellFor, rowLabel, type TableModel } from './table';

export interface DataTableProps {
  table: TableModel;
  /** The node-card version: a few rows and columns, no dtypes. */
  compact?: boolean;
  maxRows?: number;
  maxCols?: number;
  testId?: string;
  /** Accessible name of the table. */
  label?: string;
}

const CELL_CHARS = 200;

export const DataTable = memo(function DataTable({
  table,
  compact = false,
  maxRows = Infinity,
  maxCols = Infinity,
  testId,
  label,
}: DataTableProps) {
  const columns = table.columns.slice(0, maxCols);
  const rows = table.rows.slice(0, maxRows);
  const moreCols = table.columns.length > columns.length || (table.totalCols ?? 0) > table.columns.length;
  const moreRows = table.rows.length > rows.length;
  const max = compact ? 24 : CELL_CHARS;
  return (
    <table className={`pv-table${compact ? ' pv-table-compact' : ''}`} data-testid={testId} aria-label={label}>
      <thead>
        <tr>
          <th className="pv-table-corner" scope="col">
            <span className="pv-sr-only">index</span>
          </th>
          {columns.map((c, i) => (
            <th key={i} scope="col" className={isNumericDtype(c.dtype) ? 'pv-num' : undefined} title={c.dtype ? `${c.label} · ${c.dtype}` : c.label}>
              <span className="pv-col-name">{ellipsis(c.label, compact ? 12 : 60)}</span>
              {!compact && c.dtype && <span className="pv-col-dtype">{c.dtype}</span>}
            </th>
          ))}
          {moreCols && (
            <th scope="col" className="pv-table-more" aria-label="more columns">
              …
            </th>
          )}
        </tr>
      </thead>
      <tbody>
        {rows.map((row, r) => (
          <tr key={r}>
            <th scope="row" className="pv-table-index">
              {ellipsis(rowLabel(table, r), compact ? 10 : 40)}
            </th>
            {columns.map((_, c) => {
              const text = cellFor(table, row, c);
              const shown = ellipsis(text, max);
              return (
                <td key={c} className={typeof row[c] === 'number' ? 'pv-num' : undefined} title={shown !== text || compact ? text.slice(0, 2000) : undefined}>
                  {shown}
                </td>
              );
            })}
            {moreCols && <td className="pv-table-more">…</td>}
          </tr>
        ))}
        {moreRows && (
          <tr className="pv-table-more-row">
            <th scope="row" className="pv-table-index">
              ⋮
            </th>
            <td colSpan={columns.length + (moreCols ? 1 : 0)} />
          </tr>
        )}
      </tbody>
    </table>
  );
});
