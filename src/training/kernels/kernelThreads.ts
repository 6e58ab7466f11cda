/**
 * A second thread for the dense kernels: a helper (a `worker_threads` Worker in Node, a nested
 * Web Worker in the browser) instantiates the shared-memory build of the same kernels on the
 * trainer's memory, and runs its half of a product when the trainer asks through a control block
 * in that memory (Atomics wait/notify). Where that cannot be had, training runs on one thread and
 * `threadSupport()` says why.
 */
import { DENSE_KERNELS_SHARED_WASM_BASE64 } from './denseKernelsShared.wasm';
import { assertDenseKernels, type DenseKernels } from './kernels';

/** How many threads the kernels can use here, and why only one when that is so. */
export interface ThreadSupport {
  threads: 1 | 2;
  /** Why one thread, in the user's words (undefined with two). */
  reason?: string;
}

/** The control block: int32 slots, then the call's arguments as float64. */
const SEQ = 0; // jobs posted so far (the trainer writes)
const DONE = 1; // jobs finished (the helper writes)
const OP = 2; // index into the kernel names, −1: leave the loop
const ARGC = 3;
const FAILED = 4; // the helper's last call threw (a trap)
const ARGS_AT = 32;
const MAX_ARGS = 16;
/** Bytes the trainer reserves for the control block (64-byte aligned). */
export const CONTROL_BYTES = ARGS_AT + MAX_ARGS * 8;
/** Bytes of the helper's own scratch (`useScratch`, see `assembly/simd.ts`). */
export const HELPER_SCRATCH_BYTES = 64;

/**
 * Busy-wait this many checks before sleeping in `Atomics.wait`: the next half-product usually
 * comes within tens of microseconds, and waking a sleeping thread costs about as much.
 */
const SPINS = 20000;
/** Give up on a helper that does not answer (it crashed or was stopped), rather than hang. */
const ANSWER_TIMEOUT_MS = 30000;

/**
 * The helper thread's program, as source text: it runs in a Worker made from a string, so it
 * must not depend on anything of ours (or on a bundler keeping a function's text intact).
 * `port` is the environment's message port: `on(handler)` and `post(message)`.
 */
const HELPER_SOURCE = `(port) => {
  port.on((init) => {
    WebAssembly.instantiate(init.module, { env: { memory: init.memory } }).then(
      (instance) => {
        const k = instance.exports;
        k.useScratch(init.scratch);
        const ctl = new Int32Array(init.memory.buffer, init.control, ${ARGS_AT / 4});
        const args = new Float64Array(init.memory.buffer, init.control + ${ARGS_AT}, ${MAX_ARGS});
        port.post({ ready: true });
        let seen = Atomics.load(ctl, ${SEQ});
        for (;;) {
          for (let i = 0; i < ${SPINS} && Atomics.load(ctl, ${SEQ}) === seen; i++);
          while (Atomics.load(ctl, ${SEQ}) === seen) Atomics.wait(ctl, ${SEQ}, seen);
          seen = Atomics.load(ctl, ${SEQ});
          const op = ctl[${OP}];
          if (op < 0) break;
          try {
            k[init.names[op]](...args.subarray(0, ctl[${ARGC}]));
            ctl[${FAILED}] = 0;
          } catch (e) {
            ctl[${FAILED}] = 1;
          }
          Atomics.store(ctl, ${DONE}, seen);
          Atomics.notify(ctl, ${DONE});
        }
        Atomics.store(ctl, ${DONE}, seen);
        Atomics.notify(ctl, ${DONE});
      },
      (e) => port.post({ error: String(e) }),
    );
  });
}`;

/** A started helper thread, whatever the environment. */
interface HelperWorker {
  post(message: unknown): void;
  /** The helper's next message (an error becomes `{ error }`). */
  next(): Promise<unknown>;
  /** Whether a pending answer keeps a Node process alive (an idle helper must not). */
  hold(on: boolean): void;
  terminate(): void;
}

/** `next()` over a message source that calls `deliver` for each message. */
function nextMessage(): { next: () => Promise<unknown>; deliver: (m: unknown) => void } {
  let waiting: ((m: unknown) => void) | undefined;
  return {
    next: () => new Promise((resolve) => (waiting = resolve)),
    deliver: (m) => {
      const resolve = waiting;
      waiting = undefined;
      resolve?.(m);
    },
  };
}

