import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { analyzeGraph, summarize } from '../../../src/core/analyze';
import { parseDocument } from '../../../src/core/parseDocument';
import { NODE_SPECS } from '../../../src/core/registry';
import type { Diagnostic, DiagnosticCode } from '../../../src/core/diagnostics';
import type { GraphDocument } from '../../../src/core/document';
import { chain, edge, graph, loadPreset, node } from './fixtures';

const fixtureDir = new URL('../../../test/fixtures/invalid/', import.meta.url);

function fixture(code: string) {
  const result = parseDocument(readFileSync(new URL(`${code}.json`, fixtureDir), 'utf8'));
  if (!result.ok) throw new Error(result.error);
  return result.value;
}

/** What each fixture must produce: the code, where, and the words a user reads. */
const expected: Record<DiagnosticCode, Omit<Partial<Diagnostic>, 'message'> & { message: RegExp }> = {
  'unknown-node-type': { severity: 'error', nodeId: 'softmax', message: /Unknown node type "softmaxx"/ },
  'invalid-param': {
    severity: 'error',
    nodeId: 'dense',
    field: 'units',
    message: /units: units must be a whole number/,
  },
  'duplicate-id': { severity: 'error', nodeId: 'softmax', message: /Two nodes have the id "softmax"/ },
  'dangling-edge': { severity: 'error', edgeId: 'e9', message: /node "ghost", which does not exist/ },
  'unknown-port': { severity: 'error', nodeId: 'softmax', port: 'bias', message: /has no input port "bias"/ },
  'port-occupied': {
    severity: 'error',
    nodeId: 'softmax',
    port: 'in',
    edgeId: 'e4',
    message: /already receives from "dense"; it takes one input/,
  },
  'too-few-inputs': {
    severity: 'error',
    nodeId: 'add',
    port: 'in',
    message: /needs at least 2 inputs; it has 1/,
  },
  'missing-input': {
    severity: 'error',
    nodeId: 'dense',
    port: 'in',
    message: /Dense node "dense" has nothing connected/,
  },
  cycle: { severity: 'error', message: /is on a cycle \(.*→.*\)/ },
  'unreachable-node': { severity: 'warning', nodeId: 'extra', message: /does not lead to the loss "loss"/ },
  'no-input': { severity: 'error', message: /no Input node/ },
  'no-loss': { severity: 'error', message: /no Loss node/ },
  'multiple-losses': { severity: 'error', nodeId: 'loss2', message: /Only one Loss node/ },
  'multiple-inputs': { severity: 'error', nodeId: 'input2', message: /Only one Input node/ },
  'shape-mismatch': {
    severity: 'error',
    nodeId: 'loss',
    port: 'in',
    message: /Loss needs 10 values per image.*it gets \?×625/,
  },
  'softmax-missing': { severity: 'warning', nodeId: 'loss', message: /"dense" is not a Softmax/ },
  'too-many-parameters': {
    severity: 'error',
    nodeId: 'wide2',
    message: /parameters; the limit is 20,000,000/,
  },
  'too-much-memory': {
    severity: 'error',
    nodeId: 'wide',
    message:
      /^This graph needs about 1\.6 GB for one batch of 1,024; the limit is 1 GB\. Lower the batch size or the filters of "wide" \(its output is \?×28×28×256\)\.$/,
  },
};

describe('analyzeGraph: one fixture per diagnostic code', () => {
  it('has a fixture file for every code and no stray fixture', () => {
    const files = readdirSync(fixtureDir)
      .map((f) => f.replace(/\.json$/, ''))
      .sort();
    expect(files).toEqual(Object.keys(expected).sort());
  });

  it.each(Object.entries(expected))('%s', (code, want) => {
    const analysis = analyzeGraph(fixture(code));
    const found = analysis.diagnostics.filter((d) => d.code === code);
    expect(found.length, JSON.stringify(analysis.diagnostics)).toBeGreaterThan(0);
    const { message, ...where } = want;
    expect(found[0]).toMatchObject(where);
    expect(found[0]!.message).toMatch(message);
    expect(analysis.valid).toBe(want.severity !== 'error');
  });
});

