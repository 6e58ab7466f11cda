/**
 * A trained model as kept in IndexedDB and back: the worker's layers artifacts with the graph
 * inside their `model.json` (as in an exported zip), so a kept model is read through the same
 * importer as a file the user opens — and refused the same way if it is damaged.
 */
import type { GraphDocument } from '../core/document';
import { openTrainedModel, type LayerWeights } from '../core/exchange/importTrainedModel';
import { buildModelJson, type ModelArtifactsLike } from '../core/exchange/modelArchive';
import { err, ok, type Result } from '../core/result';
import type { EvaluationSummary } from '../worker/protocol';
import { sharedModelStorage, type ModelPayload, type ModelStorage, type SaveOutcome } from './modelStorage';
import type { TrainingWorkerClient } from './workerClient';

/** What to keep of a run: its artifacts, the graph it was trained as, and its evaluation. */
export function payloadOf(
  runId: string,
  artifacts: ModelArtifactsLike,
  doc: GraphDocument,
  evaluation: EvaluationSummary | undefined,
): ModelPayload {
  return {
    runId,
    modelJson: JSON.stringify(buildModelJson(artifacts, doc)),
    weightData: artifacts.weightData,
    evaluation,
  };
}

/** The graph and weights of a kept model, or why it cannot be used. */
export async function openPayload(
  payload: ModelPayload,
): Promise<Result<{ doc: GraphDocument; weights: LayerWeights }>> {
  const opened = await openTrainedModel({
    modelJson: payload.modelJson,
    // A kept model has exactly one weight file, whatever model.json calls it.
    readWeightFile: async () => ok(payload.weightData),
  });
  if (!opened.ok) return err(`The kept model could not be read: ${opened.error}`);
  if (!opened.value.weights) return err('The kept model has no weights.');
  return ok({ doc: opened.value.doc, weights: opened.value.weights });
}

/**
 * Keep the model the worker holds as `runId`'s (a finished run, or a model opened from a
 * file): its artifacts, the graph `doc` and its evaluation. Undefined when there was nothing
 * to keep — the worker could not export, or `stillCurrent` says it moved on to another model
 * meanwhile (the weights would then be another's).
 */
export async function keepWorkerModel(
  client: Pick<TrainingWorkerClient, 'exportModel'>,
  runId: string,
  doc: GraphDocument,
  evaluation: EvaluationSummary | undefined,
  stillCurrent: () => boolean,
  storage: ModelStorage = sharedModelStorage(),
): Promise<SaveOutcome | undefined> {
  const answer = await client.exportModel();
  if (!answer.artifacts || !stillCurrent()) return undefined;
  return storage.save(
    { runId, savedAt: Date.now(), graphName: doc.name },
    payloadOf(runId, answer.artifacts, doc, evaluation),
  );
}
