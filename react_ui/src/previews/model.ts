// A value preview as the worker sends it ({kind, type, ...}, see nodeweave/core/preview.py),
// checked field by field into a typed model. Anything unexpected becomes `unknown`, which the
// views show as its type plus raw JSON: a newer worker never breaks an older UI.
import { chartFacts, plotlySpec, type ChartFacts, type PlotlySpec } from '../charts/chartSpec';
import { ellipsis, formatBytes, formatCount, formatNumber, formatShape, isFloatType, shortJson } from './format';

export type PreviewModel =
  | { kind: 'empty'; type: string }
  | { kind: 'scalar'; type: string; text: string; value: unknown; tone: ScalarTone; truncated: boolean }
  | { kind: 'container'; type: string; value: unknown[] | Record<string, unknown>; length: number | null; truncated: boolean }
  | { kind: 'text'; type: string; value: string; length: number; truncated: boolean }
  | { kind: 'bytes'; type: string; length: number | null; mime: string; head: string }
  | {
      kind: 'image';
      type: string;
      mime: string;
      src: string;
      width: number | null;
      height: number | null;
      shape: number[] | null;
      dtype: string | null;
    }
  | { kind: 'array'; type: string; shape: number[]; dtype: string; head: unknown; truncated: boolean }
  | { kind: 'table'; type: string; series: boolean; truncated: boolean; raw: Record<string, unknown> }
  | { kind: 'plotly'; type: string; spec: PlotlySpec; facts: ChartFacts; truncated: boolean }
  | { kind: 'vega'; type: string; spec: Record<string, unknown>; truncated: boolean }
  | { kind: 'error'; type: string; message: string; length: number; truncated: boolean }
  | { kind: 'repr'; type: string; value: string; length: number; truncated: boolean }
  | { kind: 'unknown'; type: string; raw: unknown };

/** Colour class of a scalar: what JSON type it is (`repr` for numbers sent as text). */
export type ScalarTone = 'number' | 'string' | 'boolean' | 'null' | 'repr';

const str = (v: unknown, fallback = ''): string => (typeof v === 'string' ? v : fallback);
const count = (v: unknown): number | null => (typeof v === 'number' && Number.isInteger(v) && v >= 0 ? v : null);
const dims = (v: unknown): number[] | null =>
  Array.isArray(v) && v.every((d) => typeof d === 'number') ? (v as number[]) : null;

/** Text with its full length and cut flag (text, error and repr previews). */
function textFields(p: Record<string, unknown>): { value: string; length: number; truncated: boolean } {
  const value = str(p.value, p.value === undefined || p.value === null ? '' : String(p.value));
  const length = count(p.length) ?? value.length;
  return { value, length, truncated: p.truncated === true || length > value.length };
}

export function normalizePreview(raw: unknown): PreviewModel {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    return { kind: 'unknown', type: '?', raw };
  }
  const p = raw as Record<string, unknown>;
  const type = str(p.type, '?');
  switch (p.kind) {
    case 'empty':
      return { kind: 'empty', type };
    case 'json': {
      const value = p.value;
      if (p.repr === true) {
        const t = textFields(p);
        return { kind: 'scalar', type, text: t.truncated ? `${t.value}…` : t.value, value: t.value, tone: 'repr', truncated: t.truncated };
      }
      if (Array.isArray(value) || (typeof value === 'object' && value !== null)) {
        const length = count(p.length) ?? (Array.isArray(value) ? value.length : Object.keys(value).length);
        return { kind: 'container', type, value: value as unknown[] | Record<string, unknown>, length, truncated: p.truncated === true };
      }
      if (value === null || value === undefined) return { kind: 'scalar', type, text: 'None', value: null, tone: 'null', truncated: false };
      if (typeof value === 'number') {
        return { kind: 'scalar', type, text: formatNumber(value, isFloatType(type)), value, tone: 'number', truncated: false };
      }
      if (typeof value === 'boolean') return { kind: 'scalar', type, text: value ? 'True' : 'False', value, tone: 'boolean', truncated: false };
      return { kind: 'scalar', type, text: String(value), value, tone: 'string', truncated: false };
    }
    case 'text':
      return { kind: 'text', type, ...textFields(p) };
    case 'bytes':
      return { kind: 'bytes', type, length: count(p.length), mime: str(p.mime, 'application/octet-stream'), head: str(p.head) };
    case 'image': {
      const mime = str(p.mime, 'image/png');
      const data = str(p.data);
      // only image data URLs: a preview must not make the browser load anything else
      if (!/^image\/[\w.+-]+$/.test(mime) || data === '') return { kind: 'unknown', type, raw };
      return {
        kind: 'image',
        type,
        mime,
        src: `data:${mime};base64,${data}`,
        width: count(p.width),
        height: count(p.height),
        shape: dims(p.shape),
        dtype: typeof p.dtype === 'string' ? p.dtype : null,
      };
    }
    case 'array':
      return { kind: 'array', type, shape: dims(p.shape) ?? [], dtype: str(p.dtype, '?'), head: p.head, truncated: p.truncated === true };
    case 'table':
      return { kind: 'table', type, series: 'name' in p, truncated: p.truncated === true, raw: p };
    case 'plotly': {
      const spec = plotlySpec(p.spec);
      if (!spec) return { kind: 'unknown', type, raw };
      return { kind: 'plotly', type, spec, facts: chartFacts(p), truncated: p.truncated === true };
    }
    case 'vega': {
      const spec = p.spec;
      if (typeof spec !== 'object' || spec === null || Array.isArray(spec)) return { kind: 'unknown', type, raw };
      return { kind: 'vega', type, spec: spec as Record<string, unknown>, truncated: p.truncated === true };
    }
    case 'error': {
      const { value, length, truncated } = textFields(p);
      return { kind: 'error', type, message: value, length, truncated };
    }
    case 'repr':
      return { kind: 'repr', type, ...textFields(p) };
    default:
      return { kind: 'unknown', type, raw };
  }
}

