import 'fake-indexeddb/auto';
import { createPinia, setActivePinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { nextTick } from 'vue';
import { clearAutosave, readAutosave, writeAutosave } from '../../../src/app/autosave';
import { AUTOSAVE_DELAY_MS, restoreSession, startAutosave } from '../../../src/app/composables/useAutosave';
import { PRESETS } from '../../../src/app/presets';
import { useGraphStore } from '../../../src/app/stores/graphStore';
import { useNoticeStore } from '../../../src/app/stores/noticeStore';
import { useUiStore } from '../../../src/app/stores/uiStore';
import { parseDocument, serializeDocument } from '../../../src/core/parseDocument';

const preset = (id: string) => structuredClone(PRESETS.find((p) => p.id === id)!.doc);

beforeEach(async () => {
  await clearAutosave();
  setActivePinia(createPinia());
});
afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
});

describe('autosave slot', () => {
  it('reads back what was written, and nothing once cleared', async () => {
    await expect(readAutosave()).resolves.toBeUndefined();
    await writeAutosave('{"a":1}');
    await writeAutosave('{"a":2}');
    await expect(readAutosave()).resolves.toBe('{"a":2}');
    await clearAutosave();
    await expect(readAutosave()).resolves.toBeUndefined();
  });
});

describe('restoring the session', () => {
  it('opens the beginner preset when nothing was saved', async () => {
    await restoreSession();
    expect(useGraphStore().doc).toEqual(preset('beginner'));
    expect(useNoticeStore().notices).toEqual([]);
  });

  it('restores the autosaved graph', async () => {
    const doc = { ...preset('hidden-layer'), name: 'my network' };
    await writeAutosave(serializeDocument(doc));
    await restoreSession();
    expect(useGraphStore().doc).toEqual(doc);
    expect(useNoticeStore().notices).toEqual([]);
  });

  it('starts from the beginner preset with a warning when the autosave is corrupt', async () => {
    await writeAutosave('{"format": "tensorweave-graph", "nodes": [');
    await restoreSession();
    expect(useGraphStore().doc).toEqual(preset('beginner'));
    const [notice, ...rest] = useNoticeStore().notices;
    expect(rest).toEqual([]);
    expect(notice).toMatchObject({
      kind: 'warning',
      title: 'The autosaved graph could not be restored; starting from the beginner preset.',
    });
    expect(notice!.message).toBeTruthy();
  });

  it('starts from the beginner preset when IndexedDB cannot be opened', async () => {
    vi.stubGlobal('indexedDB', {
      open: () => {
        throw new Error('IndexedDB is disabled');
      },
    });
    vi.spyOn(console, 'warn').mockImplementation(() => {});
    await restoreSession();
    expect(useGraphStore().doc).toEqual(preset('beginner'));
  });
});

describe('autosaving', () => {
  it(`writes once, ${AUTOSAVE_DELAY_MS} ms after the last of several quick edits`, async () => {
    const graph = useGraphStore();
    const ui = useUiStore();
    graph.reset(preset('beginner'));
    // Only the debounce timer is faked; fake-indexeddb schedules its work with setImmediate.
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    startAutosave();

    graph.setName('first');
    await nextTick();
    expect(ui.autosave).toBe('pending');
    vi.advanceTimersByTime(AUTOSAVE_DELAY_MS - 100);
    graph.setName('second');
    await nextTick();
    vi.advanceTimersByTime(AUTOSAVE_DELAY_MS - 1);
    await expect(readAutosave()).resolves.toBeUndefined();
    expect(ui.autosave).toBe('pending');

    vi.advanceTimersByTime(1);
    await vi.waitFor(() => expect(ui.autosave).toBe('saved'));
    const saved = await readAutosave();
    expect(saved).toBe(serializeDocument(graph.doc));
    const parsed = parseDocument(saved);
    expect(parsed.ok && parsed.value.name).toBe('second');
  });
});