describe('analyzeGraph: shapes and counts', () => {
  it('infers every edge shape and counts parameters of the beginner preset', () => {
    const a = analyzeGraph(loadPreset('beginner'));
    expect(Object.fromEntries(a.edgeShapes)).toEqual({ e1: [784], e2: [10], e3: [10] });
    expect(a.totalParams).toBe(7850);
    expect(a.nodes.get('dense')!.paramCount).toBe(7850);
    expect(a.totalFlops).toBe(2 * 784 * 10 + 10 + 50 + 30);
  });

  it('counts 496,885 parameters for the hidden-layer preset', () => {
    const a = analyzeGraph(loadPreset('hidden-layer'));
    expect(a.totalParams).toBe(496_885);
    expect(summarize(a)).toEqual([
      { id: 'input', type: 'input', outputShape: '?×784', params: 0, flops: 0 },
      { id: 'hidden', type: 'dense', outputShape: '?×625', params: 490_625, flops: 980_625 },
      { id: 'sigmoid', type: 'sigmoid', outputShape: '?×625', params: 0, flops: 2500 },
      { id: 'output', type: 'dense', outputShape: '?×10', params: 6260, flops: 12_510 },
      { id: 'softmax', type: 'softmax', outputShape: '?×10', params: 0, flops: 50 },
      { id: 'loss', type: 'loss', outputShape: 'scalar', params: 0, flops: 30 },
    ]);
  });

  it('handles branches: one output feeding two dense layers joined by concat and add', () => {
    const doc = graph(
      [
        node('x', 'input', { layout: 'image' }),
        node('flat', 'flatten'),
        node('a', 'dense', { units: 32 }),
        node('b', 'dense', { units: 16 }),
        node('c', 'dense', { units: 16 }),
        node('sum', 'add'),
        node('cat', 'concat'),
        node('out', 'dense', { units: 10 }),
        node('sm', 'softmax'),
        node('loss', 'loss'),
      ],
      [
        edge('x', 'flat'),
        edge('flat', 'a'),
        edge('flat', 'b'),
        edge('flat', 'c'),
        edge('b', 'sum'),
        edge('c', 'sum'),
        edge('a', 'cat'),
        edge('sum', 'cat'),
        edge('cat', 'out'),
        edge('out', 'sm'),
        edge('sm', 'loss'),
      ],
    );
    const a = analyzeGraph(doc);
    expect(a.diagnostics).toEqual([]);
    expect(a.nodes.get('flat')!.outputShape).toEqual([784]);
    expect(a.nodes.get('sum')!.outputShape).toEqual([16]);
    expect(a.nodes.get('cat')!.outputShape).toEqual([48]);
    expect(a.totalParams).toBe(785 * 32 + 785 * 16 * 2 + 49 * 10);
    expect(a.order.indexOf('cat')).toBeGreaterThan(a.order.indexOf('sum'));
  });

  it('applies a dense layer to the last axis of a picture, like Keras', () => {
    const a = analyzeGraph(chain(node('x', 'input', { layout: 'image' }), node('d', 'dense', { units: 4 })));
    expect(a.nodes.get('d')!.outputShape).toEqual([28, 28, 4]);
    expect(a.nodes.get('d')!.paramCount).toBe(8);
  });

  it('reports add inputs of different shapes on the add node', () => {
    const doc = graph(
      [
        node('x', 'input'),
        node('a', 'dense', { units: 3 }),
        node('b', 'dense', { units: 4 }),
        node('s', 'add'),
      ],
      [edge('x', 'a'), edge('x', 'b'), edge('a', 's'), edge('b', 's')],
    );
    const d = analyzeGraph(doc).diagnostics.find((x) => x.code === 'shape-mismatch');
    expect(d).toMatchObject({
      nodeId: 's',
      port: 'in',
      message: 'Add needs inputs of the same shape; got ?×3 and ?×4.',
    });
  });

  it('refuses a Flatten on an already flat input, which tfjs cannot build', () => {
    const a = analyzeGraph(chain(node('x', 'input', { layout: 'flat' }), node('f', 'flatten')));
    expect(a.diagnostics.find((d) => d.code === 'shape-mismatch')).toMatchObject({
      nodeId: 'f',
      port: 'in',
      message:
        'Flatten needs a picture (more than one axis); it gets ?×784, which is already flat. Delete the Flatten node.',
    });
  });

  it('does not cascade: one bad parameter gives one error, not one per downstream node', () => {
    const doc = loadPreset('hidden-layer');
    doc.nodes[1]!.params.units = -3;
    const a = analyzeGraph(doc);
    expect(a.diagnostics.map((d) => [d.code, d.nodeId, d.field])).toEqual([
      ['invalid-param', 'hidden', 'units'],
    ]);
  });

  it.each([
    [0, /at least 1/],
    [16385, /at most 16384/],
    ['ten', /must be a number/],
  ])('refuses units = %j', (units, message) => {
    const doc = loadPreset('beginner');
    doc.nodes[1]!.params.units = units;
    const d = analyzeGraph(doc).diagnostics;
    expect(d).toHaveLength(1);
    expect(d[0]).toMatchObject({ code: 'invalid-param', nodeId: 'dense', field: 'units' });
    expect(d[0]!.message).toMatch(message);
  });

  it('accepts a custom parameter cap', () => {
    const a = analyzeGraph(loadPreset('hidden-layer'), { maxParams: 100_000 });
    expect(a.diagnostics).toEqual([
      expect.objectContaining({ code: 'too-many-parameters', nodeId: 'hidden' }),
    ]);
  });

  it('every registered node type parses its defaults from empty params', () => {
    for (const spec of NODE_SPECS.values()) {
      expect(spec.params.safeParse({}).success, spec.type).toBe(true);
      const fieldNames = spec.fields.map((f) => f.name);
      const defaults = spec.params.parse({});
      expect(Object.keys(defaults).sort(), spec.type).toEqual([...fieldNames].sort());
    }
  });
});

