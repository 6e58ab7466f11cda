/**
 * The trained models of runs, kept in IndexedDB beside the runs (database
 * `tensorweave-models`): the weights as TensorFlow.js layers artifacts, the graph inside their
 * `model.json` metadata, and the test evaluation, keyed by run id.
 *
 * Nothing half-written is ever read back: a model is its payload (store `models`) plus a
 * small manifest entry (store `manifest`) written last, in the same transaction. Readers
 * start from the manifest and check the payload's byte count against it; a payload without
 * its manifest entry is an orphan and is deleted.
 *
 * Storage stays bounded: at most `maxModels` models (20; the test hook `localStorage`
 * `tensorweave.keptModels` lowers it) and at most a byte budget (a share of what
 * `navigator.storage.estimate()` allows, capped). The oldest models are evicted first; the
 * runs themselves stay in the runs store. When the browser refuses to store
 * (`QuotaExceededError`), older models are evicted and the write tried again; if nothing is
 * left to evict, the save is refused with a reason to show.
 */
import { formatMegabytes } from '../core/limits';
import type { EvaluationSummary } from '../worker/protocol';

const DB_NAME = 'tensorweave-models';
const PAYLOADS = 'models';
const MANIFEST = 'manifest';

/** How many runs keep their weights by default. */
export const DEFAULT_KEPT_MODELS = 20;
/** The byte budget for all kept weights, whatever the browser would allow. */
export const MAX_MODEL_BYTES = 256 * 2 ** 20;
/** The share of the browser's quota for this site that kept weights may use. */
const QUOTA_SHARE = 0.5;
/** Test hook: how many runs keep their weights (a positive integer), read at every save. */
export const KEPT_MODELS_KEY = 'tensorweave.keptModels';

/** The manifest entry: a complete model exists for this run. */
export interface ModelEntry {
  runId: string;
  savedAt: number;
  graphName: string;
  /** Bytes of the weights, checked against the payload on every read. */
  bytes: number;
}

/** What a run leaves to keep: its artifacts (the graph rides in `modelJson`) and its results. */
export interface ModelPayload {
  runId: string;
  /** The `model.json` text: topology, weight specs and the trained graph document. */
  modelJson: string;
  weightData: Uint8Array;
  evaluation: EvaluationSummary | undefined;
}

export type SaveOutcome = { ok: true; evicted: string[] } | { ok: false; evicted: string[]; reason: string };

export interface ModelStorageOptions {
  dbName?: string;
  /** How many models to keep at most. */
  maxModels?: () => number;
  /** The byte budget for all kept weights. */
  budgetBytes?: () => Promise<number>;
  /** Test-only: runs inside the write transaction after the payload, before the manifest. */
  beforeManifest?: () => void;
}

export interface ModelStorage {
  save(entry: Omit<ModelEntry, 'bytes'>, payload: ModelPayload): Promise<SaveOutcome>;
  /** A complete model, or undefined (none, or damaged — which is then deleted). */
  load(runId: string): Promise<ModelPayload | undefined>;
  /** Complete models, newest first; orphaned payloads are deleted on the way. */
  list(): Promise<ModelEntry[]>;
  remove(runId: string): Promise<void>;
}

function request<T>(req: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error ?? new Error('IndexedDB request failed'));
  });
}

function done(tx: IDBTransaction): Promise<void> {
  return new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(tx.error ?? new Error('IndexedDB transaction failed'));
    tx.onabort = () => reject(tx.error ?? new DOMException('The write was aborted.', 'AbortError'));
  });
}

function open(name: string): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const req = indexedDB.open(name, 1);
    req.onupgradeneeded = () => {
      req.result.createObjectStore(PAYLOADS);
      req.result.createObjectStore(MANIFEST);
    };
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error ?? new Error('IndexedDB could not be opened'));
  });
}

/** The cap on kept models: the test hook when it holds a positive integer, else the default. */
export function keptModelsCap(
  storage: Pick<Storage, 'getItem'> | undefined = globalThis.localStorage,
): number {
  const raw = Number(storage?.getItem(KEPT_MODELS_KEY));
  return Number.isInteger(raw) && raw > 0 ? raw : DEFAULT_KEPT_MODELS;
}

/** The byte budget: half the browser's quota for the site, at most `MAX_MODEL_BYTES`. */
export async function browserBudget(): Promise<number> {
  try {
    const estimate = await navigator.storage?.estimate?.();
    if (estimate?.quota) return Math.min(MAX_MODEL_BYTES, estimate.quota * QUOTA_SHARE);
  } catch {
    // Without an estimate the fixed budget applies.
  }
  return MAX_MODEL_BYTES;
}

/** `31 KB`, `2 MB`, `1.9 MB`: sizes as people read them. */
const size = (bytes: number) => (bytes < 2 ** 20 ? `${Math.ceil(bytes / 1024)} KB` : formatMegabytes(bytes));

const isQuotaError = (e: unknown) =>
  e instanceof DOMException && (e.name === 'QuotaExceededError' || e.name === 'NS_ERROR_DOM_QUOTA_REACHED');

/** Which entries to evict (oldest first) so that one more model of `bytes` fits. */
export function evictionsFor(
  entries: readonly ModelEntry[],
  bytes: number,
  maxModels: number,
  budget: number,
): string[] {
  const oldestFirst = [...entries].sort((a, b) => a.savedAt - b.savedAt);
  let count = oldestFirst.length + 1;
  let total = oldestFirst.reduce((sum, e) => sum + e.bytes, bytes);
  const evict: string[] = [];
  for (const e of oldestFirst) {
    if (count <= maxModels && total <= budget) break;
    evict.push(e.runId);
    count--;
    total -= e.bytes;
  }
  return evict;
}

