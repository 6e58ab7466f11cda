import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it } from 'vitest';
import {
  createModelStorage,
  DEFAULT_KEPT_MODELS,
  evictionsFor,
  keptModelsCap,
  type ModelPayload,
  type ModelStorageOptions,
} from '../../../src/app/modelStorage';
import { memoryStorage } from './fakes';

let dbCount = 0;
let dbName = '';
/** A storage on a database of its own, so tests never see each other's models. */
function storage(options: Omit<ModelStorageOptions, 'dbName'> = {}) {
  dbName = `models-test-${++dbCount}`;
  return createModelStorage({ dbName, maxModels: () => 20, budgetBytes: async () => 1e9, ...options });
}

function payload(runId: string, bytes: number, fill = 1): ModelPayload {
  return {
    runId,
    modelJson: JSON.stringify({ format: 'layers-model', runId }),
    weightData: new Uint8Array(bytes).fill(fill),
    evaluation: {
      accuracy: 0.9,
      matrix: [[9, 1]],
      perClass: [0.9],
      predicted: new Uint8Array([1, 0]),
      labels: new Uint8Array([1, 1]),
    },
  };
}

const entry = (runId: string, savedAt: number) => ({ runId, savedAt, graphName: 'beginner' });

/** Writes straight into the database, as a crashed or foreign writer might have left it. */
function rawPut(store: 'models' | 'manifest', key: string, value: unknown): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = indexedDB.open(dbName, 1);
    req.onsuccess = () => {
      const tx = req.result.transaction(store, 'readwrite');
      tx.objectStore(store).put(value, key);
      tx.oncomplete = () => (req.result.close(), resolve());
      tx.onerror = () => reject(tx.error);
    };
  });
}

const quotaError = () => new DOMException('The quota has been exceeded.', 'QuotaExceededError');

afterEach(() => {
  dbName = '';
});

