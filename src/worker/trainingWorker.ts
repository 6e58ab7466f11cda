/**
 * The training worker: trains the graph off the main thread and answers questions about the
 * current model — also while training, between steps. This file dispatches the page's
 * messages (src/worker/protocol.ts) and holds the session, the current model.
 */
import './jitlessZod';
import * as tf from '@tensorflow/tfjs';
import { BackendUnavailable } from './backendSelection';
import { activations, freshModel, stepOnce, unitDetail } from './activationQueries';
import { loadMnistData } from './mnistFiles';
import { examples, predict, weightImages } from './modelQueries';
import { postToPage } from './postToPage';
import type { WorkerRequest } from './protocol';
import type { TrainProgress } from '../training/types';
import { loadModel, runTraining } from './runTraining';
import type { Session } from './session';
import { evaluateTest, exportArtifacts } from './trainingCalls';

let session: Session | undefined;
/** A run or a model import is under way; a second one is refused. */
let busy = false;

function replaceSession(next: Session | undefined): void {
  session?.compiled.dispose();
  session = next;
  postToPage({ type: 'currentModel', runId: next?.runId });
}

const NO_MODEL = 'Train the model first.';

async function train(request: Extract<WorkerRequest, { type: 'train' }>): Promise<void> {
  if (busy) {
    // Answered, never dropped: the page would otherwise wait for this run forever.
    postToPage({
      type: 'busy',
      runId: request.runId,
      reason:
        'The previous training run or model import is still finishing. Wait until it has ended, then train again.',
    });
    return;
  }
  busy = true;
  try {
    await runTraining(request.runId, request.document, request.backend, replaceSession);
  } catch (e) {
    postToPage({
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
}

async function importModel(request: Extract<WorkerRequest, { type: 'loadModel' }>): Promise<void> {
  const refuse = (reason: string) =>
    postToPage({
      type: 'modelLoaded',
      requestId: request.requestId,
      evaluation: undefined,
      backend: undefined,
      reason,
    });
  if (busy) {
    refuse('A training run is in progress; stop it first.');
    return;
  }
  busy = true;
  try {
    const r = await loadModel(request.runId, request.document, new Map(request.weights), replaceSession);
    postToPage({ type: 'modelLoaded', requestId: request.requestId, ...r });
  } catch (e) {
    refuse((e as Error).message);
  } finally {
    busy = false;
  }
}

/** "Reset weights": a fresh compile of the document, in place of the current model's weights. */
async function resetWeights(
  request: Extract<WorkerRequest, { type: 'resetWeights' }>,
): Promise<string | undefined> {
  if (busy) return 'A training run is in progress; stop it first, then reset the weights.';
  busy = true;
  try {
    const compiled = freshModel(request.document);
    if (session) {
      session.compiled.dispose();
      session.compiled = compiled;
    } else {
      const data = await loadMnistData(request.document.training.validationCount);
      const fresh = { runId: request.runId, compiled, data, abort: new AbortController(), paused: false };
      replaceSession({ ...fresh, resume: undefined });
    }
    return undefined;
  } catch (e) {
    return (e as Error).message;
  } finally {
    busy = false;
  }
}

/**
 * "Step" during a run: exactly one step of the paused run, which then stays paused (the run's
 * own loop takes it, so its batch order, optimizer and curves go on as if it had not paused).
 */
async function stepPausedRun(
  request: Extract<WorkerRequest, { type: 'step' }>,
  stepOnce: () => Promise<TrainProgress | undefined>,
): Promise<void> {
  const progress = session?.paused ? await stepOnce() : undefined;
  postToPage({
    type: 'stepped',
    requestId: request.requestId,
    report: progress && {
      step: progress.step,
      loss: progress.loss,
      batchAccuracy: progress.batchAccuracy,
      // The run's stepper keeps its weights apart: per-layer updates are not measured here.
      updateRatios: {},
      gradients: {},
    },
    ...(progress ? {} : { reason: 'The run is training: pause it to take one step at a time, or stop it.' }),
  });
}

/** "Step": one batch on the current model, or on the paused run. */
async function step(request: Extract<WorkerRequest, { type: 'step' }>): Promise<void> {
  const refuse = (reason: string) =>
    postToPage({ type: 'stepped', requestId: request.requestId, report: undefined, reason });
  if (busy && session?.stepOnce) return stepPausedRun(request, session.stepOnce);
  if (busy) return refuse('A model is being loaded; wait until it is in, then step.');
  if (!session) return refuse('There is no model yet: press “Reset weights” to start one, or train.');
  busy = true;
  try {
    const report = await stepOnce(session, request.training);
    postToPage({ type: 'stepped', requestId: request.requestId, report });
  } catch (e) {
    refuse(`The step failed: ${(e as Error).message}`);
  } finally {
    busy = false;
  }
}

async function handle(request: WorkerRequest): Promise<void> {
  switch (request.type) {
    case 'train':
      return train(request);
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
      const probabilities = session ? predict(session, request.pixels) : undefined;
      postToPage({
        type: 'prediction',
        requestId: request.requestId,
        probabilities,
        ...(probabilities ? {} : { reason: NO_MODEL }),
      });
      return;
    }
    case 'weights': {
      const r = session ? weightImages(session, request.nodeId, request.maxUnits) : { reason: NO_MODEL };
      postToPage(
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
      postToPage({
        type: 'examples',
        requestId: request.requestId,
        examples: session ? examples(session, request.indices) : [],
      });
      return;
    case 'memory': {
      const { numTensors, numBytes } = tf.memory();
      postToPage({ type: 'memory', requestId: request.requestId, numTensors, numBytes });
      return;
    }
    case 'export': {
      if (!session) {
        postToPage({
          type: 'exported',
          requestId: request.requestId,
          artifacts: undefined,
          reason: 'Train or import a model first.',
        });
        return;
      }
      const artifacts = await exportArtifacts(session.compiled);
      postToPage({ type: 'exported', requestId: request.requestId, artifacts }, [
        artifacts.weightData.buffer,
      ]);
      return;
    }
    case 'loadModel':
      return importModel(request);
    case 'evaluate': {
      if (!session) {
        postToPage({
          type: 'evaluation',
          requestId: request.requestId,
          evaluation: undefined,
          reason: NO_MODEL,
        });
        return;
      }
      const evaluation = evaluateTest(session.compiled, session.data);
      postToPage({ type: 'evaluation', requestId: request.requestId, evaluation }, [
        evaluation.predicted.buffer,
        evaluation.labels.buffer,
      ]);
      return;
    }
    case 'activations': {
      const nodes = session ? activations(session, request.pixels) : undefined;
      postToPage(
        {
          type: 'activations',
          requestId: request.requestId,
          nodes,
          ...(nodes ? {} : { reason: NO_MODEL }),
        },
        nodes ? nodes.map((n) => n.values.buffer as ArrayBuffer) : [],
      );
      return;
    }
    case 'unit': {
      const detail = session
        ? await unitDetail(session, request.nodeId, request.unit, request.version)
        : { reason: NO_MODEL };
      postToPage({ type: 'unit', requestId: request.requestId, ...detail });
      return;
    }
    case 'step':
      return step(request);
    case 'resetWeights': {
      const reason = await resetWeights(request);
      postToPage({ type: 'weightsReset', requestId: request.requestId, ...(reason ? { reason } : {}) });
      return;
    }
  }
}

self.onmessage = async (message: MessageEvent<WorkerRequest>) => {
  const request = message.data;
  try {
    await handle(request);
  } catch (e) {
    // Every question gets an answer: one that failed here says why instead of never arriving.
    if ('requestId' in request)
      postToPage({
        type: 'error',
        requestId: request.requestId,
        reason: `The training worker could not answer (${request.type}): ${(e as Error).message}`,
      });
    else throw e;
  }
};
