// "Full value" of a DataFrame or Series: the data grid over the whole table, one page at a
// time. Sort and filter go to the worker as query parameters; the downloads (CSV, Parquet)
// carry the same sort and filter. Reloads the page when the output is recomputed.
import { memo, useCallback, useEffect, useMemo, useState } from 'react';
import type { WorkerHttp } from '../hooks/workerHttp';
import { downloadBase, fetchErrorText, isAbort, pageHint } from '../inspector/fullValue';
import { isPageBody, tableFromPage, type TableModel } from '../previews/table';
import { DataGrid } from './DataGrid';
import { bodyDtypes, columnKinds, lastOffset, offsetForRow, pageTotals, rangeText } from './page';
import { EMPTY_QUERY, gridParams, nextSort, withFilter, type ColumnFilter, type GridQuery } from './query';
import { previewSummaries } from './summary';
import { useDebounced } from './useDebounced';
import './grid.css';

export interface GridPanelProps {
  http: WorkerHttp | null;
  uuid: string;
  io: string;
  /** The output's `table` preview: dtypes, summaries; a new one means the value was recomputed. */
  preview: Record<string, unknown>;
  nodeName: string;
}

/** Rows per page. */
export const GRID_PAGE = 50;
/** Milliseconds a filter must stay unchanged before it is sent. */
const FILTER_DELAY = 300;

interface Loaded {
  table: TableModel;
  dtypes: Record<string, string>;
  total: number | null;
  unfiltered: number | null;
}

