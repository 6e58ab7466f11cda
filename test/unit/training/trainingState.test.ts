import { describe, expect, it } from 'vitest';
import {
  initialTrainingState,
  isActive,
  transition,
  type RunOutcome,
  type TrainingEvent,
  type TrainingState,
} from '../../../src/training/trainingState';

const outcome: RunOutcome = {
  steps: 300,
  seconds: 2,
  trainAccuracy: 0.9,
  validationAccuracy: 0.91,
  testAccuracy: 0.9,
};
const progress = {
  step: 10,
  totalSteps: 100,
  loss: 1,
  batchAccuracy: 0.5,
  stepsPerSecond: 100,
  etaSeconds: 1,
  elapsedSeconds: 0.1,
};

const run = (events: TrainingEvent[], from: TrainingState = initialTrainingState) =>
  events.reduce(transition, from);

describe('training state machine', () => {
  it('goes idle → preparing → running → evaluating → finished', () => {
    const s = run([
      { type: 'start' },
      { type: 'preparing', detail: 'Loading MNIST' },
      { type: 'started', backend: 'wasm' },
      { type: 'progress', progress },
      { type: 'evaluating' },
      { type: 'finished', outcome, stoppedEarly: false },
    ]);
    expect(s).toEqual({ status: 'finished', backend: 'wasm', outcome });
  });

  it('pauses, resumes and stops, keeping the last progress', () => {
    const running = run([
      { type: 'start' },
      { type: 'started', backend: 'wasm' },
      { type: 'progress', progress },
    ]);
    const paused = transition(running, { type: 'pause' });
    expect(paused).toMatchObject({ status: 'paused', progress });
    expect(transition(paused, { type: 'resume' })).toMatchObject({ status: 'running', progress });
    const stopping = transition(paused, { type: 'stop' });
    expect(stopping.status).toBe('stopping');
    expect(transition(stopping, { type: 'finished', outcome, stoppedEarly: true })).toEqual({
      status: 'stopped',
      backend: 'wasm',
      outcome,
    });
  });

  it('ignores events that make no sense in the current state', () => {
    const failed = run([
      { type: 'start' },
      { type: 'started', backend: 'cpu' },
      { type: 'failed', reason: 'loss became NaN at step 3' },
    ]);
    expect(failed.status).toBe('failed');
    for (const e of [
      { type: 'progress', progress },
      { type: 'pause' },
      { type: 'resume' },
      { type: 'stop' },
    ] as TrainingEvent[]) {
      expect(transition(failed, e)).toBe(failed);
    }
    expect(transition(initialTrainingState, { type: 'pause' })).toBe(initialTrainingState);
    const running = run([{ type: 'start' }, { type: 'started', backend: 'wasm' }]);
    expect(transition(running, { type: 'start' })).toBe(running);
    expect(transition(running, { type: 'reset' })).toBe(running);
  });

  it('stopping while preparing fails the run with a reason', () => {
    const s = run([{ type: 'start' }, { type: 'stop' }]);
    expect(s).toMatchObject({ status: 'failed', reason: 'Stopped before training began.' });
    expect(isActive(s)).toBe(false);
  });
});
