/**
 * For the tests that run the generated scripts: a branching graph covering every layer kind,
 * running a script, and what a script's `--summary-json` line must say for a graph — worked
 * out from the graph's nodes (not from the code generator), so a generator bug shows.
 */
import { execFile } from 'node:child_process';
import { expect } from 'vitest';
import { analyzeGraph } from '../../../src/core/analyze';
import type { GraphDocument } from '../../../src/core/document';
import type { Initializer } from '../../../src/core/initializer';
import type { LossParams } from '../../../src/core/nodes/loss';
import { chain, edge, graph, loadPreset, node } from './fixtures';

/** Every layer kind, two initialisers, Adam and a mean-reduced squared error. */
export function branching(): GraphDocument {
  const doc = graph(
    [
      node('images', 'input', { layout: 'image' }),
      node('flat', 'flatten'),
      node('a', 'dense', { units: 32, kernelInitializer: { name: 'heNormal' } }),
      node('relu-a', 'relu'),
      node('b', 'dense', { units: 32 }),
      node('tanh', 'tanh'),
      node('sum', 'add'),
      node('cat', 'concat'),
      node('drop', 'dropout', { rate: 0.25 }),
      node('class', 'dense', { units: 10 }),
      node('probs', 'softmax'),
      node('loss', 'loss', { loss: 'meanSquaredError', reduction: 'mean' }),
    ],
    [
      edge('images', 'flat'),
      edge('flat', 'a'),
      edge('a', 'relu-a'),
      edge('flat', 'b'),
      edge('b', 'tanh'),
      edge('relu-a', 'sum'),
      edge('tanh', 'sum'),
      edge('sum', 'cat'),
      edge('relu-a', 'cat'),
      edge('cat', 'drop'),
      edge('drop', 'class'),
      edge('class', 'probs'),
      edge('probs', 'loss'),
    ],
  );
  doc.name = 'branching graph';
  doc.training.optimizer = { type: 'adam', beta1: 0.9, beta2: 0.999, epsilon: 1e-7 };
  doc.training.duration = { unit: 'epochs', epochs: 2 };
  return doc;
}

/**
 * Every convolution node type: reshape → conv → batch norm → pools → conv (same, stride 2),
 * then both ways from a picture to a vector, Flatten and global average pooling, side by side
 * into the classifier; with truncated normal and constant initialisers.
 */
export function cnn(): GraphDocument {
  const truncated: Initializer = { name: 'truncatedNormal', mean: 0, stddev: 0.1 };
  const doc = chain(
    node('images', 'input', { layout: 'flat' }),
    node('picture', 'reshape', {}),
    node('conv1', 'conv2d', { filters: 4, kernelSize: 5, kernelInitializer: { name: 'heNormal' } }),
    node('norm', 'batchNorm', { momentum: 0.9, epsilon: 0.01, center: false }),
    node('relu', 'relu'),
    node('maxpool', 'maxPool2d', {}),
    node('conv2', 'conv2d', {
      filters: 6,
      kernelSize: 3,
      strides: 2,
      padding: 'same',
      useBias: false,
      kernelInitializer: truncated,
    }),
    node('avgpool', 'avgPool2d', { poolSize: 3, strides: 1 }),
    node('flat', 'flatten'),
    node('both', 'concat'),
    node('class', 'dense', {
      units: 10,
      kernelInitializer: truncated,
      biasInitializer: { name: 'constant', value: 0.1 },
    }),
    node('probs', 'softmax'),
    node('loss', 'loss'),
  );
  doc.nodes.push(node('global', 'globalAvgPool2d'));
  doc.edges.push(edge('avgpool', 'global'), edge('global', 'both'));
  doc.name = 'small cnn';
  doc.training.batchSize = 32;
  return doc;
}

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Run a command to its end (never throws for a non-zero exit). */
export function run(command: string, args: string[], cwd: string): Promise<RunResult> {
  return new Promise((resolve) => {
    execFile(command, args, { cwd, maxBuffer: 64 * 2 ** 20 }, (error, stdout, stderr) => {
      resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr });
    });
  });
}

/** The JSON line a `--summary-json` run printed. */
export function summaryLine(result: RunResult): Record<string, unknown> {
  const line = result.stdout.split('\n').find((l) => l.startsWith('{"layers"'));
  if (result.code !== 0 || !line) {
    throw new Error(`no summary (exit ${result.code}):\n${result.stdout}\n${result.stderr.slice(-3000)}`);
  }
  return JSON.parse(line) as Record<string, unknown>;
}

