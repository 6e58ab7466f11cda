/**
 * The training worker: loads MNIST once, compiles the graph, trains it off the main thread
 * and answers questions about the current model (predict a drawn digit, weight pictures,
 * test examples, evaluation) — also while training, between steps.
 */
import * as tf from '@tensorflow/tfjs';
import { analyzeGraph } from '../core/analyze';
import { compileGraph, type CompiledGraph } from '../core/compile';
import { formatDiagnostic } from '../core/diagnostics';
import type { GraphDocument } from '../core/document';
import { evaluateSplit, type Evaluation } from '../training/evaluation';
import { loadMnist, MNIST_FILES, type MnistData, type MnistFileName } from '../training/mnist';
import { runSettingsOf } from '../training/options';
import { kernelSupport } from '../training/stepperChoice';
import { train, type TrainResult } from '../training/train';
import { applyWeights, saveArtifacts } from '../training/weights';
import { activateBackend, autoCandidates, describeBackend, type ConcreteBackend } from './browserBackends';
import type {
  BackendChoice,
  EvaluationSummary,
  HistoryPoint,
  RunSummary,
  WorkerRequest,
  WorkerResponse,
} from './protocol';

const post = (message: WorkerResponse, transfer: Transferable[] = []) =>
  (self as unknown as Worker).postMessage(message, transfer);

// The raw bytes are fetched once; splits are cheap views made per run.
const bytes = new Map<MnistFileName, Promise<Uint8Array>>();
function readBytes(name: MnistFileName): Promise<Uint8Array> {
  let p = bytes.get(name);
  if (!p) {
    p = fetch(`${import.meta.env.BASE_URL}mnist/${name}`).then(async (r) => {
      if (!r.ok) throw new Error(`Could not load MNIST file ${name}: HTTP ${r.status}.`);
      return new Uint8Array(await r.arrayBuffer());
    });
    p.catch(() => bytes.delete(name));
    bytes.set(name, p);
  }
  return p;
}

interface Session {
  runId: string;
  compiled: CompiledGraph;
  data: MnistData;
  abort: AbortController;
  paused: boolean;
  resume: (() => void) | undefined;
  evaluation: Evaluation | undefined;
}
let session: Session | undefined;
let busy = false;

function summarize(e: Evaluation, data: MnistData): EvaluationSummary {
  return {
    accuracy: e.accuracy,
    matrix: e.matrix,
    perClass: e.perClass,
    predicted: e.predicted.slice(),
    labels: data.test.labels.slice(),
  };
}

/** Steps per second of a few real steps on one backend (after a warm-up). */
async function measure(doc: GraphDocument, data: MnistData, backend: ConcreteBackend): Promise<number> {
  if (!(await activateBackend(backend))) return 0;
  const analysis = analyzeGraph(doc);
  const compiled = compileGraph(tf, doc, analysis);
  try {
    const run = (steps: number) =>
      train(tf, compiled, data, {
        ...runSettingsOf(doc.training),
        duration: { unit: 'steps', steps },
        validationEvery: 0,
        evaluate: false,
        kernels: false,
      });
    await run(3);
    const t0 = performance.now();
    const r = await run(10);
    return r.steps / ((performance.now() - t0) / 1000);
  } finally {
    compiled.dispose();
  }
}

async function fastestTfjsBackend(
  runId: string,
  doc: GraphDocument,
  data: MnistData,
): Promise<ConcreteBackend> {
  const speeds: Record<string, number> = {};
  for (const candidate of await autoCandidates()) {
    post({
      type: 'state',
      runId,
      event: { type: 'preparing', detail: `Measuring the ${candidate} backend…` },
    });
    speeds[candidate] = await measure(doc, data, candidate);
  }
  const best = (Object.entries(speeds).sort((a, b) => b[1] - a[1])[0]?.[0] ?? 'cpu') as ConcreteBackend;
  post({
    type: 'timing',
    runId,
    backend: best,
    msPerStep: Object.fromEntries(Object.entries(speeds).map(([k, v]) => [k, v > 0 ? 1000 / v : Infinity])),
  });
  return best;
}

