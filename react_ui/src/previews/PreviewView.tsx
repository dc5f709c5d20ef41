// A value preview (what the worker sends for an input or output value): a line or two on a node
// card (`compact`), the roomy version in the inspector.
import { memo, useMemo } from 'react';
import { downsampledNote } from '../charts/chartSpec';
import { PlotlyChart } from '../charts/PlotlyChart';
import { VegaChart } from '../charts/VegaChart';
import { truncatedNote } from '../charts/vegaSpec';
import { DataTable } from './DataTable';
import { ellipsis, formatBytes, formatCount, shortJson } from './format';
import { JsonTree } from './JsonTree';
import { arrayHeadLine, containerLabel, isTruncated, normalizePreview, previewSummary, type PreviewModel } from './model';
import { tableCaption, tableFromArrayHead, tableFromPreview } from './table';
import './previews.css';

export interface PreviewViewProps {
  /** A value preview as the worker sends it: {kind, type, ...} (see docs/core.md). */
  preview: Record<string, unknown>;
  /** Small rendering for a node card; the inspector uses the full one. */
  compact?: boolean;
}

export const PreviewView = memo(function PreviewView({ preview, compact = false }: PreviewViewProps) {
  const model = useMemo(() => normalizePreview(preview), [preview]);
  const kind = typeof preview?.kind === 'string' ? preview.kind : 'unknown';
  return (
    <div className={`pv ${compact ? 'pv-compact' : 'pv-full'} pv-kind-${model.kind}`} data-testid="preview" data-kind={kind}>
      {compact ? <Compact m={model} /> : <Full m={model} />}
    </div>
  );
});

// --- node card ------------------------------------------------------------------------------

const COMPACT_ENTRIES = 4;

function Compact({ m }: { m: PreviewModel }) {
  switch (m.kind) {
    case 'empty':
      return (
        <span className="pv-muted" title="no value">
          —
        </span>
      );
    case 'scalar':
      return (
        <span className={`pv-line pv-t-${m.tone}`} title={`${m.type}: ${ellipsis(m.text, 500)}`}>
          {m.text}
        </span>
      );
    case 'container': {
      const label = containerLabel(m.type, m.value, m.length);
      if (Array.isArray(m.value)) {
        return (
          <span className="pv-line" title={label}>
            <span className="pv-badge">{label}</span> <span className="pv-inline">{shortJson(m.value, 80)}</span>
          </span>
        );
      }
      const entries = Object.entries(m.value);
      const rest = (m.length ?? entries.length) - Math.min(entries.length, COMPACT_ENTRIES);
      return (
        <div className="pv-entries" title={label}>
          <span className="pv-badge">{label}</span>
          {entries.slice(0, COMPACT_ENTRIES).map(([k, v]) => (
            <span key={k} className="pv-line pv-entry">
              <span className="pv-tree-key">{k}</span>: <span className="pv-inline">{shortJson(v, 60)}</span>
            </span>
          ))}
          {rest > 0 && <span className="pv-muted">… {formatCount(rest)} more</span>}
        </div>
      );
    }
    case 'text':
      return (
        <span className="pv-clamp pv-text" title={ellipsis(m.value, 500)}>
          {m.value === '' ? <span className="pv-muted">(empty string)</span> : m.value}
          {m.truncated ? '…' : ''}
        </span>
      );
    case 'bytes':
      return (
        <span className="pv-line pv-muted" title={m.head}>
          {previewSummary(m)}
        </span>
      );
    case 'image':
      return (
        <img
          className="pv-thumb"
          data-testid="preview-image"
          src={m.src}
          alt={previewSummary(m)}
          title={previewSummary(m)}
          draggable={false}
        />
      );
    case 'array':
      return (
        <div className="pv-array-compact" title={previewSummary(m)}>
          <span className="pv-badge">{previewSummary(m)}</span>
          <span className="pv-line pv-inline">
            {arrayHeadLine(m.head, m.dtype, 60)}
            {m.truncated && !arrayHeadLine(m.head, m.dtype, 60).endsWith('…') ? ', …' : ''}
          </span>
        </div>
      );
    case 'table':
      return <CompactTable m={m} />;
    case 'plotly':
      return <PlotlyChart spec={m.spec} compact label={previewSummary(m)} />;
    case 'vega':
      return <VegaChart spec={m.spec} compact label={`${previewSummary(m)}, ${vegaMark(m.spec)}`} />;
    case 'error':
      return (
        <span className="pv-clamp pv-error" title={`${m.type}: ${ellipsis(m.message, 500)}`}>
          <strong>{m.type}</strong>
          {m.message ? `: ${m.message}` : ''}
        </span>
      );
    case 'repr':
      return (
        <span className="pv-clamp pv-mono" title={`${m.type}: ${ellipsis(m.value, 500)}`}>
          {m.value}
          {m.truncated ? '…' : ''}
        </span>
      );
    default:
      return (
        <span className="pv-line pv-muted" title={m.type}>
          {m.type} {shortJson(m.raw, 60)}
        </span>
      );
  }
}

function CompactTable({ m }: { m: Extract<PreviewModel, { kind: 'table' }> }) {
  const table = useMemo(() => tableFromPreview(m.raw), [m.raw]);
  return (
    <div className="pv-table-wrap pv-table-wrap-compact">
      <DataTable table={table} compact maxRows={5} maxCols={4} label={previewSummary(m)} />
      <div className="pv-caption pv-muted">{tableCaption(table)}</div>
    </div>
  );
}

