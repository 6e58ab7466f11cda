/**
 * The one set of limits on what Tensorweave reads: every entry point (CLI, Open, drop, share
 * link, autosave restore, model import) checks these before the expensive step, so anything
 * accepted can also be saved and restored, and nothing hostile costs unbounded time or memory.
 */

const MiB = 1024 * 1024;

export const LIMITS = {
  /** A graph document as JSON text (or the text a picture or share link carries). */
  documentBytes: 5 * MiB,
  /** The weights of one model (all shards together). */
  weightBytes: 256 * MiB,
  /** A model's topology (`model.json` without its weights). */
  modelJsonBytes: 20 * MiB,
  /** Everything a zip may unpack to: the weights plus the JSON files beside them. */
  unzippedBytes: 256 * MiB + 16 * MiB,
  /** Nodes and edges of one graph. */
  nodes: 5000,
  edges: 20000,
  /** Nesting of arrays and objects in any JSON we parse (checked before `JSON.parse`). */
  jsonDepth: 64,
  /** Trainable parameters of one graph. */
  parameters: 20_000_000,
  /** Units of one dense layer. */
  units: 16384,
  /** A lesson file as JSON text, and its steps. */
  lessonBytes: 1 * MiB,
  lessonSteps: 50,
  /** Filters (output channels) of one convolution. */
  filters: 1024,
  /** Side of a convolution kernel or a pooling window (square). */
  kernelSize: 32,
  /** Step of a convolution or pooling window, in pixels. */
  stride: 32,
  /** One side (height, width) of a Reshape's target map. */
  reshapeSide: 16384,
  /**
   * Memory one training batch may need (weights, optimizer slots, activations and their
   * gradients, as `analysis/memory.ts` estimates it): refused before anything is allocated.
   */
  trainingBytes: 1024 * MiB,
  /**
   * Absolute value of an initialiser's mean, standard deviation or constant: far past any
   * sensible start (0.05, 0.1, 1) while keeping every initial weight a finite float32.
   */
  initializerValue: 1e3,
  /** Absolute value of a node position on the canvas (Fit must be able to reach it). */
  coordinate: 1e6,
} as const;

/** `5 MB`, `256 MB`: a byte count as people read it in a limit message. */
export function formatMegabytes(bytes: number): string {
  const mb = bytes / MiB;
  return `${Number.isInteger(mb) ? mb : mb.toFixed(1)} MB`;
}
