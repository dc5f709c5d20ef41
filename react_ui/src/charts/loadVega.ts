// vega, vega-lite and vega-embed (~840 kB minified) are loaded the first time a Vega-Lite chart
// is shown, so the page starts without them. The loader is a chunk of its own (dynamic import)
// that brings in their prebuilt browser builds as static files (vegaScripts.ts).
import type { VegaEmbed } from './vegaApi';

let loading: Promise<VegaEmbed> | null = null;

/** vega-embed's `embed` (one load per page; a failed load is tried again next time). */
export function loadVega(): Promise<VegaEmbed> {
  loading ??= import('./vegaScripts')
    .then((mod) => mod.default())
    .then(pickEmbed)
    .catch((err: unknown) => {
      loading = null;
      throw err;
    });
  return loading;
}

/** The embed function, checked: a bundle that did not define vega-embed is an error. */
export function pickEmbed(api: unknown): VegaEmbed {
  if (typeof api !== 'function') throw new Error('vega-embed did not load');
  return api as VegaEmbed;
}