type NodeWorkerThreads = typeof import('node:worker_threads');
type NodeOs = typeof import('node:os');

/** Node's built-in modules without an import (so bundles for the browser never see them). */
function nodeBuiltin<T>(name: string): T | undefined {
  const p = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  return p?.getBuiltinModule?.(name) as T | undefined;
}

function startNodeHelper(threads: NodeWorkerThreads): HelperWorker {
  const source =
    `const { parentPort } = require('node:worker_threads');\n(${HELPER_SOURCE})({ ` +
    `on: (f) => parentPort.on('message', f), post: (m) => parentPort.postMessage(m) });`;
  const worker = new threads.Worker(source, { eval: true });
  const messages = nextMessage();
  worker.on('message', messages.deliver);
  worker.on('error', (e) => messages.deliver({ error: String(e) }));
  return {
    post: (m) => worker.postMessage(m),
    next: messages.next,
    hold: (on) => void (on ? worker.ref() : worker.unref()),
    terminate: () => void worker.terminate(),
  };
}

function startBrowserHelper(): HelperWorker {
  const source =
    `(${HELPER_SOURCE})({ on: (f) => { self.onmessage = (e) => f(e.data); }, ` +
    `post: (m) => self.postMessage(m) });`;
  const url = URL.createObjectURL(new Blob([source], { type: 'text/javascript' }));
  const worker = new Worker(url);
  URL.revokeObjectURL(url);
  const messages = nextMessage();
  worker.onmessage = (e: MessageEvent) => messages.deliver(e.data);
  worker.onerror = (e) => messages.deliver({ error: e.message });
  return {
    post: (m) => worker.postMessage(m),
    next: messages.next,
    hold: () => {},
    terminate: () => worker.terminate(),
  };
}

/** How this environment starts a helper thread, or why it cannot. */
function helperStarter(): (() => HelperWorker) | string {
  const g = globalThis as { crossOriginIsolated?: boolean; navigator?: { hardwareConcurrency?: number } };
  if (typeof SharedArrayBuffer === 'undefined' || g.crossOriginIsolated === false) {
    return 'SharedArrayBuffer is not available (the page is not cross-origin isolated)';
  }
  if (typeof Atomics === 'undefined' || typeof Atomics.wait !== 'function') {
    return 'Atomics.wait is not available here';
  }
  const threads = nodeBuiltin<NodeWorkerThreads>('node:worker_threads');
  const cores =
    nodeBuiltin<NodeOs>('node:os')?.availableParallelism() ?? g.navigator?.hardwareConcurrency ?? 2;
  if (cores < 2) return 'this machine has one core';
  if (threads) return () => startNodeHelper(threads);
  if (typeof Worker === 'function' && typeof Blob === 'function') return startBrowserHelper;
  return 'this environment cannot start a worker thread';
}

let sharedBytes: Uint8Array<ArrayBuffer> | undefined;
let sharedModule: Promise<WebAssembly.Module> | undefined;

function sharedKernelBytes(): Uint8Array<ArrayBuffer> {
  if (!sharedBytes) {
    const text = atob(DENSE_KERNELS_SHARED_WASM_BASE64);
    sharedBytes = new Uint8Array(text.length);
    for (let i = 0; i < text.length; i++) sharedBytes[i] = text.charCodeAt(i);
  }
  return sharedBytes;
}

/** Whether the kernels can run on two threads here, and if not, why. */
export function threadSupport(): ThreadSupport {
  const starter = helperStarter();
  if (typeof starter === 'string') return { threads: 1, reason: starter };
  try {
    if (!WebAssembly.validate(sharedKernelBytes())) {
      return { threads: 1, reason: 'WebAssembly threads are not available here' };
    }
  } catch {
    return { threads: 1, reason: 'WebAssembly threads are not available here' };
  }
  return { threads: 2 };
}

/** A page count for `bytes`. */
const pagesFor = (bytes: number) => Math.ceil(bytes / 65536);

/**
 * The kernels on a fresh shared memory of `initialBytes`, which may grow to `maximumBytes`.
 * Throws a RangeError when the memory cannot be had.
 */
