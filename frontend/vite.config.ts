import { defineConfig } from 'vitest/config';
import react from '@vitejs/plugin-react';

// Deterministic build: no source maps, content-hashed names only, no timestamps.
// CI rebuilds frontend/dist and diffs it against the committed copy.
export default defineConfig({
  base: '/',
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: false,
    target: 'es2022',
    chunkSizeWarningLimit: 1200,
    reportCompressedSize: false,
  },
  server: {
    proxy: {
      '/api': process.env.CONTACTPRO_URL ?? 'http://127.0.0.1:8080',
      '/healthz': process.env.CONTACTPRO_URL ?? 'http://127.0.0.1:8080',
    },
  },
  test: {
    include: ['src/**/*.test.ts'],
    environment: 'node',
  },
});
