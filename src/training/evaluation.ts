/**
 * Evaluation beyond one accuracy number: per-class accuracy and the confusion matrix, from
 * predicted classes and true labels. Pure, so it is tested without a model.
 */
import type * as tfjs from '@tensorflow/tfjs';
import type { CompiledGraph } from '../core/compile';
import type { Tf } from '../core/nodeSpec';
import { NUM_CLASSES } from '../core/mnist';
import { makeBatch, type MnistSplit } from './mnist';

export interface Evaluation {
  accuracy: number;
  /** `matrix[truth][predicted]` counts. */
  matrix: number[][];
  /** Accuracy per true class (recall), NaN for a class with no example. */
  perClass: number[];
  /** Predicted class of every example, in split order. */
  predicted: Uint8Array;
  /** Probability the model gave its predicted class, per example. */
  confidence: Float32Array;
}

/** Confusion matrix and per-class accuracy from predictions. */
export function summarizePredictions(
  predicted: Uint8Array,
  labels: Uint8Array,
  confidence: Float32Array = new Float32Array(predicted.length),
): Evaluation {
  if (predicted.length !== labels.length) {
    throw new Error(`summarizePredictions: ${predicted.length} predictions for ${labels.length} labels.`);
  }
  const matrix = Array.from({ length: NUM_CLASSES }, () => new Array<number>(NUM_CLASSES).fill(0));
  let correct = 0;
  for (let i = 0; i < labels.length; i++) {
    matrix[labels[i]!]![predicted[i]!]!++;
    if (labels[i] === predicted[i]) correct++;
  }
  const perClass = matrix.map((row, k) => {
    const total = row.reduce((a, b) => a + b, 0);
    return total ? row[k]! / total : Number.NaN;
  });
  return {
    accuracy: labels.length ? correct / labels.length : Number.NaN,
    matrix,
    perClass,
    predicted,
    confidence,
  };
}

/** Predicted classes of a split's examples, and the score of each. */
export interface SplitPredictions {
  predicted: Uint8Array;
  confidence: Float32Array;
}

/**
 * Predicts a split for one compiled graph another way (Tensorweave's kernels, see
 * `kernels/kernelStepper.ts`), or answers undefined when it cannot (e.g. the model's weights
 * changed since it took its copy), and the tfjs evaluation runs.
 */
export type SplitPredictor = (split: MnistSplit) => SplitPredictions | undefined;

const predictors = new WeakMap<CompiledGraph, SplitPredictor>();

/** Let `evaluateSplit` and `evaluateAccuracy` ask `predictor` first for `compiled` (undefined: tfjs only). */
export function setSplitPredictor(compiled: CompiledGraph, predictor: SplitPredictor | undefined): void {
  if (predictor) predictors.set(compiled, predictor);
  else predictors.delete(compiled);
}

/** Run the model over a whole split in batches and summarise (a registered predictor answers first). */
export function evaluateSplit(
  tf: Tf,
  compiled: CompiledGraph,
  split: MnistSplit,
  batchSize = 1000,
): Evaluation {
  const fast = predictors.get(compiled)?.(split);
  if (fast) return summarizePredictions(fast.predicted, split.labels, fast.confidence);
  const predicted = new Uint8Array(split.count);
  const confidence = new Float32Array(split.count);
  for (let start = 0; start < split.count; start += batchSize) {
    const count = Math.min(batchSize, split.count - start);
    const [classes, best] = tf.tidy(() => {
      const { xs } = makeBatch(tf, split, undefined, start, count, compiled.inputShape);
      const probabilities = compiled.forward(xs, false);
      return [tf.argMax(probabilities, -1), tf.max(probabilities, -1)] as [tfjs.Tensor, tfjs.Tensor];
    });
    predicted.set(classes.dataSync(), start);
    confidence.set(best.dataSync() as Float32Array, start);
    tf.dispose([classes, best]);
  }
  return summarizePredictions(predicted, split.labels, confidence);
}

/**
 * Accuracy of the model (evaluation mode) on a split, in batches of `batchSize`; NaN when empty.
 * A predictor registered for `compiled` (`setSplitPredictor`) answers first.
 */
export function evaluateAccuracy(
  tf: Tf,
  compiled: CompiledGraph,
  split: MnistSplit,
  batchSize = 1000,
): number {
  return evaluateSplit(tf, compiled, split, batchSize).accuracy;
}
