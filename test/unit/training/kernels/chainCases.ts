/**
 * What the kernel trainer tests share: chain documents (hand-made and seeded random), run
 * options, training on either path, and the weight comparison.
 */
import { analyzeGraph } from '../../../../src/core/analyze';
import { compileGraph } from '../../../../src/core/compile';
import type { GraphDocument, OptimizerSettings } from '../../../../src/core/document';
import { nodeReadBytes, tf, useBackend } from '../../../../src/cli/nodeEnv';
import { loadMnist, type MnistData } from '../../../../src/training/mnist';
import { mulberry32 } from '../../../../src/training/random';
import { train } from '../../../../src/training/train';
import type { TrainOptions } from '../../../../src/training/types';
import { chain, node } from '../../core/fixtures';

export function withTraining(
  doc: GraphDocument,
  training: Partial<GraphDocument['training']>,
): GraphDocument {
  return { ...doc, training: { ...doc.training, ...training } };
}

export function options(doc: GraphDocument, extra: Partial<TrainOptions> = {}): TrainOptions {
  const t = doc.training;
  return {
    batchSize: t.batchSize,
    duration: t.duration,
    seed: t.seed,
    learningRate: t.learningRate,
    ...extra,
  };
}

export type Activation = 'sigmoid' | 'relu' | 'tanh' | 'softmax' | 'none';

export interface ChainCase {
  name: string;
  /** Hidden layers; `dropout`: a Dropout node of that rate after the activation. */
  hidden: { units: number; activation: Activation; useBias: boolean; dropout?: number }[];
  output: Activation;
  loss: 'categoricalCrossentropy' | 'meanSquaredError';
  reduction: 'sum' | 'mean';
  optimizer: OptimizerSettings;
  learningRate: number;
  batchSize: number;
}

/** A dense chain document: 784 → hidden… → 10 → output activation → loss. */
export function chainDoc(c: ChainCase): GraphDocument {
  const nodes = [node('input', 'input')];
  const init = { name: 'normal', mean: 0, stddev: 0.1 };
  c.hidden.forEach((h, i) => {
    nodes.push(node(`h${i}`, 'dense', { units: h.units, useBias: h.useBias, kernelInitializer: init }));
    if (h.activation !== 'none') nodes.push(node(`a${i}`, h.activation));
    if (h.dropout !== undefined) nodes.push(node(`drop${i}`, 'dropout', { rate: h.dropout }));
  });
  nodes.push(node('out', 'dense', { units: 10, kernelInitializer: init }));
  if (c.output !== 'none') nodes.push(node('outAct', c.output));
  nodes.push(node('loss', 'loss', { loss: c.loss, reduction: c.reduction }));
  return withTraining(chain(...nodes), {
    optimizer: c.optimizer,
    learningRate: c.learningRate,
    batchSize: c.batchSize,
    duration: { unit: 'steps', steps: 5 },
    seed: 3,
  });
}

/** Seeded random architectures (784 inputs and 10 classes: the kernels need MNIST shapes). */
export function randomCases(count: number): ChainCase[] {
  const r = mulberry32(2026);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  const hiddenActs: Activation[] = ['sigmoid', 'relu', 'tanh', 'none'];
  const optimizers: OptimizerSettings[] = [
    { type: 'sgd' },
    { type: 'momentum', momentum: 0.9, nesterov: false },
    { type: 'momentum', momentum: 0.8, nesterov: true },
    { type: 'adam', beta1: 0.9, beta2: 0.999, epsilon: 1e-7 },
    { type: 'rmsprop', decay: 0.9, momentum: 0.5, epsilon: 1e-7 },
  ];
  return Array.from({ length: count }, (_, i) => {
    const loss = pick(['categoricalCrossentropy', 'meanSquaredError'] as const);
    return {
      name: `random chain ${i}`,
      hidden: Array.from({ length: Math.floor(r() * 3) }, () => ({
        units: 1 + Math.floor(r() * 70),
        activation: pick(hiddenActs),
        useBias: r() < 0.8,
      })),
      output: loss === 'categoricalCrossentropy' ? 'softmax' : pick(['softmax', 'sigmoid', 'none'] as const),
      loss,
      reduction: pick(['sum', 'mean'] as const),
      optimizer: pick(optimizers),
      learningRate: pick([0.001, 0.01, 0.05]),
      batchSize: pick([1, 7, 32, 100]),
    };
  });
}

/** The weights after training `doc` (its duration) on the kernels or through tfjs. */
export async function trainedWeights(
  data: MnistData,
  doc: GraphDocument,
  kernels: boolean,
): Promise<Float32Array[]> {
  const compiled = compileGraph(tf, doc, analyzeGraph(doc));
  await train(tf, compiled, data, options(doc, { evaluate: false, kernels }));
  const values = compiled.trainableVariables.map((v) => v.dataSync() as Float32Array);
  compiled.dispose();
  return values;
}

/** Largest |a − b| / (1 + |b|) over all weights. */
export function worstDifference(a: Float32Array[], b: Float32Array[]): number {
  let worst = 0;
  a.forEach((w, i) =>
    w.forEach((x, j) => (worst = Math.max(worst, Math.abs(x - b[i]![j]!) / (1 + Math.abs(b[i]![j]!))))),
  );
  return worst;
}

/** The tests' setting: the tfjs wasm backend and MNIST with 5,000 validation images. */
export async function mnistOnWasm(): Promise<MnistData> {
  await useBackend('wasm');
  return loadMnist(nodeReadBytes(), { validationCount: 5000 });
}
