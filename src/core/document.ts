/**
 * The graph document: the one source of truth that the editor shows, the compiler reads and
 * the CLI trains. Version 1 of the on-disk format.
 */
import { LIMITS } from './limits';
import { DEFAULT_VALIDATION_COUNT, TRAIN_FILE_IMAGES } from './mnist';
import { z } from 'zod';

/** Format tag written in every document so a stray JSON file is recognised as foreign. */
export const DOCUMENT_FORMAT = 'tensorweave-graph';
/** The version this build writes. Older versions are migrated on load; newer ones refused. */
export const DOCUMENT_VERSION = 1;

/** Node and port ids: short, printable, safe to show in messages and use as layer names. */
export const zId = z
  .string()
  .min(1, 'must not be empty')
  .max(64, 'must be at most 64 characters')
  .regex(/^[A-Za-z0-9_.-]+$/, 'may contain only letters, digits, "_", "." and "-"');

/**
 * A canvas coordinate. Values past ±`LIMITS.coordinate` are pulled back to it rather than
 * refused: the graph stays usable (Fit can reach every node) and nothing else is lost.
 */
const zCoordinate = z
  .number()
  .finite()
  .transform((v) => Math.max(-LIMITS.coordinate, Math.min(LIMITS.coordinate, v)));

export const zPosition = z.object({ x: zCoordinate, y: zCoordinate });
export type Position = z.infer<typeof zPosition>;

/**
 * A node as stored. `params` is deliberately loose here: each node type checks its own
 * parameters (see `nodes/`), so an unknown type or a bad value becomes a diagnostic on that
 * node instead of refusing the whole file.
 */
export const zNode = z.object({
  id: zId,
  type: z.string().min(1).max(64),
  params: z.record(z.string(), z.unknown()).default({}),
  position: zPosition.default({ x: 0, y: 0 }),
  label: z.string().max(200).optional(),
});
export type GraphNode = z.infer<typeof zNode>;

export const zEndpoint = z.object({ node: zId, port: zId });
export type Endpoint = z.infer<typeof zEndpoint>;

export const zEdge = z.object({ id: zId, from: zEndpoint, to: zEndpoint });
export type GraphEdge = z.infer<typeof zEdge>;

export const zOptimizer = z.discriminatedUnion('type', [
  z.object({ type: z.literal('sgd') }),
  z.object({
    type: z.literal('momentum'),
    momentum: z.number().min(0).max(1).default(0.9),
    nesterov: z.boolean().default(false),
  }),
  z.object({
    type: z.literal('adam'),
    beta1: z.number().min(0).max(1).default(0.9),
    beta2: z.number().min(0).max(1).default(0.999),
    epsilon: z.number().positive().default(1e-7),
  }),
  z.object({
    type: z.literal('rmsprop'),
    decay: z.number().min(0).max(1).default(0.9),
    momentum: z.number().min(0).max(1).default(0),
    epsilon: z.number().positive().default(1e-7),
  }),
]);
export type OptimizerSettings = z.infer<typeof zOptimizer>;
export type OptimizerType = OptimizerSettings['type'];

/** How long to train: a number of optimisation steps, or of passes over the training set. */
export const zDuration = z.discriminatedUnion('unit', [
  z.object({ unit: z.literal('steps'), steps: z.number().int().min(1).max(10_000_000) }),
  z.object({ unit: z.literal('epochs'), epochs: z.number().int().min(1).max(10_000) }),
]);
export type Duration = z.infer<typeof zDuration>;

/**
 * Training settings. The loss and its reduction (sum | mean) live on the loss node, not here,
 * so that the graph has a single place that says what is minimised.
 */
export const zTraining = z.object({
  optimizer: zOptimizer.default({ type: 'sgd' }),
  learningRate: z.number().positive().max(1e6),
  batchSize: z.number().int().min(1).max(TRAIN_FILE_IMAGES),
  duration: zDuration,
  /** Images held out of the 60,000 MNIST training images for validation: the last N. */
  validationCount: z
    .number()
    .int()
    .min(0)
    .max(TRAIN_FILE_IMAGES - 1000)
    .default(DEFAULT_VALIDATION_COUNT),
  /** Seeds weight initialisation and shuffling. */
  seed: z
    .number()
    .int()
    .min(0)
    .max(2 ** 31 - 1)
    .default(1),
});
export type TrainingSettings = z.infer<typeof zTraining>;

export const zDocumentV1 = z.object({
  format: z.literal(DOCUMENT_FORMAT),
  version: z.literal(1),
  name: z.string().min(1).max(200),
  description: z.string().max(5000).default(''),
  nodes: z.array(zNode).max(LIMITS.nodes, `must have at most ${LIMITS.nodes} nodes`),
  edges: z.array(zEdge).max(LIMITS.edges, `must have at most ${LIMITS.edges} edges`),
  training: zTraining,
});
/** A parsed, structurally valid document. Semantic checks are `validateGraph`'s job. */
export type GraphDocument = z.infer<typeof zDocumentV1>;

/**
 * Default training settings for a new, empty graph. A new Loss node averages over the batch, as
 * Keras does, so plain SGD takes learning rate 0.1: with batch 100 that is the same step as the
 * tutorial's summed loss at 0.001 (the presets keep the tutorial's sum and 0.001).
 */
export function defaultTraining(): TrainingSettings {
  return {
    optimizer: { type: 'sgd' },
    learningRate: 0.1,
    batchSize: 100,
    duration: { unit: 'steps', steps: 30000 },
    validationCount: DEFAULT_VALIDATION_COUNT,
    seed: 1,
  };
}

/** A new document with no nodes. */
export function emptyDocument(name = 'Untitled'): GraphDocument {
  return {
    format: DOCUMENT_FORMAT,
    version: DOCUMENT_VERSION,
    name,
    description: '',
    nodes: [],
    edges: [],
    training: defaultTraining(),
  };
}
