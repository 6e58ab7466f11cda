/**
 * How the worker gets a current model: a training run (load MNIST, choose where to train,
 * train, evaluate, report), or an imported graph with its weights (evaluate, report).
 */
import * as tf from '@tensorflow/tfjs';
import { analyzeGraph } from '../core/analyze';
import { compileGraph } from '../core/compile';
import { formatDiagnostic } from '../core/diagnostics';
import type { GraphDocument } from '../core/document';
import type { TrainingEvent } from '../training/trainingState';
import type { LayerWeights } from '../training/weights';
import { liveSyncDue } from './activationQueries';
import { activateBackend, describeBackend } from './browserBackends';
import { place } from './backendSelection';
import { loadMnistData } from './mnistFiles';
import { postToPage } from './postToPage';
import { runGate } from './runGate';
import type { BackendChoice, EvaluationSummary, HistoryPoint, RunSummary } from './protocol';
import type { ReplaceSession, Session } from './session';
import { evaluateTest, lastProgress, loadWeights, trainRun } from './trainingCalls';

/** Charts need no more than ~10 updates a second. */
const PROGRESS_INTERVAL_MS = 100;

/** Train `doc` on `choice`, reporting to the page; the run becomes the current session. */
export async function runTraining(
  runId: string,
  doc: GraphDocument,
  choice: BackendChoice,
  replaceSession: ReplaceSession,
): Promise<void> {
  const event = (e: TrainingEvent) => postToPage({ type: 'state', runId, event: e });
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
  replaceSession(undefined);

  event({ type: 'preparing', detail: 'Loading MNIST…' });
  const loadStart = performance.now();
  const data = await loadMnistData(doc.training.validationCount);
  postToPage({ type: 'dataReady', runId, milliseconds: performance.now() - loadStart });
  event({ type: 'preparing', detail: 'Building the model…' });
  const { compiled, kernels, label } = await place(runId, choice, doc, data);
  const current: Session = {
    runId,
    compiled,
    data,
    abort: new AbortController(),
    paused: false,
    resume: undefined,
  };
  replaceSession(current);
  const gate = runGate(current);
  event({ type: 'started', backend: label });

  let points: HistoryPoint[] = [];
  let lastPost = 0;
  const result = await trainRun(compiled, data, doc.training, {
    kernels,
    signal: current.abort.signal,
    pauseGate: gate.pauseGate,
    reportDue: gate.reportDue,
    onProgress: (progress) => {
      points.push({ step: progress.step, loss: progress.loss, batchAccuracy: progress.batchAccuracy });
      const now = performance.now();
      const told = gate.progress(progress);
      // The last step is always sent, so the charts end where the run ended; a paused run's
      // single step too, so the page's counter moves by one at once.
      if (told || now - lastPost > PROGRESS_INTERVAL_MS || progress.step === progress.totalSteps) {
        postToPage({ type: 'progress', runId, progress, points });
        points = [];
        lastPost = now;
      }
    },
    onValidation: (point) => postToPage({ type: 'validation', runId, point }),
    syncDue: () => {
      const stepped = gate.syncDue();
      return liveSyncDue() || stepped;
    },
  })
    .catch((e: unknown) => {
      event({
        type: 'failed',
        reason: `Training stopped with an error: ${(e as Error).message}`,
        suggestion: undefined,
      });
      return undefined;
    })
    .finally(() => gate.end());
  if (!result) return;
  if (points.length) postToPage({ type: 'progress', runId, progress: lastProgress(result), points });

  event({ type: 'evaluating' });
  const evaluation = result.steps > 0 ? evaluateTest(compiled, data) : undefined;
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
  postToPage(
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

/** An imported graph with its weights becomes the current session, evaluated on the test set. */
export async function loadModel(
  runId: string,
  doc: GraphDocument,
  weights: LayerWeights,
  replaceSession: ReplaceSession,
): Promise<{ evaluation: EvaluationSummary; backend: string }> {
  const analysis = analyzeGraph(doc);
  if (!analysis.valid) throw new Error('The imported graph has errors.');
  replaceSession(undefined);
  const backend = tf.getBackend() === 'wasm' ? 'wasm' : (await activateBackend('wasm')) ? 'wasm' : 'cpu';
  if (backend === 'cpu') await activateBackend('cpu');
  const data = await loadMnistData(doc.training.validationCount);
  const compiled = compileGraph(tf, doc, analysis);
  loadWeights(compiled, weights);
  const evaluation = evaluateTest(compiled, data);
  replaceSession({ runId, compiled, data, abort: new AbortController(), paused: false, resume: undefined });
  return { evaluation, backend: describeBackend(backend) };
}
