/**
 * The conv kernels' memory as a scratch arena: each kernel call lays its buffers out from the
 * arena's start (nothing lives between calls; before it, the helper thread's control block),
 * growing the memory when a call needs more. The threads the calls run on come with it.
 */
import type { ConvKernels } from './convModule';
import { ARENA_START, ConvThreads } from './convThreads';

/** Bytes after each buffer, for the kernels' last SIMD blocks that may touch past the end. */
const SLACK = 64;
const PAGE = 65536;

export class ConvWorkspace {
  private constructor(
    readonly kernels: ConvKernels,
    readonly threads: ConvThreads,
  ) {}

  /** A workspace whose kernels run on `threads` threads (one, with the reason, where two cannot). */
  static async create(threads: 1 | 2): Promise<ConvWorkspace> {
    const started = await ConvThreads.start(threads);
    return new ConvWorkspace(started.kernels, started.threads);
  }

  /**
   * Byte addresses of buffers of the given float counts, laid out one after another (16-byte
   * aligned, with slack), the memory grown to hold them. Earlier views of the memory may be
   * detached by the growth: take views after this call.
   */
  layout(...floats: number[]): number[] {
    const at: number[] = [];
    let end = ARENA_START;
    for (const count of floats) {
      at.push(end);
      end += Math.ceil((count * 4 + SLACK) / 16) * 16;
    }
    const memory = this.kernels.memory;
    if (end > memory.buffer.byteLength) memory.grow(Math.ceil((end - memory.buffer.byteLength) / PAGE));
    return at;
  }

  /** A float32 view of `count` floats at byte address `at`. */
  view(at: number, count: number): Float32Array {
    return new Float32Array(this.kernels.memory.buffer, at, count);
  }
}
