// A real plotly.js chart (its DOM is `.js-plotly-plot`): still and small on a node card,
// interactive (zoom, pan, hover) in the inspector. plotly.js is loaded on first use.
import { memo, useEffect, useRef, useState } from 'react';
import { cardLayout, CARD_CHART, chartConfig, fullLayout, type PlotlySpec } from './chartSpec';
import { loadPlotly } from './loadPlotly';
import './charts.css';

export interface PlotlyChartProps {
  spec: PlotlySpec;
  compact?: boolean;
  /** Accessible name (the chart is a picture for screen readers). */
  label: string;
}

export const PlotlyChart = memo(function PlotlyChart({ spec, compact = false, label }: PlotlyChartProps) {
  const el = useRef<HTMLDivElement>(null);
  const [status, setStatus] = useState<'loading' | 'ready' | 'error'>('loading');
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    const node = el.current;
    if (!node) return;
    let live = true;
    loadPlotly()
      .then((api) => {
        if (!live) return undefined;
        const layout = compact ? cardLayout(spec.layout) : fullLayout(spec.layout);
        return api.react(node, spec.data, layout, chartConfig(compact)).then(() => {
          if (live) setStatus('ready');
        });
      })
      .catch((err: unknown) => {
        if (!live) return;
        setStatus('error');
        setError(err instanceof Error ? err.message : String(err));
      });
    return () => {
      live = false;
    };
  }, [spec, compact]);

  // the inspector's width changes (dragging its edge): the chart follows
  useEffect(() => {
    const node = el.current;
    if (compact || !node || typeof ResizeObserver === 'undefined') return;
    const observer = new ResizeObserver(() => {
      loadPlotly().then(
        (api) => {
          if (node.classList.contains('js-plotly-plot')) api.Plots.resize(node);
        },
        () => undefined,
      );
    });
    observer.observe(node);
    return () => observer.disconnect();
  }, [compact]);

  useEffect(() => {
    const node = el.current;
    return () => {
      if (node) loadPlotly().then((api) => api.purge(node), () => undefined);
    };
  }, []);

  const size = compact ? { width: CARD_CHART.width, height: CARD_CHART.height } : undefined;
  return (
    <div className={`nw-chart${compact ? ' nw-chart-compact' : ''}`} data-testid="chart" data-status={status} style={size}>
      <div ref={el} className="nw-chart-plot" role="img" aria-label={label} />
      {status === 'loading' && <div className="nw-chart-note pv-muted">Loading chart…</div>}
      {status === 'error' && (
        <div className="nw-chart-note pv-error" role="alert">
          Could not draw the chart: {error}
        </div>
      )}
    </div>
  );
});
