/**
 * Connects the tab's autosave ownership (src/app/tabOwnership.ts) to the app: the UI store
 * says who owns it, a tab whose owner closed takes over on its own when it has no unsaved
 * edits (showing the last saved graph), and "Take over here" makes this tab's graph the saved
 * one.
 */
import { claimTabOwnership, type LockRequester, type TabOwnership } from '../tabOwnership';
import { useUiStore } from '../stores/uiStore';
import { matchesAutosave, restoreSession, saveNow } from './useAutosave';

let ownership: TabOwnership | undefined;
/** Set while this tab takes over on request, so that owning is not mistaken for being freed. */
let takingOver = false;

/** Claim the autosave for this tab (once); resolves when it is known whether this tab owns it. */
export async function claimAutosave(): Promise<void> {
  if (ownership) return;
  const ui = useUiStore();
  let started = false;
  const locks = (navigator as Navigator & { locks?: LockRequester }).locks;
  ownership = claimTabOwnership({
    locks,
    takeWhenFreed: () => matchesAutosave(),
    onChange: (state) => {
      ui.ownership = state;
      // Freed by the other tab closing, with nothing here to lose: show what it saved last.
      if (started && state === 'owner' && !takingOver) void restoreSession();
    },
  });
  ui.ownership = await ownership.ready;
  started = true;
}

/** Make this tab the one that saves, and save its graph now. */
export async function takeOverAutosave(): Promise<void> {
  if (!ownership) return;
  const ui = useUiStore();
  try {
    takingOver = true;
    await ownership.takeOver();
  } finally {
    takingOver = false;
  }
  ui.ownership = ownership.state;
  await saveNow();
}
