/**
 * Requests to a worker that each settle exactly once: with the worker's answer, or with a
 * stand-in answer carrying the reason when the worker fails, crashes or does not answer in
 * time. Shared by the training and import clients, so no caller ever waits forever.
 */
export class PendingRequests<A> {
  private readonly waiting = new Map<
    number,
    { settle: (answer: A) => void; fail: (reason: string) => A; timer: ReturnType<typeof setTimeout> }
  >();

  /**
   * Wait for the answer to request `id`. `fail` builds the answer a caller gets instead when
   * the request cannot be answered; `onTimeout` runs after that one has settled by timeout.
   */
  wait(
    id: number,
    fail: (reason: string) => A,
    timeout: { ms: number; reason: string; onTimeout?: () => void },
  ): Promise<A> {
    return new Promise<A>((settle) => {
      const timer = setTimeout(() => {
        this.fail(id, timeout.reason);
        timeout.onTimeout?.();
      }, timeout.ms);
      this.waiting.set(id, { settle, fail, timer });
    });
  }

  /** Settle request `id` with its answer; an answer nobody waits for (any more) is dropped. */
  answer(id: number, answer: A): void {
    const entry = this.take(id);
    entry?.settle(answer);
  }

  /** Settle request `id` with its stand-in answer saying why. */
  fail(id: number, reason: string): void {
    const entry = this.take(id);
    entry?.settle(entry.fail(reason));
  }

  /** Settle every waiting request with its stand-in answer (the worker is gone). */
  failAll(reason: string): void {
    for (const id of [...this.waiting.keys()]) this.fail(id, reason);
  }

  get size(): number {
    return this.waiting.size;
  }

  private take(id: number) {
    const entry = this.waiting.get(id);
    if (!entry) return undefined;
    clearTimeout(entry.timer);
    this.waiting.delete(id);
    return entry;
  }
}
