/**
 * The shapes of a training run's record and of a trained model, shared by the training store
 * (which makes them), the runs store (which keeps them) and the model store (which compares
 * them with the canvas). Types only, so no store imports another for them.
 */
import type { GraphDocument, TrainingSettings } from '../../core/document';
import type { ValidationPoint } from '../../training/types';
import type { RunSummary } from '../../worker/protocol';

/** Live curves as parallel columns, the layout uPlot draws without copying. */
export interface Curves {
  step: number[];
  loss: number[];
  batchAccuracy: number[];
}

/**
 * How a run ended. `interrupted`: the page was closed or reloaded while it trained (the
 * record is written when training starts and kept up to date, so such a run is not lost).
 */
export type RunStatus = RunSummary['status'] | 'interrupted';

/** A finished, stopped, failed or interrupted run as stored: the worker's summary plus what was trained. */
export interface RunRecord extends Omit<RunSummary, 'runId' | 'status'> {
  id: string;
  status: RunStatus;
  createdAt: number;
  graphName: string;
  graphHash: string;
  structureHash: string;
  training: TrainingSettings;
  /** The loss's reduction over the batch (on the Loss node, not in `training`); absent in old records. */
  reduction?: 'sum' | 'mean';
  curves: Curves;
  validation: ValidationPoint[];
  /**
   * Set on the record of a model opened from a file (its name, `mnist-cnn.zip`), not trained
   * here: it has a test accuracy and kept weights, but no steps, time or curves.
   */
  openedFrom?: string;
}

/**
 * The model the worker holds: its weights live there; this is the exact graph they were
 * trained as (the document when Train was pressed, or the imported file's).
 */
export interface TrainedModel {
  /** The run (or import) that made it: the key of its run record and its kept weights. */
  runId: string;
  doc: GraphDocument;
  /** A run of this page or a kept one reopened (`run`), or a model file opened (`import`). */
  source: 'run' | 'import';
}
