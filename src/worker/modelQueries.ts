/**
 * Questions the page asks about the current model — also while it trains, between steps:
 * the probabilities for a drawn digit, the first layer's weights (or filters) as pictures, test
 * examples.
 */
import * as tf from '@tensorflow/tfjs';
import { IMAGE_SIDE, IMAGE_SIZE } from '../core/mnist';
import type { ExampleImage, WeightImages } from './protocol';
import type { Session } from './session';

/** Probabilities for one image of 784 values in [0, 1]. */
export function predict(session: Session, pixels: Float32Array): number[] {
  const { compiled } = session;
  return tf.tidy(() => {
    const x = tf.tensor(pixels, [1, ...compiled.inputShape]);
    return Array.from(compiled.forward(x, false).dataSync());
  });
}

/**
 * Weights as pictures, or why not: the kernel columns of a dense layer fed by the input pixels
 * (28×28 each), or the filters of a convolution fed by a one-channel picture (k×k each).
 */
export function weightImages(
  session: Session,
  nodeId: string,
  maxUnits: number,
): { images: WeightImages; reason?: undefined } | { images?: undefined; reason: string } {
  const layer = session.compiled.model.layers.find((l) => l.name === nodeId);
  const kernel = layer?.getWeights()[0];
  const dense = kernel?.shape.length === 2 && kernel.shape[0] === IMAGE_SIZE;
  // [k, k, 1, filters]: one k×k picture per filter.
  const conv = kernel?.shape.length === 4 && kernel.shape[2] === 1 && kernel.shape[0] === kernel.shape[1];
  if (!kernel || (!dense && !conv)) {
    return {
      reason: `Node "${nodeId}" is neither a dense layer fed by the 784 input pixels nor a convolution of the one-channel picture.`,
    };
  }
  const side = dense ? IMAGE_SIDE : kernel.shape[0]!;
  const totalUnits = kernel.shape.at(-1)!;
  const units = Math.min(maxUnits, totalUnits);
  const data = tf.tidy(() => {
    const columns = kernel.reshape([side * side, totalUnits]);
    return tf
      .transpose(columns)
      .slice([0, 0], [units, side * side])
      .dataSync() as Float32Array;
  });
  let min = Infinity;
  let max = -Infinity;
  for (const v of data) {
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return {
    images: { nodeId, data, side, kind: dense ? 'inputWeights' : 'filters', units, totalUnits, min, max },
  };
}

/** Test images by index (at most 200), with their label, prediction and probabilities. */
export function examples(session: Session, indices: number[]): ExampleImage[] {
  const { test } = session.data;
  const valid = indices.filter((i) => Number.isInteger(i) && i >= 0 && i < test.count).slice(0, 200);
  return valid.map((index) => {
    const pixels = test.images.slice(index * IMAGE_SIZE, (index + 1) * IMAGE_SIZE);
    const probabilities = predict(
      session,
      Float32Array.from(pixels, (v) => v / 255),
    );
    const predicted = probabilities.indexOf(Math.max(...probabilities));
    return { index, label: test.labels[index]!, predicted, probabilities, pixels };
  });
}
