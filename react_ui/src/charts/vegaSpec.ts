// Vega-Lite previews (altair charts) as the worker sends them, made to fit where they are drawn:
// a node card (fixed small size, no title or legend, small axis text) or the inspector (the
// panel's width, tooltips on the encoded fields). Pure functions: VegaChart.tsx draws the result.
import { CARD_CHART, FULL_CHART_HEIGHT } from './chartSpec';

type Spec = Record<string, unknown>;

const isRecord = (v: unknown): v is Spec => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Keys that make a spec a composition (several views): it keeps its own sizes. */
const COMPOSITE = ['facet', 'repeat', 'concat', 'hconcat', 'vconcat'] as const;
const FACET_CHANNELS = ['row', 'column', 'facet'] as const;

/** Whether the spec is one view (a mark or a layer), which can be sized to fit a box. */
export function isSingleView(spec: Spec): boolean {
  if (COMPOSITE.some((k) => k in spec)) return false;
  if (!('mark' in spec) && !('layer' in spec)) return false;
  const encoding = spec.encoding;
  return !(isRecord(encoding) && FACET_CHANNELS.some((k) => k in encoding));
}

/** `vega` when the spec says it is a (full) Vega spec, else `vega-lite` (what altair sends). */
export function vegaMode(spec: Spec): 'vega' | 'vega-lite' {
  const schema = typeof spec.$schema === 'string' ? spec.$schema : '';
  return /\/schema\/vega\//.test(schema) ? 'vega' : 'vega-lite';
}

/** The chart's `config` with `section` merged in: ours win where `force`, else the chart's own. */
function withConfig(config: unknown, section: string, ours: Spec, force: boolean): Spec {
  const base = isRecord(config) ? config : {};
  const theirs = isRecord(base[section]) ? base[section] : {};
  return { ...base, [section]: force ? { ...theirs, ...ours } : { ...ours, ...theirs } };
}

/** The spec for a node card: fixed small size, tight padding, no title or legend. */
export function cardVegaSpec(spec: Spec): Spec {
  if (vegaMode(spec) === 'vega') return spec;
  const { title: _title, ...rest } = spec;
  let config = withConfig(rest.config, 'axis', { labelFontSize: 8, titleFontSize: 9, titlePadding: 2, labelPadding: 1 }, true);
  config = withConfig(config, 'legend', { disable: true }, true);
  const out: Spec = { ...rest, config, padding: 5 };
  if (isSingleView(spec)) {
    out.width = CARD_CHART.width;
    out.height = CARD_CHART.height;
    out.autosize = { type: 'fit', contains: 'padding' };
  }
  return out;
}

/** The spec for the inspector: the panel's width, the chart's height (or ours), tooltips. */
export function fullVegaSpec(spec: Spec): Spec {
  if (vegaMode(spec) === 'vega') return spec;
  // the encoded fields as a tooltip, unless the chart says otherwise
  const config = withConfig(spec.config, 'mark', { tooltip: { content: 'encoding' } }, false);
  const out: Spec = { ...spec, config };
  if (isSingleView(spec)) {
    const height = typeof spec.height === 'number' && spec.height > 0 ? Math.min(spec.height, 800) : FULL_CHART_HEIGHT - 40;
    out.width = 'container';
    out.height = height;
    out.autosize = { type: 'fit-x', contains: 'padding' };
  }
  return out;
}

/** Rows of data inlined in the spec (`datasets` and `data.values`, also in layers). */
export function inlineRows(spec: Spec): number {
  let rows = 0;
  if (isRecord(spec.datasets)) {
    for (const v of Object.values(spec.datasets)) if (Array.isArray(v)) rows += v.length;
  }
  const walk = (s: unknown): void => {
    if (!isRecord(s)) return;
    if (isRecord(s.data) && Array.isArray(s.data.values)) rows += s.data.values.length;
    for (const key of ['layer', 'concat', 'hconcat', 'vconcat'] as const) {
      const children = s[key];
      if (Array.isArray(children)) children.forEach(walk);
    }
    walk(s.spec);
  };
  walk(spec);
  return rows;
}

/** "truncated: 5,000 rows shown" for a chart whose data was cut to fit, else null. */
export function truncatedNote(spec: Spec, truncated: boolean): string | null {
  if (!truncated) return null;
  const rows = inlineRows(spec);
  if (rows === 0) return 'truncated: the data was cut to fit the preview';
  return `truncated: ${new Intl.NumberFormat('en-US').format(rows)} ${rows === 1 ? 'row' : 'rows'} of data shown`;
}
