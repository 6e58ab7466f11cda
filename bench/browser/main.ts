/**
 * The page of the Chromium training bench (`src/cli/benchChromium.ts`): runs the trainer in a
 * Web Worker, as the app does, and exposes the result as `window.benchResult`.
 */
import type { BenchReply } from './worker';

declare global {
  interface Window {
    benchResult?: BenchReply;
  }
}

const worker = new Worker(new URL('./worker.ts', import.meta.url), { type: 'module' });
// `?kernels-only` (npm run bench -- --kernels-only): time only the kernels' configurations.
worker.postMessage({ kernelsOnly: location.search.includes('kernels-only') });
worker.onmessage = (e: MessageEvent<BenchReply>) => {
  window.benchResult = e.data;
  document.getElementById('status')!.textContent = JSON.stringify(e.data);
};
worker.onerror = (e) => {
  window.benchResult = { ok: false, error: e.message };
};
