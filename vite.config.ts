import { defineConfig } from 'vite';
import vue from '@vitejs/plugin-vue';
import { mnistAssets } from './src/vite/mnistAssets.ts';

// Cross-origin isolation lets the wasm backend use threads (SharedArrayBuffer); every
// resource the app loads is its own, so require-corp costs nothing.
const isolation = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

export default defineConfig({
  plugins: [vue(), mnistAssets()],
  server: { headers: isolation },
  preview: { headers: isolation },
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
