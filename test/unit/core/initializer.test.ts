/**
 * The initialisers as stored, shown and drawn: truncated normal keeps every value within two
 * standard deviations (so its spread is ≈ 0.88σ, as TensorFlow's and Keras's), constant is
 * exact, both read from Keras configs, and the inspector's numbers match the schema.
 */
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  formatInitializer,
  INITIALIZER_NUMBERS,
  INITIALIZER_OPTIONS,
  makeInitializer,
  zInitializer,
  type Initializer,
} from '../../../src/core/initializer';
import { LIMITS } from '../../../src/core/limits';
import { initializerFromKeras } from '../../../src/core/nodes/keras';

/** 200,000 values drawn with a fixed seed. */
function sample(init: Initializer, seed = 7): Float32Array {
  const t = makeInitializer(tf, init, seed).apply([200, 1000]);
  const values = t.dataSync() as Float32Array;
  t.dispose();
  return values;
}

function meanAndStd(values: Float32Array): { mean: number; std: number } {
  let sum = 0;
  for (const v of values) sum += v;
  const mean = sum / values.length;
  let squares = 0;
  for (const v of values) squares += (v - mean) ** 2;
  return { mean, std: Math.sqrt(squares / values.length) };
}

/** The standard deviation of a normal cut at ±2σ, in σ: √(1 − 4φ(2) / (Φ(2) − Φ(−2))). */
const TRUNCATED_STD = Math.sqrt(1 - (4 * Math.exp(-2)) / Math.sqrt(2 * Math.PI) / 0.9544997361);

let before: number;
beforeAll(async () => {
  await tf.setBackend('cpu');
  before = tf.memory().numTensors;
});
afterAll(() => expect(tf.memory().numTensors).toBe(before));

describe('truncated normal', () => {
  const init: Initializer = { name: 'truncatedNormal', mean: 0.5, stddev: 0.2 };

  it('draws nothing beyond two standard deviations of the mean', () => {
    const values = sample(init);
    const outside = values.filter((v) => Math.abs(v - 0.5) > 2 * 0.2 + 1e-6);
    expect(outside.length).toBe(0);
    // The same seed with a plain normal does go beyond: the cut is real.
    const plain = sample({ name: 'normal', mean: 0.5, stddev: 0.2 });
    expect(plain.filter((v) => Math.abs(v - 0.5) > 0.4).length).toBeGreaterThan(0.04 * plain.length);
  });

  it('has the mean asked for and a spread of ≈ 0.88σ', () => {
    const { mean, std } = meanAndStd(sample(init));
    expect(TRUNCATED_STD).toBeCloseTo(0.8796, 4);
    expect(Math.abs(mean - 0.5)).toBeLessThan(0.002);
    expect(Math.abs(std / 0.2 - TRUNCATED_STD)).toBeLessThan(0.01);
  });

  it('is reproducible by seed', () => {
    const same = (a: Float32Array, b: Float32Array) => a.every((v, i) => v === b[i]);
    expect(same(sample(init, 3), sample(init, 3))).toBe(true);
    expect(same(sample(init, 3), sample(init, 4))).toBe(false);
  });
});

describe('constant', () => {
  it('fills every weight with exactly its value (as float32)', () => {
    for (const value of [0.1, -2.5, 0]) {
      const values = sample({ name: 'constant', value });
      expect(values.every((v) => v === Math.fround(value))).toBe(true);
    }
  });
});

describe('the stored form', () => {
  it('fills in defaults: truncated normal(0, 0.05) as Keras, constant 0.1 as Deep MNIST’s biases', () => {
    expect(zInitializer.parse({ name: 'truncatedNormal' })).toEqual({
      name: 'truncatedNormal',
      mean: 0,
      stddev: 0.05,
    });
    expect(zInitializer.parse({ name: 'constant' })).toEqual({ name: 'constant', value: 0.1 });
  });

  it('refuses numbers out of bounds, naming the number', () => {
    const issue = (raw: unknown) => {
      const r = zInitializer.safeParse(raw);
      return r.success ? undefined : r.error.issues[0]!.message;
    };
    expect(issue({ name: 'truncatedNormal', stddev: 0 })).toBe('stddev must be more than 0');
    expect(issue({ name: 'truncatedNormal', mean: -2e3 })).toBe(
      `mean must be at least ${-LIMITS.initializerValue}`,
    );
    expect(issue({ name: 'constant', value: 1e6 })).toBe(`value must be at most ${LIMITS.initializerValue}`);
    expect(issue({ name: 'constant', value: 'a lot' })).toBe('value must be a number');
  });

  it('shows in formulas with its numbers', () => {
    expect(formatInitializer({ name: 'truncatedNormal', mean: 0, stddev: 0.1 })).toBe(
      'truncatedNormal(0, 0.1)',
    );
    expect(formatInitializer({ name: 'constant', value: 0.1 })).toBe('constant(0.1)');
    expect(formatInitializer({ name: 'normal', mean: 0, stddev: 0.05 })).toBe('normal(0, 0.05)');
  });

  it('gives the inspector exactly the numbers each initialiser stores', () => {
    for (const { value } of INITIALIZER_OPTIONS) {
      const stored = Object.keys(zInitializer.parse({ name: value })).filter((k) => k !== 'name');
      expect({ value, numbers: INITIALIZER_NUMBERS[value].map((n) => n.key) }).toEqual({
        value,
        numbers: stored,
      });
    }
  });
});

describe('from Keras', () => {
  const keras = (class_name: string, config: Record<string, unknown>) => ({
    module: 'keras.initializers',
    class_name,
    config,
    registered_name: null,
  });

  it('reads TruncatedNormal and Constant with their numbers, Ones as constant 1', () => {
    expect(initializerFromKeras(keras('TruncatedNormal', { mean: 0.0, stddev: 0.1, seed: null }))).toEqual({
      name: 'truncatedNormal',
      mean: 0,
      stddev: 0.1,
    });
    expect(initializerFromKeras(keras('Constant', { value: 0.1 }))).toEqual({ name: 'constant', value: 0.1 });
    expect(initializerFromKeras(keras('Ones', {}))).toEqual({ name: 'constant', value: 1 });
  });

  it('takes Keras’s defaults for numbers that are missing or not numbers', () => {
    expect(initializerFromKeras(keras('TruncatedNormal', {}))).toEqual({
      name: 'truncatedNormal',
      mean: 0,
      stddev: 0.05,
    });
    expect(initializerFromKeras(keras('Constant', { value: [1, 2] }))).toEqual({
      name: 'constant',
      value: 0,
    });
  });
});
