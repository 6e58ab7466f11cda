/**
 * The wasm backend's Identity (behind `clone()` and every tensor the gradient tape saves) shares
 * the bytes instead of copying them, as the cpu backend's does: a clone outlives its source with
 * the same values, memory is freed only when the last reference goes, and a training step gives
 * the same gradients as with tfjs's copying Identity.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tf, useBackend } from '../../../src/cli/nodeEnv';
import { registerSharedIdentity, restoreTfjsIdentity } from '../../../src/training/wasmIdentity';

beforeAll(async () => {
  await useBackend('wasm');
});
afterAll(() => registerSharedIdentity(tf));

const backendRefCount = (t: tf.Tensor) =>
  (tf.backend() as unknown as { refCount(id: object): number }).refCount(t.dataId);

describe('Identity on the wasm backend', () => {
  it('shares the bytes: the clone has the same data id, keeps its values after the source is disposed, and frees them last', () => {
    registerSharedIdentity(tf);
    const bytesBefore = tf.memory().numBytes;
    const x = tf.tensor2d([
      [1, 2],
      [3, 4],
    ]);
    const y = x.clone();
    expect(y.dataId).toBe(x.dataId);
    expect(backendRefCount(x)).toBe(2);
    x.dispose();
    expect(Array.from(y.dataSync())).toEqual([1, 2, 3, 4]);
    expect(backendRefCount(y)).toBe(1);
    y.dispose();
    expect(tf.memory().numBytes).toBe(bytesBefore);
  });

  it('gives the same gradients of a small convolutional step as tfjs’s copying Identity', () => {
    const x = tf.randomUniform([3, 9, 9, 2], 0, 1, 'float32', 1);
    const w = tf.variable(tf.randomNormal([3, 3, 2, 4], 0, 0.3, 'float32', 2)) as tf.Variable<tf.Rank.R4>;
    const b = tf.variable(tf.randomNormal([4], 0, 0.1, 'float32', 3));
    const loss = () =>
      tf.tidy(
        () => tf.sum(tf.square(tf.relu(tf.add(tf.conv2d(x as tf.Tensor4D, w, 1, 'same'), b)))) as tf.Scalar,
      );
    const gradsWith = (share: boolean) => {
      if (share) registerSharedIdentity(tf);
      else restoreTfjsIdentity(tf);
      const { value, grads } = tf.variableGrads(loss, [w, b]);
      const out = [value, grads[w.name]!, grads[b.name]!].map((t) => Array.from(t.dataSync()));
      tf.dispose([value, ...Object.values(grads)]);
      return out;
    };
    const before = tf.memory().numTensors;
    const copied = gradsWith(false);
    const shared = gradsWith(true);
    expect(tf.memory().numTensors).toBe(before);
    expect(shared).toEqual(copied);
    tf.dispose([x, w, b]);
  });
});
