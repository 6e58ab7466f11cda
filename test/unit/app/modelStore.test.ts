import 'fake-indexeddb/auto';
import { clear, createStore, entries } from 'idb-keyval';
import { createPinia, setActivePinia } from 'pinia';
import { afterAll, beforeAll, beforeEach, afterEach, describe, expect, it, vi } from 'vitest';
import { nextTick } from 'vue';
import { analyzeGraph } from '../../../src/core/analyze';
import { compileGraph } from '../../../src/core/compile';
import type { GraphDocument } from '../../../src/core/document';
import type { ModelArtifactsLike } from '../../../src/core/exchange/modelArchive';
import { tf, useBackend } from '../../../src/cli/nodeEnv';
import { saveArtifacts } from '../../../src/training/weights';
import { openPayload, payloadOf } from '../../../src/app/modelPayload';
import { sharedModelStorage } from '../../../src/app/modelStorage';
import { PRESETS } from '../../../src/app/presets';
import { useGraphStore } from '../../../src/app/stores/graphStore';
import { useModelStore } from '../../../src/app/stores/modelStore';
import { useNoticeStore } from '../../../src/app/stores/noticeStore';
import { useRunsStore } from '../../../src/app/stores/runsStore';
import type { RunRecord } from '../../../src/app/stores/runTypes';
import { useTrainingStore } from '../../../src/app/stores/trainingStore';
import { useUiStore } from '../../../src/app/stores/uiStore';
import type { EvaluationSummary, RunSummary } from '../../../src/worker/protocol';
import { FakeWorker, memoryStorage } from './fakes';

const runsDb = createStore('tensorweave-runs', 'runs');
const preset = (id: string): GraphDocument => structuredClone(PRESETS.find((p) => p.id === id)!.doc);

/** Real layers artifacts of each preset (untrained weights), as the worker would export them. */
const artifacts = new Map<string, ModelArtifactsLike>();
beforeAll(async () => {
  await useBackend('cpu');
  for (const id of ['beginner', 'hidden-layer']) {
    const doc = preset(id);
    const compiled = compileGraph(tf, doc, analyzeGraph(doc));
    artifacts.set(doc.name, await saveArtifacts(tf, compiled));
    compiled.dispose();
  }
});
afterAll(() => artifacts.clear());

const evaluation = (accuracy: number): EvaluationSummary => ({
  accuracy,
  matrix: [[1]],
  perClass: [accuracy],
  predicted: new Uint8Array([3, 1]),
  labels: new Uint8Array([3, 2]),
});

function summary(runId: string, status: RunSummary['status'] = 'completed'): RunSummary {
  return {
    runId,
    status,
    message: undefined,
    steps: 50,
    totalSteps: 50,
    seconds: 0.2,
    stepsPerSecond: 250,
    trainAccuracy: 0.8,
    validationAccuracy: 0.81,
    testAccuracy: 0.82,
    backend: 'cpu',
  };
}

const worker = () => FakeWorker.instances.at(-1)!;

/** Answers the worker's requests for the current model's artifacts, as the real one would. */
function answerExports(doc: GraphDocument): void {
  const w = worker();
  const done = new Set<number>();
  const timer = setInterval(() => {
    for (const m of w.posted) {
      if (m.type !== 'export' || done.has(m.requestId)) continue;
      done.add(m.requestId);
      const a = artifacts.get(doc.name)!;
      w.reply({
        type: 'exported',
        requestId: m.requestId,
        artifacts: { ...a, weightData: a.weightData.slice() },
      });
    }
  }, 1);
  cleanups.push(() => clearInterval(timer));
}
let cleanups: (() => void)[] = [];

/** The worker's answers to the last loadModel request: it now holds that model, evaluated. */
function answerLoad(accuracy: number): void {
  const request = worker().last('loadModel');
  worker().reply({ type: 'currentModel', runId: request.runId });
  worker().reply({
    type: 'modelLoaded',
    requestId: request.requestId,
    evaluation: evaluation(accuracy),
    backend: 'wasm',
  });
}

/** Train `doc` through the fake worker to the end: the page sees what a real run sends. */
async function trainToEnd(doc: GraphDocument, accuracy = 0.82): Promise<string> {
  const training = useTrainingStore();
  training.start(doc);
  const runId = training.runId!;
  answerExports(doc);
  const w = worker();
  w.reply({ type: 'currentModel', runId: undefined });
  w.reply({ type: 'currentModel', runId });
  w.reply({ type: 'state', runId, event: { type: 'started', backend: 'cpu' } });
  w.reply({ type: 'done', runId, summary: summary(runId), evaluation: evaluation(accuracy) });
  const outcome = {
    steps: 50,
    seconds: 0.2,
    trainAccuracy: 0.8,
    validationAccuracy: 0.81,
    testAccuracy: 0.82,
  };
  w.reply({ type: 'state', runId, event: { type: 'finished', outcome, stoppedEarly: false } });
  await vi.waitFor(() => expect(useRunsStore().kept.has(runId)).toBe(true));
  return runId;
}

