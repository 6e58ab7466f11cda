/**
 * The autosave's flush: an edit still inside the debounce window is written at once when the
 * page is hidden or left (pagehide), so killing the browser right after does not lose it.
 */
import 'fake-indexeddb/auto';
import { createPinia, setActivePinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { nextTick } from 'vue';
import { clearAutosave, readAutosave } from '../../../src/app/autosave';
import { startAutosave } from '../../../src/app/composables/useAutosave';
import { PRESETS } from '../../../src/app/presets';
import { useGraphStore } from '../../../src/app/stores/graphStore';
import { useUiStore } from '../../../src/app/stores/uiStore';

const page = new EventTarget();
const doc = Object.assign(new EventTarget(), { visibilityState: 'visible' as DocumentVisibilityState });

beforeEach(async () => {
  await clearAutosave();
  setActivePinia(createPinia());
  vi.stubGlobal('window', page);
  vi.stubGlobal('document', doc);
  doc.visibilityState = 'visible';
});
afterEach(() => {
  vi.unstubAllGlobals();
});

/** An edit made after autosave started: the graph gets a new name. */
async function rename(name: string): Promise<void> {
  const graph = useGraphStore();
  graph.load({ ...structuredClone(PRESETS[0]!.doc), name });
  await nextTick();
}

async function savedName(): Promise<string | undefined> {
  const text = (await readAutosave()) as string | undefined;
  return text === undefined ? undefined : (JSON.parse(text) as { name: string }).name;
}

describe('autosave flush', () => {
  it('writes the pending edit on pagehide, before the debounce would have', async () => {
    startAutosave();
    await rename('edited just before closing');
    expect(useUiStore().autosave).toBe('pending');
    expect(await savedName()).toBeUndefined();
    page.dispatchEvent(new Event('pagehide'));
    await vi.waitFor(async () => expect(await savedName()).toBe('edited just before closing'), {
      timeout: 300,
      interval: 5,
    });
    expect(useUiStore().autosave).toBe('saved');
  });

  it('writes the pending edit when the page becomes hidden, not when it becomes visible', async () => {
    startAutosave();
    await rename('edited before switching tabs');
    doc.dispatchEvent(new Event('visibilitychange'));
    await new Promise((r) => setTimeout(r, 50));
    expect(await savedName()).toBeUndefined();
    doc.visibilityState = 'hidden';
    doc.dispatchEvent(new Event('visibilitychange'));
    await vi.waitFor(async () => expect(await savedName()).toBe('edited before switching tabs'), {
      timeout: 300,
      interval: 5,
    });
  });

  it('writes nothing on pagehide when no edit is pending', async () => {
    startAutosave();
    page.dispatchEvent(new Event('pagehide'));
    await new Promise((r) => setTimeout(r, 50));
    expect(await savedName()).toBeUndefined();
  });
});
