/**
 * The autosave slot in IndexedDB: one key holding the last document as JSON text. Kept as
 * text so that what is restored goes through `parseDocument` like any untrusted file.
 */
const DB_NAME = 'tensorweave';
const STORE = 'autosave';
const KEY = 'current';

function openDb(): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const req = indexedDB.open(DB_NAME, 1);
    req.onupgradeneeded = () => req.result.createObjectStore(STORE);
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error ?? new Error('IndexedDB could not be opened'));
  });
}

async function run<T>(mode: IDBTransactionMode, op: (store: IDBObjectStore) => IDBRequest<T>): Promise<T> {
  const db = await openDb();
  try {
    return await new Promise<T>((resolve, reject) => {
      const tx = db.transaction(STORE, mode);
      const req = op(tx.objectStore(STORE));
      tx.oncomplete = () => resolve(req.result);
      tx.onerror = () => reject(tx.error ?? new Error('IndexedDB transaction failed'));
      tx.onabort = () => reject(tx.error ?? new Error('IndexedDB transaction aborted'));
    });
  } finally {
    db.close();
  }
}

/** The autosaved text, or undefined when there is none. Whatever is stored comes back raw. */
export async function readAutosave(): Promise<unknown> {
  return run('readonly', (s) => s.get(KEY));
}

export async function writeAutosave(text: string): Promise<void> {
  await run('readwrite', (s) => s.put(text, KEY));
}

/** A connection kept open so that a write can be issued within one task (see `writeAutosaveNow`). */
let kept: IDBDatabase | undefined;

/** Open the slot once and keep it open for `writeAutosaveNow`; a newer version of the app closes it. */
export async function keepAutosaveOpen(): Promise<void> {
  if (kept) return;
  const db = await openDb();
  db.onversionchange = () => {
    db.close();
    kept = undefined;
  };
  kept = db;
}

/**
 * Write now, within the current task, and commit at once: on pagehide the page may be torn
 * down as soon as the handler returns, before an awaited open or an auto-commit would run.
 * False when it could not be issued (no kept connection); the caller then writes as usual.
 */
export function writeAutosaveNow(text: string): boolean {
  if (!kept) return false;
  try {
    const tx = kept.transaction(STORE, 'readwrite');
    tx.objectStore(STORE).put(text, KEY);
    tx.commit();
    return true;
  } catch {
    return false;
  }
}

export async function clearAutosave(): Promise<void> {
  await run('readwrite', (s) => s.delete(KEY));
}