/** A fresh page on the same IndexedDB: new stores, a new worker. */
function reload(storage = memoryStorage()): void {
  vi.stubGlobal('localStorage', storage);
  setActivePinia(createPinia());
}

async function clearModels(): Promise<void> {
  for (const e of await sharedModelStorage().list()) await sharedModelStorage().remove(e.runId);
}

beforeEach(async () => {
  await clear(runsDb);
  await clearModels();
  FakeWorker.reset();
  vi.stubGlobal('Worker', FakeWorker);
  reload();
});
afterEach(() => {
  for (const c of cleanups) c();
  cleanups = [];
  vi.unstubAllGlobals();
});

describe('the trained model and the canvas', () => {
  it('is the run’s graph; another preset makes it stale, and Open the trained graph brings it back in one undo step', async () => {
    const graph = useGraphStore();
    const model = useModelStore();
    graph.reset(preset('beginner'));
    await trainToEnd(graph.doc);
    expect(model.label).toBe('beginner · run 1');
    expect(model.notice).toBeUndefined();

    graph.moveNodes([{ id: 'dense', position: { x: 10, y: 400 } }]);
    await nextTick();
    expect(model.notice).toBeUndefined();

    graph.load(preset('hidden-layer'), 'Load preset hidden-layer');
    await nextTick();
    expect(model.stale).toBe(true);
    expect(model.notice).toBe('Trained as beginner, 1 edit ago — these results belong to that graph.');
    graph.setParams('hidden', { units: 300 });
    await nextTick();
    expect(model.notice).toBe('Trained as beginner, 2 edits ago — these results belong to that graph.');

    model.openTrainedGraph();
    await nextTick();
    expect(graph.doc.name).toBe('beginner');
    expect(model.notice).toBeUndefined();
    expect(graph.undoLabel).toBe('Open the trained graph (beginner · run 1)');
    graph.undo();
    await nextTick();
    expect(graph.doc.name).toBe('hidden-layer');
    expect(model.stale).toBe(true);
  });

  it('while a run trains, edits to the canvas are allowed and the banner says the run trains the graph as it was', async () => {
    const graph = useGraphStore();
    const model = useModelStore();
    const training = useTrainingStore();
    graph.reset(preset('beginner'));
    training.start(graph.doc);
    const sent = worker().last('train').document;
    graph.setParams('dense', { units: 12 });
    await nextTick();
    expect(model.notice).toBe(
      'This run trains beginner as it was when Train was pressed, 1 edit ago — later edits are not part of it.',
    );
    // The worker got a snapshot: the edit did not reach it.
    expect(sent.nodes.find((n) => n.id === 'dense')!.params.units).toBe(10);
  });

  it('records a run when it starts, so a reload mid-run leaves it as interrupted', async () => {
    const training = useTrainingStore();
    training.start(preset('beginner'));
    const runId = training.runId!;
    worker().reply({ type: 'state', runId, event: { type: 'started', backend: 'cpu' } });
    await vi.waitFor(async () => expect((await entries(runsDb)).length).toBe(1));

    reload();
    const runs = useRunsStore();
    await runs.load();
    expect(runs.runs).toHaveLength(1);
    expect(runs.runs[0]).toMatchObject({
      id: runId,
      status: 'interrupted',
      message: 'The page was closed while it trained.',
    });
    expect(runs.kept.has(runId)).toBe(false);
  });
});