// --- inspector ------------------------------------------------------------------------------

function Full({ m }: { m: PreviewModel }) {
  const summary = previewSummary(m);
  return (
    <>
      {m.kind !== 'empty' && (
        <div className="pv-head">
          <span className="pv-type" title="type">
            {summary}
          </span>
          {isTruncated(m) && (
            <span className="pv-truncated" data-testid="preview-truncated" title="Use “Full value” to load all of it">
              preview — the full value is larger
            </span>
          )}
        </div>
      )}
      <FullBody m={m} />
    </>
  );
}

function FullBody({ m }: { m: PreviewModel }) {
  switch (m.kind) {
    case 'empty':
      return <div className="pv-muted pv-empty">No value yet</div>;
    case 'scalar':
      return <div className={`pv-scalar pv-t-${m.tone}`}>{m.text}</div>;
    case 'container':
      return <JsonTree value={m.value} label={containerLabel(m.type, m.value, m.length)} />;
    case 'text':
      return <TextBlock text={m.value} length={m.length} truncated={m.truncated} />;
    case 'bytes':
      return (
        <dl className="pv-facts">
          <dt>size</dt>
          <dd>{m.length === null ? 'unknown' : `${formatBytes(m.length)} (${formatCount(m.length)} bytes)`}</dd>
          <dt>type</dt>
          <dd className="pv-mono">{m.mime}</dd>
          {m.head && (
            <>
              <dt>starts</dt>
              <dd className="pv-mono pv-hex">{m.head.replace(/(..)/g, '$1 ').trim()}</dd>
            </>
          )}
        </dl>
      );
    case 'image':
      return (
        <figure className="pv-figure">
          <img className="pv-image" data-testid="preview-image" src={m.src} alt={previewSummary(m)} />
          {m.width !== null && m.height !== null && (
            <figcaption className="pv-muted">
              {m.width} × {m.height} px{m.shape ? ` · ${m.dtype ?? ''} array` : ''}
            </figcaption>
          )}
        </figure>
      );
    case 'array':
      return <ArrayHead m={m} />;
    case 'table':
      return <FullTable m={m} />;
    case 'plotly': {
      const note = downsampledNote(m.facts);
      return (
        <>
          <PlotlyChart spec={m.spec} label={previewSummary(m)} />
          {note && (
            <div className="pv-caption pv-muted" data-testid="chart-downsampled">
              {note}
            </div>
          )}
        </>
      );
    }
    case 'vega': {
      const note = truncatedNote(m.spec, m.truncated);
      return (
        <>
          <VegaChart spec={m.spec} label={`${previewSummary(m)}, ${vegaMark(m.spec)}`} />
          {note && (
            <div className="pv-caption pv-muted" data-testid="chart-truncated">
              {note}
            </div>
          )}
        </>
      );
    }
    case 'error':
      return (
        <div className="pv-error-box" role="note">
          <strong>{m.type}</strong>
          {m.message ? `: ${m.message}` : ''}
          {m.truncated ? '…' : ''}
        </div>
      );
    case 'repr':
      return (
        <pre className="pv-pre">
          {m.value}
          {m.truncated ? '…' : ''}
        </pre>
      );
    default:
      return <pre className="pv-pre">{ellipsis(safeStringify(m.raw), 20000)}</pre>;
  }
}

function ArrayHead({ m }: { m: Extract<PreviewModel, { kind: 'array' }> }) {
  const table = useMemo(() => tableFromArrayHead(m.head, m.shape, m.dtype), [m.head, m.shape, m.dtype]);
  return (
    <div className="pv-table-wrap">
      <DataTable table={table} testId="preview-array" label={previewSummary(m)} />
      {m.shape.length > 2 && <div className="pv-caption pv-muted">Leading corner; inner axes shown as lists.</div>}
    </div>
  );
}

function FullTable({ m }: { m: Extract<PreviewModel, { kind: 'table' }> }) {
  const table = useMemo(() => tableFromPreview(m.raw), [m.raw]);
  const caption = tableCaption(table);
  return (
    <div className="pv-table-wrap">
      <DataTable table={table} testId="preview-table" label={`${m.type}, ${caption}`} />
      <div className="pv-caption pv-muted">
        {caption}
        {table.rows.length < (table.totalRows ?? 0) ? ` · first ${formatCount(table.rows.length)} shown` : ''}
      </div>
    </div>
  );
}

/** Text in a scrollable block, saying when only a prefix is shown. */
export function TextBlock({ text, length, truncated }: { text: string; length: number; truncated: boolean }) {
  return (
    <>
      <pre className="pv-pre pv-text-block" tabIndex={0}>
        {text === '' ? <span className="pv-muted">(empty string)</span> : text}
      </pre>
      {truncated && (
        <div className="pv-caption pv-muted">
          (showing {formatCount(text.length)} of {formatCount(length)} characters)
        </div>
      )}
    </>
  );
}

/** "bar chart" from a Vega-Lite spec's mark. */
function vegaMark(spec: Record<string, unknown>): string {
  const mark = spec.mark;
  const name = typeof mark === 'string' ? mark : typeof mark === 'object' && mark !== null ? (mark as { type?: unknown }).type : undefined;
  return typeof name === 'string' ? `${name} chart` : 'chart';
}

function safeStringify(v: unknown): string {
  try {
    return JSON.stringify(v, null, 2) ?? String(v);
  } catch {
    return String(v);
  }
}
