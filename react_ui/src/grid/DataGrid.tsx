// The inspector's data grid: column headers that sort (asc → desc → none), a filter per column
// ("contains" for text, min/max for numbers), column summaries, and one page of rows. The
// worker sorts and filters; this component only shows what it was sent and reports edits.
import { memo } from 'react';
import { ellipsis, isFloatType } from '../previews/format';
import { rowLabel, type TableModel } from '../previews/table';
import { gridCellText } from './numbers';
import { badBound, sortOf, type ColumnFilter, type ColumnKind, type GridQuery } from './query';
import { summaryLines, summaryTitle, type ColumnSummary } from './summary';

export interface DataGridProps {
  table: TableModel;
  query: GridQuery;
  kinds: Readonly<Record<string, ColumnKind>>;
  summaries: Readonly<Record<string, ColumnSummary>>;
  onSort(column: string): void;
  onFilter(column: string, filter: ColumnFilter): void;
}

/** Cells longer than this are clipped (the whole text is the cell's tooltip). */
const CELL_CHARS = 80;

const SORT_MARK = { ascending: '▲', descending: '▼', none: '' } as const;

export const DataGrid = memo(function DataGrid({ table, query, kinds, summaries, onSort, onFilter }: DataGridProps) {
  const columns = table.columns;
  const hasSummary = columns.some((c) => summaries[c.label]);
  return (
    <table className="grid-table" data-testid="data-grid" aria-label="Full value" aria-rowcount={table.totalRows ?? undefined}>
      <thead>
        <tr>
          <th className="grid-corner" scope="col">
            <span className="pv-sr-only">index</span>
          </th>
          {columns.map((c) => {
            const sort = sortOf(query, c.label);
            const num = kinds[c.label] === 'number';
            return (
              <th key={c.label} scope="col" aria-sort={sort} className={`grid-head${num ? ' grid-num' : ''}`} data-column={c.label}>
                <button
                    type="button"
                    className="grid-sort"
                    data-testid="grid-sort"
                    title={`Sort by ${c.label}${sort === 'ascending' ? ' (descending next)' : sort === 'descending' ? ' (unsorted next)' : ''}`}
                    onClick={() => onSort(c.label)}
                  >
                    <span className="grid-col-name">{ellipsis(c.label, 40)}</span>
                    <span className="grid-sort-mark" aria-hidden="true">
                      {SORT_MARK[sort]}
                    </span>
                  </button>
                {c.dtype && <span className="grid-dtype">{c.dtype}</span>}
              </th>
            );
          })}
        </tr>
        <tr className="grid-filters">
            <th scope="row" className="grid-corner grid-row-label">
              filter
            </th>
            {columns.map((c) => (
              <td key={c.label}>
                <FilterCell column={c.label} kind={kinds[c.label] ?? 'text'} filter={query.filters[c.label] ?? {}} onFilter={onFilter} />
              </td>
            ))}
        </tr>
        {hasSummary && (
          <tr className="grid-summary" data-testid="grid-summary">
            <th scope="row" className="grid-corner grid-row-label">
              summary
            </th>
            {columns.map((c) => {
              const s = summaries[c.label];
              const lines = s ? summaryLines(s) : [];
              return (
                <td key={c.label} title={s ? summaryTitle(s) : undefined}>
                  {lines.map((line, i) => (
                    <div key={i} className="grid-summary-line">
                      {line}
                    </div>
                  ))}
                </td>
              );
            })}
          </tr>
        )}
      </thead>
      <tbody>
        {table.rows.map((row, r) => (
          <tr key={table.offset + r}>
            <th scope="row" className="grid-index">
              {ellipsis(rowLabel(table, r), 30)}
            </th>
            {columns.map((c, i) => (
              <Cell key={c.label} value={row[i]} float={isFloatType(c.dtype)} />
            ))}
          </tr>
        ))}
        {table.rows.length === 0 && (
          <tr>
            <td className="grid-empty pv-muted" colSpan={columns.length + 1}>
              No rows
            </td>
          </tr>
        )}
      </tbody>
    </table>
  );
});

function Cell({ value, float }: { value: unknown; float: boolean }) {
  if (value === null || value === undefined) {
    return (
      <td className="grid-null" title="missing">
        null
      </td>
    );
  }
  const text = gridCellText(value, float);
  const clipped = text.length > CELL_CHARS;
  const exact = typeof value === 'number' ? String(value) : text;
  return (
    <td className={typeof value === 'number' ? 'grid-num' : undefined} title={clipped || exact !== text ? exact.slice(0, 4000) : undefined}>
      {clipped ? ellipsis(text, CELL_CHARS) : text}
    </td>
  );
}

interface FilterCellProps {
  column: string;
  kind: ColumnKind;
  filter: ColumnFilter;
  onFilter(column: string, filter: ColumnFilter): void;
}

function FilterCell({ column, kind, filter, onFilter }: FilterCellProps) {
  if (kind === 'number') {
    return (
      <div className="grid-range">
        <input
          type="text"
          inputMode="decimal"
          className={`grid-filter-input${badBound(filter.min) ? ' grid-invalid' : ''}`}
          data-testid="grid-filter-min"
          aria-label={`${column} at least`}
          placeholder="min"
          value={filter.min ?? ''}
          onChange={(e) => onFilter(column, { ...filter, min: e.currentTarget.value })}
        />
        <input
          type="text"
          inputMode="decimal"
          className={`grid-filter-input${badBound(filter.max) ? ' grid-invalid' : ''}`}
          data-testid="grid-filter-max"
          aria-label={`${column} at most`}
          placeholder="max"
          value={filter.max ?? ''}
          onChange={(e) => onFilter(column, { ...filter, max: e.currentTarget.value })}
        />
      </div>
    );
  }
  return (
    <input
      type="search"
      className="grid-filter-input"
      data-testid="grid-filter-text"
      aria-label={`${column} contains`}
      placeholder="contains…"
      value={filter.text ?? ''}
      onChange={(e) => onFilter(column, { text: e.currentTarget.value })}
    />
  );
}
