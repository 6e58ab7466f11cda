/**
 * Compile a valid graph document into TensorFlow.js: a functional `LayersModel` (so branches,
 * Add and Concat work, not only chains), the loss exactly as the Loss node says, and the
 * optimizer from the training settings. `tf` is injected so that the core stays free of
 * runtime imports and runs unchanged in the browser, in a worker and in Node.
 */
import type * as tfjs from '@tensorflow/tfjs';
import type { GraphAnalysis } from './analyze';
import type { GraphDocument, OptimizerSettings } from './document';
import { channelBiasAdd } from './channelBiasAdd';
import type { Tf } from './nodeSpec';
import type { BatchNormParams } from './nodes/batchNorm';
import type { LossParams } from './nodes/loss';
import { fnv1a } from './util/fnv1a';

/** Probabilities are clipped to [EPSILON, 1] before the logarithm of the cross-entropy. */
export const LOG_EPSILON = 1e-7;

export type LossFn = (labels: tfjs.Tensor, predictions: tfjs.Tensor) => tfjs.Scalar;

export interface CompiledGraph {
  /** The network from the input node to the loss node's predecessor; layer names = node ids. */
  model: tfjs.LayersModel;
  /** Shape of one example as the input node wants it: `[784]` or `[28, 28, 1]`. */
  inputShape: number[];
  /**
   * The same network applied to concrete tensors. Identical maths to `model.predict`, but dense
   * layers run as a plain `matMul` + bias, so that autodiff goes through the registered
   * `BatchMatMul` gradient (which prunes the unneeded gradient with respect to the images)
   * rather than tfjs's fused-matmul custom gradient, which computes it eagerly. With
   * `training: true` dropout is active, with a fresh deterministic mask on every call, and
   * BatchNorm uses the batch's statistics and updates its running averages.
   */
  forward(x: tfjs.Tensor, training: boolean): tfjs.Tensor;
  /** The loss node's function of one-hot labels and predictions, reduced to a scalar. */
  lossFn: LossFn;
  optimizer: tfjs.Optimizer;
  /** The variables training updates (every trainable weight of the model). */
  trainableVariables: tfjs.Variable[];
  /** Loss node parameters, for display. */
  loss: LossParams;
  /** Frees the model's weights and the optimizer's state. */
  dispose(): void;
}

/**
 * A 31-bit seed for one node's initialisers, derived from the document seed and the node id
 * (FNV-1a), so that renaming or adding other nodes does not change this node's weights.
 */
export function nodeSeed(documentSeed: number, nodeId: string): number {
  return fnv1a(`${documentSeed}:${nodeId}`) & 0x7fffffff;
}

/** The loss as the Loss node describes it (see `nodes/loss.ts` for the formulas). */
export function makeLossFn(tf: Tf, params: LossParams): LossFn {
  return (labels, predictions) =>
    tf.tidy(() => {
      const batch = predictions.shape[0] ?? 1;
      let total: tfjs.Scalar;
      if (params.loss === 'categoricalCrossentropy') {
        // −Σ y·log(clip(p)), over classes and the batch.
        total = tf.neg(tf.sum(tf.mul(labels, tf.log(tf.clipByValue(predictions, LOG_EPSILON, 1)))));
      } else {
        // Per example: the mean over classes of (y − p)²; then summed over the batch.
        const classes = predictions.shape[predictions.shape.length - 1] ?? 1;
        total = tf.div(tf.sum(tf.squaredDifference(labels, predictions)), classes);
      }
      return params.reduction === 'sum' ? total : tf.div(total, batch);
    });
}

