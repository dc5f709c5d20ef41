// What vega-embed is told when it draws a preview: no action menu, SVG, errors only in the
// console, tooltips in the inspector, and a loader that fetches nothing from the network (a
// preview shows the data the worker sent, like image previews show only data URLs).
import type { EmbedOptions } from './vegaApi';
import { vegaMode } from './vegaSpec';

type Spec = Record<string, unknown>;

const isRecord = (v: unknown): v is Spec => typeof v === 'object' && v !== null && !Array.isArray(v);

const refuse = (uri: string) =>
  Promise.reject(new Error(`a chart preview loads nothing from the network (${uri.slice(0, 80)})`));
const isDataUri = (uri: string) => /^data:/i.test(uri);

/** A vega loader for data: URIs only. */
export const previewLoader = {
  load: (uri: string): Promise<string> => (isDataUri(uri) ? fetch(uri).then((r) => r.text()) : refuse(uri)),
  sanitize: (uri: string): Promise<{ href: string }> => (isDataUri(uri) ? Promise.resolve({ href: uri }) : refuse(uri)),
  http: (uri: string): Promise<string> => refuse(uri),
  file: (name: string): Promise<string> => refuse(name),
};

/** vega's log level for errors only (vega.Error). */
const LOG_ERRORS = 1;

export function embedOptions(spec: Spec, compact: boolean): EmbedOptions {
  return {
    mode: vegaMode(spec),
    actions: false,
    renderer: 'svg',
    logLevel: LOG_ERRORS,
    loader: previewLoader,
    tooltip: !compact,
  };
}

/** The spec without `usermeta.embedOptions` (a spec must not pick its own loader or actions). */
export function withoutEmbedOptions(spec: Spec): Spec {
  const usermeta = spec.usermeta;
  if (!isRecord(usermeta) || !('embedOptions' in usermeta)) return spec;
  const { embedOptions: _dropped, ...rest } = usermeta;
  return { ...spec, usermeta: rest };
}
