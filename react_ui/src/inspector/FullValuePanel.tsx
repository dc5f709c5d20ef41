// "Full value" of one output: loads the whole value over HTTP (lists and tables page by page)
// and reloads the open view when the output is recomputed; stale requests are aborted.
import { memo, useEffect, useState } from 'react';
import type { WorkerHttp } from '../hooks/workerHttp';
import { GridPanel } from '../grid/GridPanel';
import { DataTable } from '../previews/DataTable';
import { formatBytes, formatCount } from '../previews/format';
import { JsonTree } from '../previews/JsonTree';
import { TextBlock } from '../previews/PreviewView';
import { pageOffsets, pageRangeText, tableCaption } from '../previews/table';
import {
  clampOffset,
  downloadName,
  fetchErrorText,
  interpretFull,
  isAbort,
  isPagingRefused,
  PAGE_SIZE,
  pageHint,
  TEXT_SHOWN,
  wantsPaging,
  type FullView,
} from './fullValue';

export interface FullValuePanelProps {
  http: WorkerHttp | null;
  uuid: string;
  io: string;
  /** The output's preview: a new one means the value was recomputed. */
  preview: Record<string, unknown>;
  /** Node name, for download file names. */
  nodeName: string;
}

interface Loaded {
  view: FullView | null;
  error: string | null;
  loading: boolean;
}

const signature = (p: Record<string, unknown>) => `${String(p.kind)}:${String(p.type)}`;

/** The whole value: the data grid for DataFrames and Series, else what fits the value. */
export const FullValuePanel = memo(function FullValuePanel(props: FullValuePanelProps) {
  return props.preview?.kind === 'table' ? <GridPanel {...props} /> : <PlainFullValue {...props} />;
});

const PlainFullValue = memo(function PlainFullValue({ http, uuid, io, preview, nodeName }: FullValuePanelProps) {
  const [open, setOpen] = useState(false);
  const [offset, setOffset] = useState(0);
  // the value kind whose paging the worker refused: such values are fetched whole
  const [refusedFor, setRefusedFor] = useState<string | null>(null);
  const [state, setState] = useState<Loaded>({ view: null, error: null, loading: false });
  // bumped by the button while open: load the current page again
  const [reload, setReload] = useState(0);
  const paged = wantsPaging(preview) && refusedFor !== signature(preview);

  useEffect(() => {
    if (!open || !http) return;
    const ctrl = new AbortController();
    setState((s) => ({ ...s, loading: true }));
    const page = paged ? { offset, limit: PAGE_SIZE } : undefined;
    http.fetchValue(uuid, io, page, ctrl.signal).then(
      (fv) => {
        if (ctrl.signal.aborted) return;
        const view = interpretFull(fv, pageHint(preview));
        if (view.kind === 'table') {
          const fixed = clampOffset(offset, view.total);
          if (fixed !== offset) {
            setOffset(fixed); // the value shrank under the current page
            return;
          }
        }
        setState({ view, error: null, loading: false });
      },
      (err: unknown) => {
        if (ctrl.signal.aborted || isAbort(err)) return;
        if (paged && isPagingRefused(err)) {
          setRefusedFor(signature(preview));
          return;
        }
        setState({ view: null, error: fetchErrorText(err), loading: false });
      },
    );
    return () => ctrl.abort();
  }, [open, http, uuid, io, preview, paged, offset, reload]);

  const load = () => {
    if (open) {
      setReload((n) => n + 1);
    } else {
      setOffset(0);
      setOpen(true);
    }
  };
  const hide = () => {
    setOpen(false);
    setState({ view: null, error: null, loading: false });
  };

  return (
    <div className="ins-full">
      <div className="ins-full-bar">
        <button
          type="button"
          className="button ins-full-button"
          data-testid="full-value-button"
          aria-expanded={open}
          disabled={!http}
          title={!http ? 'The worker is not connected' : open ? 'Load the whole value again' : 'Load the whole value from the worker'}
          onClick={load}
        >
          {open && <span aria-hidden="true">↻ </span>}
          Full value
        </button>
        {open && state.loading && (
          <span className="ins-spinner" role="status" aria-label="Loading the full value" />
        )}
        {open && http && state.view && state.view.kind !== 'binary' && (
          <a
            className="ins-link"
            href={http.valueUrl(uuid, io)}
            download={downloadName(nodeName, io, viewMime(state.view))}
            title="Download the whole value"
          >
            Download
          </a>
        )}
        {open && (
          <button
            type="button"
            className="icon-button ins-full-hide"
            data-testid="full-value-hide"
            aria-label="Hide full value"
            title="Hide full value"
            onClick={hide}
          >
            ✕
          </button>
        )}
      </div>
      {open && (
        <div className="ins-full-body" data-testid="full-value" aria-busy={state.loading}>
          {state.error !== null && (
            <div className="ins-inline-error" role="alert" data-testid="full-value-error">
              {state.error}
            </div>
          )}
          {state.view && (
            <ViewBody
              view={state.view}
              loading={state.loading}
              onPage={setOffset}
              download={http ? { href: http.valueUrl(uuid, io), name: downloadName(nodeName, io, viewMime(state.view)) } : null}
            />
          )}
          {!state.view && state.error === null && <div className="pv-muted ins-loading">Loading…</div>}
        </div>
      )}
    </div>
  );
});