/** A backend this browser cannot run: the user can pick another one. */
class BackendUnavailable extends Error {
  constructor(backend: string) {
    super(`The ${backend} backend is not available in this browser.`);
  }
}

interface Placement {
  compiled: CompiledGraph;
  /** Train on Tensorweave's kernels (the tfjs backend then serves evaluation only). */
  kernels: boolean;
  label: string;
}

/** Pick where to train, activate that tfjs backend and compile the graph there. */
async function place(
  runId: string,
  choice: BackendChoice,
  doc: GraphDocument,
  data: MnistData,
): Promise<Placement> {
  const analysis = analyzeGraph(doc);
  const compileOn = async (backend: ConcreteBackend) => {
    if (!(await activateBackend(backend))) throw new BackendUnavailable(backend);
    return compileGraph(tf, doc, analysis);
  };
  if (choice === 'auto' || choice === 'kernels') {
    const compiled = await compileOn('wasm');
    const check = kernelSupport(compiled);
    if (check.ok)
      return {
        compiled,
        kernels: true,
        label: 'Tensorweave kernels (WASM SIMD)',
      };
    compiled.dispose();
    if (choice === 'kernels') {
      post({
        type: 'state',
        runId,
        event: {
          type: 'preparing',
          detail: `Tensorweave's kernels cannot train this graph (${check.reason}); measuring tfjs backends…`,
        },
      });
    }
    const best = await fastestTfjsBackend(runId, doc, data);
    return { compiled: await compileOn(best), kernels: false, label: describeBackend(best) };
  }
  return { compiled: await compileOn(choice), kernels: false, label: describeBackend(choice) };
}

async function runTraining(runId: string, doc: GraphDocument, choice: BackendChoice): Promise<void> {
  const event = (e: Extract<WorkerResponse, { type: 'state' }>['event']) =>
    post({ type: 'state', runId, event: e });
  const analysis = analyzeGraph(doc);
  if (!analysis.valid) {
    const errors = analysis.diagnostics.filter((d) => d.severity === 'error').map(formatDiagnostic);
    event({
      type: 'failed',
      reason: `The graph has errors: ${errors.join('; ')}`,
      suggestion: 'Fix them, then train again.',
    });
    return;
  }
  session?.compiled.dispose();
  session = undefined;

  event({ type: 'preparing', detail: 'Loading MNIST…' });
  const loadStart = performance.now();
  for (const name of Object.values(MNIST_FILES)) void readBytes(name);
  const data = await loadMnist(readBytes, { validationCount: doc.training.validationCount });
  post({ type: 'dataReady', runId, milliseconds: performance.now() - loadStart });
  event({ type: 'preparing', detail: 'Building the model…' });
  const { compiled, kernels, label } = await place(runId, choice, doc, data);
  const abort = new AbortController();
  const current: Session = {
    runId,
    compiled,
    data,
    abort,
    paused: false,
    resume: undefined,
    evaluation: undefined,
  };
  session = current;
  event({ type: 'started', backend: label });

  let points: HistoryPoint[] = [];
  let lastPost = 0;
  let result: TrainResult;
  try {
    result = await train(tf, compiled, data, {
      ...runSettingsOf(doc.training),
      progressEvery: 10,
      validationEvery: 1000,
      signal: abort.signal,
      evaluate: true,
      kernels,
      pauseGate: () =>
        current.paused ? new Promise<void>((resolve) => (current.resume = resolve)) : Promise.resolve(),
      onProgress: (progress) => {
        points.push({ step: progress.step, loss: progress.loss, batchAccuracy: progress.batchAccuracy });
        const now = performance.now();
        // Charts need no more than ~10 updates a second; the last step is always sent.
        if (now - lastPost > 100 || progress.step === progress.totalSteps) {
          post({ type: 'progress', runId, progress, points });
          points = [];
          lastPost = now;
        }
      },
      onValidation: (point) => post({ type: 'validation', runId, point }),
    });
  } catch (e) {
    event({
      type: 'failed',
      reason: `Training stopped with an error: ${(e as Error).message}`,
      suggestion: undefined,
    });
    return;
  }
  if (points.length) post({ type: 'progress', runId, progress: lastProgress(result), points });

  event({ type: 'evaluating' });
  let evaluation: EvaluationSummary | undefined;
  if (result.steps > 0) {
    current.evaluation = evaluateSplit(tf, compiled, data.test);
    evaluation = summarize(current.evaluation, data);
  }
  const summary: RunSummary = {
    runId,
    status: result.status,
    message: result.message,
    steps: result.steps,
    totalSteps: result.totalSteps,
    seconds: result.seconds,
    stepsPerSecond: result.stepsPerSecond,
    trainAccuracy: result.trainAccuracy,
    validationAccuracy: result.validationAccuracy,
    testAccuracy: evaluation?.accuracy ?? result.testAccuracy,
    backend: label,
  };
  post(
    { type: 'done', runId, summary, evaluation },
    evaluation ? [evaluation.predicted.buffer, evaluation.labels.buffer] : [],
  );
  const outcome = {
    steps: summary.steps,
    seconds: summary.seconds,
    trainAccuracy: summary.trainAccuracy,
    validationAccuracy: summary.validationAccuracy,
    testAccuracy: summary.testAccuracy,
  };
  if (result.status === 'failed') {
    event({ type: 'failed', reason: result.message ?? 'Training failed.', suggestion: undefined, outcome });
  } else {
    event({ type: 'finished', outcome, stoppedEarly: result.status === 'aborted' });
  }
}

