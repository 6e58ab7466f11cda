/** The worker's current model: what a training run or an imported model leaves behind. */
import type { CompiledGraph } from '../core/compile';
import type { MnistData } from '../training/mnist';

export interface Session {
  runId: string;
  compiled: CompiledGraph;
  data: MnistData;
  /** Aborted by Stop: training ends between two steps and keeps its weights. */
  abort: AbortController;
  paused: boolean;
  /** Lets a paused run go on; set while the run waits at its pause gate. */
  resume: (() => void) | undefined;
}

/** Makes `next` the current session, disposing the previous model. */
export type ReplaceSession = (next: Session | undefined) => void;
