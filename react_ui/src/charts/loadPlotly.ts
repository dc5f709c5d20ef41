// plotly.js is big (~1.5 MB minified): it is loaded the first time a chart is shown, as a
// chunk of its own, so the page starts without it.
import type { PlotlyApi } from 'plotly.js-cartesian-dist-min';

export type { PlotlyApi };

let loading: Promise<PlotlyApi> | null = null;

/** The plotly.js API (one load per page; a failed load is tried again next time). */
export function loadPlotly(): Promise<PlotlyApi> {
  loading ??= import('plotly.js-cartesian-dist-min').then(
    (mod) => pickApi(mod),
    (err: unknown) => {
      loading = null;
      throw err;
    },
  );
  return loading;
}

/** The API object of the module, whether the bundler hands over `default` or the namespace. */
export function pickApi(mod: unknown): PlotlyApi {
  const m = mod as { default?: unknown };
  const api = (m.default ?? mod) as Partial<PlotlyApi>;
  if (typeof api.react !== 'function') throw new Error('plotly.js did not load');
  return api as PlotlyApi;
}
