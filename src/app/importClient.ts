/**
 * The page's side of the import worker: every file the user opens or drops, and every share
 * link, is read there, so the page stays responsive whatever the input. Each request settles:
 * with the worker's result, or with a refusal when the worker crashes or takes too long (the
 * worker is then replaced, so one hostile file cannot wedge the next open).
 */
import { err, type Result } from '../core/result';
import type { ImportReply, ImportRequest } from '../worker/importProtocol';
import type { Opened } from '../worker/openInput';
import { PendingRequests } from './pendingRequests';

/** Long enough for the largest model the limits allow on a slow machine. */
export const IMPORT_TIMEOUT_MS = 60_000;
/** The name of the performance measure spanning each read. */
export const IMPORT_MEASURE = 'tensorweave:import';

/** What the client uses of a Worker; tests hand in a fake one. */
export type ImportWorkerPort = Pick<Worker, 'postMessage' | 'onmessage' | 'onerror' | 'terminate'>;

export interface ImportClient {
  openFiles(files: File[]): Promise<Result<Opened>>;
  openShareToken(token: string): Promise<Result<Opened>>;
}

function spawnImportWorker(): ImportWorkerPort {
  return new Worker(new URL('../worker/importWorker.ts', import.meta.url), { type: 'module' });
}

export function createImportClient(
  spawn: () => ImportWorkerPort = spawnImportWorker,
  timeoutMs = IMPORT_TIMEOUT_MS,
): ImportClient {
  const pending = new PendingRequests<Result<Opened>>();
  let worker: ImportWorkerPort | undefined;
  let nextId = 1;

  function discard(reason: string): void {
    worker?.terminate();
    worker = undefined;
    pending.failAll(reason);
  }

  function port(): ImportWorkerPort {
    if (worker) return worker;
    const w = spawn();
    w.onmessage = (message: MessageEvent<ImportReply>) =>
      pending.answer(message.data.id, message.data.result);
    w.onerror = (e) => {
      e.preventDefault?.();
      discard(
        `The file reader stopped unexpectedly (${e.message || 'no details'}). Try again; reload the page if it happens again.`,
      );
    };
    worker = w;
    return w;
  }

  function ask(request: ImportRequest, what: string): Promise<Result<Opened>> {
    const answer = pending.wait(request.id, (reason) => err(reason), {
      ms: timeoutMs,
      reason: `Reading ${what} took longer than ${timeoutMs / 1000} s and was stopped. It is probably too large or damaged.`,
      // A reader stuck on a hostile input would block every later request: start afresh.
      onTimeout: () => discard('The file reader was restarted after a request took too long. Try again.'),
    });
    const start = performance.now();
    // A user-timing entry per read: the e2e tests check no long task overlaps one.
    void answer.then(() => performance.measure(IMPORT_MEASURE, { start, end: performance.now() }));
    try {
      port().postMessage(request);
    } catch (e) {
      pending.fail(request.id, `${what} could not be handed to the file reader: ${(e as Error).message}.`);
    }
    return answer;
  }

  return {
    openFiles: (files) => {
      const what = files.length === 1 ? `“${files[0]!.name}”` : `${files.length} files`;
      return ask({ id: nextId++, kind: 'files', files }, what);
    },
    openShareToken: (token) => ask({ id: nextId++, kind: 'share', token }, 'the shared graph'),
  };
}

let shared: ImportClient | undefined;

/** The app's one import client (its worker starts on first use). */
export function importClient(): ImportClient {
  shared ??= createImportClient();
  return shared;
}
