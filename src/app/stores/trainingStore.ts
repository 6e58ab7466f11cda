/**
 * Training in the browser: the current run's state machine, its live curves and results, and
 * queries to the trained model (predict, weights, examples). The worker does the work; this
 * store only mirrors what it reports.
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
import { createTrainingWorker, type TrainingWorkerClient } from '../workerClient';
import { useRunsStore } from './runsStore';
import type { Curves } from './runTypes';

const BACKEND_KEY = 'tensorweave.backend';

export const useTrainingStore = defineStore('training', () => {
  const state = shallowRef<TrainingState>(initialTrainingState);
  const runId = ref<string | undefined>();
  const backendChoice = ref<BackendChoice>(
    (localStorage.getItem(BACKEND_KEY) as BackendChoice | null) ?? 'auto',
  );
  const progress = shallowRef<TrainProgress | undefined>();
  const curves = shallowRef<Curves>({ step: [], loss: [], batchAccuracy: [] });
  const validation = shallowRef<ValidationPoint[]>([]);
  const summary = shallowRef<RunSummary | undefined>();
  const evaluation = shallowRef<EvaluationSummary | undefined>();
  const timing = shallowRef<Record<string, number> | undefined>();
  /** How long MNIST took to be ready in the worker for the current run. */
  const dataReadyMs = ref<number | undefined>();
  /** The document the current model was trained from. */
  const trainedDoc = shallowRef<GraphDocument | undefined>();
  const active = computed(() => isActive(state.value));
  const hasModel = computed(() => trainedDoc.value !== undefined && state.value.status !== 'preparing');

  let client: TrainingWorkerClient | undefined;
  function worker(): TrainingWorkerClient {
    if (!client) {
      client = createTrainingWorker();
      client.onEvent((e) => {
        if (e.runId !== runId.value && e.runId !== '*') return;
        switch (e.type) {
          case 'state':
            apply(e.event);
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
            void recordRun(e.summary);
            return;
        }
      });
    }
    return client;
  }

  function apply(event: TrainingEvent): void {
    state.value = transition(state.value, event);
  }

  async function recordRun(s: RunSummary): Promise<void> {
    const doc = trainedDoc.value;
    if (!doc) return;
    await useRunsStore().add({
      id: s.runId,
      createdAt: Date.now(),
      graphName: doc.name,
      graphHash: graphHash(doc),
      structureHash: structureHash(doc),
      training: doc.training,
      reduction: doc.nodes.find((n) => n.type === 'loss')?.params.reduction === 'sum' ? 'sum' : 'mean',
      backend: s.backend,
      status: s.status,
      message: s.message,
      steps: s.steps,
      totalSteps: s.totalSteps,
      seconds: s.seconds,
      stepsPerSecond: s.stepsPerSecond,
      trainAccuracy: s.trainAccuracy,
      validationAccuracy: s.validationAccuracy,
      testAccuracy: s.testAccuracy,
      curves: curves.value,
      validation: validation.value,
    });
  }

  /** Forget the previous run's results; events of older runs are ignored from now on. */
  function beginRun(id: string): void {
    runId.value = id;
    progress.value = undefined;
    curves.value = { step: [], loss: [], batchAccuracy: [] };
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
    trainedDoc.value = doc;
    apply({ type: 'reset' });
    apply({ type: 'start' });
    localStorage.setItem(BACKEND_KEY, backendChoice.value);
    // A structured clone of plain data: the document carries no Vue proxies.
    worker().send({
      type: 'train',
      runId: id,
      document: JSON.parse(JSON.stringify(doc)),
      backend: backendChoice.value,
    });
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
    if (!client) return undefined;
    return (await client.predict(pixels)).probabilities;
  }
  async function weights(nodeId: string, maxUnits: number) {
    if (!client) return { images: undefined, reason: 'Train the model first.' };
    return client.weights(nodeId, maxUnits);
  }
  async function examples(indices: number[]) {
    if (!client) return [];
    return client.examples(indices);
  }
  async function evaluate(): Promise<void> {
    if (!client) return;
    const answer = await client.evaluate();
    if (answer.evaluation) evaluation.value = answer.evaluation;
  }

  /** The current model as a zip (model.json + weights.bin + graph.json), or why not. */
  async function exportZip(): Promise<{ zip?: Uint8Array; reason?: string }> {
    if (!client || !trainedDoc.value) return { reason: 'Train or import a model first.' };
    const answer = await client.exportModel();
    if (!answer.artifacts) return { reason: answer.reason ?? 'The model could not be exported.' };
    return { zip: zipModel(answer.artifacts, trainedDoc.value) };
  }

  /** Make an imported graph and its weights the current model; resolves with why not, if not. */
  async function loadImported(doc: GraphDocument, weights: LayerWeights): Promise<string | undefined> {
    if (active.value) return 'Stop the training run first.';
    const id = `import-${Date.now().toString(36)}`;
    beginRun(id);
    apply({ type: 'reset' });
    const answer = await worker().loadModel(id, JSON.parse(JSON.stringify(doc)), weights);
    if (!answer.evaluation) return answer.reason ?? 'The model could not be loaded.';
    trainedDoc.value = doc;
    evaluation.value = answer.evaluation;
    return undefined;
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
    workerMemory,
  };
});
