/** The worker's current model: what a training run or an imported model leaves behind. */
import type { CompiledGraph } from '../core/compile';
import type { MnistData } from '../training/mnist';
import type { TrainProgress } from '../training/types';

export interface Session {
  runId: string;
  compiled: CompiledGraph;
  data: MnistData;
  /** Aborted by Stop: training ends between two steps and keeps its weights. */
  abort: AbortController;
  paused: boolean;
  /** Lets a paused run go on; set while the run waits at its pause gate. */
  resume: (() => void) | undefined;
  /**
   * While a run trains: let exactly one step of the paused run through (see `runGate.ts`);
   * resolves with its progress, or undefined when the run is not paused or ended first.
   */
  stepOnce?: (() => Promise<TrainProgress | undefined>) | undefined;
}

/** Makes `next` the current session, disposing the previous model. */
export type ReplaceSession = (next: Session | undefined) => void;