/** Whether the preview says the whole value is bigger than what it holds. */
export function isTruncated(m: PreviewModel): boolean {
  return 'truncated' in m && m.truncated;
}

/** "list[12]", "dict{3}", "tuple[2]": the shape of a container at a glance. */
export function containerLabel(type: string, value: unknown, length: number | null): string {
  const n = length === null ? '?' : formatCount(length);
  return Array.isArray(value) ? `${type}[${n}]` : `${type}{${n}}`;
}

/**
 * One short line about a preview, for titles and headers: "list[12]", "float64 (3, 4)",
 * "DataFrame 100 × 3", "str · 1,234 chars", "PNG 640×480", "bytes · 1.2 KB".
 */
export function previewSummary(m: PreviewModel): string {
  switch (m.kind) {
    case 'empty':
      return 'no value';
    case 'scalar':
      return m.type;
    case 'container':
      return containerLabel(m.type, m.value, m.length);
    case 'text':
      return `${m.type} · ${formatCount(m.length)} ${m.length === 1 ? 'char' : 'chars'}`;
    case 'bytes':
      return `${m.type} · ${m.length === null ? '?' : formatBytes(m.length)}${m.mime === 'application/octet-stream' ? '' : ` · ${m.mime}`}`;
    case 'image': {
      const fmt = m.mime.replace(/^image\//, '').toUpperCase();
      const size = m.width !== null && m.height !== null ? ` ${m.width}×${m.height}` : '';
      return m.shape ? `${m.type} ${m.dtype ?? ''} ${formatShape(m.shape)}`.replace(/\s+/g, ' ') : `${fmt}${size}`;
    }
    case 'array':
      return `${m.dtype} ${formatShape(m.shape)}`;
    case 'table': {
      const shape = Array.isArray(m.raw.shape) ? m.raw.shape : [];
      const rows = count(shape[0]);
      const cols = count(shape[1]);
      if (m.series) return `${m.type}[${rows === null ? '?' : formatCount(rows)}]`;
      return `${m.type} ${rows === null ? '?' : formatCount(rows)} × ${cols === null ? '?' : formatCount(cols)}`;
    }
    case 'plotly': {
      const traces = m.spec.data.length;
      return `${m.type} · ${traces} ${traces === 1 ? 'trace' : 'traces'}`;
    }
    case 'vega':
      return `${m.type} · Vega-Lite`;
    case 'error':
      return m.type;
    case 'repr':
      return m.type;
    default:
      return m.type;
  }
}

/** The first values of an array head, flattened, as one line: "0.5, 1, 1.5, …". */
export function arrayHeadLine(head: unknown, dtype: string, max = 60): string {
  const out: string[] = [];
  let used = 0;
  let more = false;
  const float = isFloatType(dtype);
  const walk = (v: unknown): boolean => {
    if (Array.isArray(v)) {
      for (const x of v) if (!walk(x)) return false;
      return true;
    }
    const s = typeof v === 'number' ? formatNumber(v, float) : typeof v === 'string' ? v : shortJson(v, 20);
    if (used + s.length + 2 > max) {
      more = true;
      return false;
    }
    out.push(s);
    used += s.length + 2;
    return true;
  };
  walk(head);
  return ellipsis(out.join(', ') + (more ? ', …' : ''), max + 3);
}
