/**
 * A runnable Python (TensorFlow/Keras) script that rebuilds and trains the same network: same
 * layers and initialisers, optimizer, loss and its reduction, batch size and number of steps,
 * on MNIST from local IDX files or an mnist.npz (`--data`) or the Keras download, optionally
 * under a `tf.distribute` strategy, and prints the test accuracy. Flags override the settings.
 */
import type { Initializer } from '../initializer';
import type { LayerArgValue } from '../nodeSpec';
import { NUM_CLASSES } from '../mnist';
import { fileStem } from '../util/fileStem';
import { PYTHON_MAIN, PYTHON_SETUP, PYTHON_SUMMARY } from './pythonRuntime';
import { planCode, writeArgument, type CodePlan, type PlannedLayer } from './plan';
import type { GraphAnalysis } from '../analyze';
import type { GraphDocument } from '../document';

const py = (v: unknown): string => {
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  if (typeof v === 'number') return String(v);
  if (typeof v === 'string') return JSON.stringify(v);
  return 'None';
};

/** `(28, 28, -1)`; a one-element tuple keeps its comma: `(784,)`. */
const pyTuple = (values: readonly number[]): string =>
  `(${values.join(', ')}${values.length === 1 ? ',' : ''})`;

function initializer(init: Initializer, seed: string): string {
  switch (init.name) {
    case 'zeros':
      return '"zeros"';
    case 'constant':
      return `keras.initializers.Constant(${py(init.value)})`;
    case 'normal':
      return `keras.initializers.RandomNormal(mean=${py(init.mean)}, stddev=${py(init.stddev)}, seed=${seed})`;
    case 'truncatedNormal':
      return `keras.initializers.TruncatedNormal(mean=${py(init.mean)}, stddev=${py(init.stddev)}, seed=${seed})`;
    case 'glorotUniform':
      return `keras.initializers.GlorotUniform(seed=${seed})`;
    case 'heNormal':
      return `keras.initializers.HeNormal(seed=${seed})`;
  }
}

const argument = (value: LayerArgValue, index: number): string =>
  writeArgument(value, 'seed', index, { literal: py, shape: pyTuple, initializer });

/** `useBias` → `use_bias`: Keras's spelling of a tfjs option. */
const snakeCase = (name: string): string => name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

/** `keras.layers.Dense(625, use_bias=True, …, name="hidden")(x)`, from the node's Keras mapping. */
function layerCall(layer: PlannedLayer, index: number): string {
  const args = [
    ...layer.args.filter((a) => a.positional).map((a) => argument(a.value, index)),
    ...layer.args.filter((a) => !a.positional).map((a) => `${snakeCase(a.name)}=${argument(a.value, index)}`),
    `name=${py(layer.id)}`,
  ];
  const call = layer.multiline
    ? `keras.layers.${layer.className}(\n${args.map((a) => `    ${a},\n`).join('')})`
    : `keras.layers.${layer.className}(${args.join(', ')})`;
  return `${call}(${layer.takesList ? `[${layer.inputs.join(', ')}]` : layer.inputs[0]})`;
}

function optimizer(plan: CodePlan): string {
  const o = plan.optimizer;
  switch (o.type) {
    case 'sgd':
      return 'keras.optimizers.SGD(learning_rate=learning_rate)';
    case 'momentum':
      return `keras.optimizers.SGD(learning_rate=learning_rate, momentum=${py(o.momentum)}, nesterov=${py(o.nesterov)})`;
    case 'adam':
      return `keras.optimizers.Adam(learning_rate=learning_rate, beta_1=${py(o.beta1)}, beta_2=${py(o.beta2)}, epsilon=${py(o.epsilon)})`;
    case 'rmsprop':
      return `keras.optimizers.RMSprop(learning_rate=learning_rate, rho=${py(o.decay)}, momentum=${py(o.momentum)}, epsilon=${py(o.epsilon)})`;
  }
}

function lossLines(plan: CodePlan): string[] {
  const reduction = plan.loss.reduction === 'sum' ? '"sum"' : '"sum_over_batch_size"';
  const what = plan.loss.reduction === 'sum' ? 'summed over the batch' : 'averaged over the batch';
  return plan.loss.loss === 'categoricalCrossentropy'
    ? [
        `# Cross-entropy ${what}: -sum(y * log(p)) per image.`,
        `loss = keras.losses.CategoricalCrossentropy(reduction=${reduction})`,
      ]
    : [
        `# Mean squared error over the ${NUM_CLASSES} classes, ${what}.`,
        `loss = keras.losses.MeanSquaredError(reduction=${reduction})`,
      ];
}

/** `def build_model(seed, learning_rate)`: the graph's layers, compiled with its loss and optimizer. */
function buildModel(plan: CodePlan): string[] {
  const indent = (text: string) => text.replace(/^/gm, '    ');
  return [
    'def build_model(seed, learning_rate):',
    `    ${plan.inputVariable} = keras.Input(shape=INPUT_SHAPE, name=${py(plan.inputId)})`,
    ...plan.layers.map((l, i) => indent(`${l.variable} = ${layerCall(l, i)}`)),
    `    model = keras.Model(${plan.inputVariable}, ${plan.outputVariable}, name=MODEL_NAME)`,
    ...lossLines(plan).map(indent),
    `    model.compile(optimizer=${optimizer(plan)}, loss=loss, metrics=["accuracy"])`,
    '    return model',
  ];
}

/** The Python script for a valid graph. */
export function generatePython(doc: GraphDocument, analysis: GraphAnalysis): string {
  const plan = planCode(doc, analysis);
  const stem = fileStem(plan.name);
  const doc1 = plan.description ? plan.description.replace(/"""/g, "'''") : 'A network built in Tensorweave.';
  const lines = [
    `"""${plan.name}: generated by Tensorweave.`,
    '',
    doc1,
    '',
    `Parameters: ${plan.totalParams.toLocaleString('en-US')}. Run with: python3 ${stem}.py [--data DIR]`,
    '[--steps N | --epochs N] [--batch-size N] [--lr X] [--seed N] [--out DIR]',
    '[--strategy mirrored|multiworker] [--summary-json]; --help explains them.',
    '"""',
    'import argparse',
    'import gzip',
    'import json',
    'import os',
    'import struct',
    'import sys',
    'import tempfile',
    '',
    'import keras',
    'import numpy as np',
    'import tensorflow as tf',
    '',
    "# The graph's settings; the flags override the first four.",
    `SEED = ${plan.seed}`,
    `LEARNING_RATE = ${py(plan.learningRate)}`,
    `BATCH_SIZE = ${plan.batchSize}`,
    `STEPS = ${plan.steps}`,
    `EPOCHS = ${plan.epochs ?? 'None'}  # when set, the graph counts in epochs and STEPS follows the batch size`,
    `VALIDATION_COUNT = ${plan.validationCount}`,
    `TRAIN_COUNT = ${plan.trainCount}`,
    `INPUT_SHAPE = ${pyTuple(plan.inputShape)}`,
    `NUM_CLASSES = ${NUM_CLASSES}`,
    `MODEL_NAME = ${py(stem)}`,
    '',
    '',
    ...buildModel(plan),
    '',
    '',
    PYTHON_SETUP,
    '',
    PYTHON_SUMMARY,
    '',
    PYTHON_MAIN,
  ];
  return lines.join('\n');
}
