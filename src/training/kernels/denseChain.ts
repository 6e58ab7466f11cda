/**
 * Recognising the graphs Tensorweave's kernels can train, dense chains: input → [dense →
 * activation? → dropout?]* → loss, with plain gradient descent, momentum, Adam or RMSprop.
 * Read from the compiled tfjs model, so it sees exactly what `compileGraph` built (layer order,
 * weights, the optimizer's settings).
 */
import type * as tfjs from '@tensorflow/tfjs';
import type { CompiledGraph } from '../../core/compile';
import type { LossParams } from '../../core/nodes/loss';
import { CHAIN_ACTIVATIONS, chainRefusal, NOT_A_CHAIN, type ChainStep } from './chainRule';

export type ChainActivation = (typeof CHAIN_ACTIVATIONS)[number];

export interface ChainLayer {
  /** Fan-in and units: the kernel is `[inputs, units]`, row-major as tfjs stores it. */
  inputs: number;
  units: number;
  activation: ChainActivation;
  kernel: tfjs.Variable;
  bias?: tfjs.Variable;
  /** Dropout after the activation (training only): its rate and the layer's seed. */
  dropout?: { rate: number; seed: number };
}

export type ChainOptimizer =
  | { type: 'sgd'; learningRate: number }
  | { type: 'momentum'; learningRate: number; momentum: number; nesterov: boolean }
  | { type: 'adam'; learningRate: number; beta1: number; beta2: number; epsilon: number }
  | { type: 'rmsprop'; learningRate: number; decay: number; momentum: number; epsilon: number };

export interface DenseChain {
  /** Values per example (784 for MNIST, whatever the input layout). */
  inputSize: number;
  layers: ChainLayer[];
  loss: LossParams;
  optimizer: ChainOptimizer;
}

export type ChainCheck = { ok: true; chain: DenseChain } | { ok: false; reason: string };

/** Reads the optimizer's kind and settings (tfjs serialises them in `getConfig`). */
function chainOptimizer(optimizer: tfjs.Optimizer): ChainOptimizer | string {
  const name = optimizer.getClassName();
  const config = optimizer.getConfig() as Record<string, unknown>;
  const learningRate = Number(config.learningRate);
  if (name === 'SGD') return { type: 'sgd', learningRate };
  if (name === 'Momentum') {
    return {
      type: 'momentum',
      learningRate,
      momentum: Number(config.momentum),
      nesterov: Boolean(config.useNesterov),
    };
  }
  if (name === 'Adam') {
    const { beta1, beta2, epsilon } = config;
    return {
      type: 'adam',
      learningRate,
      beta1: Number(beta1),
      beta2: Number(beta2),
      epsilon: Number(epsilon),
    };
  }
  if (name === 'RMSProp') {
    if (config.centered) return "centered RMSprop is not supported by Tensorweave's kernels";
    const { decay, momentum, epsilon } = config;
    return {
      type: 'rmsprop',
      learningRate,
      decay: Number(decay),
      momentum: Number(momentum),
      epsilon: Number(epsilon),
    };
  }
  return `the ${name} optimizer is not supported by Tensorweave's kernels`;
}

/** A tfjs layer as a step of the chain rule. */
function layerStep(layer: tfjs.layers.Layer): ChainStep {
  const config = layer.getConfig() as Record<string, unknown>;
  const className = layer.getClassName();
  const step: ChainStep = { className, name: layer.name };
  if (className === 'Dense' || className === 'Activation') step.activation = String(config.activation);
  if (className === 'Dropout') {
    step.rate = Number(config.rate);
    step.noiseShape = config.noiseShape != null;
  }
  return step;
}

/** Whether `compiled` is a dense chain the fast trainer can run, and its description if so. */
export function describeDenseChain(compiled: CompiledGraph): ChainCheck {
  const fail = (reason: string): ChainCheck => ({ ok: false, reason });
  const { model } = compiled;
  const optimizer = chainOptimizer(compiled.optimizer);
  if (typeof optimizer === 'string') return fail(optimizer);
  if (model.inputs.length !== 1 || model.outputs.length !== 1) return fail('not a single-input chain');

  // The chain's topology first: every layer fed by the one before it.
  let previous: tfjs.layers.Layer | undefined;
  for (const layer of model.layers) {
    if (previous) {
      const inbound = layer.inboundNodes;
      if (inbound.length !== 1 || inbound[0]!.inboundLayers.length !== 1) return fail(NOT_A_CHAIN);
      if (inbound[0]!.inboundLayers[0] !== previous) return fail(NOT_A_CHAIN);
    }
    previous = layer;
  }
  if (previous !== model.outputLayers[0]) return fail(NOT_A_CHAIN);
  const steps = model.layers.map((layer) => layerStep(layer));
  const refusal = chainRefusal(steps);
  if (refusal) return fail(refusal);

  // A chain the rule accepts: collect its dense layers with their activation and dropout.
  const layers: ChainLayer[] = [];
  for (const [i, layer] of model.layers.entries()) {
    const step = steps[i]!;
    const last = layers[layers.length - 1];
    if (step.className === 'Dense') {
      const [kernel, bias] = layer.trainableWeights.map((w) => w.read() as tfjs.Variable);
      if (!kernel || kernel.rank !== 2 || kernel.dtype !== 'float32') return fail('an unexpected kernel');
      layers.push({
        inputs: kernel.shape[0]!,
        units: kernel.shape[1]!,
        activation: 'linear',
        kernel,
        ...(bias && { bias }),
      });
    } else if (step.className === 'Activation') {
      last!.activation = step.activation as ChainActivation;
    } else if (step.className === 'Dropout' && step.rate) {
      const config = layer.getConfig() as Record<string, unknown>;
      last!.dropout = { rate: step.rate, seed: Number(config.seed ?? 0) };
    }
  }
  const weights = layers.reduce((count, l) => count + (l.bias ? 2 : 1), 0);
  if (weights !== compiled.trainableVariables.length) return fail('weights outside the dense layers');
  const inputSize = compiled.inputShape.reduce((a, b) => a * b, 1);
  if (layers[0]!.inputs !== inputSize) return fail('the first dense layer does not see the whole input');
  for (let i = 1; i < layers.length; i++) {
    if (layers[i]!.inputs !== layers[i - 1]!.units) return fail('layer sizes do not chain');
  }
  return { ok: true, chain: { inputSize, layers, loss: compiled.loss, optimizer } };
}