/** The tfjs optimizer for the document's settings. */
export function makeOptimizer(tf: Tf, settings: OptimizerSettings, learningRate: number): tfjs.Optimizer {
  switch (settings.type) {
    case 'sgd':
      return tf.train.sgd(learningRate);
    case 'momentum':
      return tf.train.momentum(learningRate, settings.momentum, settings.nesterov);
    case 'adam':
      return tf.train.adam(learningRate, settings.beta1, settings.beta2, settings.epsilon);
    case 'rmsprop':
      return tf.train.rmsprop(learningRate, settings.decay, settings.momentum, settings.epsilon);
  }
}

/**
 * One training-mode pass of a BatchNorm layer: normalise with the batch's own mean and
 * variance (over every axis but the channels), and move the layer's running averages towards
 * them by `1 − momentum`, as Keras does; evaluation then uses those averages. Done here rather
 * than through the layer's `apply`, whose training path reads γ and β even when the node has
 * turned them off.
 */
function batchNormTraining(
  tf: Tf,
  layer: tfjs.layers.Layer,
  params: BatchNormParams,
  x: tfjs.Tensor,
): tfjs.Tensor {
  const axes = Array.from({ length: x.rank - 1 }, (_, i) => i);
  const { mean, variance } = tf.moments(x, axes);
  const [movingMean, movingVariance] = layer.nonTrainableWeights;
  for (const [average, batch] of [
    [movingMean!, mean],
    [movingVariance!, variance],
  ] as const) {
    const old = average.read();
    average.write(tf.sub(old, tf.mul(tf.sub(old, batch), 1 - params.momentum)));
  }
  const weights = layer.trainableWeights.map((w) => w.read());
  const gamma = params.scale ? weights[0] : undefined;
  const beta = params.center ? weights[params.scale ? 1 : 0] : undefined;
  return tf.batchNorm(x, mean, variance, beta, gamma, params.epsilon);
}

/**
 * Build the model, loss and optimizer of a graph. The analysis must be valid (callers check
 * `analysis.valid` and show the diagnostics first); an invalid one is a bug and throws.
 * Nodes that do not lead to the loss are left out (they are only a warning in the editor).
 */
