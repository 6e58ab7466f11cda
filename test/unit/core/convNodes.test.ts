/**
 * The convolution node types (conv2d, maxPool2d, avgPool2d, batchNorm, reshape): shapes,
 * parameter counts and FLOPs per node, table-driven, with shapes and parameters checked
 * against the tfjs layers they compile to; and the diagnostics that name the node and field.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { analyzeGraph } from '../../../src/core/analyze';
import { compileGraph } from '../../../src/core/compile';
import type { GraphNode } from '../../../src/core/document';
import { graphToOnnx } from '../../../src/core/exchange/onnx/exportOnnx';
import { formatShape } from '../../../src/core/shape';
import { chain, node } from './fixtures';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** input (image) → [before] → subject → flatten → dense 10 → softmax → loss. */
function around(subject: GraphNode, before: GraphNode[] = [], layout: 'flat' | 'image' = 'image') {
  return chain(
    node('x', 'input', { layout }),
    ...before,
    subject,
    node('flat', 'flatten'),
    node('out', 'dense', { units: 10 }),
    node('probs', 'softmax'),
    node('loss', 'loss'),
  );
}

interface Row {
  title: string;
  subject: GraphNode;
  before?: GraphNode[];
  layout?: 'flat' | 'image';
  shape: number[];
  params: number;
  flops: number;
}

const conv = (params: Record<string, unknown>) => node('s', 'conv2d', params);
const rows: Row[] = [
  // 3×3×1×8 + 8 = 80 weights; 26×26 positions × 8 filters × (2·9 + 1).
  { title: 'conv 3×3 valid', subject: conv({}), shape: [26, 26, 8], params: 80, flops: 26 * 26 * 8 * 19 },
  {
    title: 'conv 5×5 same, 32 filters',
    subject: conv({ filters: 32, kernelSize: 5, padding: 'same' }),
    shape: [28, 28, 32],
    params: 5 * 5 * 32 + 32,
    flops: 28 * 28 * 32 * (2 * 25 + 1),
  },
  {
    title: 'conv stride 2 same: ceil(28 / 2)',
    subject: conv({ strides: 2, padding: 'same', useBias: false }),
    shape: [14, 14, 8],
    params: 72,
    flops: 14 * 14 * 8 * 18,
  },
  {
    title: 'conv stride 3 valid: ceil((28 − 5 + 1) / 3)',
    subject: conv({ kernelSize: 5, strides: 3, filters: 4 }),
    shape: [8, 8, 4],
    params: 104,
    flops: 64 * 4 * 51,
  },
  {
    title: 'conv stride 3 same: ceil(28 / 3)',
    subject: conv({ kernelSize: 4, strides: 3, padding: 'same', filters: 2 }),
    shape: [10, 10, 2],
    params: 34,
    flops: 100 * 2 * 33,
  },
  {
    title: 'conv on 8 channels counts them',
    subject: conv({ filters: 16 }),
    before: [node('c0', 'conv2d', { filters: 8 })],
    shape: [24, 24, 16],
    params: 9 * 8 * 16 + 16,
    flops: 24 * 24 * 16 * (2 * 72 + 1),
  },
  {
    title: 'max pool 2',
    subject: node('s', 'maxPool2d', {}),
    shape: [14, 14, 1],
    params: 0,
    flops: 14 * 14 * 4,
  },
  {
    title: 'max pool 3 stride 2 valid: ceil((28 − 3 + 1) / 2)',
    subject: node('s', 'maxPool2d', { poolSize: 3 }),
    shape: [13, 13, 1],
    params: 0,
    flops: 13 * 13 * 9,
  },
  {
    title: 'avg pool 3 stride 3 same: ceil(28 / 3)',
    subject: node('s', 'avgPool2d', { poolSize: 3, strides: 3, padding: 'same' }),
    shape: [10, 10, 1],
    params: 0,
    flops: 100 * 9,
  },
  {
    title: 'avg pool keeps the channels',
    subject: node('s', 'avgPool2d', {}),
    before: [node('c0', 'conv2d', { filters: 6, padding: 'same' })],
    shape: [14, 14, 6],
    params: 0,
    flops: 14 * 14 * 6 * 4,
  },
  {
    title: 'batch norm on 8 channels: γ and β trained',
    subject: node('s', 'batchNorm', {}),
    before: [node('c0', 'conv2d', {})],
    shape: [26, 26, 8],
    params: 16,
    flops: 4 * 26 * 26 * 8,
  },
  {
    title: 'batch norm without scale',
    subject: node('s', 'batchNorm', { scale: false }),
    before: [node('c0', 'conv2d', {})],
    shape: [26, 26, 8],
    params: 8,
    flops: 4 * 26 * 26 * 8,
  },
  {
    title: 'reshape 784 → 28×28×1',
    subject: node('s', 'reshape', {}),
    layout: 'flat',
    shape: [28, 28, 1],
    params: 0,
    flops: 0,
  },
  {
    title: 'reshape 784 → 14×14×4',
    subject: node('s', 'reshape', { height: 14, width: 14, channels: 4 }),
    layout: 'flat',
    shape: [14, 14, 4],
    params: 0,
    flops: 0,
  },
];

