import { beforeAll, describe, expect, it } from 'vitest';
import { analyzeGraph } from '../../../../src/core/analyze';
import { compileGraph } from '../../../../src/core/compile';
import type { GraphDocument } from '../../../../src/core/document';
import { tf, useBackend } from '../../../../src/cli/nodeEnv';
import {
  documentChainRefusal,
  kernelPathNote,
  kernelsLabel,
} from '../../../../src/training/kernels/kernelPath';
import { kernelSupport } from '../../../../src/training/stepperChoice';
import { chain, edge, graph, loadPreset, node } from '../../core/fixtures';
import { chainDoc, randomCases } from './chainCases';

const branches = graph(
  [
    node('input', 'input'),
    node('a', 'dense', { units: 10 }),
    node('b', 'dense', { units: 10 }),
    node('add', 'add'),
    node('softmax', 'softmax'),
    node('loss', 'loss'),
  ],
  [
    edge('input', 'a'),
    edge('input', 'b'),
    edge('a', 'add'),
    edge('b', 'add'),
    edge('add', 'softmax'),
    edge('softmax', 'loss'),
  ],
);
const dropoutFirst = chain(
  node('input', 'input'),
  node('drop', 'dropout', { rate: 0.2 }),
  node('d', 'dense', { units: 10 }),
  node('s', 'softmax'),
  node('loss', 'loss'),
);
const twoDropouts = chain(
  node('input', 'input'),
  node('d', 'dense', { units: 10 }),
  node('x', 'dropout', { rate: 0.2 }),
  node('y', 'dropout', { rate: 0.3 }),
  node('s', 'softmax'),
  node('loss', 'loss'),
);
const activationFirst = chain(
  node('input', 'input'),
  node('r', 'relu'),
  node('d', 'dense', { units: 10 }),
  node('s', 'softmax'),
  node('loss', 'loss'),
);

const two = { threads: 2 } as const;

beforeAll(() => useBackend('wasm'));

describe('which path a document trains on', () => {
  it('says the presets run on the kernels, with the thread count or why one', () => {
    for (const preset of ['beginner', 'hidden-layer'] as const) {
      expect(kernelPathNote(loadPreset(preset), 'auto', two)).toBe('Runs on Tensorweave kernels, 2 threads.');
    }
    const one = { threads: 1, reason: 'SharedArrayBuffer is not available' } as const;
    expect(kernelPathNote(loadPreset('beginner'), 'kernels', one)).toBe(
      'Runs on Tensorweave kernels, 1 thread: SharedArrayBuffer is not available.',
    );
    expect(kernelsLabel(two)).toBe('Tensorweave kernels (WASM SIMD, 2 threads)');
  });

  it('says why a graph outside the chain runs on tfjs, naming the node', () => {
    expect(kernelPathNote(branches, 'auto', two)).toBe(
      'Runs on tfjs (the fastest backend measured): the graph branches or merges, and the kernels run one chain of layers.',
    );
    expect(kernelPathNote(dropoutFirst, 'kernels', two)).toBe(
      'Tensorweave kernels cannot train this graph (the dropout drop comes before the first dense layer): the fastest tfjs backend runs it.',
    );
    expect(documentChainRefusal(twoDropouts)).toBe('the dropouts before y follow each other');
    expect(documentChainRefusal(activationFirst)).toBe(
      'the activation r does not come right after a dense layer',
    );
  });

  it('says nothing for a tfjs backend chosen by hand', () => {
    expect(kernelPathNote(branches, 'wasm', two)).toBeUndefined();
    expect(kernelPathNote(loadPreset('beginner'), 'webgl', two)).toBeUndefined();
  });

  it('agrees with the check of the compiled model on every graph (one rule)', () => {
    const docs: GraphDocument[] = [
      loadPreset('beginner'),
      loadPreset('hidden-layer'),
      branches,
      dropoutFirst,
      twoDropouts,
      activationFirst,
      ...randomCases(12).map(chainDoc),
    ];
    for (const doc of docs) {
      const analysis = analyzeGraph(doc);
      expect(
        analysis.diagnostics.filter((d) => d.severity === 'error'),
        doc.name,
      ).toEqual([]);
      const compiled = compileGraph(tf, doc, analysis);
      const check = kernelSupport(compiled);
      compiled.dispose();
      expect(documentChainRefusal(doc), doc.name).toBe(check.ok ? undefined : check.reason);
    }
  });
});
