// plotly.js is big (~1.5 MB minified): it is loaded the first time a chart is shown, so the
// page starts without it. The loader is a chunk of its own (dynamic import) that brings in the
// prebuilt bundle as a static file (plotlyScript.ts).
import type { PlotlyApi } from 'plotly.js-cartesian-dist-min';

export type { PlotlyApi };

let loading: Promise<PlotlyApi> | null = null;

/** The plotly.js API (one load per page; a failed load is tried again next time). */
export function loadPlotly(): Promise<PlotlyApi> {
  loading ??= import('./plotlyScript').then(
    (mod) => mod.default().then(pickApi),
    (err: unknown) => {
      loading = null;
      throw err;
    },
  );
  return loading;
}

/** The API object, checked: a bundle that did not define plotly.js is an error. */
export function pickApi(api: unknown): PlotlyApi {
  if (typeof (api as Partial<PlotlyApi> | null)?.react !== 'function') throw new Error('plotly.js did not load');
  return api as PlotlyApi;
}
