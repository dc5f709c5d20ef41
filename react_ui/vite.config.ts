import { defineConfig } from 'vitest/config';
import react from '@vitejs/plugin-react';

// `npm run build` writes the production UI into the Python package (served by the hub).
export default defineConfig({
  plugins: [react()],
  base: '/',
  build: {
    outDir: '../nodeweave/static',
    emptyOutDir: true,
  },
  test: {
    include: ['src/**/*.test.ts', 'src/**/*.test.tsx'],
    environment: 'node',
  },
});
