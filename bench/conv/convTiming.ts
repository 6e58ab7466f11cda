/**
 * Timing the bench CNNs (`convModels.ts`) with the real trainer on real MNIST batches: shared by
 * the Node bench (`convBench.ts`) and the Chromium worker (`bench/browser/convWorker.ts`), so both
 * take the same steps.
 */
import { median } from '../../src/core/util/stats';
import type { Tf } from '../../src/core/nodeSpec';
import type { MnistData } from '../../src/training/mnist';
import { runSettingsOf } from '../../src/training/options';
import { train } from '../../src/training/train';
import { compileConvModel, CONV_BENCH_MODELS, type ConvBenchModel } from './convModels';

/** Warm-up steps, timed runs and steps per run (as `bench/native_conv.py` takes them). */
export function convPlan(model: ConvBenchModel['name']): { warmup: number; repeats: number; steps: number } {
  return model === 'cnn' ? { warmup: 5, repeats: 5, steps: 20 } : { warmup: 5, repeats: 5, steps: 10 };
}

/** Median ms/step of the trainer on `spec` with the preset's settings (real batches, no evaluation). */
export async function timeConvModel(tf: Tf, data: MnistData, spec: ConvBenchModel): Promise<number> {
  const compiled = compileConvModel(tf, spec);
  const plan = convPlan(spec.name);
  const run = async (steps: number) => {
    const r = await train(tf, compiled, data, {
      ...runSettingsOf(spec.doc.training),
      duration: { unit: 'steps', steps },
      evaluate: false,
      validationEvery: 0,
    });
    return (r.seconds * 1000) / r.steps;
  };
  try {
    await run(plan.warmup);
    const times: number[] = [];
    for (let i = 0; i < plan.repeats; i++) times.push(await run(plan.steps));
    return median(times);
  } finally {
    compiled.dispose();
  }
}

/** ms/step of every bench CNN on the current backend (wasm: the conv kernels are registered). */
export async function timeConvModels(tf: Tf, data: MnistData): Promise<Record<string, number>> {
  const ms: Record<string, number> = {};
  for (const spec of CONV_BENCH_MODELS) ms[spec.name] = await timeConvModel(tf, data, spec);
  return ms;
}
