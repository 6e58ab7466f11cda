import { describe, expect, it } from 'vitest';
import { learningRateAdvice } from '../../../src/core/learningRateAdvice';

describe('learningRateAdvice', () => {
  it.each([
    ['sgd', 0.001, 'sum', 100],
    ['sgd', 0.1, 'mean', 100],
    ['momentum', 0.01, 'sum', 100],
    ['adam', 0.001, 'mean', 100],
    ['rmsprop', 0.5, 'sum', 100],
  ] as const)('has nothing to say about %s at %f with a %s over batch %i', (opt, lr, reduction, batch) => {
    expect(learningRateAdvice(opt, lr, reduction, batch)).toBeUndefined();
  });

  it('suggests the mean-equivalent of the tutorial rate for a mean at 0.001', () => {
    const advice = learningRateAdvice('sgd', 0.001, 'mean', 100);
    expect(advice?.suggested).toBe(0.1);
    expect(advice?.message).toMatch(/averaged over the batch.*try 0\.1/);
  });

  it('suggests a rate divided by the batch for a sum at 0.5', () => {
    const advice = learningRateAdvice('momentum', 0.5, 'sum', 100);
    expect(advice?.suggested).toBe(0.005);
    expect(advice?.message).toMatch(/summed over the batch.*100× larger.*try 0\.005/);
  });

  it('scales with the batch size', () => {
    expect(learningRateAdvice('sgd', 0.001, 'mean', 50)?.suggested).toBe(0.05);
    expect(learningRateAdvice('sgd', 0.1, 'sum', 32)?.suggested).toBe(0.003);
  });
});
