/**
 * Whether a learning rate fits the loss's reduction. Plain gradient descent (with or without
 * momentum) steps by `learningRate × gradient`, and a loss summed over the batch has a gradient
 * `batchSize` times larger than the same loss averaged: the tutorial's sum at 0.001 is the mean
 * at 0.1 (batch 100). A rate meant for one reduction, used with the other, either barely moves
 * (mean at 0.001: 65% after 2,000 steps instead of 91%) or overshoots. Adam and RMSprop divide
 * the gradient by its own scale, so the reduction hardly matters to them and they get no advice.
 */
import type { OptimizerType } from './document';

export type Reduction = 'sum' | 'mean';

export interface LearningRateAdvice {
  /** One sentence for the Train panel, next to the learning rate. */
  message: string;
  /** The rate that gives the step the other reduction had in mind. */
  suggested: number;
}

/** The effective per-example step (`lr × batch` for a sum, `lr` for a mean) counted as fitting. */
const TOO_SMALL = 0.01;
const TOO_LARGE = 2;

/** `0.1` for 0.1000000002, `0.005` for 0.00499: one significant digit, as a person would type it. */
function roundRate(rate: number): number {
  return Number(rate.toPrecision(1));
}

/** Advice when `learningRate` does not fit `reduction` for this optimizer, else undefined. */
export function learningRateAdvice(
  optimizer: OptimizerType,
  learningRate: number,
  reduction: Reduction,
  batchSize: number,
): LearningRateAdvice | undefined {
  if (optimizer !== 'sgd' && optimizer !== 'momentum') return undefined;
  const step = reduction === 'sum' ? learningRate * batchSize : learningRate;
  if (reduction === 'mean' && step < TOO_SMALL) {
    const suggested = roundRate(learningRate * batchSize);
    return {
      message: `With the loss averaged over the batch, learning rate ${learningRate} takes tiny steps; try ${suggested} (the same step as the tutorial's sum at ${learningRate}).`,
      suggested,
    };
  }
  if (reduction === 'sum' && step > TOO_LARGE) {
    const suggested = roundRate(learningRate / batchSize);
    return {
      message: `With the loss summed over the batch, learning rate ${learningRate} takes steps ${batchSize}× larger than with a mean and is likely to diverge; try ${suggested}.`,
      suggested,
    };
  }
  return undefined;
}
