/**
 * The shape of a TensorFlow.js layers `model.json`, as zod schemas. Lenient where real files
 * differ (Keras 2 and Keras 3 layer lists, the converter's `model_config` wrapper, extra keys
 * anywhere); strict on what the importer relies on. Failures read as one sentence naming the
 * field: `model.json: modelTopology.config.layers[2].config: expected object, received string`.
 */
import { safeText } from '../util/safeText';
import { z } from 'zod';
import { LIMITS } from '../limits';
import { formatZodIssue } from '../parseDocument';
import { zWeightsManifest } from './weightsManifest';

/** An object whose other keys are kept but never trusted; a wrong type becomes "absent". */
const zLooseOptional = z.record(z.string(), z.unknown()).optional().catch(undefined);

/** Everything around the topology; the topology itself is read by `zTopology` when needed. */
export const zModelJson = z.looseObject(
  {
    modelTopology: z.looseObject(
      // tensorflowjs_converter puts Keras's training_config here, beside model_config.
      { model_config: zLooseOptional, training_config: zLooseOptional },
      {
        error:
          'model.json has no "modelTopology": it is not a TensorFlow.js layers model (graph models are not supported).',
      },
    ),
    format: z
      .literal('layers-model', {
        error: (issue) =>
          `model.json has format "${safeText(issue.input)}"; only "layers-model" can be imported.`,
      })
      .optional(),
    weightsManifest: zWeightsManifest,
    userDefinedMetadata: zLooseOptional,
    trainingConfig: zLooseOptional,
  },
  { error: 'model.json is not a JSON object.' },
);

/** One layer of `config.layers`: Keras 2 keeps the name in `config`, Keras 3 also beside it. */
export const zKerasLayerJson = z.looseObject({
  class_name: z.string(),
  name: z.string().optional(),
  config: z.looseObject({ name: z.string().optional() }),
  // Keras 2: [[[layer, node, tensor, kwargs], …]]; Keras 3: [{ args: [keras tensors], kwargs }].
  inbound_nodes: z.array(z.unknown()).optional(),
});
export type KerasLayerJson = z.infer<typeof zKerasLayerJson>;

/** `class_name` and `config`, where an old Sequential's config is the bare list of layers. */
export const zTopology = z.looseObject({
  class_name: z.string().optional(),
  // Keras 3's `to_json()` / `.keras` config.json keep the compile settings here.
  compile_config: zLooseOptional,
  config: z.preprocess(
    (config) => (Array.isArray(config) ? { layers: config } : config),
    z.looseObject(
      {
        name: z.unknown().optional(),
        layers: z
          .array(zKerasLayerJson, {
            error: 'model.json: modelTopology.config.layers is missing; this is not a Keras layers model.',
          })
          // Refused before conversion: each layer becomes at least one node.
          .max(LIMITS.nodes, {
            error: (issue) =>
              `The model has ${String((issue.input as unknown[]).length)} layers; Tensorweave opens at most ${LIMITS.nodes}.`,
          }),
        // Keras 2: [[name, node, tensor], …]; Keras 3: one flat [name, node, tensor] for a
        // single tensor; bare names in some writers.
        input_layers: z.array(z.unknown()).optional(),
        output_layers: z.array(z.unknown()).optional(),
      },
      { error: 'model.json: modelTopology.config.layers is missing; this is not a Keras layers model.' },
    ),
  ),
});
export type Topology = z.infer<typeof zTopology>;

/**
 * One readable sentence for a failed parse. The schemas' own messages are whole sentences
 * (ending in a period) and stand alone; zod's generic ones get `model.json: <path>: ` in front.
 */
export function formatModelJsonError(error: z.ZodError, pathPrefix: readonly PropertyKey[] = []): string {
  const issue = error.issues[0]!;
  if (issue.message.endsWith('.')) return issue.message;
  return `model.json: ${formatZodIssue({ ...issue, path: [...pathPrefix, ...issue.path] })}.`;
}
