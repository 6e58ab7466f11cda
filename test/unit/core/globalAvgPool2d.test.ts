/**
 * The globalAvgPool2d node: h×w×c → c, no parameters, one add per value and a division per
 * channel, the mean tfjs computes; refused on a flat vector; from Keras only as channels last
 * without keepdims, each refusal naming the layer and the setting.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { analyzeGraph } from '../../../src/core/analyze';
import { compileGraph } from '../../../src/core/compile';
import type { GraphNode } from '../../../src/core/document';
import { globalAvgPool2dNode } from '../../../src/core/nodes/globalAvgPool2d';
import { formatShape } from '../../../src/core/shape';
import { chain, node } from './fixtures';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** input → [before] → global average pool `s` → [after] → dense 10 → softmax → loss. */
function around(before: GraphNode[], layout: 'flat' | 'image' = 'image', after: GraphNode[] = []) {
  return chain(
    node('x', 'input', { layout }),
    ...before,
    node('s', 'globalAvgPool2d'),
    ...after,
    node('out', 'dense', { units: 10 }),
    node('probs', 'softmax'),
    node('loss', 'loss'),
  );
}

const rows = [
  { title: 'the 28×28×1 picture', before: [], shape: [1], flops: 784 + 1 },
  {
    title: '26×26×8 after a valid conv',
    before: [node('c', 'conv2d', { filters: 8 })],
    shape: [8],
    flops: 26 * 26 * 8 + 8,
  },
  {
    title: '7×7×32 after same convs and pools',
    before: [
      node('c1', 'conv2d', { filters: 16, padding: 'same' }),
      node('p1', 'maxPool2d', {}),
      node('c2', 'conv2d', { filters: 32, padding: 'same' }),
      node('p2', 'avgPool2d', {}),
    ],
    shape: [32],
    flops: 7 * 7 * 32 + 32,
  },
];

describe('globalAvgPool2d: shape, parameters and FLOPs', () => {
  it.each(rows.map((r) => [r.title, r] as const))('on %s', (_title, row) => {
    const doc = around(row.before);
    const analysis = analyzeGraph(doc);
    expect(analysis.diagnostics).toEqual([]);
    const info = analysis.nodes.get('s')!;
    expect({ shape: info.outputShape, params: info.paramCount, flops: info.flops }).toEqual({
      shape: row.shape,
      params: 0,
      flops: row.flops,
    });
    const out = analysis.edges.find((e) => e.from.node === 's')!;
    expect(formatShape(analysis.edgeShapes.get(out.id)!)).toBe(`?×${row.shape[0]}`);
    // tfjs agrees on the shape and has no weights.
    const compiled = compileGraph(tf, doc, analysis);
    try {
      const layer = compiled.model.getLayer('s');
      expect(layer.outputShape).toEqual([null, ...row.shape]);
      expect(layer.getClassName()).toBe('GlobalAveragePooling2D');
      expect(layer.weights).toEqual([]);
    } finally {
      compiled.dispose();
    }
  });

  it('computes the mean of each channel over the picture', () => {
    const before = tf.memory().numTensors;
    const layer = globalAvgPool2dNode.build!(tf, {}, { name: 'gap', seed: 1 });
    const [got, want] = tf.tidy(() => {
      const x = tf.tensor4d(
        Array.from({ length: 2 * 3 * 4 * 5 }, (_, i) => (i * 7) % 11),
        [2, 3, 4, 5],
      );
      const y = layer.apply(x) as tf.Tensor;
      return [Array.from(y.dataSync()), Array.from(tf.mean(x, [1, 2]).dataSync())];
    });
    expect(got).toHaveLength(10);
    got!.forEach((v, i) => expect(v).toBeCloseTo(want![i]!, 5));
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('globalAvgPool2d: diagnostics name the node', () => {
  it('fed a flat vector, says to add a Reshape or change the layout', () => {
    const [d] = analyzeGraph(around([], 'flat')).diagnostics;
    expect(d).toMatchObject({ code: 'shape-mismatch', nodeId: 's' });
    expect(d!.message).toBe(
      "GlobalAvgPool2D needs a picture (height × width × channels); it gets ?×784. Add a Reshape to 28×28×1 before it, or set the Input's layout to image.",
    );
  });

  it('gives a vector: a Flatten after it is refused as already flat', () => {
    const [d] = analyzeGraph(around([node('c', 'conv2d', {})], 'image', [node('f', 'flatten')])).diagnostics;
    expect(d).toMatchObject({ code: 'shape-mismatch', nodeId: 'f' });
    expect(d!.message).toContain('it gets ?×8, which is already flat');
  });

  it('without an input says so', () => {
    const doc = around([]);
    doc.edges = doc.edges.filter((e) => e.to.node !== 's');
    const problems = analyzeGraph(doc).diagnostics.filter((d) => d.nodeId === 's');
    expect(problems.map((d) => d.message)).toEqual([
      'GlobalAvgPool2D node "s" has nothing connected to its input "x".',
    ]);
  });
});

describe('globalAvgPool2d: the Keras mapping', () => {
  const fromConfig = (config: Record<string, unknown>) =>
    globalAvgPool2dNode.keras!.fromConfig(config, 'gap');

  it('reads Keras 3’s and tfjs’s configs', () => {
    expect(fromConfig({ data_format: 'channels_last', keepdims: false })).toEqual({
      ok: true,
      value: { params: {}, notes: [] },
    });
    expect(fromConfig({})).toEqual({ ok: true, value: { params: {}, notes: [] } });
  });

  it('refuses keepdims and channels first, naming the layer and the setting', () => {
    expect(fromConfig({ keepdims: true })).toEqual({
      ok: false,
      error:
        'Layer "gap" (GlobalAveragePooling2D) sets keepdims to true, which keeps a 1×1 picture; Tensorweave\'s GlobalAvgPool2D gives one value per channel. Save the model with keepdims=False (a Reshape after it can restore 1×1×channels).',
    });
    expect(fromConfig({ data_format: 'channels_first' })).toEqual({
      ok: false,
      error:
        'Layer "gap" uses data_format channels_first; Tensorweave\'s pictures are channels last (height × width × channels).',
    });
  });

  it('is written as GlobalAveragePooling2D without arguments', () => {
    expect(globalAvgPool2dNode.keras!.className).toBe('GlobalAveragePooling2D');
    expect(globalAvgPool2dNode.keras!.args!({})).toEqual([]);
  });
});
