/**
 * A sweep: the same graph trained once per value of one setting, one run after another,
 * through the training store (so in the worker, recorded in the runs table like any run).
 * It keeps each try's curve and figures, picks the best and applies it as one undo step.
 */
import { defineStore } from 'pinia';
import { computed, ref, shallowRef, watch } from 'vue';
import type { GraphDocument } from '../../core/document';
import {
  bestIndex,
  currentValue,
  defaultValues,
  formatValues,
  parseValues,
  settingLabel,
  sweepRunDocument,
  withValue,
  type SweepOutcome,
  type SweepSetting,
  type SweepTarget,
  type SweepValue,
} from '../components/sweep/sweepPlan';
import { useGraphStore } from './graphStore';
import { useTrainingStore } from './trainingStore';

/** Steps per value unless the user says otherwise: enough to rank settings, quick to run. */
export const DEFAULT_SWEEP_STEPS = 500;
/** A sweep is a quick comparison; longer budgets belong to a real run. */
const MAX_SWEEP_STEPS = 100_000;

/** One value of the sweep and how its run went. */
export interface SweepTry {
  value: SweepValue;
  runId: string | undefined;
  status: 'waiting' | 'running' | 'completed' | 'aborted' | 'failed' | 'skipped';
  /** The run's loss curve (steps, losses), filled while it runs. */
  steps: number[];
  losses: number[];
  outcome: SweepOutcome | undefined;
  message: string | undefined;
}

const TERMINAL = new Set(['finished', 'stopped', 'failed', 'idle']);

export const useSweepStore = defineStore('sweep', () => {
  const graph = useGraphStore();
  const training = useTrainingStore();

  const open = ref(false);
  const setting = ref<SweepSetting>('learningRate');
  const nodeId = ref<string>();
  const valuesText = ref('');
  const steps = ref(DEFAULT_SWEEP_STEPS);
  const tries = shallowRef<SweepTry[]>([]);
  const running = ref(false);
  /** What the sweep swept (the form may change after it ran): for "Use this". */
  const sweptTarget = shallowRef<SweepTarget>();
  let stopRequested = false;

  const target = computed<SweepTarget>(() => ({ setting: setting.value, nodeId: nodeId.value }));
  const denseNodes = computed(() => graph.doc.nodes.filter((n) => n.type === 'dense').map((n) => n.id));
  const parsedValues = computed(() => parseValues(valuesText.value, setting.value));
  const best = computed(() => bestIndex(tries.value.map((t) => t.outcome)));

  /** Propose values around the graph's current one (on open and when the setting changes). */
  function propose(): void {
    if (setting.value === 'units' && !denseNodes.value.includes(nodeId.value ?? ''))
      nodeId.value = denseNodes.value[0];
    valuesText.value = formatValues(defaultValues(graph.doc, target.value));
  }
  watch([setting, nodeId], () => {
    if (!running.value) propose();
  });

  function show(): void {
    open.value = true;
    if (!running.value && !tries.value.length) propose();
  }

  function update(i: number, patch: Partial<SweepTry>): void {
    tries.value = tries.value.map((t, j) => (j === i ? { ...t, ...patch } : t));
  }

  /** Resolves when the training store's run `runId` has ended (or another run replaced it). */
  function runEnded(runId: string): Promise<void> {
    return new Promise((resolve) => {
      const stopWatching = watch(
        () => [training.runId, training.state.status] as const,
        ([id, status]) => {
          if (id !== runId || TERMINAL.has(status)) {
            queueMicrotask(() => stopWatching());
            resolve();
          }
        },
        { immediate: true },
      );
    });
  }

  // Copy the running try's curve from the training store at each progress report (the
  // curves themselves are appended in place, so a watch on them would not fire).
  watch(
    () => training.progress,
    () => {
      const i = tries.value.findIndex((t) => t.status === 'running' && t.runId === training.runId);
      const c = training.curves;
      if (i >= 0) update(i, { steps: [...c.step], losses: [...c.loss] });
    },
  );

  async function trainOne(i: number, doc: GraphDocument): Promise<void> {
    training.start(doc);
    const runId = training.runId;
    if (!runId || !training.active) {
      update(i, { status: 'failed', message: 'The run could not start.' });
      return;
    }
    update(i, { runId, status: 'running' });
    await runEnded(runId);
    const summary = training.summary?.runId === runId ? training.summary : undefined;
    const state = training.state;
    const c = training.curves;
    if (!summary) {
      update(i, {
        status: 'failed',
        message: state.status === 'failed' ? state.reason : 'The run ended without a result.',
      });
      return;
    }
    update(i, {
      status: summary.status,
      message: summary.message,
      steps: [...c.step],
      losses: [...c.loss],
      outcome: {
        status: summary.status,
        finalLoss: c.loss.at(-1) ?? Number.NaN,
        validationAccuracy: summary.validationAccuracy,
        testAccuracy: summary.testAccuracy,
      },
    });
  }

  /** Train every value in turn; resolves when all ran or the sweep was stopped. */
  async function start(): Promise<string | undefined> {
    if (running.value) return 'A sweep is already running.';
    if (training.active) return 'A training run is under way: stop it first, or wait for it to end.';
    if (!graph.analysis.valid) return 'The graph has errors: fix them first (the Train tab lists them).';
    if (setting.value === 'units' && currentValue(graph.doc, target.value) === undefined)
      return 'Choose the Dense node whose units to sweep.';
    const values = parsedValues.value;
    if (!values.ok) return values.error;
    if (!Number.isInteger(steps.value) || steps.value < 1 || steps.value > MAX_SWEEP_STEPS)
      return `"Steps each" must be a whole number from 1 to ${MAX_SWEEP_STEPS.toLocaleString('en-US')}.`;
    const base = graph.doc;
    sweptTarget.value = { ...target.value };
    tries.value = values.value.map((value) => ({
      value,
      runId: undefined,
      status: 'waiting',
      steps: [],
      losses: [],
      outcome: undefined,
      message: undefined,
    }));
    running.value = true;
    stopRequested = false;
    try {
      for (const [i, value] of values.value.entries()) {
        if (stopRequested) {
          update(i, { status: 'skipped' });
          continue;
        }
        await trainOne(i, sweepRunDocument(base, sweptTarget.value, value, steps.value));
      }
    } finally {
      running.value = false;
    }
    return undefined;
  }

  /** Stop the run under way (it keeps what it measured) and skip the values after it. */
  function stop(): void {
    if (!running.value) return;
    stopRequested = true;
    if (training.active) training.stop();
  }

  /** Put a try's value into the graph, as one undo step. */
  function use(i: number): void {
    const t = tries.value[i];
    const swept = sweptTarget.value;
    if (!t || !swept) return;
    const label = settingLabel(swept);
    graph.batch(`Use ${label} ${t.value} from the sweep`, () => {
      const next = withValue(graph.doc, swept, t.value);
      if (swept.setting === 'units') {
        const node = next.nodes.find((n) => n.id === swept.nodeId);
        if (node) graph.setParams(node.id, node.params);
      } else graph.setTraining(next.training);
    });
  }

  return {
    open,
    setting,
    nodeId,
    valuesText,
    steps,
    tries,
    running,
    sweptTarget,
    denseNodes,
    parsedValues,
    best,
    show,
    propose,
    start,
    stop,
    use,
  };
});
