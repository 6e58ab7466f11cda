/**
 * The conv kernels' memory as a scratch arena: each kernel call lays its buffers out from byte 0
 * (nothing lives between calls), growing the memory when a call needs more.
 */
import type { ConvKernels } from './convModule';

/** Bytes after each buffer, for the kernels' last SIMD blocks that may touch past the end. */
const SLACK = 64;
const PAGE = 65536;

export class ConvWorkspace {
  constructor(readonly kernels: ConvKernels) {}

  /**
   * Byte addresses of buffers of the given float counts, laid out one after another (16-byte
   * aligned, with slack), the memory grown to hold them. Earlier views of the memory may be
   * detached by the growth: take views after this call.
   */
  layout(...floats: number[]): number[] {
    const at: number[] = [];
    let end = 16; // address 0 stays unused: a null pointer is never a buffer
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