function viewMime(view: FullView): string {
  switch (view.kind) {
    case 'image':
    case 'binary':
      return view.mime;
    case 'text':
      return 'text/plain';
    default:
      return 'application/json';
  }
}

interface ViewBodyProps {
  view: FullView;
  loading: boolean;
  onPage(offset: number): void;
  download: { href: string; name: string } | null;
}

function ViewBody({ view, loading, onPage, download }: ViewBodyProps) {
  switch (view.kind) {
    case 'table':
      return <PagedTable view={view} loading={loading} onPage={onPage} />;
    case 'json':
      return <JsonTree value={view.value} label="Full value" />;
    case 'text':
      return <FullText text={view.text} />;
    case 'image':
      return <BlobImage blob={view.blob} alt={`Full value (${view.mime})`} />;
    case 'binary':
      return (
        <div className="ins-binary">
          <span>
            {view.size === null ? 'Binary value' : `${formatBytes(view.size)} (${formatCount(view.size)} bytes)`}
            <span className="pv-muted"> · {view.mime}</span>
          </span>
          {download && (
            <a className="button" href={download.href} download={download.name} data-testid="full-value-download">
              Download
            </a>
          )}
        </div>
      );
    default:
      return null;
  }
}

function PagedTable({ view, loading, onPage }: { view: Extract<FullView, { kind: 'table' }>; loading: boolean; onPage(offset: number): void }) {
  const { table, offset, total } = view;
  const count = table.rows.length;
  const { prev, next } = pageOffsets(offset, PAGE_SIZE, count, total);
  return (
    <div className="ins-paged">
      <div className="ins-pager" role="group" aria-label="Pages">
        <button
          type="button"
          className="icon-button ins-pager-button"
          data-testid="table-prev"
          aria-label="Previous page"
          disabled={prev === null || loading}
          onClick={() => prev !== null && onPage(prev)}
        >
          ‹
        </button>
        <span className="ins-range" data-testid="table-range" aria-live="polite">
          {pageRangeText(offset, count, total)}
        </span>
        <button
          type="button"
          className="icon-button ins-pager-button"
          data-testid="table-next"
          aria-label="Next page"
          disabled={next === null || loading}
          onClick={() => next !== null && onPage(next)}
        >
          ›
        </button>
        <span className="spacer" />
        <span className="pv-muted ins-caption">{tableCaption(table)}</span>
      </div>
      <div className="pv-table-wrap">
        <DataTable table={table} testId="full-table" label="Full value" />
      </div>
    </div>
  );
}

function FullText({ text }: { text: string }) {
  const [all, setAll] = useState(false);
  const cut = !all && text.length > TEXT_SHOWN;
  return (
    <>
      <TextBlock text={cut ? text.slice(0, TEXT_SHOWN) : text} length={text.length} truncated={cut} />
      {cut && (
        <button type="button" className="button ins-show-all" onClick={() => setAll(true)}>
          Show all {formatCount(text.length)} characters
        </button>
      )}
    </>
  );
}

/** An image blob through an object URL, revoked when the blob is replaced or unmounted. */
function BlobImage({ blob, alt }: { blob: Blob; alt: string }) {
  const [url, setUrl] = useState<string | null>(null);
  useEffect(() => {
    const u = URL.createObjectURL(blob);
    setUrl(u);
    return () => {
      URL.revokeObjectURL(u);
      setUrl(null);
    };
  }, [blob]);
  return url ? <img className="pv-image ins-full-image" src={url} alt={alt} /> : null;
}
