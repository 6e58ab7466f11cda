/**
 * The page of the Chromium CNN bench (`bench/conv/convBench.ts`): runs the CNN timings in a Web
 * Worker, as the app trains, and exposes the result as `window.benchResult` (the shape of the
 * dense bench's, so `benchChromium` reads both).
 */
import type { BenchReply } from './worker';

const worker = new Worker(new URL('./convWorker.ts', import.meta.url), { type: 'module' });
worker.onmessage = (e: MessageEvent<BenchReply>) => {
  window.benchResult = e.data;
  document.getElementById('status')!.textContent = JSON.stringify(e.data);
};
worker.onerror = (e) => {
  window.benchResult = { ok: false, error: e.message };
};
