/**
 * `npm run bench`: milliseconds per training step (batch 100) of both presets on each Node
 * backend, with SGD (as saved) and with Adam, as medians of repeated timed runs of the real
 * trainer, next to a native reference (numpy, `bench/native_step.py`, the same optimizer)
 * measured in the same run. Ends with one JSON line.
 * Numbers only: no assertions (performance is its own issue).
 */
import { spawnSync } from 'node:child_process';
import { loadavg } from 'node:os';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { benchConv } from '../../bench/conv/convBench';
import { withOptimizer, type BenchOptimizer } from '../../bench/variants';
import { analyzeGraph } from '../core/analyze';
import { compileGraph } from '../core/compile';
import type { GraphDocument } from '../core/document';
import { DEFAULT_VALIDATION_COUNT } from '../core/mnist';
import { parseDocument } from '../core/parseDocument';
import { median } from '../core/util/stats';
import { loadMnist, type MnistData } from '../training/mnist';
import { runSettingsOf } from '../training/options';
import { train } from '../training/train';
import { benchChromium } from './benchChromium';
import { table } from './format';
import { nodeReadBytes, tf, useBackend, type BackendName } from './nodeEnv';

const root = fileURLToPath(new URL('../../', import.meta.url));
const PRESETS = ['beginner', 'hidden-layer'] as const;
type Preset = (typeof PRESETS)[number];

interface Plan {
  backend: BackendName;
  /** Threads for the kernels (2: the helper thread splits the large products). */
  threads: 1 | 2;
  /** Tensorweave's kernels where the graph allows, rather than tfjs ops. */
  kernels: boolean;
  /** The explicit-transpose matMul gradient (ours) or tfjs's stock one. */
  fastGrad: boolean;
  warmup: number;
  repeats: number;
  steps: number;
}

/** Slow configurations get fewer steps so that the whole bench stays around a minute or two. */
function plan(
  backend: BackendName,
  fastGrad: boolean,
  kernels: boolean,
  preset: Preset,
  optimizer: BenchOptimizer,
  threads: 1 | 2,
): Plan {
  const slow =
    preset === 'hidden-layer' && !kernels && (backend === 'cpu' || !fastGrad || optimizer === 'adam');
  const base = { backend, kernels, fastGrad, threads };
  if (slow && backend === 'cpu') return { ...base, warmup: 3, repeats: 3, steps: 10 };
  if (slow) return { ...base, warmup: 10, repeats: 3, steps: 50 };
  // The kernels' first calls run V8's baseline wasm code until the optimised code is ready.
  if (kernels) return { ...base, warmup: 1000, repeats: 7, steps: 300 };
  return { ...base, warmup: 50, repeats: 5, steps: 200 };
}

async function loadPreset(name: Preset): Promise<GraphDocument> {
  const parsed = parseDocument(await readFile(`${root}graphs/${name}.json`, 'utf8'));
  if (!parsed.ok) throw new Error(`graphs/${name}.json: ${parsed.error}`);
  return parsed.value;
}

/** Median ms/step of the trainer (random init, real batches, no evaluation). */
async function measure(doc: GraphDocument, data: MnistData, p: Plan): Promise<number> {
  const compiled = compileGraph(tf, doc, analyzeGraph(doc));
  const run = async (steps: number) => {
    const r = await train(tf, compiled, data, {
      ...runSettingsOf(doc.training),
      duration: { unit: 'steps', steps },
      evaluate: false,
      validationEvery: 0,
      fastMatMulGrad: p.fastGrad,
      kernels: p.kernels,
      threads: p.threads,
    });
    return (r.seconds * 1000) / r.steps;
  };
  try {
    await run(p.warmup);
    const times: number[] = [];
    for (let i = 0; i < p.repeats; i++) times.push(await run(p.steps));
    return median(times);
  } finally {
    compiled.dispose();
  }
}

type NativeMs = Record<BenchOptimizer, Partial<Record<Preset, number>>>;

