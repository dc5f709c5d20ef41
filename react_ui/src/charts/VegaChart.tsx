// A real Vega-Lite chart (altair), drawn by vega-embed (its DOM is `.vega-embed` holding an SVG):
// still and small on a node card, at the panel's width with tooltips (and zoom, pan or
// selections where the chart has them) in the inspector. vega is loaded on first use. A chart
// that cannot be drawn says why and shows its spec as a tree.
import { memo, useEffect, useRef, useState } from 'react';
import { CARD_CHART } from './chartSpec';
import { loadVega } from './loadVega';
import type { VegaResult, VisualizationSpec } from './vegaApi';
import { embedOptions, withoutEmbedOptions } from './vegaOptions';
import { cardVegaSpec, fullVegaSpec } from './vegaSpec';
import { VegaSpec } from './VegaSpec';
import './charts.css';

export interface VegaChartProps {
  spec: Record<string, unknown>;
  compact?: boolean;
  /** Accessible name (the chart is a picture for screen readers). */
  label: string;
}

const message = (err: unknown): string => (err instanceof Error ? err.message : String(err));

export const VegaChart = memo(function VegaChart({ spec, compact = false, label }: VegaChartProps) {
  const el = useRef<HTMLDivElement>(null);
  // drawings on screen, each in its own target element: a new one replaces the old when ready
  const drawn = useRef(new Map<HTMLElement, VegaResult>());
  const [status, setStatus] = useState<'loading' | 'ready' | 'error'>('loading');
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    const node = el.current;
    if (!node) return;
    let live = true;
    const target = document.createElement('div');
    target.className = 'nw-vega-target nw-vega-pending';
    node.append(target);
    const clearOthers = () => {
      for (const [old, result] of drawn.current) {
        if (old === target) continue;
        result.finalize();
        old.remove();
        drawn.current.delete(old);
      }
    };
    loadVega()
      .then((embed) => {
        if (!live) return undefined;
        const safe = withoutEmbedOptions(spec);
        const prepared = compact ? cardVegaSpec(safe) : fullVegaSpec(safe);
        return embed(target, prepared as VisualizationSpec, embedOptions(safe, compact)).then((result) => {
          if (!live) {
            result.finalize();
            target.remove();
            return;
          }
          drawn.current.set(target, result);
          clearOthers();
          target.classList.remove('nw-vega-pending');
          setStatus('ready');
          setError(null);
        });
      })
      .catch((err: unknown) => {
        target.remove();
        if (!live) return;
        clearOthers();
        setStatus('error');
        setError(message(err));
      });
    return () => {
      live = false;
    };
  }, [spec, compact]);

  useEffect(() => {
    const views = drawn.current;
    return () => {
      for (const result of views.values()) result.finalize();
      views.clear();
    };
  }, []);

  const size = compact ? { width: CARD_CHART.width, height: CARD_CHART.height } : undefined;
  return (
    <>
      <div
        className={`nw-chart nw-chart-vega${compact ? ' nw-chart-compact' : ''}`}
        data-testid="chart"
        data-library="vega"
        data-status={status}
        style={size}
        hidden={status === 'error'}
      >
        <div ref={el} className="nw-chart-plot" role="img" aria-label={label} />
        {status === 'loading' && <div className="nw-chart-note pv-muted">Loading chart…</div>}
      </div>
      {status === 'error' &&
        (compact ? (
          <div className="pv-clamp pv-error" role="alert" title={error ?? ''}>
            Could not draw the chart: {error}
          </div>
        ) : (
          <VegaSpec spec={spec} error={error ?? ''} />
        ))}
    </>
  );
});