describe('kept models', () => {
  it('a reload restores the last model: its results at once, its weights into the worker on the first question', async () => {
    const graph = useGraphStore();
    graph.reset(preset('beginner'));
    const runId = await trainToEnd(graph.doc, 0.875);

    reload();
    FakeWorker.reset();
    const training = useTrainingStore();
    const model = useModelStore();
    useGraphStore().reset(preset('hidden-layer'));
    await model.restoreLast();
    // The kept evaluation shows, and the banner says whose it is (no count: the reload forgot).
    expect(training.evaluation?.accuracy).toBe(0.875);
    expect(model.label).toBe('beginner · run 1');
    expect(model.notice).toBe('Trained as beginner — these results belong to that graph.');
    // Nothing is loaded into a worker until a view asks.
    expect(FakeWorker.instances).toHaveLength(0);
    expect(training.hasModel).toBe(false);

    const answer = training.predict(new Float32Array(784));
    await vi.waitFor(() => worker().last('loadModel'));
    const request = worker().last('loadModel');
    expect(request.runId).toBe(runId);
    expect(request.document.name).toBe('beginner');
    expect(new Map(request.weights).get('dense')!.map((w) => w.shape)).toEqual([[784, 10], [10]]);
    answerLoad(0.875);
    await vi.waitFor(() => worker().last('predict'));
    worker().reply({
      type: 'prediction',
      requestId: worker().last('predict').requestId,
      probabilities: [0.5],
    });
    await expect(answer).resolves.toEqual([0.5]);
    expect(training.hasModel).toBe(true);
    expect(training.model?.doc.name).toBe('beginner');
    expect(worker().posted.filter((m) => m.type === 'loadModel')).toHaveLength(1);
  });

  it('Open this model restores a run’s graph onto the canvas, its weights and its results', async () => {
    const graph = useGraphStore();
    graph.reset(preset('beginner'));
    const first = await trainToEnd(graph.doc, 0.9);
    graph.load(preset('hidden-layer'));
    await trainToEnd(graph.doc, 0.95);

    const model = useModelStore();
    const training = useTrainingStore();
    const opening = model.openRun(first);
    await vi.waitFor(() => expect(worker().last('loadModel').runId).toBe(first));
    expect(graph.doc.name).toBe('beginner');
    expect(training.evaluation?.accuracy).toBe(0.9);
    answerLoad(0.9);
    await expect(opening).resolves.toBe(true);
    expect(model.label).toBe('beginner · run 1');
    expect(model.notice).toBeUndefined();
    expect(useNoticeStore().notices.at(-1)?.title).toBe('Opened the model of beginner · run 1');
  });

  it('keeps the weights of the last runs only (the localStorage cap), evicting the oldest', async () => {
    reload(memoryStorage({ 'tensorweave.keptModels': '1' }));
    const graph = useGraphStore();
    graph.reset(preset('beginner'));
    const first = await trainToEnd(graph.doc);
    const second = await trainToEnd(graph.doc);
    const runs = useRunsStore();
    await vi.waitFor(() => expect([...runs.kept]).toEqual([second]));
    expect(runs.runs.map((r: RunRecord) => r.id)).toEqual([second, first]);
    await expect(useModelStore().openRun(first)).resolves.toBe(false);
    expect(useNoticeStore().notices.at(-1)).toMatchObject({
      title: 'Could not open the model of beginner · run 1',
      message: 'Its weights were not kept.',
    });
  });

  it('says so when the browser’s quota leaves no room for the weights, and keeps the run', async () => {
    vi.stubGlobal('navigator', { storage: { estimate: async () => ({ usage: 0, quota: 20_000 }) } });
    const graph = useGraphStore();
    graph.reset(preset('beginner'));
    const training = useTrainingStore();
    training.start(graph.doc);
    const runId = training.runId!;
    answerExports(graph.doc);
    worker().reply({ type: 'currentModel', runId });
    worker().reply({ type: 'state', runId, event: { type: 'started', backend: 'cpu' } });
    worker().reply({ type: 'done', runId, summary: summary(runId), evaluation: evaluation(0.8) });
    const notices = useNoticeStore();
    await vi.waitFor(() => expect(notices.notices.length).toBeGreaterThan(0));
    expect(notices.notices.at(-1)).toMatchObject({
      title: 'The weights of beginner · run 1 were not kept',
      message:
        'Its weights (31 KB) are more than the 10 KB this browser lets Tensorweave keep. Its results stay in the Runs table; delete older runs to make room.',
    });
    expect(useRunsStore().runs.map((r) => r.id)).toEqual([runId]);
    expect(useRunsStore().kept.size).toBe(0);
  });
});

/** A preset's graph and weights as a model file would give them (read back through the importer). */
async function modelFile(id: string) {
  const doc = preset(id);
  const opened = await openPayload(payloadOf('file', artifacts.get(doc.name)!, doc, undefined));
  if (!opened.ok) throw new Error(opened.error);
  return opened.value;
}

