/**
 * Training in the browser: the current run's state machine, its live curves and results, the
 * trained model the worker holds (with the exact graph it was trained as) and queries to it
 * (predict, weights, examples, export). The worker does the work; this store mirrors what it
 * reports, records runs as they go and keeps their weights (see `modelStorage.ts`).
 */
import { defineStore } from 'pinia';
import { computed, ref, shallowRef, triggerRef } from 'vue';
import type { GraphDocument } from '../../core/document';
import { graphHash, structureHash } from '../../core/graphHash';
import {
  initialTrainingState,
  isActive,
  transition,
  type TrainingEvent,
  type TrainingState,
} from '../../training/trainingState';
import type { TrainProgress, ValidationPoint } from '../../training/types';
import { zipModel } from '../../core/exchange/modelArchive';
import type { LayerWeights } from '../../training/weights';
import type { BackendChoice, EvaluationSummary, RunSummary } from '../../worker/protocol';
import { keepWorkerModel, openPayload } from '../modelPayload';
import { sharedModelStorage } from '../modelStorage';
import { createTrainingWorker, type TrainingWorkerClient } from '../workerClient';
import { useNoticeStore } from './noticeStore';
import { lossReduction, useRunsStore } from './runsStore';
import type { Curves, RunRecord, RunStatus, TrainedModel } from './runTypes';

const BACKEND_KEY = 'tensorweave.backend';

const emptyCurves = (): Curves => ({ step: [], loss: [], batchAccuracy: [] });