describe('convolution node types: shape, parameters and FLOPs', () => {
  it.each(rows.map((r) => [r.title, r] as const))('%s', (_title, row) => {
    const doc = around(row.subject, row.before, row.layout);
    const analysis = analyzeGraph(doc);
    expect(analysis.diagnostics).toEqual([]);
    const info = analysis.nodes.get('s')!;
    expect({ shape: info.outputShape, params: info.paramCount, flops: info.flops }).toEqual({
      shape: row.shape,
      params: row.params,
      flops: row.flops,
    });
    // The edge label out of the node.
    const out = analysis.edges.find((e) => e.from.node === 's')!;
    expect(formatShape(analysis.edgeShapes.get(out.id)!)).toBe(`?×${row.shape.join('×')}`);

    // tfjs agrees on the shape and the parameter count (trainable weights).
    const compiled = compileGraph(tf, doc, analysis);
    try {
      const layer = compiled.model.getLayer('s');
      expect(layer.outputShape).toEqual([null, ...row.shape]);
      expect(layer.trainableWeights.reduce((n, w) => n + w.shape.reduce((a, b) => a! * b!, 1)!, 0)).toBe(
        row.params,
      );
    } finally {
      compiled.dispose();
    }
  });
});

/** The diagnostics of a graph, as [code, node, field, message]. */
function problems(doc: ReturnType<typeof around>) {
  return analyzeGraph(doc).diagnostics.map((d) => ({
    code: d.code,
    nodeId: d.nodeId,
    field: d.field,
    message: d.message,
  }));
}

