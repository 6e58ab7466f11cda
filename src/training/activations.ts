/**
 * What flows through a compiled graph: every node's output for given inputs, the gradient of
 * the loss with respect to each of them, and the size of each layer's weights. Framework-free
 * (tf injected), so the worker's "see inside" views and the Node tests share one definition.
 *
 * The walk follows the model's own layers and their inbound connections (not the document), so
 * any layer the compiler builds — convolutions included — works without a case of its own.
 */
import type * as tfjs from '@tensorflow/tfjs';
import type { CompiledGraph } from '../core/compile';
import type { Tf } from '../core/nodeSpec';

/** One node's output for a batch: its values, row-major, and its shape without the batch. */
export interface NodeActivation {
  nodeId: string;
  shape: number[];
  values: Float32Array;
}

/** The names of the layers feeding `layer` in the compiled model, in port order. */
function inboundNames(layer: tfjs.layers.Layer): string[] {
  const node = layer.inboundNodes[0];
  return node ? node.inboundLayers.map((l) => l.name) : [];
}

/**
 * Every node's output for `x` (in inference mode: dropout is the identity), keyed by node id.
 * `perturb`, when given, is added to each node's output before it flows on: the gradient of
 * the loss with respect to it is the gradient flowing back through that node's edges.
 * The caller owns (and disposes) the returned tensors; run it inside `tf.tidy`.
 */
export function forwardAll(
  tf: Tf,
  compiled: CompiledGraph,
  x: tfjs.Tensor,
  perturb?: ReadonlyMap<string, tfjs.Tensor>,
): Map<string, tfjs.Tensor> {
  const values = new Map<string, tfjs.Tensor>();
  for (const layer of compiled.model.layers) {
    const ins = inboundNames(layer).map((name) => values.get(name)!);
    let out =
      ins.length === 0
        ? x
        : (layer.apply(ins.length === 1 ? ins[0]! : ins, { training: false }) as tfjs.Tensor);
    const p = perturb?.get(layer.name);
    if (p) out = tf.add(out, p);
    values.set(layer.name, out);
  }
  return values;
}

/** Every node's output for one example `x` (shape of `compiled.inputShape`), as plain arrays. */
export function activationsOf(tf: Tf, compiled: CompiledGraph, x: Float32Array): NodeActivation[] {
  return tf.tidy(() => {
    const all = forwardAll(tf, compiled, tf.tensor(x, [1, ...compiled.inputShape]));
    return [...all].map(([nodeId, t]) => ({
      nodeId,
      shape: t.shape.slice(1),
      values: t.dataSync() as Float32Array,
    }));
  });
}

/**
 * The mean absolute gradient of the loss with respect to each node's output, over the batch
 * `xs`, `ys` (one-hot): how strongly the error flows back through the edges leaving that node.
 * Computed in inference mode (no dropout mask), on the current weights.
 */
export function gradientMagnitudes(
  tf: Tf,
  compiled: CompiledGraph,
  xs: tfjs.Tensor,
  ys: tfjs.Tensor,
): Map<string, number> {
  const ids: string[] = [];
  const means = tf.tidy(() => {
    const shapes = tf.tidy(() => [...forwardAll(tf, compiled, xs)].map(([id, t]) => [id, t.shape] as const));
    ids.push(...shapes.map(([id]) => id));
    const zeros = shapes.map(([, shape]) => tf.zeros(shape));
    const loss = (...probes: tfjs.Tensor[]) => {
      const perturb = new Map(ids.map((id, i) => [id, probes[i]!]));
      const outputs = forwardAll(tf, compiled, xs, perturb);
      return compiled.lossFn(ys, outputs.get(compiled.model.outputLayers[0]!.name)!);
    };
    return tf.stack(
      tf
        .grads(loss)(zeros)
        .map((g) => tf.mean(tf.abs(g))),
    );
  });
  const values = means.dataSync();
  means.dispose();
  return new Map(ids.map((id, i) => [id, values[i]!]));
}

/** Each layer's weights as copies (to measure a step's update against). */
export function copyWeights(compiled: CompiledGraph): Map<string, tfjs.Tensor[]> {
  const copies = new Map<string, tfjs.Tensor[]>();
  for (const layer of compiled.model.layers) {
    if (layer.trainableWeights.length)
      copies.set(
        layer.name,
        layer.trainableWeights.map((w) => w.read().clone()),
      );
  }
  return copies;
}

/**
 * ‖Δw‖ / ‖w‖ per layer: the size of the update since `before` (from `copyWeights`) relative to
 * the weights now. Around 1e-3 is the usual healthy rate; 1e-6 barely learns, 1e-1 is wild.
 */
export function updateRatios(
  tf: Tf,
  compiled: CompiledGraph,
  before: ReadonlyMap<string, tfjs.Tensor[]>,
): Map<string, number> {
  const ratios = new Map<string, number>();
  for (const layer of compiled.model.layers) {
    const old = before.get(layer.name);
    if (!old) continue;
    const ratio = tf.tidy(() => {
      const now = layer.trainableWeights.map((w) => w.read());
      const delta = tf.addN(now.map((w, i) => tf.sum(tf.square(tf.sub(w, old[i]!)))));
      const size = tf.addN(now.map((w) => tf.sum(tf.square(w))));
      return Math.sqrt(delta.dataSync()[0]!) / Math.max(Math.sqrt(size.dataSync()[0]!), 1e-12);
    });
    ratios.set(layer.name, ratio);
  }
  return ratios;
}
