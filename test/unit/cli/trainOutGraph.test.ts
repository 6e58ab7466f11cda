import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { modelJsonToGraph } from '../../../src/core/exchange/importLayersModel';
import { compareWithModel } from '../../../src/core/modelIdentity';
import { loadPreset } from '../core/fixtures';
import { runTrain, scratchFolder } from './runCli';

const tmp = scratchFolder('tensorweave-out-graph-');

describe('train CLI --out: the model carries the graph it was trained as', () => {
  it('writes the graph with the flags applied, not the file’s settings', async () => {
    const out = path.join(tmp, 'beginner');
    const r = await runTrain(
      'graphs/beginner.json',
      '--steps',
      '40',
      '--lr',
      '0.01',
      '--seed',
      '3',
      '--out',
      out,
    );
    expect(r.code).toBe(0);
    const graph = modelJsonToGraph(JSON.parse(readFileSync(path.join(out, 'model.json'), 'utf8')));
    if (!graph.ok) throw new Error(graph.error);
    const trained = graph.value.doc;
    expect(trained.training).toMatchObject({
      learningRate: 0.01,
      seed: 3,
      duration: { unit: 'steps', steps: 40 },
    });
    // The preset file itself is another model (other settings); with the flags applied it is this one.
    const file = loadPreset('beginner');
    expect(compareWithModel(trained, file)).toEqual({ network: false, training: true, stale: true });
    const applied = {
      ...file,
      training: {
        ...file.training,
        learningRate: 0.01,
        seed: 3,
        duration: { unit: 'steps' as const, steps: 40 },
      },
    };
    expect(compareWithModel(trained, applied).stale).toBe(false);
  });
});