/** The numpy step, one OpenBLAS thread, core-type overrides unset (its best configuration). */
function native(): { ms: NativeMs; note: string } {
  const env: NodeJS.ProcessEnv = { ...process.env, OPENBLAS_NUM_THREADS: '1' };
  delete env.OPENBLAS_CORETYPE;
  delete env.OPENBLAS_L2_SIZE;
  const r = spawnSync('python3', [`${root}bench/native_step.py`], { env, encoding: 'utf8' });
  if (r.error || r.status !== 0)
    return {
      ms: { sgd: {}, adam: {} },
      note: `native reference skipped: python3 failed (${r.error?.message ?? r.stderr.trim()})`,
    };
  const out = JSON.parse(r.stdout.trim().split('\n').pop()!) as {
    error?: string;
    numpy?: string;
    presets?: Record<Preset, number>;
    adam?: Record<Preset, number>;
  };
  if (out.error) return { ms: { sgd: {}, adam: {} }, note: `native reference skipped: ${out.error}` };
  return {
    ms: { sgd: out.presets ?? {}, adam: out.adam ?? {} },
    note: `native: numpy ${out.numpy}, OpenBLAS 1 thread`,
  };
}

/** Per optimizer and preset, the faster of two native measurements. */
function fasterNative(a: ReturnType<typeof native>, b: ReturnType<typeof native>): ReturnType<typeof native> {
  const ms: NativeMs = { sgd: {}, adam: {} };
  for (const o of ['sgd', 'adam'] as const) {
    for (const p of PRESETS) {
      const times = [a.ms[o][p], b.ms[o][p]].filter((t): t is number => t !== undefined);
      if (times.length) ms[o][p] = Math.min(...times);
    }
  }
  return { ms, note: `${b.note}; faster of a run before and one after the Node runs` };
}

