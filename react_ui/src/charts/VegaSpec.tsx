// A Vega-Lite chart preview (altair): shown as its spec. Rendering it would need vega, vega-lite
// and vega-embed (about 820 kB minified on top of plotly.js), so the inspector shows the spec
// as a JSON tree and says how to get a drawn chart.
import { JsonTree } from '../previews/JsonTree';

export function VegaSpec({ spec }: { spec: Record<string, unknown> }) {
  return (
    <div className="nw-vega" data-testid="vega-spec">
      <p className="nw-vega-note pv-muted">
        Vega-Lite chart (shown as its spec: this UI draws Plotly figures). Return a Plotly figure, or download the spec and
        open it in the Vega editor.
      </p>
      <JsonTree value={spec} label="Vega-Lite spec" />
    </div>
  );
}
