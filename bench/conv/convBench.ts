/**
 * The CNN rows of `npm run bench`: ms per training step of the bench CNNs (`convModels.ts`) with
 * the real trainer on real MNIST batches, in Node on the wasm backend (with Tensorweave's conv
 * kernels, `src/training/convKernels/`), next to TensorFlow's step on 1 CPU thread
 * (`bench/native_conv.py`) timed in the same run.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { benchChromium, type ChromiumBench } from '../../src/cli/benchChromium';
import { table } from '../../src/cli/format';
import type { Tf } from '../../src/core/nodeSpec';
import type { MnistData } from '../../src/training/mnist';
import { CONV_BENCH_MODELS } from './convModels';
import { timeConvModels } from './convTiming';

const root = fileURLToPath(new URL('../../', import.meta.url));

export type NativeConv =
  { ok: true; msPerStep: Record<string, number>; note: string } | { ok: false; note: string };

/**
 * TensorFlow's step on 1 thread (`bench/native_conv.py`) with `TENSORWEAVE_PYTHON` (else
 * `python3`); a note saying why when Python or TensorFlow is missing.
 */
export function nativeConv(): NativeConv {
  const python = process.env.TENSORWEAVE_PYTHON ?? 'python3';
  const r = spawnSync(python, [`${root}bench/native_conv.py`], { encoding: 'utf8' });
  if (r.error || r.status !== 0) {
    const why = r.error?.message ?? r.stderr.trim().split('\n').pop() ?? `exit ${r.status}`;
    return { ok: false, note: `TensorFlow reference skipped: ${python} failed (${why})` };
  }
  const out = JSON.parse(r.stdout.trim().split('\n').pop()!) as {
    error?: string;
    tensorflow?: string;
    msPerStep?: Record<string, number>;
  };
  if (out.error || !out.msPerStep) {
    return {
      ok: false,
      note: `TensorFlow reference skipped: ${out.error ?? 'no figures'} (set TENSORWEAVE_PYTHON to a Python with tensorflow)`,
    };
  }
  return { ok: true, msPerStep: out.msPerStep, note: `TensorFlow ${out.tensorflow} CPU, 1 thread` };
}

/** Per model, the faster of two TensorFlow runs (before and after ours): a busy moment does not flatter us. */
function fasterNative(a: NativeConv, b: NativeConv): NativeConv {
  if (!a.ok || !b.ok) return a.ok ? a : b;
  const ms = Object.fromEntries(
    Object.keys(a.msPerStep).map((k) => [k, Math.min(a.msPerStep[k]!, b.msPerStep[k] ?? Infinity)]),
  );
  return { ok: true, msPerStep: ms, note: `${b.note}, faster of a run before and one after ours` };
}

export interface ConvBenchResult {
  /** The printed table. */
  text: string;
  /** The figures, for the bench's JSON line (key `cnn`). */
  json: {
    unit: 'ms/step';
    node: Record<string, number>;
    chromium: { browser: string; msPerStep: Record<string, Record<string, number>> } | null;
    native: Record<string, number> | null;
    nativeNote: string;
  };
}

/**
 * The CNN rows: Node (the wasm backend must be active, so the conv kernels are registered), the
 * Chromium worker unless `chromium` is false, and TensorFlow on 1 thread before and after.
 */
export async function benchConv(tf: Tf, data: MnistData, chromium: boolean): Promise<ConvBenchResult> {
  const before = nativeConv();
  const node = await timeConvModels(tf, data);
  for (const [model, ms] of Object.entries(node))
    process.stderr.write(`node wasm, conv kernels ${model}: ${ms.toFixed(2)} ms/step\n`);
  const browser: ChromiumBench = chromium
    ? await benchChromium(60 * 60_000, { path: 'conv.html', isolated: true })
    : { ok: false, note: 'Chromium CNN bench skipped (--no-chromium)' };
  const native = fasterNative(before, nativeConv());
  const names = CONV_BENCH_MODELS.map((m) => m.name);
  const row = (label: string, ms: Record<string, number>) => [
    label,
    ...names.flatMap((name) => {
      const t = ms[name];
      const ref = native.ok ? native.msPerStep[name] : undefined;
      return [
        t === undefined ? '—' : t.toFixed(2),
        t === undefined || ref === undefined ? '—' : `${(t / ref).toFixed(1)}×`,
      ];
    }),
  ];
  const rows = [row('node wasm, Tensorweave conv kernels', node)];
  if (browser.ok)
    for (const [config, ms] of Object.entries(browser.msPerStep))
      rows.push(row(`chromium worker, ${config}`, ms));
  if (native.ok) rows.push(row('TensorFlow CPU, 1 thread', native.msPerStep));
  const header = ['implementation', ...names.flatMap((n) => [n, 'vs TF'])];
  const text =
    `\nCNN training step of the presets, ms (cnn: Adam, batch 100; deep-mnist: Adam, batch 50), median of repeated runs; ratios to TensorFlow (${native.note}; ` +
    `${browser.ok ? `${browser.browser}, headless, cross-origin isolated` : browser.note})\n` +
    `${table(header, rows, [false, ...names.flatMap(() => [true, true])])}\n`;
  return {
    text,
    json: {
      unit: 'ms/step',
      node,
      chromium: browser.ok ? { browser: browser.browser, msPerStep: browser.msPerStep } : null,
      native: native.ok ? native.msPerStep : null,
      nativeNote: native.note,
    },
  };
}