async function main(): Promise<void> {
  const chromium = !process.argv.includes('--no-chromium');
  if (process.argv.includes('--cnn-only')) {
    const data = await loadMnist(nodeReadBytes(), { validationCount: DEFAULT_VALIDATION_COUNT });
    await useBackend('wasm');
    const cnn = await benchConv(tf, data, chromium);
    process.stdout.write(`${cnn.text}${JSON.stringify({ cnn: cnn.json })}\n`);
    return;
  }
  const docs = Object.fromEntries(
    await Promise.all(PRESETS.map(async (p) => [p, await loadPreset(p)] as const)),
  ) as Record<Preset, GraphDocument>;
  const data = await loadMnist(nodeReadBytes(), { validationCount: DEFAULT_VALIDATION_COUNT });
  const configs: {
    label: string;
    backend: BackendName;
    fastGrad: boolean;
    kernels: boolean;
    optimizer?: BenchOptimizer;
    /** Kernel threads (default 2: the helper thread where the products are large enough). */
    threads?: 1 | 2;
  }[] = [
    { label: 'node, Tensorweave kernels', backend: 'wasm', fastGrad: true, kernels: true },
    {
      label: 'node, Tensorweave kernels, 1 thread',
      backend: 'wasm',
      fastGrad: true,
      kernels: true,
      threads: 1,
    },
    {
      label: 'node, Tensorweave kernels, Adam',
      backend: 'wasm',
      fastGrad: true,
      kernels: true,
      optimizer: 'adam',
    },
    {
      label: 'node, Tensorweave kernels, Adam, 1 thread',
      backend: 'wasm',
      fastGrad: true,
      kernels: true,
      optimizer: 'adam',
      threads: 1,
    },
    {
      label: 'node wasm, tfjs ops, Adam',
      backend: 'wasm',
      fastGrad: true,
      kernels: false,
      optimizer: 'adam',
    },
    { label: 'node wasm, tfjs ops', backend: 'wasm', fastGrad: true, kernels: false },
    {
      label: 'node wasm, tfjs ops, stock matMul gradient',
      backend: 'wasm',
      fastGrad: false,
      kernels: false,
    },
    { label: 'node cpu, tfjs ops', backend: 'cpu', fastGrad: true, kernels: false },
  ];
  // `--kernels-only`: only the kernel rows (and numpy), for a quick look at the threads.
  const kernelsOnly = process.argv.includes('--kernels-only');
  const results: {
    config: string;
    backend: string;
    fastMatMulGrad: boolean;
    kernels: boolean;
    optimizer: BenchOptimizer;
    threads: 1 | 2;
    msPerStep: Record<Preset, number>;
  }[] = [];
  const t0 = performance.now();
  // The native step is timed before and after the Node runs and the faster time kept, so that
  // a machine busier at one moment does not flatter the ratios.
  const nativeBefore = native();
  for (const c of configs.filter((c) => c.kernels || !kernelsOnly)) {
    await useBackend(c.backend);
    const optimizer = c.optimizer ?? 'sgd';
    const threads = c.threads ?? 2;
    const msPerStep = {} as Record<Preset, number>;
    for (const preset of PRESETS) {
      const p = plan(c.backend, c.fastGrad, c.kernels, preset, optimizer, threads);
      msPerStep[preset] = await measure(withOptimizer(docs[preset], optimizer), data, p);
      process.stderr.write(`${c.label} ${preset}: ${msPerStep[preset].toFixed(2)} ms/step\n`);
    }
    results.push({
      config: c.label,
      backend: c.backend,
      fastMatMulGrad: c.fastGrad,
      kernels: c.kernels,
      optimizer,
      threads,
      msPerStep,
    });
  }
  // Headless Chromium, the trainer in a Web Worker as in the app (`--no-chromium` skips it).
  const browser = !chromium
    ? ({ ok: false, note: 'Chromium bench skipped (--no-chromium)' } as const)
    : await benchChromium(undefined, undefined, kernelsOnly);
  await useBackend('wasm');
  const cnn = kernelsOnly ? { text: '', json: undefined } : await benchConv(tf, data, chromium);
  if (browser.ok) {
    for (const [config, ms] of Object.entries(browser.msPerStep)) {
      process.stderr.write(`chromium worker, ${config}: ${JSON.stringify(ms)}\n`);
    }
  }
  const ref = fasterNative(nativeBefore, native());
  const fmt = (ms: number | undefined) => (ms === undefined ? '—' : ms.toFixed(2));
  /** A row's ratio to the numpy step with the same optimizer. */
  const ratio = (ms: number | undefined, preset: Preset, optimizer: BenchOptimizer) => {
    const n = ref.ms[optimizer][preset];
    return n === undefined || ms === undefined ? '—' : `${(ms / n).toFixed(1)}×`;
  };
  const row = (label: string, ms: Partial<Record<Preset, number>>, optimizer: BenchOptimizer) => [
    label,
    fmt(ms.beginner),
    ratio(ms.beginner, 'beginner', optimizer),
    fmt(ms['hidden-layer']),
    ratio(ms['hidden-layer'], 'hidden-layer', optimizer),
  ];
  const rows = results.map((r) => row(r.config, r.msPerStep, r.optimizer));
  if (browser.ok) {
    for (const [config, ms] of Object.entries(browser.msPerStep)) {
      rows.push(row(`chromium worker, ${config}`, ms, config.includes('Adam') ? 'adam' : 'sgd'));
    }
  }
  rows.push(row('native numpy', ref.ms.sgd, 'sgd'));
  rows.push(row('native numpy, Adam', ref.ms.adam, 'adam'));
  process.stdout.write(
    `\nms per training step, batch 100, median of repeated runs; ratios to numpy with the same optimizer (${ref.note}; ` +
      `${browser.ok ? `${browser.browser}, headless` : browser.note})\n` +
      `${table(['implementation', 'beginner', 'vs native', 'hidden-layer', 'vs native'], rows, [false, true, true, true, true])}\n` +
      `${cnn.text}` +
      `bench took ${((performance.now() - t0) / 1000).toFixed(0)} s; load average ${loadavg()[0]!.toFixed(1)} at the end\n`,
  );
  process.stdout.write(
    `${JSON.stringify({
      unit: 'ms/step',
      batchSize: 100,
      node: results,
      chromium: browser.ok ? { browser: browser.browser, msPerStep: browser.msPerStep } : null,
      native: ref.ms.sgd,
      nativeAdam: ref.ms.adam,
      nativeNote: ref.note,
      cnn: cnn.json,
      // How busy the machine was (other processes share its cores): read the ratios with it.
      loadAverage: loadavg().map((l) => Number(l.toFixed(1))),
    })}\n`,
  );
}

main().catch((e: unknown) => {
  process.stderr.write(`bench failed: ${(e as Error).stack ?? String(e)}\n`);
  process.exitCode = 1;
});
