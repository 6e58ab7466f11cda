/**
 * Stand-ins for what the app's stores use of the browser and Node lacks: the training worker
 * and localStorage. IndexedDB comes from the fake-indexeddb package.
 */
import type { WorkerRequest, WorkerResponse } from '../../../src/worker/protocol';

/** A worker that records what the page posts and answers only when a test tells it to. */
export class FakeWorker {
  /** Every fake made since the last `reset`, so a test can reach one a store made itself. */
  static instances: FakeWorker[] = [];
  static reset(): void {
    FakeWorker.instances = [];
  }

  posted: WorkerRequest[] = [];
  terminated = false;
  onmessage: ((this: Worker, ev: MessageEvent) => unknown) | null = null;
  onerror: ((this: AbstractWorker, ev: ErrorEvent) => unknown) | null = null;

  constructor() {
    FakeWorker.instances.push(this);
  }

  postMessage(message: WorkerRequest): void {
    this.posted.push(message);
  }

  terminate(): void {
    this.terminated = true;
  }

  /** Deliver a message as the worker would post it. */
  reply(data: WorkerResponse): void {
    this.onmessage?.call(this as unknown as Worker, { data } as MessageEvent<WorkerResponse>);
  }

  /** An uncaught error inside the worker. */
  crash(message: string): void {
    this.onerror?.call(this as unknown as Worker, { message } as ErrorEvent);
  }

  /** The last request of a type the page posted; fails the test when there is none. */
  last<T extends WorkerRequest['type']>(type: T): Extract<WorkerRequest, { type: T }> {
    const found = this.posted.filter((m) => m.type === type).pop();
    if (!found) throw new Error(`No ${type} request was posted.`);
    return found as Extract<WorkerRequest, { type: T }>;
  }
}

/** localStorage kept in a Map. */
export function memoryStorage(initial: Record<string, string> = {}): Storage {
  const items = new Map(Object.entries(initial));
  return {
    get length() {
      return items.size;
    },
    clear: () => items.clear(),
    getItem: (key) => items.get(key) ?? null,
    key: (index) => [...items.keys()][index] ?? null,
    removeItem: (key) => void items.delete(key),
    setItem: (key, value) => void items.set(key, String(value)),
  };
}
