import 'fake-indexeddb/auto';
import { clear, createStore, entries, set } from 'idb-keyval';
import { createPinia, setActivePinia } from 'pinia';
import { beforeEach, describe, expect, it } from 'vitest';
import { defaultTraining } from '../../../src/core/document';
import { PRESETS } from '../../../src/app/presets';
import { openedModelRecord, runsToCsv, useRunsStore } from '../../../src/app/stores/runsStore';
import type { RunRecord } from '../../../src/app/stores/runTypes';

/** The runs store's IndexedDB store, opened a second time to look inside. */
const runsDb = createStore('tensorweave-runs', 'runs');

function record(id: string, createdAt: number, overrides: Partial<RunRecord> = {}): RunRecord {
  return {
    id,
    createdAt,
    graphName: 'beginner',
    graphHash: 'abcd1234',
    structureHash: '5d45f77d',
    training: defaultTraining(),
    backend: 'Tensorweave kernels (WASM SIMD)',
    status: 'completed',
    message: undefined,
    steps: 30000,
    totalSteps: 30000,
    seconds: 9.25,
    stepsPerSecond: 3243.24,
    trainAccuracy: 0.9291,
    validationAccuracy: 0.9422,
    testAccuracy: 0.9237,
    curves: { step: [10, 20], loss: [2.3, 1.1], batchAccuracy: [0.1, 0.6] },
    validation: [{ step: 1000, accuracy: 0.9 }],
    ...overrides,
  };
}

/** A fresh page: a new Pinia, so the store starts empty and must read IndexedDB. */
function reload() {
  setActivePinia(createPinia());
  return useRunsStore();
}

describe('runs store', () => {
  beforeEach(async () => {
    await clear(runsDb);
    setActivePinia(createPinia());
  });

  it('keeps added runs across a reload, newest first', async () => {
    const runs = useRunsStore();
    await runs.add(record('run-a', 1000));
    await runs.add(record('run-b', 2000, { graphName: 'hidden-layer', testAccuracy: 0.9663 }));
    expect(runs.runs.map((r) => r.id)).toEqual(['run-b', 'run-a']);

    const again = reload();
    expect(again.loaded).toBe(false);
    await again.load();
    expect(again.loaded).toBe(true);
    expect(again.runs.map((r) => r.id)).toEqual(['run-b', 'run-a']);
    expect(again.runs[0]).toEqual(record('run-b', 2000, { graphName: 'hidden-layer', testAccuracy: 0.9663 }));
  });

  it('selects a new run for comparison, at most six at a time', async () => {
    const runs = useRunsStore();
    for (let i = 1; i <= 7; i++) await runs.add(record(`run-${i}`, i));
    expect(runs.selected).toEqual(['run-7', 'run-6', 'run-5', 'run-4', 'run-3', 'run-2']);
    expect(runs.selectedRuns.map((r) => r.id)).toEqual([
      'run-7',
      'run-6',
      'run-5',
      'run-4',
      'run-3',
      'run-2',
    ]);
    runs.toggle('run-6');
    runs.toggle('run-1');
    expect(runs.selected).toEqual(['run-7', 'run-5', 'run-4', 'run-3', 'run-2', 'run-1']);
  });

  it('thins long curves to 600 points when storing, keeping the first and the last', async () => {
    const n = 3000;
    const step = Array.from({ length: n }, (_, i) => (i + 1) * 10);
    const loss = step.map((s) => 1 / s);
    const batchAccuracy = step.map((s) => s / (n * 10));
    const runs = useRunsStore();
    await runs.add(record('long', 1, { curves: { step, loss, batchAccuracy } }));
    const [stored] = (await entries<string, RunRecord>(runsDb)).map(([, r]) => r);
    expect(stored!.curves.step).toHaveLength(600);
    expect(stored!.curves.step[0]).toBe(10);
    expect(stored!.curves.step[599]).toBe(30000);
    expect(stored!.curves.loss[599]).toBe(1 / 30000);
    // Columns stay aligned: each stored point is one original point.
    stored!.curves.step.forEach((s, i) => expect(stored!.curves.loss[i]).toBe(1 / s));
  });

  it('removes a run from the list, the selection and IndexedDB', async () => {
    const runs = useRunsStore();
    await runs.add(record('keep', 1));
    await runs.add(record('drop', 2));
    await runs.remove('drop');
    expect(runs.runs.map((r) => r.id)).toEqual(['keep']);
    expect(runs.selected).toEqual(['keep']);
    expect((await entries(runsDb)).map(([k]) => k)).toEqual(['keep']);
  });

  it('keeps an opened model apart from the runs: unnumbered, unselected, named by its file', async () => {
    const beginner = structuredClone(PRESETS.find((p) => p.id === 'beginner')!.doc);
    const runs = useRunsStore();
    await runs.add(record('run-a', 1));
    await runs.add(openedModelRecord('import-x', beginner, 'mnist-beginner.zip', 0.921, 2));
    await runs.add(record('run-b', 3, { graphName: 'hidden-layer' }));
    // Nothing to compare: it has no curves.
    expect(runs.selected).toEqual(['run-b', 'run-a']);
    const again = reload();
    await again.load();
    expect(again.runs.map((r) => r.id)).toEqual(['run-b', 'run-a']);
    expect(again.opened).toEqual([
      expect.objectContaining({
        id: 'import-x',
        graphName: 'beginner',
        openedFrom: 'mnist-beginner.zip',
        testAccuracy: 0.921,
        reduction: 'sum',
        steps: 0,
      }),
    ]);
    expect(again.runLabel('run-b')).toBe('hidden-layer · run 2');
    expect(again.runLabel('import-x')).toBe('beginner · from mnist-beginner.zip');
    expect(again.record('import-x')?.openedFrom).toBe('mnist-beginner.zip');
    await again.remove('import-x');
    expect(again.opened).toEqual([]);
    expect((await entries(runsDb)).map(([k]) => k).sort()).toEqual(['run-a', 'run-b']);
  });

  it('skips stored values that are not runs', async () => {
    const runs = useRunsStore();
    await runs.add(record('good', 1));
    await set('junk', { nothing: true }, runsDb);
    await set('null', null, runsDb);
    const again = reload();
    await again.load();
    expect(again.runs.map((r) => r.id)).toEqual(['good']);
  });
});

describe('runsToCsv', () => {
  it('writes one row per run in the tutorial’s columns', () => {
    const csv = runsToCsv([record('a', Date.UTC(2026, 11, 1, 12, 0, 0))]);
    expect(csv).toBe(
      'model,graph hash,status,time,seconds,steps,steps per second,train accuracy %,' +
        'validation accuracy %,test accuracy %,backend,optimizer,learning rate,batch size,seed,date\n' +
        'beginner,abcd1234,completed,0:09,9.3,30000,3243.2,92.9,94.2,92.4,Tensorweave kernels (WASM SIMD),' +
        'sgd,0.1,100,1,2026-12-01T12:00:00.000Z\n',
    );
  });

  it('quotes cells with commas, quotes or line breaks, and leaves unknown accuracies empty', () => {
    const csv = runsToCsv([
      record('a', 0, { graphName: 'my "wide", net', validationAccuracy: Number.NaN, backend: 'wasm\n2' }),
    ]);
    const row = csv.split('\n').slice(1).join('\n');
    expect(row.startsWith('"my ""wide"", net",')).toBe(true);
    expect(row).toContain(',92.9,,92.4,"wasm\n2",');
  });

  it('is just the header for no runs', () => {
    expect(runsToCsv([]).split('\n')).toEqual([expect.stringMatching(/^model,graph hash,/), '']);
  });
});
