/**
 * Which tab may write the autosave. All tabs of the app share one IndexedDB slot, so two tabs
 * saving in turn would silently undo each other's edits. One tab at a time holds a Web Lock
 * (held for as long as the tab lives; the browser frees it when the tab closes) and only that
 * tab writes. Another tab may take the lock over (`steal`), which tells the old owner through
 * its lock request being aborted.
 */

/** `owner`: this tab saves. `elsewhere`: another tab does. `free`: the owner closed, nobody saves. */
export type Ownership = 'owner' | 'elsewhere' | 'free';

/** The part of `navigator.locks` used here (a fake in unit tests). */
export interface LockRequester {
  request(
    name: string,
    options: { ifAvailable?: boolean; steal?: boolean; signal?: AbortSignal },
    callback: (lock: unknown) => Promise<unknown> | unknown,
  ): Promise<unknown>;
}

export interface TabOwnership {
  readonly state: Ownership;
  /** Settles with the first state, once the lock has answered. */
  readonly ready: Promise<Ownership>;
  /** Become the owner now, whoever holds it; resolves once this tab owns the autosave. */
  takeOver(): Promise<void>;
  dispose(): void;
}

export const AUTOSAVE_LOCK = 'tensorweave-autosave';

export interface OwnershipOptions {
  locks: LockRequester | undefined;
  onChange: (state: Ownership) => void;
  /**
   * Asked when the owner tab goes away: true takes the autosave over at once (this tab has
   * nothing of its own to lose), false leaves it `free` until the user chooses.
   */
  takeWhenFreed: () => boolean;
}

/**
 * Claim the autosave for this tab if no other tab holds it. Without Web Locks (an old browser,
 * Node) the tab always owns it, as before there were locks.
 */
export function claimTabOwnership({ locks, onChange, takeWhenFreed }: OwnershipOptions): TabOwnership {
  let state: Ownership = locks ? 'elsewhere' : 'owner';
  let release: (() => void) | undefined;
  let waiting: AbortController | undefined;
  let disposed = false;

  const set = (next: Ownership): void => {
    if (disposed || next === state) return;
    state = next;
    onChange(next);
  };

  /** Hold the lock until released or stolen; a steal aborts the request, so we lost it. */
  const hold = (): Promise<void> => {
    set('owner');
    return new Promise<void>((resolve) => (release = resolve));
  };

  const lost = (): void => {
    release = undefined;
    set('elsewhere');
    waitForOwnerToLeave();
  };

  function waitForOwnerToLeave(): void {
    if (!locks || disposed) return;
    waiting?.abort();
    const controller = new AbortController();
    waiting = controller;
    locks
      .request(AUTOSAVE_LOCK, { signal: controller.signal }, (lock) => {
        if (!lock || controller.signal.aborted) return undefined;
        if (takeWhenFreed()) return hold();
        set('free');
        return undefined; // release at once: nobody owns it until a tab takes over
      })
      .catch(() => {
        // Aborted by our own takeOver, or stolen while held: the latter means another tab owns it.
        if (waiting === controller && state === 'owner') lost();
      });
  }

  async function acquire(steal: boolean): Promise<boolean> {
    if (!locks) return true;
    let granted = false;
    await new Promise<void>((resolved) => {
      locks
        .request(AUTOSAVE_LOCK, steal ? { steal: true } : { ifAvailable: true }, (lock) => {
          granted = lock !== null && lock !== undefined;
          resolved();
          return granted ? hold() : undefined;
        })
        .catch(() => {
          // Stolen by another tab while this one held it.
          resolved();
          if (!disposed) lost();
        });
    });
    return granted;
  }

  const ready = acquire(false).then((granted) => {
    if (!granted) waitForOwnerToLeave();
    return state;
  });

  return {
    get state() {
      return state;
    },
    ready,
    async takeOver() {
      if (state === 'owner') return;
      waiting?.abort();
      waiting = undefined;
      await acquire(true);
    },
    dispose() {
      disposed = true;
      waiting?.abort();
      release?.();
    },
  };
}
