/**
 * Every training run, kept across reloads in IndexedDB: what was trained (graph name and
 * hash, settings), where (backend), how it went (time, accuracies, curves), and whether its
 * weights are still kept (`modelStorage.ts`, bounded, so older runs lose theirs). Selected
 * runs are compared in a table and overlaid charts; the table exports as CSV. Models opened
 * from files are kept the same way (their record says which file), listed apart from the
 * runs: they were not trained here, so they are neither numbered, compared nor exported as runs.
 */
import { defineStore } from 'pinia';
import { computed, ref, shallowRef } from 'vue';
import { createStore, del, entries, set } from 'idb-keyval';
import type { GraphDocument } from '../../core/document';
import { graphHash, structureHash } from '../../core/graphHash';
import { formatDuration, formatPercent } from '../../core/util/format';
import { sharedModelStorage } from '../modelStorage';
import { runName } from './runNames';
import type { Curves, RunRecord } from './runTypes';

/** Curves are thinned to at most this many points when a run is stored. */
const MAX_POINTS = 600;

function thin(c: Curves): Curves {
  const n = c.step.length;
  if (n <= MAX_POINTS) return { step: [...c.step], loss: [...c.loss], batchAccuracy: [...c.batchAccuracy] };
  const stride = n / MAX_POINTS;
  const pick = Array.from({ length: MAX_POINTS }, (_, i) => Math.min(n - 1, Math.round(i * stride)));
  pick[pick.length - 1] = n - 1;
  return {
    step: pick.map((i) => c.step[i]!),
    loss: pick.map((i) => c.loss[i]!),
    batchAccuracy: pick.map((i) => c.batchAccuracy[i]!),
  };
}

/** The loss's reduction over the batch, as the runs table shows it. */
export function lossReduction(doc: GraphDocument): 'sum' | 'mean' {
  return doc.nodes.find((n) => n.type === 'loss')?.params.reduction === 'sum' ? 'sum' : 'mean';
}

/**
 * The record of a model opened from `fileName`: its graph and settings, and the test accuracy
 * the worker measured when it loaded it; nothing of training (it happened elsewhere).
 */
export function openedModelRecord(
  id: string,
  doc: GraphDocument,
  fileName: string,
  testAccuracy: number,
  createdAt = Date.now(),
): RunRecord {
  return {
    id,
    createdAt,
    graphName: doc.name,
    graphHash: graphHash(doc),
    structureHash: structureHash(doc),
    training: doc.training,
    reduction: lossReduction(doc),
    backend: '',
    status: 'completed',
    message: undefined,
    steps: 0,
    totalSteps: 0,
    seconds: 0,
    stepsPerSecond: 0,
    trainAccuracy: Number.NaN,
    validationAccuracy: Number.NaN,
    testAccuracy,
    curves: { step: [], loss: [], batchAccuracy: [] },
    validation: [],
    openedFrom: fileName,
  };
}

let idb: ReturnType<typeof createStore> | undefined;
const db = () => (idb ??= createStore('tensorweave-runs', 'runs'));

/** CSV cells: `92.4` (percent, no sign), empty when unknown. */
const pct = (v: number) => formatPercent(v, 1, '').replace('%', '');

/** The runs as CSV, one row per run, in the tutorial's columns plus what makes a run repeatable. */
export function runsToCsv(runs: readonly RunRecord[]): string {
  const header = [
    'model',
    'graph hash',
    'status',
    'time',
    'seconds',
    'steps',
    'steps per second',
    'train accuracy %',
    'validation accuracy %',
    'test accuracy %',
    'backend',
    'optimizer',
    'learning rate',
    'batch size',
    'seed',
    'date',
  ];
  const quote = (v: string | number) => {
    const s = String(v);
    return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  const rows = runs.map((r) => [
    r.graphName,
    r.graphHash,
    r.status,
    formatDuration(r.seconds),
    r.seconds.toFixed(1),
    r.steps,
    r.stepsPerSecond.toFixed(1),
    pct(r.trainAccuracy),
    pct(r.validationAccuracy),
    pct(r.testAccuracy),
    r.backend,
    r.training.optimizer.type,
    r.training.learningRate,
    r.training.batchSize,
    r.training.seed,
    new Date(r.createdAt).toISOString(),
  ]);
  return [header, ...rows].map((row) => row.map(quote).join(',')).join('\n') + '\n';
}

export const useRunsStore = defineStore('runs', () => {
  /** Training runs, newest first. */
  const runs = shallowRef<RunRecord[]>([]);
  /** Models opened from files and kept, newest first. */
  const opened = shallowRef<RunRecord[]>([]);
  const selected = ref<string[]>([]);
  const loaded = ref(false);
  const selectedRuns = computed(() => runs.value.filter((r) => selected.value.includes(r.id)));
  /** Ids of the runs whose weights are kept (can be opened as models). */
  const kept = shallowRef<ReadonlySet<string>>(new Set());

  /** Re-read which runs keep their weights (after a save, an eviction or a delete). */
  async function refreshKept(): Promise<void> {
    try {
      kept.value = new Set((await sharedModelStorage().list()).map((e) => e.runId));
    } catch {
      kept.value = new Set();
    }
  }

  /** "beginner · run 3", "mnist-cnn · from mnist-cnn.zip" (`runNames.ts`); undefined if unknown. */
  function runLabel(id: string): string | undefined {
    return runName(id, runs.value, opened.value);
  }

  /** The record of a run or an opened model. */
  function record(id: string): RunRecord | undefined {
    return runs.value.find((r) => r.id === id) ?? opened.value.find((r) => r.id === id);
  }

  async function load(): Promise<void> {
    try {
      const all = await entries<string, RunRecord>(db());
      const records = all
        .map(([, r]) => r)
        .filter((r) => r && typeof r.id === 'string')
        .sort((a, b) => b.createdAt - a.createdAt);
      runs.value = records.filter((r) => r.openedFrom === undefined);
      opened.value = records.filter((r) => r.openedFrom !== undefined);
    } catch {
      runs.value = [];
      opened.value = [];
    }
    await refreshKept();
    loaded.value = true;
  }

  async function add(run: RunRecord): Promise<void> {
    const stored: RunRecord = { ...run, curves: thin(run.curves), validation: [...run.validation] };
    if (stored.openedFrom !== undefined) {
      opened.value = [stored, ...opened.value.filter((r) => r.id !== run.id)];
    } else {
      runs.value = [stored, ...runs.value.filter((r) => r.id !== run.id)];
      if (!selected.value.includes(run.id)) selected.value = [run.id, ...selected.value].slice(0, 6);
    }
    await set(run.id, JSON.parse(JSON.stringify(stored)), db());
  }

  async function remove(id: string): Promise<void> {
    runs.value = runs.value.filter((r) => r.id !== id);
    opened.value = opened.value.filter((r) => r.id !== id);
    selected.value = selected.value.filter((s) => s !== id);
    await del(id, db());
    await sharedModelStorage()
      .remove(id)
      .catch(() => undefined);
    await refreshKept();
  }

  function toggle(id: string): void {
    selected.value = selected.value.includes(id)
      ? selected.value.filter((s) => s !== id)
      : [...selected.value, id];
  }

  return {
    runs,
    opened,
    selected,
    selectedRuns,
    loaded,
    kept,
    load,
    add,
    remove,
    toggle,
    refreshKept,
    runLabel,
    record,
  };
});
