import 'fake-indexeddb/auto';
import { clear, createStore } from 'idb-keyval';
import { createPinia, setActivePinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { PRESETS } from '../../../src/app/presets';
import { useGraphStore } from '../../../src/app/stores/graphStore';
import { useRunsStore } from '../../../src/app/stores/runsStore';
import { useSweepStore } from '../../../src/app/stores/sweepStore';
import { useTrainingStore } from '../../../src/app/stores/trainingStore';
import type { RunSummary } from '../../../src/worker/protocol';
import { FakeWorker, memoryStorage } from './fakes';

const runsDb = createStore('tensorweave-runs', 'runs');
const beginner = () => structuredClone(PRESETS.find((p) => p.id === 'beginner')!.doc);

function theWorker(): FakeWorker {
  expect(FakeWorker.instances).toHaveLength(1);
  return FakeWorker.instances[0]!;
}

const trainRequests = () => theWorker().posted.filter((m) => m.type === 'train');

/** Wait until the sweep has posted its `n`th run, and return that request. */
async function nthRun(n: number) {
  await vi.waitFor(() => expect(FakeWorker.instances.length && trainRequests().length).toBe(n));
  return trainRequests()[n - 1]! as Extract<(typeof FakeWorker.instances)[0]['posted'][0], { type: 'train' }>;
}

/** Play a run through as the worker would: started, a loss curve, the summary, finished. */
function playRun(
  runId: string,
  finalLoss: number,
  validationAccuracy: number,
  status: RunSummary['status'] = 'completed',
) {
  const worker = theWorker();
  worker.reply({ type: 'state', runId, event: { type: 'started', backend: 'cpu' } });
  const progress = {
    step: 100,
    totalSteps: 100,
    epoch: 1,
    loss: finalLoss,
    batchAccuracy: 0.9,
    stepsPerSecond: 1000,
    etaSeconds: 0,
    elapsedSeconds: 0.1,
  };
  const points = [
    { step: 50, loss: finalLoss * 2, batchAccuracy: 0.8 },
    { step: 100, loss: finalLoss, batchAccuracy: 0.9 },
  ];
  worker.reply({ type: 'progress', runId, progress, points });
  const summary: RunSummary = {
    runId,
    status,
    message: status === 'aborted' ? 'Stopped at step 100.' : undefined,
    steps: 100,
    totalSteps: 100,
    seconds: 0.1,
    stepsPerSecond: 1000,
    trainAccuracy: validationAccuracy,
    validationAccuracy,
    testAccuracy: validationAccuracy - 0.005,
    backend: 'cpu',
  };
  worker.reply({ type: 'done', runId, summary, evaluation: undefined });
  const outcome = { steps: 100, seconds: 0.1, trainAccuracy: 0.9, validationAccuracy, testAccuracy: 0.9 };
  worker.reply({
    type: 'state',
    runId,
    event: { type: 'finished', outcome, stoppedEarly: status === 'aborted' },
  });
}

describe('sweep store', () => {
  beforeEach(async () => {
    await clear(runsDb);
    FakeWorker.reset();
    vi.stubGlobal('Worker', FakeWorker);
    vi.stubGlobal('localStorage', memoryStorage());
    setActivePinia(createPinia());
    useGraphStore().reset(beginner());
  });
  afterEach(() => {
    vi.unstubAllGlobals();
  });

  it('trains each learning rate in turn in the worker, picks the best and applies it as one undo step', async () => {
    const graph = useGraphStore();
    const sweep = useSweepStore();
    sweep.show();
    expect(sweep.valuesText).toBe('0.0001, 0.001, 0.01');
    sweep.steps = 100;
    const finished = sweep.start();

    const results: [number, number][] = [
      [0.9, 0.8],
      [0.5, 0.86],
      [0.3, 0.9],
    ];
    for (const [i, rate] of [0.0001, 0.001, 0.01].entries()) {
      const request = await nthRun(i + 1);
      expect(request.document.training).toMatchObject({
        learningRate: rate,
        duration: { unit: 'steps', steps: 100 },
      });
      expect(request.document.name).toBe(`beginner · learning rate ${rate}`);
      expect(sweep.tries[i]!.status).toBe('running');
      playRun(request.runId, ...results[i]!);
    }
    expect(await finished).toBeUndefined();

    expect(
      sweep.tries.map((t) => [t.value, t.status, t.outcome?.finalLoss, t.outcome?.validationAccuracy]),
    ).toEqual([
      [0.0001, 'completed', 0.9, 0.8],
      [0.001, 'completed', 0.5, 0.86],
      [0.01, 'completed', 0.3, 0.9],
    ]);
    expect(sweep.tries[2]!.steps).toEqual([50, 100]);
    expect(sweep.tries[2]!.losses).toEqual([0.6, 0.3]);
    expect(sweep.best).toBe(2);
    // Every try is a run in the runs table.
    await vi.waitFor(() => expect(useRunsStore().runs).toHaveLength(3));
    expect(
      useRunsStore()
        .runs.map((r) => r.graphName)
        .sort(),
    ).toEqual([
      'beginner · learning rate 0.0001',
      'beginner · learning rate 0.001',
      'beginner · learning rate 0.01',
    ]);

    // The graph itself was not touched by the sweep; "Use this" sets the value, once.
    expect(graph.doc.training.learningRate).toBe(0.001);
    expect(graph.canUndo).toBe(false);
    sweep.use(sweep.best);
    expect(graph.doc.training.learningRate).toBe(0.01);
    expect(graph.doc.training.duration).toEqual({ unit: 'steps', steps: 30000 });
    expect(graph.undoLabel).toBe('Use learning rate 0.01 from the sweep');
    graph.undo();
    expect(graph.doc.training.learningRate).toBe(0.001);
    expect(graph.canUndo).toBe(false);
  });

  it('sweeps the units of a Dense node and applies them to that node', async () => {
    const graph = useGraphStore();
    graph.reset(structuredClone(PRESETS.find((p) => p.id === 'hidden-layer')!.doc));
    const sweep = useSweepStore();
    sweep.show();
    sweep.setting = 'units';
    await vi.waitFor(() => expect(sweep.valuesText).toBe('313, 625, 1250'));
    expect(sweep.nodeId).toBe('hidden');
    sweep.valuesText = '32, 64';
    const finished = sweep.start();
    playRun((await nthRun(1)).runId, 0.4, 0.9);
    const second = await nthRun(2);
    expect(second.document.nodes.find((n) => n.id === 'hidden')!.params.units).toBe(64);
    playRun(second.runId, 0.5, 0.88);
    await finished;
    sweep.use(sweep.best);
    expect(graph.doc.nodes.find((n) => n.id === 'hidden')!.params.units).toBe(32);
    graph.undo();
    expect(graph.doc.nodes.find((n) => n.id === 'hidden')!.params.units).toBe(625);
  });

  it('stops: the run under way keeps what it measured, the values after it are skipped', async () => {
    const sweep = useSweepStore();
    sweep.show();
    const finished = sweep.start();
    const first = await nthRun(1);
    theWorker().reply({ type: 'state', runId: first.runId, event: { type: 'started', backend: 'cpu' } });
    sweep.stop();
    expect(theWorker().posted.at(-1)).toEqual({ type: 'stop' });
    playRun(first.runId, 0.7, 0.82, 'aborted');
    await finished;
    expect(sweep.tries.map((t) => t.status)).toEqual(['aborted', 'skipped', 'skipped']);
    expect(trainRequests()).toHaveLength(1);
    expect(sweep.running).toBe(false);
    expect(sweep.best).toBe(0);
  });

  it('goes on after a failed run, which never wins', async () => {
    const sweep = useSweepStore();
    sweep.show();
    sweep.valuesText = '0.001, 1000';
    const finished = sweep.start();
    playRun((await nthRun(1)).runId, 0.5, 0.85);
    const second = await nthRun(2);
    theWorker().reply({
      type: 'state',
      runId: second.runId,
      event: { type: 'failed', reason: 'The loss became NaN at step 3.' },
    });
    await finished;
    expect(sweep.tries[1]).toMatchObject({ status: 'failed', message: 'The loss became NaN at step 3.' });
    expect(sweep.best).toBe(0);
  });

  it('refuses to start while a training run is under way, or with values it cannot read', async () => {
    const sweep = useSweepStore();
    sweep.show();
    useTrainingStore().start(beginner());
    expect(await sweep.start()).toBe('A training run is under way: stop it first, or wait for it to end.');
    expect(trainRequests()).toHaveLength(1);
    sweep.valuesText = '0.1, zero';
    expect(sweep.parsedValues).toEqual({
      ok: false,
      error: '"zero" is not a learning rate; use a number above 0, like 0.001.',
    });
  });
});
