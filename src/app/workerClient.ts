/**
 * The page's side of the training worker: one worker for the app's lifetime, fire-and-forget
 * commands, request/response queries matched by id, and a stream of run events. Every query
 * settles: with the worker's answer, or with an empty answer whose `reason` says why (the
 * worker failed, crashed, or did not answer in time).
 */
import type { GraphDocument } from '../core/document';
import type { ModelArtifactsLike } from '../core/exchange/modelArchive';
import type { LayerWeights } from '../training/weights';
import type {
  ExampleImage,
  EvaluationSummary,
  WeightImages,
  WorkerRequest,
  WorkerResponse,
} from '../worker/protocol';
import { PendingRequests } from './pendingRequests';

type Answer = Exclude<Extract<WorkerResponse, { requestId: number }>, { type: 'error' }>;
type RunEvent = Exclude<WorkerResponse, { requestId: number } | { type: 'busy' }>;
type Command = Exclude<WorkerRequest, { requestId: number }>;
type Question = Extract<WorkerRequest, { requestId: number }>;

/** How long a question may go unanswered before it settles with a timeout message. */
export const QUERY_TIMEOUT_MS = 60_000;
/** Loading, evaluating and exporting a model may take minutes on a slow backend. */
export const MODEL_TIMEOUT_MS = 300_000;

/** The answer a query gets when the worker cannot give one: empty, with the reason. */
function standIn(request: Question, reason: string): Answer {
  const requestId = request.requestId;
  switch (request.type) {
    case 'predict':
      return { type: 'prediction', requestId, probabilities: undefined, reason };
    case 'weights':
      return { type: 'weights', requestId, images: undefined, reason };
    case 'examples':
      return { type: 'examples', requestId, examples: [], reason };
    case 'evaluate':
      return { type: 'evaluation', requestId, evaluation: undefined, reason };
    case 'memory':
      return { type: 'memory', requestId, numTensors: Number.NaN, numBytes: Number.NaN, reason };
    case 'export':
      return { type: 'exported', requestId, artifacts: undefined, reason };
    case 'loadModel':
      return { type: 'modelLoaded', requestId, evaluation: undefined, backend: undefined, reason };
    case 'activations':
      return { type: 'activations', requestId, nodes: undefined, reason };
    case 'unit':
      return { type: 'unit', requestId, reason };
    case 'step':
      return { type: 'stepped', requestId, report: undefined, reason };
    case 'resetWeights':
      return { type: 'weightsReset', requestId, reason };
  }
}
/** A question before the client numbers it. */
export type Unnumbered<T> = T extends unknown ? Omit<T, 'requestId'> : never;

export interface TrainingWorkerClient {
  send(request: Command): void;
  predict(pixels: Float32Array): Promise<{ probabilities: number[] | undefined; reason?: string }>;
  weights(nodeId: string, maxUnits: number): Promise<{ images: WeightImages | undefined; reason?: string }>;
  examples(indices: number[]): Promise<ExampleImage[]>;
  evaluate(): Promise<{ evaluation: EvaluationSummary | undefined; reason?: string }>;
  memory(): Promise<{ numTensors: number; numBytes: number }>;
  exportModel(): Promise<{ artifacts: ModelArtifactsLike | undefined; reason?: string }>;
  loadModel(
    runId: string,
    document: GraphDocument,
    weights: LayerWeights,
  ): Promise<{ evaluation: EvaluationSummary | undefined; backend: string | undefined; reason?: string }>;
  /** Any other question, answered by the response of type `T` (the "see inside" views ask so). */
  query<T extends Answer['type']>(request: Unnumbered<Question>): Promise<Extract<Answer, { type: T }>>;
  onEvent(listener: (event: RunEvent) => void): void;
  terminate(): void;
}

/** What the client uses of a Worker; tests hand in a fake one. */
export type WorkerPort = Pick<Worker, 'postMessage' | 'onmessage' | 'onerror' | 'terminate'>;

function spawnTrainingWorker(): WorkerPort {
  return new Worker(new URL('../worker/trainingWorker.ts', import.meta.url), { type: 'module' });
}

export function createTrainingWorker(
  worker: WorkerPort = spawnTrainingWorker(),
  timeouts = { queryMs: QUERY_TIMEOUT_MS, modelMs: MODEL_TIMEOUT_MS },
): TrainingWorkerClient {
  const pending = new PendingRequests<Answer>();
  const listeners: ((event: RunEvent) => void)[] = [];
  const emit = (event: RunEvent) => {
    for (const l of listeners) l(event);
  };
  let nextId = 1;

  worker.onmessage = (message: MessageEvent<WorkerResponse>) => {
    const data = message.data;
    if (data.type === 'error') pending.fail(data.requestId, data.reason);
    else if (data.type === 'busy')
      // The refused run fails with the reason, so the Train tab says it instead of waiting.
      emit({
        type: 'state',
        runId: data.runId,
        event: { type: 'failed', reason: data.reason, suggestion: 'Try again in a moment.' },
      });
    else if ('requestId' in data) pending.answer(data.requestId, data);
    else emit(data);
  };
  worker.onerror = (e) => {
    const reason = `The training worker crashed: ${e.message}`;
    pending.failAll(`${reason}. Reload the page.`);
    emit({ type: 'state', runId: '*', event: { type: 'failed', reason, suggestion: 'Reload the page.' } });
  };

  function ask<T extends Answer['type']>(request: Question): Promise<Extract<Answer, { type: T }>> {
    const slow = request.type === 'loadModel' || request.type === 'evaluate' || request.type === 'export';
    const ms = slow ? timeouts.modelMs : timeouts.queryMs;
    const answer = pending.wait(request.requestId, (reason) => standIn(request, reason), {
      ms,
      reason: `The training worker did not answer (${request.type}) within ${ms / 1000} s. Reload the page if it stays stuck.`,
    });
    try {
      worker.postMessage(request);
    } catch (e) {
      pending.fail(
        request.requestId,
        `The request could not be sent to the training worker: ${(e as Error).message}`,
      );
    }
    return answer as Promise<Extract<Answer, { type: T }>>;
  }

  return {
    send: (request) => worker.postMessage(request),
    predict: (pixels) => ask<'prediction'>({ type: 'predict', requestId: nextId++, pixels }),
    weights: (nodeId, maxUnits) => ask<'weights'>({ type: 'weights', requestId: nextId++, nodeId, maxUnits }),
    examples: async (indices) =>
      (await ask<'examples'>({ type: 'examples', requestId: nextId++, indices })).examples,
    evaluate: () => ask<'evaluation'>({ type: 'evaluate', requestId: nextId++ }),
    memory: () => ask<'memory'>({ type: 'memory', requestId: nextId++ }),
    exportModel: () => ask<'exported'>({ type: 'export', requestId: nextId++ }),
    loadModel: (runId, document, weights) =>
      ask<'modelLoaded'>({ type: 'loadModel', requestId: nextId++, runId, document, weights: [...weights] }),
    query: (request) => ask({ ...request, requestId: nextId++ } as Question),
    onEvent: (listener) => listeners.push(listener),
    terminate: () => worker.terminate(),
  };
}
