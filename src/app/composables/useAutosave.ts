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
  if (raw === undefined || raw === null) {
    graph.reset(fallback());
    return;
  }
  const parsed = parseDocument(typeof raw === 'string' ? raw : JSON.stringify(raw));
  if (parsed.ok) {
    graph.reset(parsed.value);
    return;
  }
  graph.reset(fallback());
  notices.notify(
    'warning',
    'The autosaved graph could not be restored; starting from the beginner preset.',
    parsed.error,
  );
}

/**
 * Start autosaving; call after `restoreSession` so the restored graph is not overwritten first.
 * A change waits `AUTOSAVE_DELAY_MS` for the next one, except when the page is being hidden
 * or left: then it is written at once, so closing the tab or the browser right after an edit
 * keeps it.
 */
export function startAutosave(): void {
  const graph = useGraphStore();
  const ui = useUiStore();
  let timer: ReturnType<typeof setTimeout> | undefined;
  async function save(): Promise<void> {
    timer = undefined;
    try {
      await writeAutosave(serializeDocument(graph.doc));
      ui.autosave = 'saved';
    } catch (e) {
      console.warn('Autosave failed', e);
      ui.autosave = 'failed';
    }
  }
  function flush(): void {
    if (timer === undefined) return;
    clearTimeout(timer);
    timer = undefined;
    if (writeAutosaveNow(serializeDocument(graph.doc))) ui.autosave = 'saved';
    else void save();
  }
  watch(
    () => graph.revision,
    () => {
      ui.autosave = 'pending';
      clearTimeout(timer);
      timer = setTimeout(save, AUTOSAVE_DELAY_MS);
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
