// Loads the prebuilt plotly.js bundle as a classic script from its own file (a static asset
// whose name changes only with plotly.js itself, not with every UI build), and hands over the
// `window.Plotly` it defines. Imported lazily by loadPlotly.ts.
import type { PlotlyApi } from 'plotly.js-cartesian-dist-min';
import plotlyUrl from 'plotly.js-cartesian-dist-min/plotly-cartesian.min.js?url';

declare global {
  interface Window {
    Plotly?: PlotlyApi;
  }
}

export default function loadScript(): Promise<PlotlyApi> {
  if (window.Plotly) return Promise.resolve(window.Plotly);
  return new Promise((resolve, reject) => {
    const script = document.createElement('script');
    script.src = plotlyUrl;
    script.async = true;
    script.dataset.nodeweave = 'plotly';
    script.onload = () => (window.Plotly ? resolve(window.Plotly) : reject(new Error('plotly.js did not load')));
    script.onerror = () => {
      script.remove();
      reject(new Error('could not load plotly.js from the hub'));
    };
    document.head.append(script);
  });
}
