import { defineConfig } from 'vite';
import vue from '@vitejs/plugin-vue';
import { mnistAssets } from './src/vite/mnistAssets.ts';
import { securityHeadersPlugin } from './src/vite/securityHeaders.ts';

export default defineConfig({
  plugins: [securityHeadersPlugin(), vue(), mnistAssets()],
  // No fallback to index.html: an unknown path is a 404, not the app with 200. The app has one
  // page; share links travel in the hash.
  appType: 'mpa',
  worker: { format: 'es' },
  // Pre-bundle what the worker and lazily opened panels import, so the dev server does not
  // discover them mid-session and reload the page (losing a training run).
  optimizeDeps: {
    include: [
      '@tensorflow/tfjs',
      '@tensorflow/tfjs-backend-wasm',
      '@tensorflow/tfjs-backend-webgpu',
      'uplot',
      'idb-keyval',
      'fflate',
      'lz-string',
      'meta-png',
      'zod',
    ],
  },
  build: {
    // Vite 8's default minifier (oxc) breaks the pthread worker that the threaded wasm
    // backend builds from a string at run time ("e is not defined"); esbuild keeps it intact.
    minify: 'esbuild',
    // elkjs (auto-arrange) is loaded on demand in its own chunk and is larger than this;
    // tfjs is ~1.5 MB in the training worker.
    chunkSizeWarningLimit: 2600,
  },
});
