import 'fake-indexeddb/auto';
import { clear, createStore, entries } from 'idb-keyval';
import { createPinia, setActivePinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { PRESETS } from '../../../src/app/presets';
import { presetStructureHashes } from '../../../src/app/presetHashes';
import { useRunsStore } from '../../../src/app/stores/runsStore';
import type { RunRecord } from '../../../src/app/stores/runTypes';
import { useTrainingStore } from '../../../src/app/stores/trainingStore';
import type { TrainProgress } from '../../../src/training/types';
import type { EvaluationSummary, RunSummary } from '../../../src/worker/protocol';
import { FakeWorker, memoryStorage } from './fakes';

const runsDb = createStore('tensorweave-runs', 'runs');
const beginner = () => structuredClone(PRESETS.find((p) => p.id === 'beginner')!.doc);

function progressAt(step: number, totalSteps = 300): TrainProgress {
  return {
    step,
    totalSteps,
    epoch: 1,
    loss: 2.3 / step,
    batchAccuracy: step / totalSteps,
    stepsPerSecond: 500,
    etaSeconds: (totalSteps - step) / 500,
    elapsedSeconds: step / 500,
  };
}

const evaluation = (): EvaluationSummary => ({
  accuracy: 0.9,
  matrix: [[1]],
  perClass: [0.9],
  predicted: new Uint8Array([1, 2]),
  labels: new Uint8Array([1, 3]),
});

function summary(runId: string): RunSummary {
  return {
    runId,
    status: 'completed',
    message: undefined,
    steps: 300,
    totalSteps: 300,
    seconds: 0.6,
    stepsPerSecond: 500,
    trainAccuracy: 0.88,
    validationAccuracy: 0.89,
    testAccuracy: 0.9,
    backend: 'Tensorweave kernels (WASM SIMD)',
  };
}

/** The one worker the store made. */
function theWorker(): FakeWorker {
  expect(FakeWorker.instances).toHaveLength(1);
  return FakeWorker.instances[0]!;
}

describe('training store', () => {
  beforeEach(async () => {
    await clear(runsDb);
    FakeWorker.reset();
    vi.stubGlobal('Worker', FakeWorker);
    vi.stubGlobal('localStorage', memoryStorage());
    setActivePinia(createPinia());
  });
  afterEach(() => {
    vi.unstubAllGlobals();
  });

  it('starts a run: preparing, and the document and backend sent to the worker', () => {
    const training = useTrainingStore();
    training.backendChoice = 'wasm';
    const doc = beginner();
    training.start(doc);
    expect(training.state).toEqual({ status: 'preparing', detail: 'Starting…' });
    expect(training.active).toBe(true);
    expect(training.hasModel).toBe(false);
    const request = theWorker().last('train');
    expect(request).toEqual({ type: 'train', runId: training.runId, document: doc, backend: 'wasm' });
    expect(localStorage.getItem('tensorweave.backend')).toBe('wasm');
  });

  it('reads the last backend choice back at start-up', () => {
    vi.stubGlobal('localStorage', memoryStorage({ 'tensorweave.backend': 'webgl' }));
    expect(useTrainingStore().backendChoice).toBe('webgl');
  });

  it('follows the worker through a run to a stored record', async () => {
    const training = useTrainingStore();
    const doc = beginner();
    training.start(doc);
    const worker = theWorker();
    const runId = training.runId!;

    worker.reply({ type: 'currentModel', runId: undefined });
    worker.reply({ type: 'state', runId, event: { type: 'preparing', detail: 'Loading MNIST…' } });
    expect(training.state).toEqual({ status: 'preparing', detail: 'Loading MNIST…' });
    worker.reply({ type: 'dataReady', runId, milliseconds: 120 });
    expect(training.dataReadyMs).toBe(120);
    expect(training.hasModel).toBe(false);
    // The worker holds this run's model from the moment it starts training.
    worker.reply({ type: 'currentModel', runId });
    worker.reply({
      type: 'state',
      runId,
      event: { type: 'started', backend: 'Tensorweave kernels (WASM SIMD)' },
    });
    expect(training.state.status).toBe('running');
    expect(training.model).toEqual({ runId, doc, source: 'run' });

    const points = (steps: number[]) =>
      steps.map((s) => ({ step: s, loss: 2.3 / s, batchAccuracy: s / 300 }));
    worker.reply({ type: 'progress', runId, progress: progressAt(20), points: points([10, 20]) });
    worker.reply({ type: 'progress', runId, progress: progressAt(30), points: points([30]) });
    expect(training.progress).toEqual(progressAt(30));
    expect(training.curves.step).toEqual([10, 20, 30]);
    expect(training.curves.loss).toEqual([2.3 / 10, 2.3 / 20, 2.3 / 30]);
    expect(training.state).toMatchObject({ status: 'running', progress: { step: 30 } });

    worker.reply({ type: 'validation', runId, point: { step: 100, accuracy: 0.8 } });
    expect(training.validation).toEqual([{ step: 100, accuracy: 0.8 }]);
    worker.reply({ type: 'state', runId, event: { type: 'evaluating' } });
    expect(training.state.status).toBe('evaluating');

    worker.reply({ type: 'done', runId, summary: summary(runId), evaluation: evaluation() });
    expect(training.summary).toEqual(summary(runId));
    expect(training.evaluation).toEqual(evaluation());
    const outcome = {
      steps: 300,
      seconds: 0.6,
      trainAccuracy: 0.88,
      validationAccuracy: 0.89,
      testAccuracy: 0.9,
    };
    worker.reply({ type: 'state', runId, event: { type: 'finished', outcome, stoppedEarly: false } });
    expect(training.state).toEqual({
      status: 'finished',
      backend: 'Tensorweave kernels (WASM SIMD)',
      outcome,
    });
    expect(training.active).toBe(false);
    expect(training.hasModel).toBe(true);

    const stored = await vi.waitFor(async () => {
      const all = await entries<string, RunRecord>(runsDb);
      expect(all).toHaveLength(1);
      return all[0]![1];
    });
    expect(stored).toMatchObject({
      id: runId,
      graphName: doc.name,
      status: 'completed',
      testAccuracy: 0.9,
      backend: 'Tensorweave kernels (WASM SIMD)',
      training: doc.training,
      curves: { step: [10, 20, 30] },
      validation: [{ step: 100, accuracy: 0.8 }],
    });
    expect(presetStructureHashes().get(stored.structureHash)).toBe('beginner');
    expect(useRunsStore().runs.map((r) => r.id)).toEqual([runId]);
  });

  it('ignores messages of an earlier run', () => {
    const training = useTrainingStore();
    training.start(beginner());
    const worker = theWorker();
    worker.reply({ type: 'state', runId: 'run-old', event: { type: 'started', backend: 'cpu' } });
    worker.reply({ type: 'progress', runId: 'run-old', progress: progressAt(5), points: [] });
    expect(training.state.status).toBe('preparing');
    expect(training.progress).toBeUndefined();
  });

  it('fails the run when the worker crashes', () => {
    const training = useTrainingStore();
    training.start(beginner());
    theWorker().crash('boom');
    expect(training.state).toMatchObject({
      status: 'failed',
      reason: 'The training worker crashed: boom',
      suggestion: 'Reload the page.',
    });
  });

  it('pauses, resumes and stops both its own state and the worker', () => {
    const training = useTrainingStore();
    training.start(beginner());
    const worker = theWorker();
    worker.reply({ type: 'state', runId: training.runId!, event: { type: 'started', backend: 'cpu' } });
    training.pause();
    expect(training.state.status).toBe('paused');
    training.resume();
    expect(training.state.status).toBe('running');
    training.stop();
    expect(training.state.status).toBe('stopping');
    expect(worker.posted.slice(1)).toEqual([{ type: 'pause' }, { type: 'resume' }, { type: 'stop' }]);
  });

  it('does not start a second run while one is active', () => {
    const training = useTrainingStore();
    training.start(beginner());
    const first = training.runId;
    training.start(beginner());
    expect(training.runId).toBe(first);
    expect(theWorker().posted.filter((m) => m.type === 'train')).toHaveLength(1);
  });

  it('answers model questions only once a worker exists', async () => {
    const training = useTrainingStore();
    await expect(training.predict(new Float32Array(784))).resolves.toBeUndefined();
    await expect(training.examples([1])).resolves.toEqual([]);
    await expect(training.exportZip()).resolves.toEqual({ reason: 'Train or import a model first.' });
    expect(FakeWorker.instances).toHaveLength(0);

    training.start(beginner());
    const worker = theWorker();
    worker.reply({ type: 'currentModel', runId: training.runId });
    const answer = training.predict(new Float32Array(784));
    await vi.waitFor(() => worker.last('predict'));
    worker.reply({ type: 'prediction', requestId: worker.last('predict').requestId, probabilities: [1] });
    await expect(answer).resolves.toEqual([1]);
  });

  it('makes an imported model current, or says why not', async () => {
    const training = useTrainingStore();
    const doc = beginner();
    const weights = new Map([['dense', [{ shape: [1], data: new Float32Array([1]) }]]]);

    const refused = training.loadImported(doc, weights);
    const worker = theWorker();
    worker.reply({
      type: 'modelLoaded',
      requestId: worker.last('loadModel').requestId,
      evaluation: undefined,
      backend: undefined,
      reason: 'The imported graph has errors.',
    });
    await expect(refused).resolves.toBe('The imported graph has errors.');
    expect(training.hasModel).toBe(false);

    const accepted = training.loadImported(doc, weights);
    worker.reply({ type: 'currentModel', runId: worker.last('loadModel').runId });
    worker.reply({
      type: 'modelLoaded',
      requestId: worker.last('loadModel').requestId,
      evaluation: evaluation(),
      backend: 'wasm',
    });
    await expect(accepted).resolves.toBeUndefined();
    expect(training.hasModel).toBe(true);
    expect(training.trainedDoc).toEqual(doc);
    expect(training.evaluation).toEqual(evaluation());
    expect(training.runId).toMatch(/^import-/);
  });
});