/** A number printed as `label: 0.1234` (or `label 0.1234`). */
export function printed(text: string, label: string): number {
  const match = new RegExp(`${label}:? (-?[0-9.]+)`).exec(text);
  if (!match) throw new Error(`"${label}" is not in the output:\n${text}`);
  return Number(match[1]);
}

export type Language = 'python' | 'typescript';

const OPTIMIZER_CLASS: Record<Language, Record<string, string>> = {
  python: { sgd: 'SGD', momentum: 'SGD', adam: 'Adam', rmsprop: 'RMSprop' },
  typescript: { sgd: 'SGD', momentum: 'Momentum', adam: 'Adam', rmsprop: 'RMSProp' },
};

const INITIALIZER_CLASS: Record<Initializer['name'], string> = {
  zeros: 'Zeros',
  constant: 'Constant',
  normal: 'RandomNormal',
  truncatedNormal: 'TruncatedNormal',
  glorotUniform: 'GlorotUniform',
  heNormal: 'HeNormal',
};

/** tfjs serialises He normal and Glorot uniform as the variance scaling they are. */
const TFJS_VARIANCE_SCALING: Partial<Record<Initializer['name'], Record<string, unknown>>> = {
  heNormal: { class: 'VarianceScaling', scale: 2, mode: 'fanIn', distribution: 'normal' },
  glorotUniform: { class: 'VarianceScaling', scale: 1, mode: 'fanAvg', distribution: 'uniform' },
};

function initializer(init: Initializer, language: Language): Record<string, unknown> {
  const tfjs = language === 'typescript' ? TFJS_VARIANCE_SCALING[init.name] : undefined;
  if (tfjs) return tfjs;
  const expected: Record<string, unknown> = { class: INITIALIZER_CLASS[init.name] };
  if (init.name === 'normal' || init.name === 'truncatedNormal')
    Object.assign(expected, { mean: init.mean, stddev: init.stddev });
  if (init.name === 'constant') expected.value = init.value;
  return expected;
}

/** The summary entry a node must give, or undefined for nodes that are not layers. */
function layerFor(
  type: string,
  params: Record<string, unknown>,
  language: Language,
): Record<string, unknown> | undefined {
  switch (type) {
    case 'dense':
      return {
        class: 'Dense',
        units: params.units,
        activation: 'linear',
        use_bias: params.useBias,
        kernel_initializer: initializer(params.kernelInitializer as Initializer, language),
        bias_initializer: initializer(params.biasInitializer as Initializer, language),
      };
    case 'sigmoid':
    case 'softmax':
    case 'relu':
    case 'tanh':
      return { class: 'Activation', activation: type };
    case 'dropout':
      return { class: 'Dropout', rate: params.rate };
    case 'flatten':
      return { class: 'Flatten' };
    case 'add':
      return { class: 'Add' };
    case 'concat':
      return { class: 'Concatenate', axis: -1 };
    case 'conv2d':
      return {
        class: 'Conv2D',
        filters: params.filters,
        kernel_size: [params.kernelSize, params.kernelSize],
        strides: [params.strides, params.strides],
        padding: params.padding,
        activation: 'linear',
        use_bias: params.useBias,
        kernel_initializer: initializer(params.kernelInitializer as Initializer, language),
        bias_initializer: initializer(params.biasInitializer as Initializer, language),
      };
    case 'maxPool2d':
    case 'avgPool2d':
      return {
        class: type === 'maxPool2d' ? 'MaxPooling2D' : 'AveragePooling2D',
        pool_size: [params.poolSize, params.poolSize],
        strides: [params.strides, params.strides],
        padding: params.padding,
      };
    case 'globalAvgPool2d':
      return { class: 'GlobalAveragePooling2D' };
    case 'batchNorm':
      return {
        class: 'BatchNormalization',
        momentum: params.momentum,
        epsilon: params.epsilon,
        center: params.center,
        scale: params.scale,
      };
    case 'reshape':
      return { class: 'Reshape', target_shape: [params.height, params.width, params.channels] };
    default:
      return undefined;
  }
}

/**
 * Check a script's summary against the graph: every layer's kind, size, activation and
 * initialisers; the loss, its reduction (by a probe value: two images predicted uniformly),
 * the optimizer and learning rate; the run settings.
 */