/** An imported graph with its weights becomes the current model, evaluated on the test set. */
async function loadModel(
  runId: string,
  doc: GraphDocument,
  weights: Map<string, { shape: number[]; data: Float32Array }[]>,
): Promise<{ evaluation: EvaluationSummary; backend: string }> {
  const analysis = analyzeGraph(doc);
  if (!analysis.valid) throw new Error('The imported graph has errors.');
  session?.compiled.dispose();
  session = undefined;
  const backend = tf.getBackend() === 'wasm' ? 'wasm' : (await activateBackend('wasm')) ? 'wasm' : 'cpu';
  if (backend === 'cpu') await activateBackend('cpu');
  const data = await loadMnist(readBytes, { validationCount: doc.training.validationCount });
  const compiled = compileGraph(tf, doc, analysis);
  applyWeights(tf, compiled, weights);
  const evaluation = evaluateSplit(tf, compiled, data.test);
  session = {
    runId,
    compiled,
    data,
    abort: new AbortController(),
    paused: false,
    resume: undefined,
    evaluation,
  };
  return { evaluation: summarize(evaluation, data), backend: describeBackend(backend) };
}

function lastProgress(r: TrainResult) {
  const last = r.history[r.history.length - 1];
  return {
    step: r.steps,
    totalSteps: r.totalSteps,
    epoch: 0,
    loss: last?.loss ?? r.loss,
    batchAccuracy: last?.batchAccuracy ?? 0,
    stepsPerSecond: r.stepsPerSecond,
    etaSeconds: 0,
    elapsedSeconds: r.seconds,
  };
}

function predict(pixels: Float32Array): number[] | undefined {
  if (!session) return undefined;
  const { compiled } = session;
  return tf.tidy(() => {
    const x = tf.tensor(pixels, [1, ...compiled.inputShape]);
    return Array.from(compiled.forward(x, false).dataSync());
  });
}