export async function instantiateSharedKernels(
  initialBytes: number,
  maximumBytes: number,
): Promise<{ kernels: DenseKernels; module: WebAssembly.Module; memory: WebAssembly.Memory }> {
  const maximum = Math.min(65536, Math.max(pagesFor(initialBytes), pagesFor(maximumBytes)));
  const memory = new WebAssembly.Memory({ initial: pagesFor(initialBytes), maximum, shared: true });
  sharedModule ??= WebAssembly.compile(sharedKernelBytes());
  const module = await sharedModule;
  const instance = await WebAssembly.instantiate(module, { env: { memory } });
  assertDenseKernels(instance.exports);
  return { kernels: instance.exports, module, memory };
}

/**
 * The helper thread of one trainer: `post` hands it a kernel call, `join` waits for it. At most
 * one helper runs per process (the machine has two cores): attaching a new trainer detaches the
 * previous one, whose calls then all run on its own thread.
 */
export class KernelHelper {
  private readonly ctl: Int32Array;
  private readonly args: Float64Array;
  private seq = 0;
  private attached = true;

  private constructor(
    memory: WebAssembly.Memory,
    control: number,
    private readonly names: readonly string[],
  ) {
    this.ctl = new Int32Array(memory.buffer, control, ARGS_AT / 4);
    this.args = new Float64Array(memory.buffer, control + ARGS_AT, MAX_ARGS);
  }

  /** Whether calls still go to the helper thread. */
  get active(): boolean {
    return this.attached;
  }

  /**
   * Start (or reuse) the helper thread on `memory`, with the control block at byte `control` and
   * its scratch at `scratch`; undefined (with the reason) when it cannot start.
   */
  static async attach(
    module: WebAssembly.Module,
    memory: WebAssembly.Memory,
    control: number,
    scratch: number,
    names: readonly string[],
  ): Promise<KernelHelper | string> {
    const starter = helperStarter();
    if (typeof starter === 'string') return starter;
    current?.detach();
    worker ??= starter();
    const helper = new KernelHelper(memory, control, names);
    const answer = worker.next();
    worker.hold(true);
    worker.post({ module, memory, control, scratch, names });
    const message = (await answer) as { ready?: boolean; error?: string };
    worker?.hold(false);
    if (!message.ready) {
      worker?.terminate();
      worker = undefined;
      return `the helper thread did not start (${message.error ?? 'no answer'})`;
    }
    current = helper;
    return helper;
  }

  /** Hand `name(...args)` to the helper thread; `join` waits for it. */
  post(name: string, args: readonly number[]): void {
    const op = this.names.indexOf(name);
    if (op < 0 || args.length > MAX_ARGS) throw new Error(`KernelHelper: cannot post ${name}`);
    this.args.set(args);
    this.ctl[OP] = op;
    this.ctl[ARGC] = args.length;
    this.seq++;
    Atomics.store(this.ctl, SEQ, this.seq);
    Atomics.notify(this.ctl, SEQ);
  }

  /** Wait until the helper has finished the call posted last. */
  join(): void {
    const { ctl } = this;
    for (let i = 0; i < SPINS && Atomics.load(ctl, DONE) !== this.seq; i++);
    const start = Date.now();
    for (let done = Atomics.load(ctl, DONE); done !== this.seq; done = Atomics.load(ctl, DONE)) {
      Atomics.wait(ctl, DONE, done, 1000);
      if (Date.now() - start > ANSWER_TIMEOUT_MS) {
        this.attached = false;
        throw new Error('The kernels’ helper thread stopped answering; train again to use one thread.');
      }
    }
    if (ctl[FAILED]) throw new Error('A kernel failed on the helper thread.');
  }

  /** Let the helper thread leave this trainer's memory (it then waits for the next trainer). */
  private detach(): void {
    if (!this.attached) return;
    this.attached = false;
    this.ctl[OP] = -1;
    this.seq++;
    Atomics.store(this.ctl, SEQ, this.seq);
    Atomics.notify(this.ctl, SEQ);
    this.join();
    if (current === this) current = undefined;
  }

  /** Stop the helper thread (tests and short-lived tools; training leaves it for the next run). */
  static stop(): void {
    current?.detach();
    worker?.terminate();
    worker = undefined;
  }
}

/** The process's helper thread and the trainer it works for. */
let worker: HelperWorker | undefined;
let current: KernelHelper | undefined;
