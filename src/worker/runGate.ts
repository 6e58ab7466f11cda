/**
 * The gate a training run waits at before every step: open while it runs, shut while it is
 * paused — and "Step" lets exactly one step of the paused run through, reported at once, after
 * which the run stays paused. The page's step counter must be exact while paused, so a pause
 * that lands after a step the cadence did not report lets one more (reported) step through.
 */
import type { TrainProgress } from '../training/types';
import type { Session } from './session';

export interface RunGate {
  /** The loop's pause gate, awaited before every step. */
  pauseGate: () => Promise<void>;
  /** Asked before every step: report this one whatever the progress cadence. */
  reportDue: () => boolean;
  /** The loop reported a step; true when the page must hear of it now (not throttled). */
  progress: (progress: TrainProgress) => boolean;
  /** Asked after every step: true when a single step's weights must reach the views. */
  syncDue: () => boolean;
  /** The run ended: a single step still asked for gets no progress. */
  end: () => void;
}

/** Shuts and opens `session`'s run as `session.paused` says, and gives it `stepOnce`. */
export function runGate(session: Session): RunGate {
  /** A step was let through and not reported yet. */
  let untold = false;
  /** Report the step being taken, whatever the cadence. */
  let tell = false;
  /** The step being taken is a user's single step. */
  let single = false;
  /** Single steps asked before the loop reached the shut gate. */
  let singles = 0;
  let sync = false;
  /** Opens the shut gate, while the loop waits at it. */
  let waitingLoop: (() => void) | undefined;
  /** The single step's asker, waiting for its progress. */
  let asker: ((p: TrainProgress | undefined) => void) | undefined;

  const letThrough = (report: boolean, isSingle: boolean) => {
    untold = true;
    tell = report;
    single = isSingle;
  };

  session.stepOnce = () =>
    new Promise<TrainProgress | undefined>((resolve) => {
      // One step at a time, and only of a paused run.
      if (!session.paused || asker) return resolve(undefined);
      asker = resolve;
      const open = waitingLoop;
      if (!open) {
        singles++;
        return;
      }
      waitingLoop = undefined;
      session.resume = undefined;
      open();
      letThrough(true, true);
    });

  return {
    pauseGate() {
      if (!session.paused) {
        letThrough(false, false);
        return Promise.resolve();
      }
      if (untold) {
        letThrough(true, false);
        return Promise.resolve();
      }
      if (singles > 0) {
        singles--;
        letThrough(true, true);
        return Promise.resolve();
      }
      return new Promise<void>((resolve) => {
        waitingLoop = resolve;
        session.resume = () => {
          waitingLoop = undefined;
          letThrough(false, false);
          resolve();
        };
      });
    },
    reportDue: () => tell,
    progress(p) {
      untold = false;
      const told = tell;
      tell = false;
      if (told) sync = true;
      if (single) {
        single = false;
        const a = asker;
        asker = undefined;
        a?.(p);
      }
      return told;
    },
    syncDue() {
      const due = sync;
      sync = false;
      return due;
    },
    end() {
      asker?.(undefined);
      asker = undefined;
      singles = 0;
      session.stepOnce = undefined;
    },
  };
}
