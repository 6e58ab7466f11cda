/**
 * What the ONNX tests share: seeded weights for any graph, the first MNIST test images, and
 * predictions of the same images by tfjs (our compiled model) and by onnxruntime-web (the file).
 */
import { readFileSync } from 'node:fs';
import * as ort from 'onnxruntime-web';
import { expect } from 'vitest';
import { analyzeGraph } from '../../../src/core/analyze';
import { compileGraph, type CompiledGraph } from '../../../src/core/compile';
import type { GraphDocument } from '../../../src/core/document';
import type { LayerWeights, TrainedModel } from '../../../src/core/exchange/importTrainedModel';
import { graphToOnnx } from '../../../src/core/exchange/onnx/exportOnnx';
import { importOnnx } from '../../../src/core/exchange/onnx/importOnnx';
import { parseDocument } from '../../../src/core/parseDocument';
import { nodeReadBytes, tf, useBackend } from '../../../src/cli/nodeEnv';
import { loadMnist, makeBatch, type MnistData } from '../../../src/training/mnist';
import { applyWeights } from '../../../src/training/weights';

/** A preset from `graphs/`, parsed as the app parses it. */
export function loadGraph(name: string): GraphDocument {
  const text = readFileSync(new URL(`../../../graphs/${name}.json`, import.meta.url), 'utf8');
  const result = parseDocument(text);
  if (!result.ok) throw new Error(result.error);
  return result.value;
}

/**
 * Seeded weights of every shape the graph needs, biases included (a fresh init has zero
 * biases): uniform in ±0.1, or with `keepScale` in ±√(3 / fan-in) for kernels, so that values
 * keep their size through a deep stack (BatchNorm's scale then is 1 ± 0.5). A variance is kept
 * positive.
 */
export function randomWeights(doc: GraphDocument, seed: number, keepScale = false): LayerWeights {
  let state = seed;
  const next = () => (state = (state * 1664525 + 1013904223) >>> 0) / 2 ** 32 - 0.5;
  const weights: LayerWeights = new Map();
  for (const [id, info] of analyzeGraph(doc).nodes) {
    const specs = info.spec?.keras?.weights?.(info.params!, info.inputShapes) ?? [];
    if (!specs.length) continue;
    const tensors = specs.map((s) => {
      const fanIn = s.shape.slice(0, -1).reduce((a, b) => a * b, 1);
      const range = keepScale && s.shape.length > 1 ? 2 * Math.sqrt(3 / fanIn) : 0.2;
      const data = Float32Array.from({ length: s.shape.reduce((a, b) => a * b, 1) }, () => next() * range);
      if (s.name === 'moving_variance') data.forEach((v, i) => (data[i] = 0.5 + Math.abs(v) * 5));
      if (keepScale && s.name === 'gamma') data.forEach((v, i) => (data[i] = 1 + v * 5));
      return { shape: s.shape, data };
    });
    weights.set(id, tensors);
  }
  return weights;
}

/** Largest absolute difference between two predictions of the same images. */
/** Our ONNX export of `doc` read back by our import (a refusal on either side fails the test). */
export function throughOnnx(doc: GraphDocument, weights: LayerWeights): TrainedModel {
  const bytes = graphToOnnx(doc, weights);
  if (!bytes.ok) throw new Error(bytes.error);
  const back = importOnnx(bytes.value);
  if (!back.ok) throw new Error(back.error);
  return back.value;
}

export function maxDifference(a: Float32Array, b: Float32Array): number {
  expect(a.length).toBe(b.length);
  return a.reduce((worst, v, i) => Math.max(worst, Math.abs(v - b[i]!)), 0);
}

/** Index of the largest of each row of `width` values. */
export function argmaxRows(values: Float32Array, width = 10): number[] {
  const out: number[] = [];
  for (let r = 0; r < values.length / width; r++) {
    const row = values.subarray(r * width, (r + 1) * width);
    out.push(row.indexOf(Math.max(...row)));
  }
  return out;
}

/** MNIST loaded once, tfjs on wasm, and every compiled model disposed by `dispose`. */
export class OnnxHarness {
  data!: MnistData;
  private readonly opened: CompiledGraph[] = [];

  constructor(readonly count: number) {}

  async setUp(): Promise<void> {
    ort.env.wasm.numThreads = 1;
    await useBackend('wasm');
    this.data = await loadMnist(nodeReadBytes(), { validationCount: 5000 });
  }

  dispose(): void {
    this.opened.forEach((c) => c.dispose());
  }

  compile(doc: GraphDocument, weights?: LayerWeights): CompiledGraph {
    const compiled = compileGraph(tf, doc, analyzeGraph(doc));
    if (weights) applyWeights(tf, compiled, weights);
    this.opened.push(compiled);
    return compiled;
  }

  /** The first `count` test images, as values in [0, 1] (or those mapped by `pixel`). */
  images(pixel?: (v: number) => number): Float32Array {
    const values = tf.tidy(
      () => makeBatch(tf, this.data.test, undefined, 0, this.count, [784]).xs.dataSync() as Float32Array,
    );
    return pixel ? values.map(pixel) : values;
  }

  /** The first `count` test labels. */
  labels(): number[] {
    return Array.from(this.data.test.labels.subarray(0, this.count));
  }

  tfjsPredict(compiled: CompiledGraph, exampleShape: number[], pixel?: (v: number) => number): Float32Array {
    return tf.tidy(
      () =>
        (
          compiled.model.predict(tf.tensor(this.images(pixel), [this.count, ...exampleShape])) as ReturnType<
            typeof tf.tensor
          >
        ).dataSync() as Float32Array,
    );
  }

  /**
   * onnxruntime-web's predictions of the images, `batch` at a time (a file made for batches of
   * exactly one takes one).
   */
  async ortPredict(
    bytes: Uint8Array,
    exampleShape: number[],
    batch = this.count,
    pixel?: (v: number) => number,
  ): Promise<Float32Array> {
    const session = await ort.InferenceSession.create(bytes);
    try {
      const images = this.images(pixel);
      const size = images.length / this.count;
      const parts: Float32Array[] = [];
      for (let start = 0; start < this.count; start += batch) {
        const n = Math.min(batch, this.count - start);
        const feeds = {
          [session.inputNames[0]!]: new ort.Tensor(
            'float32',
            images.slice(start * size, (start + n) * size),
            [n, ...exampleShape],
          ),
        };
        const result = await session.run(feeds);
        parts.push(result[session.outputNames[0]!]!.data as Float32Array);
      }
      const out = new Float32Array(parts.reduce((sum, p) => sum + p.length, 0));
      parts.reduce((offset, p) => (out.set(p, offset), offset + p.length), 0);
      return out;
    } finally {
      await session.release();
    }
  }
}