export function compileGraph(tf: Tf, doc: GraphDocument, analysis: GraphAnalysis): CompiledGraph {
  if (!analysis.valid || analysis.inputId === undefined || analysis.lossId === undefined) {
    throw new Error('compileGraph: the graph has errors; check analysis.valid before compiling.');
  }
  const lossId = analysis.lossId;
  const inputId = analysis.inputId;
  const lossInfo = analysis.nodes.get(lossId)!;
  const lossParams = lossInfo.params as LossParams;

  // Which nodes feed the loss, and each node's incoming edges in port-declaration order.
  const incoming = new Map<string, string[]>();
  for (const id of analysis.order) {
    const info = analysis.nodes.get(id)!;
    const ports = info.spec?.inputs ?? [];
    const sources: string[] = [];
    for (const port of ports) {
      for (const e of analysis.edges) {
        if (e.to.node === id && e.to.port === port.id) sources.push(e.from.node);
      }
    }
    incoming.set(id, sources);
  }
  const needed = new Set<string>();
  const stack = [lossId];
  while (stack.length) {
    for (const src of incoming.get(stack.pop()!) ?? []) {
      if (!needed.has(src)) {
        needed.add(src);
        stack.push(src);
      }
    }
  }
  const outputId = incoming.get(lossId)![0]!;
  const order = analysis.order.filter((id) => needed.has(id));

  const inputShape = [...analysis.nodes.get(inputId)!.outputShape!];
  const symbolic = new Map<string, tfjs.SymbolicTensor>();
  const layers = new Map<string, tfjs.layers.Layer>();
  symbolic.set(inputId, tf.input({ shape: inputShape, name: inputId }));
  for (const id of order) {
    if (id === inputId) continue;
    const info = analysis.nodes.get(id)!;
    const spec = info.spec!;
    if (!spec.build) throw new Error(`compileGraph: node "${id}" (${info.type}) cannot be built.`);
    const layer = spec.build(tf, info.params!, { name: id, seed: nodeSeed(doc.training.seed, id) });
    const ins = incoming.get(id)!.map((src) => symbolic.get(src)!);
    const out = layer.apply(ins.length === 1 ? ins[0]! : ins) as tfjs.SymbolicTensor;
    symbolic.set(id, out);
    layers.set(id, layer);
  }
  const model = tf.model({
    inputs: symbolic.get(inputId)!,
    outputs: symbolic.get(outputId)!,
    name: doc.name,
  });
  const optimizer = makeOptimizer(tf, doc.training.optimizer, doc.training.learningRate);
  const trainableVariables = model.trainableWeights.map((w) => w.read() as tfjs.Variable);

  // Nodes whose output depends on no trainable weight: the input and what follows it before
  // the first layer with weights.
  const dataOnly = new Set<string>([inputId]);
  for (const id of order) {
    const layer = layers.get(id);
    if (layer && layer.trainableWeights.length === 0 && incoming.get(id)!.every((src) => dataOnly.has(src)))
      dataOnly.add(id);
  }

  let dropoutCalls = 0;
  const forward = (x: tfjs.Tensor, training: boolean): tfjs.Tensor =>
    tf.tidy(() => {
      if (training) dropoutCalls++;
      const values = new Map<string, tfjs.Tensor>([[inputId, x]]);
      for (const id of order) {
        if (id === inputId) continue;
        const info = analysis.nodes.get(id)!;
        const ins = incoming.get(id)!.map((src) => values.get(src)!);
        const layer = layers.get(id)!;
        let out: tfjs.Tensor;
        if (info.type === 'dense') {
          const [kernel, bias] = layer.trainableWeights.map((w) => w.read());
          const inp = ins[0]!;
          const fanIn = inp.shape[inp.shape.length - 1]!;
          const flat = inp.rank === 2 ? inp : tf.reshape(inp, [-1, fanIn]);
          let y: tfjs.Tensor = tf.matMul(flat as tfjs.Tensor2D, kernel as tfjs.Tensor2D);
          if (bias) y = tf.add(y, bias);
          out = inp.rank === 2 ? y : tf.reshape(y, [...inp.shape.slice(0, -1), y.shape[1]!]);
        } else if (info.type === 'conv2d' && dataOnly.has(incoming.get(id)![0]!)) {
          // The plain op and a bias add rather than the layer's fused op where the input is
          // computed from the data alone: the fused op's gradient also computes its input's
          // gradient, which nothing needs there (16 of the 215 ms of a step of the first cnn preset). The
          // fused op stays elsewhere: its forward is the faster.
          const [kernel, bias] = layer.trainableWeights.map((w) => w.read());
          const p = info.params as { strides: number; padding: 'same' | 'valid' };
          const y = tf.conv2d(ins[0] as tfjs.Tensor4D, kernel as tfjs.Tensor4D, p.strides, p.padding);
          out = bias ? channelBiasAdd(tf, y, bias) : y;
        } else if (info.type === 'dropout') {
          const rate = (info.params as { rate: number }).rate;
          // tfjs's Dropout layer reuses one mask forever when given a seed; vary it per step.
          out =
            training && rate > 0
              ? tf.dropout(ins[0]!, rate, undefined, nodeSeed(doc.training.seed + dropoutCalls, id))
              : ins[0]!;
        } else if (info.type === 'batchNorm' && training) {
          out = batchNormTraining(tf, layer, info.params as BatchNormParams, ins[0]!);
        } else {
          out = layer.apply(ins.length === 1 ? ins[0]! : ins, { training }) as tfjs.Tensor;
        }
        values.set(id, out);
      }
      return values.get(outputId)!;
    });

  return {
    model,
    inputShape,
    forward,
    lossFn: makeLossFn(tf, lossParams),
    optimizer,
    trainableVariables,
    loss: lossParams,
    dispose() {
      optimizer.dispose();
      model.dispose();
    },
  };
}
