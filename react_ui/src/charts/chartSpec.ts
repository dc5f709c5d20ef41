// Chart previews as the worker sends them (`plotly`: {spec: {data, layout}, points, shown,
// downsampled}; `vega`: {spec}), checked field by field, and the layout a chart gets on a node
// card (small, no legend) or in the inspector (fills the panel's width).

export interface PlotlySpec {
  data: unknown[];
  layout: Record<string, unknown>;
}

export interface ChartFacts {
  /** Points in the whole figure and in the spec, when the worker says. */
  points: number | null;
  shown: number | null;
  downsampled: boolean;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const count = (v: unknown): number | null => (typeof v === 'number' && Number.isInteger(v) && v >= 0 ? v : null);

/** The figure of a `plotly` preview; null when `spec` has no trace list. */
export function plotlySpec(spec: unknown): PlotlySpec | null {
  if (!isRecord(spec) || !Array.isArray(spec.data)) return null;
  return { data: spec.data, layout: isRecord(spec.layout) ? spec.layout : {} };
}

export function chartFacts(p: Record<string, unknown>): ChartFacts {
  return { points: count(p.points), shown: count(p.shown), downsampled: p.downsampled === true };
}

/** Size of a chart on a node card, in px (the card is 240 px wide with 10 px padding). */
export const CARD_CHART = { width: 216, height: 150 } as const;
/** Height of a chart in the inspector when the figure does not ask for one. */
export const FULL_CHART_HEIGHT = 380;

/** The figure's layout for a node card: fixed small size, tight margins, no title or legend. */
export function cardLayout(layout: Record<string, unknown>): Record<string, unknown> {
  return {
    ...layout,
    width: CARD_CHART.width,
    height: CARD_CHART.height,
    autosize: false,
    margin: { l: 34, r: 6, t: 6, b: 26, pad: 0 },
    showlegend: false,
    title: { text: '' },
    font: { ...(isRecord(layout.font) ? layout.font : {}), size: 9 },
  };
}

/** The figure's layout for the inspector: the panel's width, the figure's height (or ours). */
export function fullLayout(layout: Record<string, unknown>): Record<string, unknown> {
  const { width: _width, ...rest } = layout;
  const height = typeof layout.height === 'number' && layout.height > 0 ? Math.min(layout.height, 800) : FULL_CHART_HEIGHT;
  return { ...rest, autosize: true, height };
}

/** plotly.js options: a still picture on a card (the card drags), the full toolbar in the inspector. */
export function chartConfig(compact: boolean): Record<string, unknown> {
  return compact
    ? { staticPlot: true, displayModeBar: false, responsive: false }
    : { displaylogo: false, displayModeBar: 'hover', responsive: true, scrollZoom: false };
}

/** "5,000 of 120,000 points shown" for a downsampled chart, else null. */
export function downsampledNote(f: ChartFacts): string | null {
  if (!f.downsampled) return null;
  const fmt = (n: number) => new Intl.NumberFormat('en-US').format(n);
  if (f.points !== null && f.shown !== null) return `${fmt(f.shown)} of ${fmt(f.points)} points shown`;
  return 'downsampled';
}
