/**
 * The one place that decides which stepper trains a compiled graph: Tensorweave's kernels when
 * the graph is a chain they implement and the machine runs them, tfjs ops otherwise. The
 * worker (to say which path runs, and why) and the loop both ask here.
 */
import type { CompiledGraph } from '../core/compile';
import { IMAGE_SIZE, NUM_CLASSES } from '../core/mnist';
import type { Tf } from '../core/nodeSpec';
import { setSplitPredictor } from './evaluation';
import { describeDenseChain, type ChainCheck } from './kernels/denseChain';
import { KernelStepper } from './kernels/kernelStepper';
import { denseKernelsSupported } from './kernels/kernels';
import type { MnistSplit } from './mnist';
import { TfjsStepper } from './tfjsStepper';
import type { Stepper } from './types';

/** Whether Tensorweave's kernels can train `compiled` here, with the chain they would run or why not. */
export function kernelSupport(compiled: CompiledGraph): ChainCheck {
  const check = describeDenseChain(compiled);
  if (!check.ok) return check;
  if (check.chain.optimizer.type !== 'sgd' && compiled.optimizer.iterations > 0) {
    // Its state lives in tfjs (an earlier run took the tfjs path): continue there.
    return { ok: false, reason: 'the optimizer already holds tfjs state' };
  }
  if (check.chain.inputSize !== IMAGE_SIZE || check.chain.layers.at(-1)!.units !== NUM_CLASSES) {
    return { ok: false, reason: `the chain does not map ${IMAGE_SIZE} pixels to ${NUM_CLASSES} classes` };
  }
  if (!denseKernelsSupported()) return { ok: false, reason: 'WebAssembly SIMD is not available' };
  return check;
}

export interface StepperRequest {
  batchSize: number;
  /** Allow the kernels (false forces tfjs ops). */
  kernels: boolean;
  /** On the tfjs path, the explicit-transpose matMul gradient. */
  fastMatMulGrad: boolean;
  /** Threads for the kernels (2: a helper thread where it can be had). */
  threads: 1 | 2;
}

/** The stepper that will train `compiled` on `train`: the kernels where they can, tfjs otherwise. */
export async function createStepper(
  tf: Tf,
  compiled: CompiledGraph,
  train: MnistSplit,
  request: StepperRequest,
): Promise<Stepper> {
  if (request.kernels) {
    const support = kernelSupport(compiled);
    if (support.ok) {
      const stepper = await KernelStepper.create(tf, compiled, support.chain, train, request);
      if (stepper) return stepper; // undefined: its memory could not be had; tfjs follows
    }
  }
  // A predictor from an earlier kernel run would not see this run's steps.
  setSplitPredictor(compiled, undefined);
  return new TfjsStepper(tf, compiled, train, request.batchSize, request.fastMatMulGrad);
}
