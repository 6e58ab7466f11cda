import { describe, expect, it } from 'vitest';
import { summarizePredictions } from '../../../src/training/evaluation';

describe('summarizePredictions', () => {
  it('counts the confusion matrix by [truth][predicted] and per-class accuracy', () => {
    const labels = Uint8Array.from([0, 0, 1, 1, 1, 7]);
    const predicted = Uint8Array.from([0, 1, 1, 1, 7, 7]);
    const e = summarizePredictions(predicted, labels);
    expect(e.accuracy).toBeCloseTo(4 / 6);
    expect(e.matrix[0]!.slice(0, 2)).toEqual([1, 1]);
    expect(e.matrix[1]![1]).toBe(2);
    expect(e.matrix[1]![7]).toBe(1);
    expect(e.matrix[7]![7]).toBe(1);
    expect(e.perClass[0]).toBeCloseTo(0.5);
    expect(e.perClass[1]).toBeCloseTo(2 / 3);
    expect(e.perClass[2]).toBeNaN();
    expect(e.matrix.flat().reduce((a, b) => a + b, 0)).toBe(6);
  });

  it('refuses predictions and labels of different lengths', () => {
    expect(() => summarizePredictions(new Uint8Array(3), new Uint8Array(4))).toThrow(
      /3 predictions for 4 labels/,
    );
  });
});
