/** A small seedable PRNG for shuffling, so that a run is reproducible from its seed. */

/** mulberry32: a fast 32-bit generator; returns floats in [0, 1). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Fisher–Yates shuffle in place. */
export function shuffleInPlace(values: Int32Array, random: () => number): Int32Array {
  for (let i = values.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    const t = values[i]!;
    values[i] = values[j]!;
    values[j] = t;
  }
  return values;
}

/**
 * Which training examples each step uses: a seeded shuffle of all of them, consumed a batch at
 * a time and reshuffled when the rest cannot fill a batch (the remainder is skipped, as the
 * tutorial's loader did). Both training paths take their batches from here, so they see the
 * same batches in the same order.
 */
export class BatchOrder {
  readonly order: Int32Array;
  /** Passes started so far (1 during the first). */
  epoch = 0;
  private cursor: number;
  private readonly random: () => number;

  constructor(
    private readonly count: number,
    private readonly batchSize: number,
    seed: number,
  ) {
    this.order = new Int32Array(count).map((_, i) => i);
    this.random = mulberry32(seed ^ 0x5eed5eed);
    this.cursor = count; // forces a shuffle before the first batch
  }

  /** Where the next batch starts in `order`. */
  next(): number {
    if (this.cursor + this.batchSize > this.count) {
      shuffleInPlace(this.order, this.random);
      this.cursor = 0;
      this.epoch++;
    }
    const start = this.cursor;
    this.cursor += this.batchSize;
    return start;
  }
}
