/**
 * The life of one training run as a single discriminated union, changed only by `transition`.
 * Pure and framework-free: the worker, the Pinia store and tests all share it, so the UI can
 * never show "paused" for a run that already failed.
 */

/** A progress report, as the training loop emits it every few steps. */
export interface ProgressSnapshot {
  step: number;
  totalSteps: number;
  loss: number;
  batchAccuracy: number;
  stepsPerSecond: number;
  etaSeconds: number;
  elapsedSeconds: number;
}

/** What a finished, stopped or failed run measured. */
export interface RunOutcome {
  steps: number;
  seconds: number;
  trainAccuracy: number | undefined;
  validationAccuracy: number | undefined;
  testAccuracy: number | undefined;
}

export type TrainingState =
  | { status: 'idle' }
  | { status: 'preparing'; detail: string }
  | { status: 'running'; backend: string; progress: ProgressSnapshot | undefined }
  | { status: 'paused'; backend: string; progress: ProgressSnapshot | undefined }
  | { status: 'stopping'; backend: string; progress: ProgressSnapshot | undefined }
  | { status: 'evaluating'; backend: string; progress: ProgressSnapshot | undefined }
  | { status: 'finished'; backend: string; outcome: RunOutcome }
  | { status: 'stopped'; backend: string; outcome: RunOutcome }
  | { status: 'failed'; reason: string; suggestion: string | undefined; outcome: RunOutcome | undefined };

export type TrainingEvent =
  | { type: 'start' }
  | { type: 'preparing'; detail: string }
  | { type: 'started'; backend: string }
  | { type: 'progress'; progress: ProgressSnapshot }
  | { type: 'pause' }
  | { type: 'resume' }
  | { type: 'stop' }
  | { type: 'evaluating' }
  | { type: 'finished'; outcome: RunOutcome; stoppedEarly: boolean }
  | { type: 'failed'; reason: string; suggestion?: string; outcome?: RunOutcome }
  | { type: 'reset' };

export const initialTrainingState: TrainingState = { status: 'idle' };

/** Whether a run is under way (a new one cannot start, the graph's model is in use). */
export function isActive(state: TrainingState): boolean {
  return ['preparing', 'running', 'paused', 'stopping', 'evaluating'].includes(state.status);
}

/**
 * The next state. Events that make no sense in the current state (a late progress report
 * after a failure, pause while idle) leave it unchanged, so message races cannot corrupt it.
 */
export function transition(state: TrainingState, event: TrainingEvent): TrainingState {
  switch (event.type) {
    case 'start':
      return isActive(state) ? state : { status: 'preparing', detail: 'Starting…' };
    case 'preparing':
      return state.status === 'preparing' ? { status: 'preparing', detail: event.detail } : state;
    case 'started':
      return state.status === 'preparing'
        ? { status: 'running', backend: event.backend, progress: undefined }
        : state;
    case 'progress':
      if (state.status === 'running' || state.status === 'paused' || state.status === 'stopping') {
        return { ...state, progress: event.progress };
      }
      return state;
    case 'pause':
      return state.status === 'running' ? { ...state, status: 'paused' } : state;
    case 'resume':
      return state.status === 'paused' ? { ...state, status: 'running' } : state;
    case 'stop':
      if (state.status === 'running' || state.status === 'paused') return { ...state, status: 'stopping' };
      if (state.status === 'preparing') {
        return {
          status: 'failed',
          reason: 'Stopped before training began.',
          suggestion: undefined,
          outcome: undefined,
        };
      }
      return state;
    case 'evaluating':
      return state.status === 'running' || state.status === 'stopping' || state.status === 'paused'
        ? { status: 'evaluating', backend: state.backend, progress: state.progress }
        : state;
    case 'finished': {
      if (
        state.status !== 'running' &&
        state.status !== 'paused' &&
        state.status !== 'stopping' &&
        state.status !== 'evaluating'
      ) {
        return state;
      }
      const backend = state.backend;
      return event.stoppedEarly
        ? { status: 'stopped', backend, outcome: event.outcome }
        : { status: 'finished', backend, outcome: event.outcome };
    }
    case 'failed':
      return isActive(state)
        ? { status: 'failed', reason: event.reason, suggestion: event.suggestion, outcome: event.outcome }
        : state;
    case 'reset':
      return isActive(state) ? state : initialTrainingState;
  }
}
