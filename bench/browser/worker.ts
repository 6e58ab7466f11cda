/**
 * Chromium bench worker: times the real trainer (tfjs wasm backend for the tfjs ops, and the
 * Tensorweave kernels) on both presets, like `npm run bench` does in Node, and posts medians.
 */
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import wasmPlain from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreadedSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';
import beginnerJson from '../../graphs/beginner.json';
import hiddenJson from '../../graphs/hidden-layer.json';
import { analyzeGraph } from '../../src/core/analyze';
import { compileGraph } from '../../src/core/compile';
import type { GraphDocument } from '../../src/core/document';
import { parseDocument } from '../../src/core/parseDocument';
import { median } from '../../src/core/util/stats';
import { loadMnist, type MnistData } from '../../src/training/mnist';
import { runSettingsOf } from '../../src/training/options';
import { train } from '../../src/training/train';
import { withOptimizer, type BenchOptimizer } from '../variants';

export type BenchReply =
  | {
      ok: true;
      backend: string;
      /** ms/step medians: config → preset → ms. */
      msPerStep: Record<string, Record<string, number>>;
      userAgent: string;
    }
  | { ok: false; error: string };

async function measure(
  doc: GraphDocument,
  data: MnistData,
  kernels: boolean,
  threads: 1 | 2,
): Promise<number> {
  const slow = !kernels && doc.name === 'hidden-layer';
  // The kernels' first calls run the baseline wasm code until the optimised code is ready.
  const [warmup, repeats, steps] = slow ? [10, 3, 50] : kernels ? [1000, 7, 300] : [50, 5, 200];
  const compiled = compileGraph(tf, doc, analyzeGraph(doc));
  const run = async (count: number) => {
    const r = await train(tf, compiled, data, {
      ...runSettingsOf(doc.training),
      duration: { unit: 'steps', steps: count },
      evaluate: false,
      validationEvery: 0,
      kernels,
      threads,
    });
    return (r.seconds * 1000) / r.steps;
  };
  try {
    await run(warmup);
    const times: number[] = [];
    for (let i = 0; i < repeats; i++) times.push(await run(steps));
    return median(times);
  } finally {
    compiled.dispose();
  }
}

async function main(kernelsOnly: boolean): Promise<BenchReply> {
  setWasmPaths({
    'tfjs-backend-wasm.wasm': wasmPlain,
    'tfjs-backend-wasm-simd.wasm': wasmSimd,
    'tfjs-backend-wasm-threaded-simd.wasm': wasmThreadedSimd,
  });
  if (!(await tf.setBackend('wasm'))) return { ok: false, error: 'the wasm backend did not start' };
  await tf.ready();
  const read = async (name: string) => new Uint8Array(await (await fetch(`/mnist/${name}`)).arrayBuffer());
  const data = await loadMnist(read, { validationCount: 5000 });
  const docs = [beginnerJson, hiddenJson].map((json) => {
    const parsed = parseDocument(JSON.stringify(json));
    if (!parsed.ok) throw new Error(parsed.error);
    return parsed.value;
  });
  const msPerStep: Record<string, Record<string, number>> = {};
  // Config names with "Adam" are compared with numpy's Adam step (`src/cli/bench.ts`). The
  // kernels take two threads by default (the page is cross-origin isolated, see benchChromium).
  const configs: [string, boolean, BenchOptimizer, 1 | 2][] = [
    ['Tensorweave kernels', true, 'sgd', 2],
    ['Tensorweave kernels, 1 thread', true, 'sgd', 1],
    ['Tensorweave kernels, Adam', true, 'adam', 2],
    ['Tensorweave kernels, Adam, 1 thread', true, 'adam', 1],
    ['tfjs wasm ops', false, 'sgd', 1],
  ];
  for (const [config, kernels, optimizer, threads] of configs.filter(([, k]) => k || !kernelsOnly)) {
    msPerStep[config] = {};
    for (const doc of docs)
      msPerStep[config][doc.name] = await measure(withOptimizer(doc, optimizer), data, kernels, threads);
  }
  return { ok: true, backend: tf.getBackend(), msPerStep, userAgent: navigator.userAgent };
}

onmessage = (e: MessageEvent<{ kernelsOnly: boolean }>) =>
  void main(e.data.kernelsOnly).then(
    (reply) => postMessage(reply),
    (err: unknown) =>
      postMessage({ ok: false, error: (err as Error).stack ?? String(err) } satisfies BenchReply),
  );
