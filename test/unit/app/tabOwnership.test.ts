import { describe, expect, it } from 'vitest';
import { claimTabOwnership, type LockRequester, type Ownership } from '../../../src/app/tabOwnership';

/**
 * One origin's Web Locks, as the browser keeps them for all its tabs: one holder of a name,
 * a queue behind it, `ifAvailable` answers null when taken, `steal` aborts the holder.
 */
class FakeLocks {
  private holder: { abort: (e: Error) => void; release: () => void } | undefined;
  private readonly queue: (() => void)[] = [];

  /** A tab's view of the locks; `close()` frees what that tab holds, as closing the tab does. */
  tab(): LockRequester & { close(): void } {
    const held = new Set<() => void>();
    return {
      request: (_name, options, callback) =>
        new Promise((resolve, reject) => {
          const grant = (): void => {
            let done = false;
            const finish = (): void => {
              if (done) return;
              done = true;
              held.delete(finish);
              this.holder = undefined;
              this.queue.shift()?.();
            };
            held.add(finish);
            this.holder = {
              abort: (e) => {
                finish();
                reject(e);
              },
              release: finish,
            };
            void Promise.resolve(callback({ name: 'lock' })).then((value) => {
              if (done) return;
              finish();
              resolve(value);
            });
          };
          if (options.steal) {
            this.holder?.abort(new DOMException('stolen', 'AbortError'));
            grant();
          } else if (this.holder || this.queue.length) {
            if (options.ifAvailable) return void Promise.resolve(callback(null)).then(resolve);
            this.queue.push(grant);
            options.signal?.addEventListener('abort', () => {
              const i = this.queue.indexOf(grant);
              if (i >= 0) this.queue.splice(i, 1);
              reject(new DOMException('aborted', 'AbortError'));
            });
          } else grant();
        }),
      close: () => [...held].forEach((release) => release()),
    };
  }
}

const settle = () => new Promise((r) => setTimeout(r, 0));

function tab(locks: FakeLocks, clean = () => true) {
  const seen: Ownership[] = [];
  const requester = locks.tab();
  const ownership = claimTabOwnership({
    locks: requester,
    onChange: (s) => seen.push(s),
    takeWhenFreed: clean,
  });
  return { ownership, seen, close: () => requester.close() };
}

describe('which tab writes the autosave', () => {
  it('the first tab owns it, the second does not', async () => {
    const locks = new FakeLocks();
    const a = tab(locks);
    expect(await a.ownership.ready).toBe('owner');
    const b = tab(locks);
    expect(await b.ownership.ready).toBe('elsewhere');
  });

  it('taking over makes the old owner a tab that does not save', async () => {
    const locks = new FakeLocks();
    const a = tab(locks);
    await a.ownership.ready;
    const b = tab(locks);
    await b.ownership.ready;
    await b.ownership.takeOver();
    await settle();
    expect(b.ownership.state).toBe('owner');
    expect(a.ownership.state).toBe('elsewhere');
    expect(a.seen).toEqual(['owner', 'elsewhere']);
  });

  it('when the owner closes, a tab without edits takes over; one with edits is left free', async () => {
    const locks = new FakeLocks();
    const a = tab(locks);
    await a.ownership.ready;
    const clean = tab(locks, () => true);
    await clean.ownership.ready;
    a.close();
    await settle();
    expect(clean.ownership.state).toBe('owner');

    const edited = tab(locks, () => false);
    await edited.ownership.ready;
    clean.close();
    await settle();
    expect(edited.ownership.state).toBe('free');
    await edited.ownership.takeOver();
    expect(edited.ownership.state).toBe('owner');
  });

  it('without Web Locks the tab owns the autosave, as before', async () => {
    const ownership = claimTabOwnership({
      locks: undefined,
      onChange: () => undefined,
      takeWhenFreed: () => true,
    });
    expect(await ownership.ready).toBe('owner');
  });
});
