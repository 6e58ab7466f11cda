// A graph built from scratch with every default — New, then Input, Dense 625, Sigmoid, Dense 10,
// Softmax, Loss, wired, Train — must learn: the defaults have to fit together (issue: a new
// Loss node averaged over the batch while SGD stayed at the tutorial's 0.001 gave 65%).
import { beforeAll, expect, it } from 'vitest';
import { analyzeGraph } from '../../../src/core/analyze';
import { compileGraph } from '../../../src/core/compile';
import { emptyDocument, type GraphNode } from '../../../src/core/document';
import { learningRateAdvice } from '../../../src/core/learningRateAdvice';
import { getNodeSpec } from '../../../src/core/registry';
import { nodeReadBytes, tf, useBackend } from '../../../src/cli/nodeEnv';
import { loadMnist, type MnistData } from '../../../src/training/mnist';
import { runSettingsOf } from '../../../src/training/options';
import { train } from '../../../src/training/train';

let data: MnistData;
beforeAll(async () => {
  await useBackend('wasm');
  data = await loadMnist(nodeReadBytes(), { validationCount: 5000 });
});

/** A node with its type's default parameters, as the palette adds it, plus what the user sets. */
function added(id: string, type: string, set: Record<string, unknown> = {}): GraphNode {
  const defaults = getNodeSpec(type)!.params.parse({}) as Record<string, unknown>;
  return { id, type, params: { ...defaults, ...set }, position: { x: 0, y: 0 } };
}

it('reaches at least 90% test accuracy within 2,000 steps, with no learning-rate advice shown', async () => {
  const nodes = [
    added('input', 'input'),
    added('hidden', 'dense', { units: 625 }),
    added('sigmoid', 'sigmoid'),
    added('output', 'dense', { units: 10 }),
    added('softmax', 'softmax'),
    added('loss', 'loss'),
  ];
  const doc = {
    ...emptyDocument(),
    nodes,
    edges: nodes.slice(1).map((n, i) => ({
      id: `e${i}`,
      from: { node: nodes[i]!.id, port: 'out' },
      to: { node: n.id, port: 'in' },
    })),
  };
  const t = doc.training;
  const reduction = nodes.at(-1)!.params.reduction as 'sum' | 'mean';
  expect(learningRateAdvice(t.optimizer.type, t.learningRate, reduction, t.batchSize)).toBeUndefined();

  const analysis = analyzeGraph(doc);
  expect(analysis.valid).toBe(true);
  const compiled = compileGraph(tf, doc, analysis);
  try {
    const result = await train(tf, compiled, data, {
      ...runSettingsOf(t),
      duration: { unit: 'steps', steps: 2000 },
      validationEvery: 0,
    });
    expect(result.status).toBe('completed');
    expect(result.testAccuracy).toBeGreaterThanOrEqual(0.9);
  } finally {
    compiled.dispose();
  }
}, 600_000);
