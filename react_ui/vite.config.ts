import { defineConfig } from 'vitest/config';
import react from '@vitejs/plugin-react';

// `npm run build` writes the production UI into the Python package (served by the hub).
export default defineConfig({
  plugins: [react()],
  base: '/',
  build: {
    outDir: '../nodeweave/static',
    emptyOutDir: true,
    // plotly.js (~1.4 MB) is its own chunk, loaded when the first chart appears
    chunkSizeWarningLimit: 1600,
  },
  test: {
    include: ['src/**/*.test.ts', 'src/**/*.test.tsx'],
    environment: 'node',
  },
});
