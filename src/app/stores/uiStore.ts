/** Transient UI state shared between panels: dialogs and the quick-add popup. */
import { defineStore } from 'pinia';
import { ref } from 'vue';
import type { ContextRequest, WireDrop } from '../../editor/types';
import type { Ownership } from '../tabOwnership';

export const useUiStore = defineStore('ui', () => {
  const helpOpen = ref(false);
  /** The palette and the side panel can be hidden to give the canvas the whole width. */
  const paletteVisible = ref(true);
  const sideVisible = ref(true);
  /** The side panel's tab: the Inspector, or Train (settings, a run's progress and curves). */
  const sidePanel = ref<'inspector' | 'train'>('inspector');
  /** Bring the Train tab into view, where a run that starts shows its progress. */
  function showTrainTab(): void {
    sidePanel.value = 'train';
    sideVisible.value = true;
  }
  const presetsOpen = ref(false);
  /** Open when a wire was released on empty canvas, or "Add node…" was chosen. */
  const quickAdd = ref<{
    drop: WireDrop | undefined;
    client: { x: number; y: number };
    at: { x: number; y: number };
  }>();
  /** Open context menu; `ids` are the nodes its node actions apply to. */
  const contextMenu = ref<ContextRequest & { ids: string[] }>();
  const diagnosticsOpen = ref(false);
  /** Height of the results dock's body in px, set by dragging its edge or with the arrow keys. */
  const dockHeight = ref(300);
  /** `elsewhere`: a change was not saved because another tab owns the autosave. */
  const autosave = ref<'idle' | 'pending' | 'saved' | 'failed' | 'elsewhere'>('idle');
  /** Whether this tab writes the autosave (src/app/tabOwnership.ts); owner until told otherwise. */
  const ownership = ref<Ownership>('owner');

  return {
    helpOpen,
    paletteVisible,
    sideVisible,
    sidePanel,
    showTrainTab,
    presetsOpen,
    quickAdd,
    contextMenu,
    diagnosticsOpen,
    dockHeight,
    autosave,
    ownership,
  };
});
