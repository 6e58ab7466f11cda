/**
 * The typed messages between the page and the training worker. Plain structured-cloneable
 * data only; typed arrays are transferred where they are large.
 */
import type { GraphDocument } from '../core/document';
import type { ModelArtifactsLike } from '../core/exchange/modelArchive';
import type { StepReport } from '../training/stepOnce';
import type { TrainingEvent } from '../training/trainingState';
import type { TrainProgress, ValidationPoint } from '../training/types';

/**
 * What to train on: `kernels` is Tensorweave's own WebAssembly SIMD trainer for dense chains
 * (both presets); the others are TensorFlow.js backends. `auto` uses the kernels when the
 * graph is a dense chain, and otherwise measures the tfjs backends and picks the fastest.
 */
export type BackendChoice = 'auto' | 'kernels' | 'wasm' | 'webgl' | 'webgpu' | 'cpu';
export const BACKEND_CHOICES: readonly { value: BackendChoice; label: string }[] = [
  { value: 'auto', label: 'auto (fastest)' },
  { value: 'kernels', label: 'Tensorweave kernels (WASM SIMD)' },
  { value: 'wasm', label: 'tfjs wasm' },
  { value: 'webgl', label: 'tfjs WebGL' },
  { value: 'webgpu', label: 'tfjs WebGPU' },
  { value: 'cpu', label: 'tfjs cpu' },
];

export interface HistoryPoint {
  step: number;
  loss: number;
  batchAccuracy: number;
}

export type WorkerRequest =
  | { type: 'train'; runId: string; document: GraphDocument; backend: BackendChoice }
  | { type: 'pause' }
  | { type: 'resume' }
  | { type: 'stop' }
  /** Probabilities for one 28×28 image (784 values in [0, 1]) from the current weights. */
  | { type: 'predict'; requestId: number; pixels: Float32Array }
  /** Kernel columns of a dense layer fed by the input, as 28×28 pictures. */
  | { type: 'weights'; requestId: number; nodeId: string; maxUnits: number }
  /** Test images with their true label, prediction and probabilities. */
  | { type: 'examples'; requestId: number; indices: number[] }
  /** Evaluate the current weights on the test set again. */
  | { type: 'evaluate'; requestId: number }
  /** tf.memory() in the worker: the leak check of the browser tests reads it. */
  | { type: 'memory'; requestId: number }
  /** The current model as layers-format artifacts, for the zip download. */
  | { type: 'export'; requestId: number }
  /** Make an imported graph with its weights the current model, and evaluate it. */
  | {
      type: 'loadModel';
      requestId: number;
      runId: string;
      document: GraphDocument;
      weights: [string, { shape: number[]; data: Float32Array }[]][];
    }
  /** Every node's output for one 28×28 image (784 values in [0, 1]): "see inside". */
  | { type: 'activations'; requestId: number; pixels: Float32Array }
  /** One unit's incoming weights and top test digits; `version` names the weights (cache key). */
  | { type: 'unit'; requestId: number; nodeId: string; unit: number; version: string }
  /** Train the current model on exactly one batch of `training`'s batch size. */
  | { type: 'step'; requestId: number; training: GraphDocument['training'] }
  /**
   * Re-initialise the current model from `document`'s initialisers and seed; with no current
   * model, `document` becomes one (as `runId`).
   */
  | { type: 'resetWeights'; requestId: number; runId: string; document: GraphDocument };

export interface EvaluationSummary {
  accuracy: number;
  matrix: number[][];
  perClass: number[];
  /** Predicted class of each of the 10,000 test images. */
  predicted: Uint8Array;
  /** True label of each test image. */
  labels: Uint8Array;
}

export interface RunSummary {
  runId: string;
  status: 'completed' | 'aborted' | 'failed';
  message: string | undefined;
  steps: number;
  totalSteps: number;
  seconds: number;
  stepsPerSecond: number;
  trainAccuracy: number;
  validationAccuracy: number;
  testAccuracy: number;
  backend: string;
}

export interface WeightImages {
  nodeId: string;
  /**
   * `units` square pictures of `side`×`side` values each, row-major, concatenated: 28×28 input
   * weights of a dense unit, or a first convolution's k×k filter.
   */
  data: Float32Array;
  side: number;
  kind: 'inputWeights' | 'filters';
  units: number;
  totalUnits: number;
  /** Range of the values, so all pictures share one colour scale. */
  min: number;
  max: number;
}

export interface ExampleImage {
  index: number;
  label: number;
  predicted: number;
  probabilities: number[];
  /** 784 bytes, 0–255. */
  pixels: Uint8Array;
}

/** One node's output for one image: row-major values and the shape without the batch. */
export interface NodeOutput {
  nodeId: string;
  shape: number[];
  values: Float32Array;
}

/** A test digit that excites a unit, with the unit's output for it. */
export interface TopDigit {
  index: number;
  label: number;
  value: number;
  /** 784 bytes, 0–255. */
  pixels: Uint8Array;
}

/** One unit: its incoming weights (dense layers) and the test digits exciting it most. */
export interface UnitDetail {
  weights?: Float32Array | undefined;
  top?: TopDigit[];
  reason?: string;
}

/** What one Step did. */
export type StepSummary = StepReport;

export type WorkerResponse =
  /**
   * The worker's current model changed: it now holds the weights of this run or import, or
   * none. Sent whenever the session is replaced, so the page never pairs weights with the
   * wrong graph.
   */
  | { type: 'currentModel'; runId: string | undefined }
  /** Drives the page's copy of the training state machine. */
  | { type: 'state'; runId: string; event: TrainingEvent }
  /** The latest progress, and every history point since the previous message (for charts). */
  | { type: 'progress'; runId: string; progress: TrainProgress; points: HistoryPoint[] }
  | { type: 'validation'; runId: string; point: ValidationPoint }
  | { type: 'done'; runId: string; summary: RunSummary; evaluation: EvaluationSummary | undefined }
  | { type: 'prediction'; requestId: number; probabilities: number[] | undefined; reason?: string }
  | { type: 'weights'; requestId: number; images: WeightImages | undefined; reason?: string }
  | { type: 'examples'; requestId: number; examples: ExampleImage[]; reason?: string }
  | { type: 'evaluation'; requestId: number; evaluation: EvaluationSummary | undefined; reason?: string }
  | { type: 'timing'; runId: string; backend: string; msPerStep: Record<string, number> }
  /** MNIST (60,000 + 10,000 images) fetched and parsed; the first run of a page pays for it. */
  | { type: 'dataReady'; runId: string; milliseconds: number }
  | { type: 'memory'; requestId: number; numTensors: number; numBytes: number; reason?: string }
  | { type: 'exported'; requestId: number; artifacts: ModelArtifactsLike | undefined; reason?: string }
  | {
      type: 'modelLoaded';
      requestId: number;
      evaluation: EvaluationSummary | undefined;
      backend: string | undefined;
      reason?: string;
    }
  | { type: 'activations'; requestId: number; nodes: NodeOutput[] | undefined; reason?: string }
  | ({ type: 'unit'; requestId: number } & UnitDetail)
  | { type: 'stepped'; requestId: number; report: StepSummary | undefined; reason?: string }
  | { type: 'weightsReset'; requestId: number; reason?: string }
  /** A `train` that arrived while a run or an import was under way: refused, not queued. */
  | { type: 'busy'; runId: string; reason: string }
  /** A request that failed inside the worker: its answer, saying why. */
  | { type: 'error'; requestId: number; reason: string };
