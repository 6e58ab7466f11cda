/**
 * The shapes of a training run's record, shared by the training store (which makes them) and
 * the runs store (which keeps them). Types only, so neither store imports the other for them.
 */
import type { TrainingSettings } from '../../core/document';
import type { ValidationPoint } from '../../training/types';
import type { RunSummary } from '../../worker/protocol';

/** Live curves as parallel columns, the layout uPlot draws without copying. */
export interface Curves {
  step: number[];
  loss: number[];
  batchAccuracy: number[];
}

/** A finished, stopped or failed run as stored: the worker's summary plus what was trained. */
export interface RunRecord extends Omit<RunSummary, 'runId'> {
  id: string;
  createdAt: number;
  graphName: string;
  graphHash: string;
  structureHash: string;
  training: TrainingSettings;
  /** The loss's reduction over the batch (on the Loss node, not in `training`); absent in old records. */
  reduction?: 'sum' | 'mean';
  curves: Curves;
  validation: ValidationPoint[];
}