function weightImages(nodeId: string, maxUnits: number) {
  if (!session) return { reason: 'Train the model first.' };
  const layer = session.compiled.model.layers.find((l) => l.name === nodeId);
  const kernel = layer?.getWeights()[0];
  if (!kernel || kernel.shape.length !== 2 || kernel.shape[0] !== 784) {
    return { reason: `Node "${nodeId}" is not a dense layer fed by the 784 input pixels.` };
  }
  const totalUnits = kernel.shape[1]!;
  const units = Math.min(maxUnits, totalUnits);
  const data = tf.tidy(() => tf.transpose(kernel).slice([0, 0], [units, 784]).dataSync() as Float32Array);
  let min = Infinity;
  let max = -Infinity;
  for (const v of data) {
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return { images: { nodeId, data, units, totalUnits, min, max } };
}

function examples(indices: number[]) {
  if (!session) return [];
  const { data } = session;
  const valid = indices.filter((i) => Number.isInteger(i) && i >= 0 && i < data.test.count).slice(0, 200);
  return valid.map((index) => {
    const pixels = data.test.images.slice(index * 784, (index + 1) * 784);
    const probabilities = predict(Float32Array.from(pixels, (v) => v / 255)) ?? [];
    const predicted = probabilities.indexOf(Math.max(...probabilities));
    return { index, label: data.test.labels[index]!, predicted, probabilities, pixels };
  });
}

self.onmessage = async (message: MessageEvent<WorkerRequest>) => {
  const request = message.data;
  switch (request.type) {
    case 'train': {
      if (busy) return;
      busy = true;
      try {
        await runTraining(request.runId, request.document, request.backend);
      } catch (e) {
        post({
          type: 'state',
          runId: request.runId,
          event: {
            type: 'failed',
            reason: (e as Error).message,
            suggestion:
              e instanceof BackendUnavailable
                ? 'Choose “auto” or another backend in “Train on”.'
                : 'Reload the page and try again.',
          },
        });
      } finally {
        busy = false;
      }
      return;
    }
    case 'pause':
      if (session) session.paused = true;
      return;
    case 'resume':
      if (session) {
        session.paused = false;
        session.resume?.();
        session.resume = undefined;
      }
      return;
    case 'stop':
      if (session) {
        session.abort.abort();
        session.paused = false;
        session.resume?.();
      }
      return;
    case 'predict': {
      const probabilities = predict(request.pixels);
      post({
        type: 'prediction',
        requestId: request.requestId,
        probabilities,
        ...(probabilities ? {} : { reason: 'Train the model first.' }),
      });
      return;
    }
    case 'weights': {
      const r = weightImages(request.nodeId, request.maxUnits);
      post(
        {
          type: 'weights',
          requestId: request.requestId,
          images: r.images,
          ...(r.reason ? { reason: r.reason } : {}),
        },
        r.images ? [r.images.data.buffer] : [],
      );
      return;
    }
    case 'examples':
      post({ type: 'examples', requestId: request.requestId, examples: examples(request.indices) });
      return;
    case 'memory': {
      const { numTensors, numBytes } = tf.memory();
      post({ type: 'memory', requestId: request.requestId, numTensors, numBytes });
      return;
    }
    case 'export': {
      if (!session) {
        post({
          type: 'exported',
          requestId: request.requestId,
          artifacts: undefined,
          reason: 'Train or import a model first.',
        });
        return;
      }
      const artifacts = await saveArtifacts(tf, session.compiled);
      post({ type: 'exported', requestId: request.requestId, artifacts }, [artifacts.weightData.buffer]);
      return;
    }
    case 'loadModel': {
      if (busy) {
        post({
          type: 'modelLoaded',
          requestId: request.requestId,
          evaluation: undefined,
          backend: undefined,
          reason: 'A training run is in progress; stop it first.',
        });
        return;
      }
      busy = true;
      try {
        const r = await loadModel(request.runId, request.document, new Map(request.weights));
        post({ type: 'modelLoaded', requestId: request.requestId, ...r });
      } catch (e) {
        post({
          type: 'modelLoaded',
          requestId: request.requestId,
          evaluation: undefined,
          backend: undefined,
          reason: (e as Error).message,
        });
      } finally {
        busy = false;
      }
      return;
    }
    case 'evaluate': {
      if (!session) {
        post({
          type: 'evaluation',
          requestId: request.requestId,
          evaluation: undefined,
          reason: 'Train the model first.',
        });
        return;
      }
      session.evaluation = evaluateSplit(tf, session.compiled, session.data.test);
      const evaluation = summarize(session.evaluation, session.data);
      post({ type: 'evaluation', requestId: request.requestId, evaluation }, [
        evaluation.predicted.buffer,
        evaluation.labels.buffer,
      ]);
      return;
    }
  }
};