export function createModelStorage(options: ModelStorageOptions = {}): ModelStorage {
  const name = options.dbName ?? DB_NAME;
  const maxModels = options.maxModels ?? (() => keptModelsCap());
  const budgetBytes = options.budgetBytes ?? browserBudget;

  async function withDb<T>(fn: (db: IDBDatabase) => Promise<T>): Promise<T> {
    const db = await open(name);
    try {
      return await fn(db);
    } finally {
      db.close();
    }
  }

  async function deleteIn(db: IDBDatabase, ids: readonly string[]): Promise<void> {
    if (!ids.length) return;
    const tx = db.transaction([PAYLOADS, MANIFEST], 'readwrite');
    for (const id of ids) {
      tx.objectStore(MANIFEST).delete(id);
      tx.objectStore(PAYLOADS).delete(id);
    }
    await done(tx);
  }

  async function listIn(db: IDBDatabase): Promise<ModelEntry[]> {
    const tx = db.transaction([PAYLOADS, MANIFEST], 'readonly');
    const [entries, payloadKeys] = await Promise.all([
      request(tx.objectStore(MANIFEST).getAll() as IDBRequest<ModelEntry[]>),
      request(tx.objectStore(PAYLOADS).getAllKeys()),
    ]);
    await done(tx);
    const complete = entries.filter((e) => e && typeof e.runId === 'string');
    const known = new Set(complete.map((e) => e.runId));
    const orphans = payloadKeys.map(String).filter((k) => !known.has(k));
    await deleteIn(db, orphans);
    return complete.sort((a, b) => b.savedAt - a.savedAt);
  }

  /** One transaction: evictions, the payload, then the manifest entry that completes it. */
  async function writeIn(
    db: IDBDatabase,
    entry: ModelEntry,
    payload: ModelPayload,
    evict: readonly string[],
  ): Promise<void> {
    const tx = db.transaction([PAYLOADS, MANIFEST], 'readwrite');
    const finished = done(tx);
    try {
      for (const id of evict) {
        tx.objectStore(MANIFEST).delete(id);
        tx.objectStore(PAYLOADS).delete(id);
      }
      tx.objectStore(PAYLOADS).put(payload, entry.runId);
      options.beforeManifest?.();
      tx.objectStore(MANIFEST).put(entry, entry.runId);
    } catch (e) {
      tx.abort();
      await finished.catch(() => undefined);
      throw e;
    }
    await finished;
  }

  async function save(base: Omit<ModelEntry, 'bytes'>, payload: ModelPayload): Promise<SaveOutcome> {
    const bytes = payload.weightData.byteLength;
    const entry: ModelEntry = { ...base, bytes };
    const budget = await budgetBytes();
    if (bytes > budget) {
      return {
        ok: false,
        evicted: [],
        reason: `Its weights (${size(bytes)}) are more than the ${size(budget)} this browser lets Tensorweave keep.`,
      };
    }
    return withDb(async (db) => {
      const entries = (await listIn(db)).filter((e) => e.runId !== entry.runId);
      let evict = evictionsFor(entries, bytes, maxModels(), budget);
      const evicted: string[] = [];
      for (;;) {
        try {
          await writeIn(db, entry, payload, evict);
          return { ok: true, evicted: [...evicted, ...evict] };
        } catch (e) {
          const left = entries.filter((x) => !evict.includes(x.runId) && !evicted.includes(x.runId));
          if (!isQuotaError(e) || !left.length) {
            return {
              ok: false,
              evicted,
              reason: isQuotaError(e)
                ? 'The browser’s storage for this site is full, and no older weights are left to make room.'
                : `The browser refused to store them (${(e as Error).message}).`,
            };
          }
          // The browser is fuller than its estimate said: make room by the oldest one more.
          evicted.push(...evict);
          await deleteIn(db, evict);
          const oldest = left.sort((a, b) => a.savedAt - b.savedAt)[0]!;
          evict = [oldest.runId];
        }
      }
    });
  }

  async function load(runId: string): Promise<ModelPayload | undefined> {
    return withDb(async (db) => {
      const tx = db.transaction([PAYLOADS, MANIFEST], 'readonly');
      const [entry, payload] = await Promise.all([
        request(tx.objectStore(MANIFEST).get(runId) as IDBRequest<ModelEntry | undefined>),
        request(tx.objectStore(PAYLOADS).get(runId) as IDBRequest<ModelPayload | undefined>),
      ]);
      await done(tx);
      if (!entry) return undefined;
      const whole =
        payload && payload.weightData instanceof Uint8Array && payload.weightData.byteLength === entry.bytes;
      if (whole && typeof payload.modelJson === 'string') return payload;
      await deleteIn(db, [runId]);
      return undefined;
    });
  }

  return {
    save,
    load,
    list: () => withDb(listIn),
    remove: (runId) => withDb((db) => deleteIn(db, [runId])),
  };
}

let shared: ModelStorage | undefined;
/** The app's one model storage (the runs table and the training store share it). */
export function sharedModelStorage(): ModelStorage {
  return (shared ??= createModelStorage());
}