export const GridPanel = memo(function GridPanel({ http, uuid, io, preview, nodeName }: GridPanelProps) {
  const [open, setOpen] = useState(false);
  const [offset, setOffset] = useState(0);
  const [query, setQuery] = useState<GridQuery>(EMPTY_QUERY);
  const filters = useDebounced(query.filters, FILTER_DELAY);
  const applied = useMemo<GridQuery>(() => ({ sort: query.sort, descending: query.descending, filters }), [query.sort, query.descending, filters]);
  const [loaded, setLoaded] = useState<Loaded | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);
  const [reload, setReload] = useState(0);

  const hint = useMemo(() => pageHint(preview), [preview]);
  const summaries = useMemo(() => previewSummaries(preview), [preview]);
  const labels = useMemo(() => loaded?.table.columns.map((c) => c.label) ?? [], [loaded]);
  const kinds = useMemo(() => {
    // a Series page is a list of items: its one column takes the preview's dtype
    const series: Record<string, string> = hint.valueLabel && hint.dtype ? { [hint.valueLabel]: hint.dtype } : {};
    return columnKinds(labels, loaded?.dtypes ?? {}, series, hint.dtypes ?? {});
  }, [labels, loaded, hint]);

  useEffect(() => {
    if (!open || !http) return;
    const ctrl = new AbortController();
    setLoading(true);
    http.fetchValue(uuid, io, gridParams(applied, kinds, { offset, limit: GRID_PAGE }), ctrl.signal).then(
      (fv) => {
        if (ctrl.signal.aborted) return;
        if (!isPageBody(fv.json)) {
          setError('The worker did not send a page of rows');
          setLoading(false);
          return;
        }
        const dtypes = bodyDtypes(fv.json);
        const table = tableFromPage(fv.json, { ...hint, dtypes: { ...(hint.dtypes ?? {}), ...dtypes } }, fv.total);
        const { total, unfiltered } = pageTotals(fv.json, fv.total);
        if (total !== null && offset > 0 && offset >= total) {
          setOffset(lastOffset(total, GRID_PAGE)); // fewer rows than before (recomputed or filtered)
          return;
        }
        setLoaded({ table, dtypes, total, unfiltered });
        setError(null);
        setLoading(false);
      },
      (err: unknown) => {
        if (ctrl.signal.aborted || isAbort(err)) return;
        setError(fetchErrorText(err));
        setLoading(false);
      },
    );
    return () => ctrl.abort();
    // `kinds` comes from the loaded page: a new page must not refetch itself
  }, [open, http, uuid, io, preview, applied, offset, reload]);

  const onSort = useCallback((column: string) => {
    setQuery((q) => nextSort(q, column));
    setOffset(0);
  }, []);
  const onFilter = useCallback((column: string, f: ColumnFilter) => {
    setQuery((q) => withFilter(q, column, f));
    setOffset(0);
  }, []);

  const toggle = () => {
    if (open) setReload((n) => n + 1);
    else setOpen(true);
  };
  const hide = () => {
    setOpen(false);
    setLoaded(null);
    setError(null);
  };

  const base = downloadBase(nodeName, io);
  const download = (format: 'csv' | 'parquet') => (http ? http.valueUrl(uuid, io, gridParams(applied, kinds, { format })) : '');
  const total = loaded?.total ?? null;
  const shown = loaded?.table.rows.length ?? 0;
  const prev = offset > 0 ? Math.max(0, offset - GRID_PAGE) : null;
  const next = total !== null ? (offset + GRID_PAGE < total ? offset + GRID_PAGE : null) : shown >= GRID_PAGE ? offset + GRID_PAGE : null;

  return (
    <div className="ins-full">
      <div className="ins-full-bar">
        <button
          type="button"
          className="button ins-full-button"
          data-testid="full-value-button"
          aria-expanded={open}
          disabled={!http}
          title={!http ? 'The worker is not connected' : open ? 'Load the table again' : 'Browse the whole table: sort, filter, download'}
          onClick={toggle}
        >
          {open && <span aria-hidden="true">↻ </span>}
          Full value
        </button>
        {open && loading && <span className="ins-spinner" role="status" aria-label="Loading rows" />}
        {open && http && (
          <>
            <a className="ins-link" data-testid="download-csv" href={download('csv')} download={`${base}.csv`} title="Download the table (sorted and filtered as shown) as CSV">
              Download CSV
            </a>
            <a className="ins-link" data-testid="download-parquet" href={download('parquet')} download={`${base}.parquet`} title="Download the table (sorted and filtered as shown) as Parquet">
              Download Parquet
            </a>
          </>
        )}
        {open && (
          <button type="button" className="icon-button ins-full-hide" data-testid="full-value-hide" aria-label="Hide full value" title="Hide full value" onClick={hide}>
            ✕
          </button>
        )}
      </div>
      {open && (
        <div className="ins-full-body grid-panel" data-testid="full-value" aria-busy={loading}>
          {error !== null && (
            <div className="ins-inline-error" role="alert" data-testid="full-value-error">
              {error}
            </div>
          )}
          {loaded && (
            <>
              <div className="ins-pager" role="group" aria-label="Pages">
                <PagerButton label="First page" text="«" target={prev === null ? null : 0} onPage={setOffset} disabled={loading} />
                <PagerButton label="Previous page" text="‹" target={prev} onPage={setOffset} disabled={loading} testId="table-prev" />
                <span className="ins-range" data-testid="table-range" aria-live="polite">
                  {rangeText(offset, shown, total, loaded.unfiltered)}
                </span>
                <PagerButton label="Next page" text="›" target={next} onPage={setOffset} disabled={loading} testId="table-next" />
                <PagerButton
                  label="Last page"
                  text="»"
                  target={next !== null && total !== null ? lastOffset(total, GRID_PAGE) : null}
                  onPage={setOffset}
                  disabled={loading}
                />
                {total !== null && total > GRID_PAGE && (
                  <GoToRow total={total} onGo={(row) => setOffset(offsetForRow(row, GRID_PAGE, total))} />
                )}
              </div>
              <div className="grid-scroll" data-testid="full-table">
                <DataGrid table={loaded.table} query={query} kinds={kinds} summaries={summaries} onSort={onSort} onFilter={onFilter} />
              </div>
            </>
          )}
          {!loaded && error === null && <div className="pv-muted ins-loading">Loading…</div>}
        </div>
      )}
    </div>
  );
});

interface PagerButtonProps {
  label: string;
  text: string;
  target: number | null;
  onPage(offset: number): void;
  disabled: boolean;
  testId?: string;
}

function PagerButton({ label, text, target, onPage, disabled, testId }: PagerButtonProps) {
  return (
    <button
      type="button"
      className="icon-button ins-pager-button"
      data-testid={testId}
      aria-label={label}
      title={label}
      disabled={target === null || disabled}
      onClick={() => target !== null && onPage(target)}
    >
      {text}
    </button>
  );
}

/** "row [ ]": jump to the page holding a row (Enter), for tables of millions of rows. */
function GoToRow({ total, onGo }: { total: number; onGo(row: number): void }) {
  const [text, setText] = useState('');
  return (
    <label className="grid-goto">
      <span className="pv-muted">row</span>
      <input
        type="number"
        min={1}
        max={total}
        className="grid-filter-input grid-goto-input"
        data-testid="grid-goto"
        aria-label="Go to row"
        placeholder="#"
        value={text}
        onChange={(e) => setText(e.currentTarget.value)}
        onKeyDown={(e) => {
          if (e.key !== 'Enter') return;
          const row = Number(text);
          if (Number.isFinite(row) && row >= 1) onGo(row);
        }}
      />
    </label>
  );
}