describe('model storage', () => {
  it('keeps a model and reads back its bytes, graph text and evaluation', async () => {
    const s = storage();
    await expect(s.save(entry('run-a', 1), payload('run-a', 64, 7))).resolves.toEqual({
      ok: true,
      evicted: [],
    });
    const back = await s.load('run-a');
    expect(back?.weightData).toEqual(new Uint8Array(64).fill(7));
    expect(JSON.parse(back!.modelJson)).toEqual({ format: 'layers-model', runId: 'run-a' });
    expect(back?.evaluation?.predicted).toEqual(new Uint8Array([1, 0]));
    expect(await s.list()).toEqual([{ runId: 'run-a', savedAt: 1, graphName: 'beginner', bytes: 64 }]);
    expect(await s.load('run-b')).toBeUndefined();
  });

  it('keeps only the newest models past the cap, evicting the oldest first', async () => {
    const s = storage({ maxModels: () => 2 });
    await s.save(entry('r1', 1), payload('r1', 8));
    await s.save(entry('r2', 2), payload('r2', 8));
    await expect(s.save(entry('r3', 3), payload('r3', 8))).resolves.toEqual({ ok: true, evicted: ['r1'] });
    expect((await s.list()).map((e) => e.runId)).toEqual(['r3', 'r2']);
    expect(await s.load('r1')).toBeUndefined();
  });

  it('keeps the total within the byte budget, evicting as many old models as needed', async () => {
    const s = storage({ budgetBytes: async () => 100 });
    await s.save(entry('r1', 1), payload('r1', 40));
    await s.save(entry('r2', 2), payload('r2', 40));
    await expect(s.save(entry('r3', 3), payload('r3', 90))).resolves.toEqual({
      ok: true,
      evicted: ['r1', 'r2'],
    });
    expect((await s.list()).map((e) => e.runId)).toEqual(['r3']);
  });

  it('refuses a model larger than the whole budget, saying so, and keeps the others', async () => {
    const s = storage({ budgetBytes: async () => 2 * 2 ** 20 });
    await s.save(entry('small', 1), payload('small', 10));
    const outcome = await s.save(entry('big', 2), payload('big', 3 * 2 ** 20));
    expect(outcome).toEqual({
      ok: false,
      evicted: [],
      reason: 'Its weights (3 MB) are more than the 2 MB this browser lets Tensorweave keep.',
    });
    expect((await s.list()).map((e) => e.runId)).toEqual(['small']);
  });

  it('when the browser refuses with QuotaExceededError, makes room from the oldest and tries again', async () => {
    let refusals = 0;
    const s = storage({
      beforeManifest: () => {
        if (refusals > 0) {
          refusals--;
          throw quotaError();
        }
      },
    });
    await s.save(entry('r1', 1), payload('r1', 8));
    await s.save(entry('r2', 2), payload('r2', 8));
    refusals = 1;
    await expect(s.save(entry('r3', 3), payload('r3', 8))).resolves.toEqual({ ok: true, evicted: ['r1'] });
    expect((await s.list()).map((e) => e.runId)).toEqual(['r3', 'r2']);
  });

  it('says the storage is full when nothing is left to evict, and leaves nothing half-written', async () => {
    const s = storage({
      beforeManifest: () => {
        throw quotaError();
      },
    });
    const outcome = await s.save(entry('r1', 1), payload('r1', 8));
    expect(outcome).toEqual({
      ok: false,
      evicted: [],
      reason: 'The browser’s storage for this site is full, and no older weights are left to make room.',
    });
    expect(await s.list()).toEqual([]);
    expect(await s.load('r1')).toBeUndefined();
  });

  it('a write that fails midway leaves neither the payload nor its entry', async () => {
    let fail = false;
    const s = storage({
      beforeManifest: () => {
        if (fail) throw new Error('power cut');
      },
    });
    await s.save(entry('old', 1), payload('old', 8, 3));
    fail = true;
    const outcome = await s.save(entry('new', 2), payload('new', 8));
    expect(outcome).toMatchObject({ ok: false, reason: 'The browser refused to store them (power cut).' });
    fail = false;
    // A fresh storage on the same database: only the complete model is there.
    const again = createModelStorage({ dbName, maxModels: () => 20, budgetBytes: async () => 1e9 });
    expect((await again.list()).map((e) => e.runId)).toEqual(['old']);
    expect(await again.load('new')).toBeUndefined();
    expect((await again.load('old'))?.weightData).toEqual(new Uint8Array(8).fill(3));
  });

  it('never reads a payload without its manifest entry, and deletes such orphans', async () => {
    const s = storage();
    await s.save(entry('whole', 1), payload('whole', 8));
    await rawPut('models', 'orphan', payload('orphan', 8));
    expect(await s.load('orphan')).toBeUndefined();
    expect((await s.list()).map((e) => e.runId)).toEqual(['whole']);
    // The orphan is gone: a manifest entry written later cannot resurrect it.
    await rawPut('manifest', 'orphan', { ...entry('orphan', 5), bytes: 8 });
    expect(await s.load('orphan')).toBeUndefined();
  });

  it('treats a payload whose size disagrees with its entry as damaged, and deletes it', async () => {
    const s = storage();
    await s.save(entry('r1', 1), payload('r1', 8));
    await rawPut('models', 'r1', payload('r1', 5));
    expect(await s.load('r1')).toBeUndefined();
    expect(await s.list()).toEqual([]);
  });

  it('removes a model', async () => {
    const s = storage();
    await s.save(entry('r1', 1), payload('r1', 8));
    await s.remove('r1');
    expect(await s.list()).toEqual([]);
  });
});

describe('evictionsFor', () => {
  const e = (runId: string, savedAt: number, bytes: number) => ({ runId, savedAt, graphName: 'g', bytes });
  it.each([
    { what: 'room left', max: 3, budget: 100, bytes: 10, evict: [] },
    { what: 'one over the count', max: 2, budget: 100, bytes: 10, evict: ['a'] },
    { what: 'over the bytes', max: 9, budget: 50, bytes: 40, evict: ['a', 'b'] },
    { what: 'just within the bytes', max: 9, budget: 50, bytes: 30, evict: ['a'] },
    { what: 'a cap of one', max: 1, budget: 100, bytes: 1, evict: ['a', 'b'] },
  ])('$what → evict $evict', ({ max, budget, bytes, evict }) => {
    // Given newest first: eviction still starts at the oldest.
    expect(evictionsFor([e('b', 2, 20), e('a', 1, 20)], bytes, max, budget)).toEqual(evict);
  });
});

describe('keptModelsCap', () => {
  it('reads the test hook when it is a positive integer, else keeps the default', () => {
    expect(keptModelsCap(memoryStorage({ 'tensorweave.keptModels': '2' }))).toBe(2);
    expect(keptModelsCap(memoryStorage({ 'tensorweave.keptModels': '0' }))).toBe(DEFAULT_KEPT_MODELS);
    expect(keptModelsCap(memoryStorage({ 'tensorweave.keptModels': 'lots' }))).toBe(DEFAULT_KEPT_MODELS);
    expect(keptModelsCap(memoryStorage())).toBe(20);
  });
});
