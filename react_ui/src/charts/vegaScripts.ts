// Loads the prebuilt browser builds of vega, vega-lite and vega-embed as classic scripts, each
// from its own file (static assets whose names change only with those packages, not with every
// UI build), and hands over the `window.vegaEmbed` they define. Imported lazily by loadVega.ts.
// The three download at once and run in order (scripts added with async = false keep it):
// vega-lite needs `window.vega`, vega-embed both.
import vegaUrl from 'vega-build/vega.min.js?url';
import vegaEmbedUrl from 'vega-build/vega-embed.min.js?url';
import vegaLiteUrl from 'vega-build/vega-lite.min.js?url';
import type { VegaEmbed } from './vegaApi';

declare global {
  interface Window {
    vegaEmbed?: VegaEmbed;
  }
}

function addScript(src: string, name: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const script = document.createElement('script');
    script.src = src;
    script.async = false;
    script.dataset.nodeweave = name;
    script.onload = () => resolve();
    script.onerror = () => {
      script.remove();
      reject(new Error(`could not load ${name} from the hub`));
    };
    document.head.append(script);
  });
}

export default function loadScripts(): Promise<VegaEmbed> {
  if (window.vegaEmbed) return Promise.resolve(window.vegaEmbed);
  const loaded = [
    addScript(vegaUrl, 'vega'),
    addScript(vegaLiteUrl, 'vega-lite'),
    addScript(vegaEmbedUrl, 'vega-embed'),
  ];
  return Promise.all(loaded).then(() => {
    if (!window.vegaEmbed) throw new Error('vega-embed did not load');
    return window.vegaEmbed;
  });
}
