/**
 * A second thread for a kernel module: a helper (a `worker_threads` Worker in Node, a nested Web
 * Worker in the browser) instantiates the shared-memory build of the same kernels on the caller's
 * memory, and runs its half of a call when the caller asks through a control block in that memory
 * (Atomics wait/notify). Where that cannot be had, the kernels run on one thread and
 * `threadSupport()` says why. Any module built with the shared-memory flags can use it
 * (`SharedKernelModule`): the dense kernels (`trainerKernels.ts`) and the convolution kernels
 * (`../convKernels/convThreads.ts`), each with its own helper thread.
 */
import { DENSE_KERNELS_SHARED_WASM_BASE64 } from './denseKernelsShared.wasm';
import { assertDenseKernels, type DenseKernels } from './kernels';

/** A kernel module's shared-memory build, as the helper machinery needs to know it. */
export interface SharedKernelModule<K> {
  /**
   * Names the module's helper thread: one helper per name, so the dense trainers and the
   * convolution kernels never take each other's helper.
   */
  readonly name: string;
  /** The `.wasm` bytes of the shared-memory build (`--importMemory --sharedMemory`), as base64. */
  readonly base64: string;
  /** Check an instance against the generated interface (throws on a missing or short kernel). */
  readonly check: (exports: WebAssembly.Exports) => asserts exports is WebAssembly.Exports & K;
}

/** The dense kernels' shared-memory build. */
export const DENSE_SHARED: SharedKernelModule<DenseKernels> = {
  name: 'dense',
  base64: DENSE_KERNELS_SHARED_WASM_BASE64,
  check: assertDenseKernels,
};

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
/** Bytes the caller reserves for the control block (64-byte aligned). */
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
        if (init.scratch !== undefined) k.useScratch(init.scratch);
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

/** Each module's decoded bytes and compiled module, made once per process. */
const decoded = new Map<string, Uint8Array<ArrayBuffer>>();
const compiled = new Map<string, Promise<WebAssembly.Module>>();

function sharedBytes(spec: SharedKernelModule<unknown>): Uint8Array<ArrayBuffer> {
  let bytes = decoded.get(spec.name);
  if (!bytes) {
    const text = atob(spec.base64);
    bytes = new Uint8Array(text.length);
    for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
    decoded.set(spec.name, bytes);
  }
  return bytes;
}

/** Whether `spec`'s kernels (default: the dense ones) can run on two threads here, and if not, why. */
export function threadSupport(spec: SharedKernelModule<unknown> = DENSE_SHARED): ThreadSupport {
  const starter = helperStarter();
  if (typeof starter === 'string') return { threads: 1, reason: starter };
  try {
    if (!WebAssembly.validate(sharedBytes(spec))) {
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
 * `spec`'s kernels on a fresh shared memory of `initialBytes`, which may grow to `maximumBytes`.
 * Throws a RangeError when the memory cannot be had.
 */
export async function instantiateSharedModule<K>(
  spec: SharedKernelModule<K>,
  initialBytes: number,
  maximumBytes: number,
): Promise<{ kernels: K; module: WebAssembly.Module; memory: WebAssembly.Memory }> {
  const maximum = Math.min(65536, Math.max(pagesFor(initialBytes), pagesFor(maximumBytes)));
  const memory = new WebAssembly.Memory({ initial: pagesFor(initialBytes), maximum, shared: true });
  let module = compiled.get(spec.name);
  if (!module) compiled.set(spec.name, (module = WebAssembly.compile(sharedBytes(spec))));
  const instance = await WebAssembly.instantiate(await module, { env: { memory } });
  const exports = instance.exports;
  spec.check(exports);
  return { kernels: exports, module: await module, memory };
}

/** `instantiateSharedModule` for the dense kernels. */
export function instantiateSharedKernels(
  initialBytes: number,
  maximumBytes: number,
): Promise<{ kernels: DenseKernels; module: WebAssembly.Module; memory: WebAssembly.Memory }> {
  return instantiateSharedModule(DENSE_SHARED, initialBytes, maximumBytes);
}

/**
 * The helper thread of one user of a kernel module (a dense trainer, the convolution kernels):
 * `post` hands it a kernel call, `join` waits for it. Each module has at most one helper per
 * process (the machine has two cores, and one user of a module computes at a time): attaching a
 * new user detaches the previous one of the same module, whose calls then all run on its own
 * thread. The modules' helpers are separate, so training a dense chain does not take the
 * convolution kernels' helper, nor the reverse.
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
    private readonly thread: HelperThread,
  ) {
    this.ctl = new Int32Array(memory.buffer, control, ARGS_AT / 4);
    this.args = new Float64Array(memory.buffer, control + ARGS_AT, MAX_ARGS);
  }

  /** Whether calls still go to the helper thread. */
  get active(): boolean {
    return this.attached;
  }

  /**
   * Start (or reuse) the helper thread of the module named `moduleName` (default: the dense
   * kernels) on `memory`, with the control block (`CONTROL_BYTES`) at byte `control` and its
   * scratch at `scratch` (undefined for a module without one); the reason when it cannot start.
   * `names` are the kernels `post` may call, as exported by `module`.
   */
  static async attach(
    module: WebAssembly.Module,
    memory: WebAssembly.Memory,
    control: number,
    scratch: number | undefined,
    names: readonly string[],
    moduleName: string = DENSE_SHARED.name,
  ): Promise<KernelHelper | string> {
    const starter = helperStarter();
    if (typeof starter === 'string') return starter;
    let thread = helperThreads.get(moduleName);
    if (!thread) helperThreads.set(moduleName, (thread = {}));
    thread.current?.detach();
    const worker = (thread.worker ??= starter());
    const helper = new KernelHelper(memory, control, names, thread);
    const answer = worker.next();
    worker.hold(true);
    worker.post({ module, memory, control, scratch, names });
    const message = (await answer) as { ready?: boolean; error?: string };
    worker.hold(false);
    if (!message.ready) {
      worker.terminate();
      thread.worker = undefined;
      return `the helper thread did not start (${message.error ?? 'no answer'})`;
    }
    thread.current = helper;
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

  /** Let the helper thread leave this user's memory (it then waits for the next user). */
  private detach(): void {
    if (!this.attached) return;
    this.attached = false;
    this.ctl[OP] = -1;
    this.seq++;
    Atomics.store(this.ctl, SEQ, this.seq);
    Atomics.notify(this.ctl, SEQ);
    this.join();
    if (this.thread.current === this) this.thread.current = undefined;
  }

  /**
   * Stop the helper thread of `moduleName`, or every helper thread (tests and short-lived tools;
   * training leaves them for the next run).
   */
  static stop(moduleName?: string): void {
    for (const [name, thread] of helperThreads) {
      if (moduleName !== undefined && name !== moduleName) continue;
      thread.current?.detach();
      thread.worker?.terminate();
      helperThreads.delete(name);
    }
  }
}

/** One module's helper thread in this process, and the user it works for. */
interface HelperThread {
  worker?: HelperWorker;
  current?: KernelHelper;
}

/** The process's helper threads, by module name. */
const helperThreads = new Map<string, HelperThread>();
