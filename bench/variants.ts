/**
 * The optimizers the bench times each preset with: as saved (plain SGD) and Adam with tfjs's
 * usual settings, in Node (`src/cli/bench.ts`) and in the Chromium worker alike.
 */
import type { GraphDocument } from '../src/core/document';

export type BenchOptimizer = 'sgd' | 'adam';

/** `doc` as the bench runs it with `optimizer` (the presets are saved with SGD). */
export function withOptimizer(doc: GraphDocument, optimizer: BenchOptimizer): GraphDocument {
  if (optimizer === 'sgd') return doc;
  return {
    ...doc,
    training: { ...doc.training, optimizer: { type: 'adam', beta1: 0.9, beta2: 0.999, epsilon: 1e-7 } },
  };
}
