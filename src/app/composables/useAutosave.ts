/**
 * Restore the last session at start-up and autosave every change (debounced). A missing,
 * corrupt or unreadable autosave never stops the app: it falls back to the default preset and
 * says why.
 */
import { watch } from 'vue';
import { emptyDocument, type GraphDocument } from '../../core/document';
import { parseDocument, serializeDocument } from '../../core/parseDocument';
import { keepAutosaveOpen, readAutosave, writeAutosave, writeAutosaveNow } from '../autosave';
import { defaultPreset } from '../presets';
import { useGraphStore } from '../stores/graphStore';
import { useNoticeStore } from '../stores/noticeStore';
import { useUiStore } from '../stores/uiStore';

export const AUTOSAVE_DELAY_MS = 400;

/** The graph's revision when it last matched the autosave (restored or written). */
let savedRevision: number | undefined;

/** True while this tab's graph is the autosaved one: nothing here would be lost by a reload. */
export function matchesAutosave(): boolean {
  return savedRevision === useGraphStore().revision;
}

export async function restoreSession(): Promise<void> {
  const graph = useGraphStore();
  const notices = useNoticeStore();
  const fallback = (): GraphDocument => structuredClone(defaultPreset()?.doc ?? emptyDocument());
  let raw: unknown;
  try {
    raw = await readAutosave();
  } catch (e) {
    console.warn('Autosave unavailable', e);
  }
  const parsed =
    raw === undefined || raw === null
      ? undefined
      : parseDocument(typeof raw === 'string' ? raw : JSON.stringify(raw));
  graph.reset(parsed?.ok ? parsed.value : fallback());
  savedRevision = graph.revision;
  if (parsed === undefined || parsed.ok) return;
  notices.notify(
    'warning',
    'The autosaved graph could not be restored; starting from the beginner preset.',
    parsed.error,
  );
}

/**
 * Write the graph now, if this tab owns the autosave (another tab's edits are never
 * overwritten by a tab that does not).
 */
export async function saveNow(): Promise<void> {
  const graph = useGraphStore();
  const ui = useUiStore();
  if (ui.ownership !== 'owner') {
    ui.autosave = 'elsewhere';
    return;
  }
  const revision = graph.revision;
  try {
    await writeAutosave(serializeDocument(graph.doc));
    savedRevision = revision;
    ui.autosave = 'saved';
  } catch (e) {
    console.warn('Autosave failed', e);
    ui.autosave = 'failed';
  }
}

/**
 * Start autosaving; call after `restoreSession` so the restored graph is not overwritten first.
 * A change waits `AUTOSAVE_DELAY_MS` for the next one, except when the page is being hidden
 * or left: then it is written at once, so closing the tab or the browser right after an edit
 * keeps it. Only the tab that owns the autosave writes, the flush included.
 */
export function startAutosave(): void {
  const graph = useGraphStore();
  const ui = useUiStore();
  let timer: ReturnType<typeof setTimeout> | undefined;
  function flush(): void {
    if (timer === undefined) return;
    clearTimeout(timer);
    timer = undefined;
    if (ui.ownership !== 'owner') return;
    const revision = graph.revision;
    if (writeAutosaveNow(serializeDocument(graph.doc))) {
      savedRevision = revision;
      ui.autosave = 'saved';
    } else void saveNow();
  }
  watch(
    () => graph.revision,
    () => {
      ui.autosave = ui.ownership === 'owner' ? 'pending' : 'elsewhere';
      clearTimeout(timer);
      timer = setTimeout(() => {
        timer = undefined;
        void saveNow();
      }, AUTOSAVE_DELAY_MS);
    },
  );
  // pagehide is the last event a closing tab reliably gets; a hidden page (tab switched,
  // window minimised, phone locked) may be discarded without another one.
  if (typeof window === 'undefined') return;
  keepAutosaveOpen().catch((e: unknown) => console.warn('Autosave unavailable', e));
  window.addEventListener('pagehide', flush);
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'hidden') flush();
  });
}
