/**
 * The bookkeeping of the training loop (`train.ts`), whichever stepper runs: the clock (time
 * paused does not count), progress and validation reports, yielding to the event loop, and the
 * words for a diverging loss.
 */
import type { TrainOptions, TrainResult, ValidationPoint } from './types';

/** How often a loop lets the event loop run (abort and pause messages, progress output). */
const YIELD_EVERY_MS = 200;

export class RunLog {
  readonly history: TrainResult['history'] = [];
  readonly validationHistory: ValidationPoint[] = [];
  private readonly t0 = performance.now();
  private lastYield = this.t0;
  private pausedMs = 0;

  constructor(
    private readonly options: TrainOptions,
    private readonly totalSteps: number,
    private readonly batchSize: number,
  ) {}

  /** Seconds of training so far, pauses excluded. */
  elapsedSeconds(): number {
    return (performance.now() - this.t0 - this.pausedMs) / 1000;
  }

  /** Wait at the caller's pause gate, if any; the time spent there is not training time. */
  async pauseGate(): Promise<void> {
    if (!this.options.pauseGate) return;
    const before = performance.now();
    await this.options.pauseGate();
    const waited = performance.now() - before;
    if (waited > 1) {
      this.pausedMs += waited;
      this.lastYield = performance.now();
    }
  }

  /** Record and report the step just taken (`correct` of the batch were classified right). */
  progress(step: number, loss: number, correct: number, epoch: number): void {
    const elapsedSeconds = this.elapsedSeconds();
    const stepsPerSecond = step / Math.max(elapsedSeconds, 1e-9);
    const point = { step, loss, batchAccuracy: correct / this.batchSize };
    this.history.push(point);
    this.options.onProgress?.({
      ...point,
      totalSteps: this.totalSteps,
      epoch,
      stepsPerSecond,
      etaSeconds: (this.totalSteps - step) / stepsPerSecond,
      elapsedSeconds,
    });
  }

  /** Whether a validation is due after `step` (never after the last: the end evaluates). */
  validationDue(step: number, validationEvery: number, validationCount: number): boolean {
    return (
      validationEvery > 0 && step % validationEvery === 0 && step < this.totalSteps && validationCount > 0
    );
  }

  validation(step: number, accuracy: number): void {
    const point = { step, accuracy };
    this.validationHistory.push(point);
    this.options.onValidation?.(point);
  }

  /** Let the event loop run if it has not for a while. */
  async yieldNow(): Promise<void> {
    if (performance.now() - this.lastYield > YIELD_EVERY_MS) {
      await new Promise((resolve) => setTimeout(resolve, 0));
      this.lastYield = performance.now();
    }
  }
}

/** `0.5` for 5, `0.01` for 0.1: one tenth, written without float noise. */
function tenth(lr: number): string {
  return String(Number((lr / 10).toPrecision(6)));
}

/** The plain-words failure for a loss that stopped being a finite number. */
export function divergenceMessage(
  loss: number,
  step: number,
  learningRate: number,
  restoredStep: number,
): string {
  const what = Number.isNaN(loss) ? 'NaN' : loss > 0 ? 'infinite' : '−infinite';
  return (
    `loss became ${what} at step ${step}; the learning rate ${learningRate} is likely ` +
    `too high — try ${tenth(learningRate)}. The weights were restored to those after step ${restoredStep}.`
  );
}
