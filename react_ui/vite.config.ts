import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';
import react from '@vitejs/plugin-react';

// The prebuilt browser builds of vega, vega-lite and vega-embed, which their packages' `exports`
// do not list: `vega-build/<file>` names them for the lazy loader (src/charts/vegaScripts.ts).
const VEGA_BUILDS: Record<string, string> = {
  'vega.min.js': 'vega/build/vega.min.js',
  'vega-lite.min.js': 'vega-lite/build/vega-lite.min.js',
  'vega-embed.min.js': 'vega-embed/build/vega-embed.min.js',
};

// `npm run build` writes the production UI into the Python package (served by the hub).
export default defineConfig({
  plugins: [react()],
  base: '/',
  resolve: {
    alias: Object.entries(VEGA_BUILDS).map(([name, path]) => ({
      find: new RegExp(`^vega-build/${name.replace(/\./g, '\\.')}(?=\\?|$)`),
      replacement: fileURLToPath(new URL(`node_modules/${path}`, import.meta.url)),
    })),
  },
  build: {
    outDir: '../nodeweave/static',
    emptyOutDir: true,
    // plotly.js (~1.5 MB) and vega (~520 kB) are files of their own, loaded when the first
    // chart of their kind appears
    chunkSizeWarningLimit: 1600,
  },
  test: {
    include: ['src/**/*.test.ts', 'src/**/*.test.tsx'],
    environment: 'node',
  },
});