describe('convolution node types: diagnostics name the node and field', () => {
  it('refuses a kernel larger than its input with valid padding, naming the kernel size', () => {
    const doc = around(conv({ kernelSize: 5 }), [node('p', 'maxPool2d', { poolSize: 8, strides: 8 })]);
    expect(problems(doc)).toEqual([
      {
        code: 'shape-mismatch',
        nodeId: 's',
        field: 'kernelSize',
        message:
          "Conv2D's kernel size 5×5 is larger than its 3×3 input with valid padding, which leaves nothing. Make the kernel size at most 3, or set padding to same.",
      },
    ]);
    // With same padding it fits: ceil(3 / 1).
    expect(
      problems(
        around(conv({ kernelSize: 5, padding: 'same' }), [
          node('p', 'maxPool2d', { poolSize: 8, strides: 8 }),
        ]),
      ),
    ).toEqual([]);
  });

  it('refuses a pool that leaves a zero-sized map, naming the pool size', () => {
    const doc = around(node('s', 'avgPool2d', { poolSize: 30 }));
    const [d] = problems(doc);
    expect(d).toMatchObject({ code: 'shape-mismatch', nodeId: 's', field: 'poolSize' });
    expect(d!.message).toContain('pool size 30×30 is larger than its 28×28 input');
  });

  it.each([
    ['strides', 0, 'strides must be at least 1.'],
    ['strides', -2, 'strides must be at least 1.'],
    ['kernelSize', 1e6, 'kernelSize must be at most 32.'],
    ['filters', 1e6, 'filters must be at most 1024.'],
    ['filters', -4, 'filters must be at least 1.'],
    ['filters', 2.5, 'filters must be a whole number.'],
  ])('refuses conv2d %s = %s in the params schema', (field, value, message) => {
    expect(problems(around(conv({ [field]: value })))).toEqual([
      { code: 'invalid-param', nodeId: 's', field, message: `${field}: ${message}` },
    ]);
  });

  it.each([
    ['maxPool2d', 'poolSize', 0, 'poolSize must be at least 1.'],
    ['avgPool2d', 'strides', 1e6, 'strides must be at most 32.'],
    ['reshape', 'height', -1, 'height must be at least 1.'],
    ['batchNorm', 'momentum', 1, 'momentum must be at most 0.999.'],
    ['batchNorm', 'epsilon', 0, 'epsilon must be at least 0.000001.'],
  ])('refuses %s %s = %s in the params schema', (type, field, value, message) => {
    expect(
      problems(around(node('s', type, { [field]: value }), [], type === 'reshape' ? 'flat' : 'image')),
    ).toEqual([{ code: 'invalid-param', nodeId: 's', field, message: `${field}: ${message}` }]);
  });

  it.each(['conv2d', 'maxPool2d', 'avgPool2d'])(
    '%s fed a flat vector says to add a Reshape or change the layout',
    (type) => {
      const [d] = problems(around(node('s', type, {}), [], 'flat'));
      expect(d).toMatchObject({ code: 'shape-mismatch', nodeId: 's' });
      expect(d!.message).toMatch(
        /needs a picture \(height × width × channels\); it gets \?×784\. Add a Reshape to 28×28×1 before it, or set the Input's layout to image\.$/,
      );
    },
  );

  it('refuses a reshape that changes the number of values, naming the field', () => {
    expect(problems(around(node('s', 'reshape', { height: 28, width: 27 }), [], 'flat'))).toEqual([
      {
        code: 'shape-mismatch',
        nodeId: 's',
        field: 'height',
        message:
          'Reshape cannot lay out the 784 values of ?×784 as 28×27×1 = 756 values. Choose a height, width and channels whose product is 784 (28×28×1 for an MNIST image).',
      },
    ]);
  });

  it('a picture reaching the loss says to add a Flatten', () => {
    const doc = chain(
      node('x', 'input', { layout: 'image' }),
      node('c', 'conv2d', {}),
      node('d', 'dense', { units: 10 }),
      node('probs', 'softmax'),
      node('loss', 'loss'),
    );
    const [d] = problems(doc);
    expect(d).toMatchObject({ code: 'shape-mismatch', nodeId: 'loss' });
    expect(d!.message).toContain(
      'it gets the picture ?×26×26×10. Add a Flatten, then a Dense layer of 10 units',
    );
  });
});

describe('export to ONNX', () => {
  // The operators themselves are checked against onnxruntime in test/unit/training/onnxCnnRuntime.test.ts.
  it('writes every convolution node type; without trained weights it names the node to train', () => {
    for (const [type, params] of [
      ['conv2d', {}],
      ['maxPool2d', {}],
      ['avgPool2d', {}],
      ['batchNorm', {}],
    ] as const) {
      const result = graphToOnnx(around(node('s', type, params)), new Map());
      expect(result).toEqual({
        ok: false,
        error: expect.stringMatching(/^\w+ "\w+" has no trained weights of shape/),
      });
    }
    const reshaped = graphToOnnx(around(node('s', 'reshape', {}), [], 'flat'), new Map());
    expect(reshaped).toEqual({ ok: false, error: expect.stringContaining('has no trained weights') });
  });
});