/** Open a model file through the fake worker, which loads it and reports its test accuracy. */
async function openModelFile(id: string, fileName: string, accuracy: number): Promise<string> {
  const { doc, weights } = await modelFile(id);
  useGraphStore().load(doc);
  const opening = useModelStore().openImported(doc, weights, fileName);
  await vi.waitFor(() => worker().last('loadModel'));
  const request = worker().last('loadModel');
  answerExports(doc);
  answerLoad(accuracy);
  await expect(opening).resolves.toBeUndefined();
  return request.runId;
}

describe('a model opened from a file', () => {
  it('is kept like a run’s: after a reload it is the current model again, named by its file, and predicts', async () => {
    const id = await openModelFile('hidden-layer', 'mnist-hidden.zip', 0.966);
    const runs = useRunsStore();
    await vi.waitFor(() => expect(runs.kept.has(id)).toBe(true));
    expect(useModelStore().label).toBe('hidden-layer · from mnist-hidden.zip');
    // An opened model, not a run: listed apart, with its file and the accuracy measured on load.
    expect(runs.runs).toEqual([]);
    expect(runs.opened).toHaveLength(1);
    expect(runs.opened[0]).toMatchObject({
      id,
      graphName: 'hidden-layer',
      openedFrom: 'mnist-hidden.zip',
      testAccuracy: 0.966,
      steps: 0,
      status: 'completed',
    });
    const [entry] = await sharedModelStorage().list();
    expect(entry).toMatchObject({ runId: id, graphName: 'hidden-layer' });

    reload();
    FakeWorker.reset();
    const training = useTrainingStore();
    const model = useModelStore();
    useGraphStore().reset(preset('beginner'));
    await model.restoreLast();
    expect(training.evaluation?.accuracy).toBe(0.966);
    expect(model.label).toBe('hidden-layer · from mnist-hidden.zip');
    expect(model.notice).toBe('Trained as hidden-layer — these results belong to that graph.');
    expect(useRunsStore().opened.map((r) => r.openedFrom)).toEqual(['mnist-hidden.zip']);

    const answer = training.predict(new Float32Array(784));
    await vi.waitFor(() => worker().last('loadModel'));
    const request = worker().last('loadModel');
    expect(request.runId).toBe(id);
    expect(request.document.name).toBe('hidden-layer');
    expect(new Map(request.weights).get('hidden')!.map((w) => w.shape)).toEqual([[784, 625], [625]]);
    answerLoad(0.966);
    await vi.waitFor(() => worker().last('predict'));
    worker().reply({
      type: 'prediction',
      requestId: worker().last('predict').requestId,
      probabilities: [0.9],
    });
    await expect(answer).resolves.toEqual([0.9]);
  });

  it('counts against the cap like a run: a later run evicts its weights first, and the runs keep their numbers', async () => {
    reload(memoryStorage({ 'tensorweave.keptModels': '1' }));
    const opened = await openModelFile('beginner', 'model.json', 0.92);
    const runs = useRunsStore();
    await vi.waitFor(() => expect([...runs.kept]).toEqual([opened]));
    const graph = useGraphStore();
    graph.reset(preset('beginner'));
    const run = await trainToEnd(graph.doc);
    await vi.waitFor(() => expect([...runs.kept]).toEqual([run]));
    // Its record stays (the table says its weights were not kept); the run is still run 1.
    expect(runs.opened.map((r) => r.id)).toEqual([opened]);
    expect(runs.runLabel(run)).toBe('beginner · run 1');
    await expect(useModelStore().openRun(opened)).resolves.toBe(false);
    expect(useNoticeStore().notices.at(-1)).toMatchObject({
      title: 'Could not open the model of beginner · from model.json',
      message: 'Its weights were not kept.',
    });
  });
});

describe('Train this graph', () => {
  it('starts the canvas’s graph with the Train tab on show, where its progress is', async () => {
    const graph = useGraphStore();
    graph.reset(preset('beginner'));
    await trainToEnd(graph.doc);
    graph.load(preset('hidden-layer'));
    const ui = useUiStore();
    ui.sideVisible = false;
    expect(ui.sidePanel).toBe('inspector');
    useModelStore().trainThisGraph();
    expect(ui.sidePanel).toBe('train');
    expect(ui.sideVisible).toBe(true);
    expect(worker().last('train').document.name).toBe('hidden-layer');
  });

  it('leaves the tab alone when the graph cannot be trained, and says why', () => {
    const graph = useGraphStore();
    graph.reset(preset('beginner'));
    graph.removeNodes(['input']);
    useModelStore().trainThisGraph();
    expect(useUiStore().sidePanel).toBe('inspector');
    expect(useNoticeStore().notices.at(-1)?.title).toBe('This graph cannot be trained yet');
  });
});
