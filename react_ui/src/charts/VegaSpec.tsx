// A Vega-Lite chart that could not be drawn: why, and its spec as a JSON tree.
import { JsonTree } from '../previews/JsonTree';

export function VegaSpec({ spec, error }: { spec: Record<string, unknown>; error: string }) {
  return (
    <div className="nw-vega" data-testid="vega-spec">
      <p className="nw-vega-note pv-error" role="alert">
        Could not draw the chart: {error}
      </p>
      <JsonTree value={spec} label="Vega-Lite spec" />
    </div>
  );
}