describe('analyzeGraph: memory for one training batch', () => {
  const cnn = (batchSize: number, optimizer: GraphDocument['training']['optimizer']) => {
    const doc = chain(
      node('x', 'input', { layout: 'image' }),
      node('conv', 'conv2d', { filters: 8, kernelSize: 3 }),
      node('norm', 'batchNorm', {}),
      node('flat', 'flatten'),
      node('out', 'dense', { units: 10 }),
      node('probs', 'softmax'),
      node('loss', 'loss'),
    );
    return { ...doc, training: { ...doc.training, batchSize, optimizer } };
  };

  it('counts weights with gradients and optimizer slots, and each output with its gradient', () => {
    const sgd = analyzeGraph(cnn(10, { type: 'sgd' })).memory;
    // Trainable: conv 80, norm 16, dense 5,418 + 10; the norm's 16 running averages are not.
    const trainable = 80 + 16 + 5408 * 10 + 10;
    expect(sgd.weightBytes).toBe(4 * (2 * trainable + 16));
    // Outputs of input, conv, norm, dense, softmax (flatten is a view), twice for the gradient.
    expect(sgd.activationBytes).toBe(4 * 2 * 10 * (784 + 5408 + 5408 + 10 + 10));
    expect(sgd.bytes).toBe(sgd.weightBytes + sgd.activationBytes);
    expect(sgd.largest).toMatchObject({ id: 'out', type: 'dense' });

    const adam = analyzeGraph(cnn(10, { type: 'adam', beta1: 0.9, beta2: 0.999, epsilon: 1e-7 })).memory;
    expect(adam.weightBytes).toBe(4 * (4 * trainable + 16));
    // Activations grow with the batch; weights do not.
    const big = analyzeGraph(cnn(1000, { type: 'sgd' })).memory;
    expect(big.activationBytes).toBe(100 * sgd.activationBytes);
    expect(big.weightBytes).toBe(sgd.weightBytes);
  });

  it('refuses a graph over the budget before anything is allocated, naming the largest node', () => {
    const doc = cnn(2000, { type: 'sgd' });
    expect(analyzeGraph(doc).valid).toBe(true);
    const tight = analyzeGraph(doc, { maxTrainingBytes: 100 * 2 ** 20 });
    expect(tight.valid).toBe(false);
    expect(tight.diagnostics).toEqual([
      {
        code: 'too-much-memory',
        severity: 'error',
        nodeId: 'conv',
        message:
          'This graph needs about 178 MB for one batch of 2,000; the limit is 100 MB. Lower the batch size or the filters of "conv" (its output is ?×26×26×8).',
      },
    ]);
  });
});
