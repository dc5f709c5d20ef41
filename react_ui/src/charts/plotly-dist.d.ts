// The part of plotly.js's API nodeweave uses, for the prebuilt cartesian bundle (which ships no
// types). The bundle is loaded on demand by loadPlotly.ts.
declare module 'plotly.js-cartesian-dist-min' {
  export interface PlotlyConfig {
    responsive?: boolean;
    displaylogo?: boolean;
    displayModeBar?: boolean | 'hover';
    staticPlot?: boolean;
    scrollZoom?: boolean;
    [key: string]: unknown;
  }
  export interface PlotlyApi {
    react(el: HTMLElement, data: unknown[], layout?: Record<string, unknown>, config?: PlotlyConfig): Promise<HTMLElement>;
    purge(el: HTMLElement): void;
    Plots: { resize(el: HTMLElement): void };
    version?: string;
  }
  const Plotly: PlotlyApi;
  export default Plotly;
}
