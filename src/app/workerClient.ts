/**
 * The page's side of the training worker: one worker for the app's lifetime, fire-and-forget
 * commands, request/response queries matched by id, and a stream of run events.
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

type Answer = Extract<WorkerResponse, { requestId: number }>;
type RunEvent = Exclude<WorkerResponse, Answer>;
type Command = Exclude<WorkerRequest, { requestId: number }>;
type Question = Extract<WorkerRequest, { requestId: number }>;
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

export function createTrainingWorker(worker: WorkerPort = spawnTrainingWorker()): TrainingWorkerClient {
  const pending = new Map<number, (answer: Answer) => void>();
  const listeners: ((event: RunEvent) => void)[] = [];
  let nextId = 1;

  worker.onmessage = (message: MessageEvent<WorkerResponse>) => {
    const data = message.data;
    if ('requestId' in data) {
      pending.get(data.requestId)?.(data);
      pending.delete(data.requestId);
    } else {
      for (const l of listeners) l(data);
    }
  };
  worker.onerror = (e) => {
    for (const l of listeners) {
      l({
        type: 'state',
        runId: '*',
        event: {
          type: 'failed',
          reason: `The training worker crashed: ${e.message}`,
          suggestion: 'Reload the page.',
        },
      });
    }
  };

  function ask<T extends Answer['type']>(
    request: WorkerRequest & { requestId: number },
  ): Promise<Extract<Answer, { type: T }>> {
    return new Promise((resolve) => {
      pending.set(request.requestId, resolve as unknown as (a: Answer) => void);
      worker.postMessage(request);
    });
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