export function expectSummaryMatches(
  summary: Record<string, unknown>,
  doc: GraphDocument,
  language: Language,
  run: { learningRate: number; steps: number; batchSize: number },
): void {
  const analysis = analyzeGraph(doc);
  const expectedLayers = new Map<string, Record<string, unknown>>();
  let loss: LossParams | undefined;
  for (const [id, info] of analysis.nodes) {
    if (info.type === 'loss') loss = info.params as LossParams;
    const layer = layerFor(info.type, info.params ?? {}, language);
    if (layer) expectedLayers.set(id, { name: id, ...layer });
  }
  const layers = summary.layers as Record<string, unknown>[];
  expect(layers.map((l) => l.name).sort()).toEqual([...expectedLayers.keys()].sort());
  for (const layer of layers) expect(layer).toMatchObject(expectedLayers.get(String(layer.name))!);

  const crossEntropy = loss!.loss === 'categoricalCrossentropy';
  // Per image: ln 10 for cross-entropy, (0.9² + 9 × 0.1²) / 10 = 0.09 for squared error.
  const perImage = crossEntropy ? Math.log(10) : 0.09;
  const reductionName =
    language === 'typescript' ? loss!.reduction : loss!.reduction === 'sum' ? 'sum' : 'sum_over_batch_size';
  const lossClass =
    language === 'typescript' ? loss!.loss : crossEntropy ? 'CategoricalCrossentropy' : 'MeanSquaredError';
  const lossSummary = summary.loss as { class: string; reduction: string; probe: number };
  expect(lossSummary.class).toBe(lossClass);
  expect(lossSummary.reduction).toBe(reductionName);
  expect(lossSummary.probe).toBeCloseTo(loss!.reduction === 'sum' ? 2 * perImage : perImage, 5);

  const optimizer = summary.optimizer as Record<string, unknown>;
  const settings = doc.training.optimizer;
  expect(optimizer.class).toBe(OPTIMIZER_CLASS[language][settings.type]);
  // Keras keeps the rate as float32 (0.1 → 0.10000000149): compare to float32 precision.
  expect(Math.abs(Number(optimizer.learning_rate) - run.learningRate) / run.learningRate).toBeLessThan(1e-6);
  if (settings.type === 'adam') {
    const [beta1, beta2] = language === 'python' ? ['beta_1', 'beta_2'] : ['beta1', 'beta2'];
    expect(optimizer[beta1]).toBeCloseTo(settings.beta1, 6);
    expect(optimizer[beta2]).toBeCloseTo(settings.beta2, 6);
  }
  // Keras and tfjs also count BatchNorm's running mean and variance, which are not trained.
  const runningAverages = [...analysis.nodes.values()]
    .filter((n) => n.type === 'batchNorm')
    .reduce((sum, n) => sum + 2 * n.outputShape!.at(-1)!, 0);
  expect(summary).toMatchObject({
    steps: run.steps,
    batch_size: run.batchSize,
    params: analysis.totalParams + runningAverages,
  });
}

/**
 * Run a script with `--summary-json` on the hidden-layer preset (with `--lr` and `--epochs`),
 * on the branching graph (with `--batch-size` and `branchingFlags`) and on a small CNN, and
 * check all three.
 */
export async function expectScriptsBuildTheGraphs(
  language: Language,
  runScript: (name: string, doc: GraphDocument, flags: string[]) => Promise<RunResult>,
  branchingFlags: string[] = [],
): Promise<void> {
  const hidden = loadPreset('hidden-layer');
  const hiddenRun = await runScript('hidden', hidden, ['--summary-json', '--lr', '0.002', '--epochs', '2']);
  expectSummaryMatches(summaryLine(hiddenRun), hidden, language, {
    learningRate: 0.002,
    steps: 1100,
    batchSize: 100,
  });
  const branch = branching();
  const branchRun = await runScript('branching', branch, [
    '--summary-json',
    '--batch-size',
    '50',
    ...branchingFlags,
  ]);
  expectSummaryMatches(summaryLine(branchRun), branch, language, {
    learningRate: branch.training.learningRate,
    steps: 2200, // 2 epochs of 55,000 / 50
    batchSize: 50,
  });
  const convolutional = cnn();
  const cnnRun = await runScript('cnn', convolutional, ['--summary-json']);
  expectSummaryMatches(summaryLine(cnnRun), convolutional, language, {
    learningRate: convolutional.training.learningRate,
    steps: convolutional.training.duration.unit === 'steps' ? convolutional.training.duration.steps : 0,
    batchSize: 32,
  });
}