export const useTrainingStore = defineStore('training', () => {
  const state = shallowRef<TrainingState>(initialTrainingState);
  const runId = ref<string | undefined>();
  const backendChoice = ref<BackendChoice>(
    (localStorage.getItem(BACKEND_KEY) as BackendChoice | null) ?? 'auto',
  );
  const progress = shallowRef<TrainProgress | undefined>();
  const curves = shallowRef<Curves>(emptyCurves());
  const validation = shallowRef<ValidationPoint[]>([]);
  const summary = shallowRef<RunSummary | undefined>();
  const evaluation = shallowRef<EvaluationSummary | undefined>();
  const timing = shallowRef<Record<string, number> | undefined>();
  /** How long MNIST took to be ready in the worker for the current run. */
  const dataReadyMs = ref<number | undefined>();
  /** The model the worker holds now, as it reported (`currentModel`); undefined: none. */
  const model = shallowRef<TrainedModel | undefined>();
  /** The document of the latest run, from the moment Train was pressed. */
  const runDoc = shallowRef<GraphDocument | undefined>();
  /** A kept model on its way into the worker (at start-up or from the runs table). */
  const loading = shallowRef<{
    runId: string;
    doc: GraphDocument;
    load: () => Promise<string | undefined>;
    /** Set once the worker was asked; until then the load waits for the first question. */
    done: Promise<string | undefined> | undefined;
  }>();
  const active = computed(() => isActive(state.value));
  const hasModel = computed(() => model.value !== undefined);
  /** The graph the current model was trained as (kept for the panels that name it). */
  const trainedDoc = computed(() => model.value?.doc);

  /** The documents of runs and imports the worker was asked for, until it reports them. */
  const requested = new Map<string, { doc: GraphDocument; source: TrainedModel['source'] }>();
  const kept = sharedModelStorage;

  let client: TrainingWorkerClient | undefined;
  function worker(): TrainingWorkerClient {
    if (!client) {
      client = createTrainingWorker();
      client.onEvent((e) => {
        if (e.type === 'currentModel') {
          const known = e.runId === undefined ? undefined : requested.get(e.runId);
          model.value = e.runId !== undefined && known ? { runId: e.runId, ...known } : undefined;
          // Only the model held and the ones still on their way can be reported later.
          const live = new Set([e.runId, runId.value, loading.value?.runId]);
          for (const id of requested.keys()) if (!live.has(id)) requested.delete(id);
          return;
        }
        if (e.runId !== runId.value && e.runId !== '*') return;
        switch (e.type) {
          case 'state':
            apply(e.event);
            if (e.event.type === 'started') void recordRun(e.runId, 'interrupted');
            return;
          case 'progress': {
            progress.value = e.progress;
            const c = curves.value;
            for (const p of e.points) {
              c.step.push(p.step);
              c.loss.push(p.loss);
              c.batchAccuracy.push(p.batchAccuracy);
            }
            triggerRef(curves);
            apply({ type: 'progress', progress: e.progress });
            return;
          }
          case 'validation':
            validation.value = [...validation.value, e.point];
            // Kept up to date, so a reload mid-run leaves the run with its progress so far.
            void recordRun(e.runId, 'interrupted');
            return;
          case 'timing':
            timing.value = e.msPerStep;
            return;
          case 'dataReady':
            dataReadyMs.value = e.milliseconds;
            return;
          case 'done':
            summary.value = e.summary;
            evaluation.value = e.evaluation;
            void recordRun(e.runId, e.summary.status, e.summary).then(() =>
              keepWeights(e.summary, e.evaluation),
            );
            return;
        }
      });
    }
    return client;
  }

  function apply(event: TrainingEvent): void {
    state.value = transition(state.value, event);
  }

  /** Write the run's record: provisional (`interrupted`) while it trains, final when done. */
  async function recordRun(id: string, status: RunStatus, s?: RunSummary): Promise<void> {
    const doc = runDoc.value;
    if (!doc || id !== runId.value) return;
    const p = progress.value;
    await useRunsStore().add({
      id,
      createdAt: useRunsStore().runs.find((r) => r.id === id)?.createdAt ?? Date.now(),
      graphName: doc.name,
      graphHash: graphHash(doc),
      structureHash: structureHash(doc),
      training: doc.training,
      reduction: lossReduction(doc),
      backend: s?.backend ?? ('backend' in state.value ? state.value.backend : ''),
      status,
      message: s?.message ?? (status === 'interrupted' ? 'The page was closed while it trained.' : undefined),
      steps: s?.steps ?? p?.step ?? 0,
      totalSteps: s?.totalSteps ?? p?.totalSteps ?? 0,
      seconds: s?.seconds ?? p?.elapsedSeconds ?? 0,
      stepsPerSecond: s?.stepsPerSecond ?? p?.stepsPerSecond ?? 0,
      trainAccuracy: s?.trainAccuracy ?? Number.NaN,
      validationAccuracy: s?.validationAccuracy ?? validation.value.at(-1)?.accuracy ?? Number.NaN,
      testAccuracy: s?.testAccuracy ?? Number.NaN,
      curves: curves.value,
      validation: validation.value,
    });
  }

  /** Keep a finished or stopped run's weights with its record; say so when the browser refuses. */
  async function keepWeights(s: RunSummary, e: EvaluationSummary | undefined): Promise<void> {
    const doc = requested.get(s.runId)?.doc;
    if (!doc || s.status === 'failed' || s.steps === 0 || !client) return;
    // The worker must still hold this run's model, or the weights would be another's.
    const outcome = await keepWorkerModel(client, s.runId, doc, e, () => model.value?.runId === s.runId);
    if (!outcome) return;
    const runs = useRunsStore();
    await runs.refreshKept();
    if (!outcome.ok) {
      useNoticeStore().notify(
        'warning',
        `The weights of ${runs.runLabel(s.runId) ?? doc.name} were not kept`,
        `${outcome.reason} Its results stay in the Runs table; delete older runs to make room.`,
      );
    }
  }

  /** Forget the previous run's results; events of older runs are ignored from now on. */
  function beginRun(id: string): void {
    runId.value = id;
    progress.value = undefined;
    curves.value = emptyCurves();
    validation.value = [];
    summary.value = undefined;
    evaluation.value = undefined;
    timing.value = undefined;
    dataReadyMs.value = undefined;
  }

  /** Start training `doc` (the caller has checked it has no errors). */
  function start(doc: GraphDocument): void {
    if (active.value) return;
    const id = `run-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 6)}`;
    beginRun(id);
    // A snapshot of plain data: later edits on the canvas are not part of this run.
    const snapshot = JSON.parse(JSON.stringify(doc)) as GraphDocument;
    runDoc.value = snapshot;
    requested.set(id, { doc: snapshot, source: 'run' });
    apply({ type: 'reset' });
    apply({ type: 'start' });
    localStorage.setItem(BACKEND_KEY, backendChoice.value);
    const send = () =>
      worker().send({ type: 'train', runId: id, document: snapshot, backend: backendChoice.value });
    // The worker takes one job at a time: a kept model still loading goes first; one that
    // waits for a question is not needed any more.
    const before = loading.value?.done;
    loading.value = undefined;
    if (before) void before.then(send);
    else send();
  }

  function pause(): void {
    apply({ type: 'pause' });
    client?.send({ type: 'pause' });
  }
  function resume(): void {
    apply({ type: 'resume' });
    client?.send({ type: 'resume' });
  }
  function stop(): void {
    apply({ type: 'stop' });
    client?.send({ type: 'stop' });
  }

  async function predict(pixels: Float32Array): Promise<number[] | undefined> {
    const c = await ready();
    if (!c || !model.value) return undefined;
    return (await c.predict(pixels)).probabilities;
  }
  async function weights(nodeId: string, maxUnits: number) {
    const c = await ready();
    if (!c || !model.value) return { images: undefined, reason: 'Train the model first.' };
    return c.weights(nodeId, maxUnits);
  }
  async function examples(indices: number[]) {
    const c = await ready();
    if (!c || !model.value) return [];
    return c.examples(indices);
  }
  async function evaluate(): Promise<void> {
    const c = await ready();
    if (!c || !model.value) return;
    const answer = await c.evaluate();
    if (answer.evaluation) evaluation.value = answer.evaluation;
  }

  /** The current model as a zip (model.json + weights.bin + its own graph.json), or why not. */
  async function exportZip(): Promise<{ zip?: Uint8Array; reason?: string; model?: TrainedModel }> {
    const c = await ready();
    const current = model.value;
    if (!c || !current) return { reason: 'Train or import a model first.' };
    const answer = await c.exportModel();
    if (!answer.artifacts) return { reason: answer.reason ?? 'The model could not be exported.' };
    // The worker may have moved on (a run started) while it answered: export only a pair that matches.
    if (model.value !== current) return { reason: 'The model changed while it was exported; try again.' };
    return { zip: zipModel(answer.artifacts, current.doc), model: current };
  }

  /** Load `doc` with `weights` into the worker as the current model; resolves with why not, if not. */
  async function loadIntoWorker(
    id: string,
    doc: GraphDocument,
    layerWeights: LayerWeights,
    source: TrainedModel['source'],
  ): Promise<string | undefined> {
    requested.set(id, { doc, source });
    const answer = await worker().loadModel(id, JSON.parse(JSON.stringify(doc)), layerWeights);
    if (!answer.evaluation) return answer.reason ?? 'The model could not be loaded.';
    // A kept model's evaluation is on show already (the same numbers): replacing it would
    // reopen the Evaluation tab under the user's feet.
    if (runId.value === id && !evaluation.value) evaluation.value = answer.evaluation;
    return undefined;
  }

  /** Make an imported graph and its weights the current model; resolves with why not, if not. */
  async function loadImported(doc: GraphDocument, layerWeights: LayerWeights): Promise<string | undefined> {
    if (active.value) return 'Stop the training run first.';
    if (loading.value?.done) await loading.value.done;
    loading.value = undefined;
    const id = `import-${Date.now().toString(36)}`;
    beginRun(id);
    apply({ type: 'reset' });
    return loadIntoWorker(id, doc, layerWeights, 'import');
  }

  /**
   * Make a kept run's model current: its results show at once (from what was kept), its
   * weights go into the worker — now, or with `eager` false on the first question
   * (`ensureLoaded`). Resolves with the graph it was trained as, or why not.
   */
  async function openKept(
    id: string,
    record: RunRecord | undefined,
    eager = true,
  ): Promise<{ doc?: GraphDocument; reason?: string }> {
    if (active.value) return { reason: 'Stop the training run first.' };
    // The worker loads one model at a time: let one on its way arrive first.
    await loading.value?.done;
    const payload = await kept().load(id);
    if (!payload) return { reason: 'Its weights were not kept.' };
    const opened = await openPayload(payload);
    if (!opened.ok) return { reason: opened.error };
    const { doc, weights: layerWeights } = opened.value;
    beginRun(id);
    apply({ type: 'reset' });
    runDoc.value = doc;
    evaluation.value = payload.evaluation;
    if (record) {
      curves.value = { ...record.curves };
      validation.value = [...record.validation];
    }
    const load = () =>
      loadIntoWorker(id, doc, layerWeights, 'run').finally(() => {
        if (loading.value?.runId === id) loading.value = undefined;
      });
    loading.value = { runId: id, doc, load, done: undefined };
    if (!eager) return { doc };
    const problem = await ensureLoaded();
    return problem ? { reason: problem } : { doc };
  }

  /** Start loading the kept model into the worker if it waits (idempotent); resolves when it is in. */
  function ensureLoaded(): Promise<string | undefined> | undefined {
    const pending = loading.value;
    if (pending && !pending.done) loading.value = { ...pending, done: pending.load() };
    return loading.value?.done;
  }

  /** Waits for a kept model still loading, so questions go to the model the page shows. */
  async function ready(): Promise<TrainingWorkerClient | undefined> {
    await ensureLoaded();
    return client;
  }

  /** The worker's tf.memory(), for the leak check of the browser tests. */
  async function workerMemory(): Promise<{ numTensors: number; numBytes: number }> {
    return worker().memory();
  }

  return {
    state,
    runId,
    backendChoice,
    progress,
    curves,
    validation,
    summary,
    evaluation,
    timing,
    dataReadyMs,
    model,
    runDoc,
    loading,
    trainedDoc,
    active,
    hasModel,
    start,
    pause,
    resume,
    stop,
    predict,
    weights,
    examples,
    evaluate,
    exportZip,
    loadImported,
    openKept,
    ensureLoaded,
    workerMemory,
    /** The worker once a kept model loading is in (for the "see inside" queries), or none yet. */
    ready,
    /** The worker, started if need be. */
    worker,
  };
});
