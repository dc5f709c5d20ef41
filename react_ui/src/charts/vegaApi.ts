// The part of vega-embed's API nodeweave uses (types only: the library itself is loaded on
// demand by loadVega.ts, never bundled).
import type embed from 'vega-embed';

export type VegaEmbed = typeof embed;
export type { EmbedOptions, Result as VegaResult, VisualizationSpec } from 'vega-embed';
