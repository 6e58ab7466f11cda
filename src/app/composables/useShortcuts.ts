/** Global keyboard shortcuts. None fires while the focus is in a text field. */
import { onBeforeUnmount, onMounted } from 'vue';
import { useGraphStore } from '../stores/graphStore';
import { useUiStore } from '../stores/uiStore';
import { useGraphActions } from './useGraphActions';

/** True when the key belongs to a field the user is typing in. */
export function isTypingTarget(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable) return true;
  if (target instanceof HTMLTextAreaElement || target instanceof HTMLSelectElement) return true;
  if (target instanceof HTMLInputElement)
    return !['checkbox', 'radio', 'button', 'submit', 'reset', 'range', 'color', 'file'].includes(
      target.type,
    );
  return false;
}

export function useShortcuts(): void {
  const graph = useGraphStore();
  const ui = useUiStore();
  const actions = useGraphActions();

  function onKeyDown(e: KeyboardEvent): void {
    if (e.key === 'Escape') {
      if (ui.helpOpen) ui.helpOpen = false;
      else if (ui.quickAdd) ui.quickAdd = undefined;
      else if (ui.presetsOpen) ui.presetsOpen = false;
      else if (ui.diagnosticsOpen) ui.diagnosticsOpen = false;
      else if (!isTypingTarget(e.target)) graph.select([]);
      return;
    }
    if (isTypingTarget(e.target) || ui.helpOpen || ui.quickAdd) return;
    const mod = e.ctrlKey || e.metaKey;
    const key = e.key.toLowerCase();
    let handled = true;
    if (mod && key === 'z' && !e.shiftKey) actions.undo();
    else if ((mod && key === 'z' && e.shiftKey) || (mod && key === 'y')) actions.redo();
    else if (mod && key === 'c') actions.copy();
    else if (mod && key === 'x') actions.cut();
    else if (mod && key === 'v') actions.paste();
    else if (mod && key === 'd') actions.duplicate();
    else if (mod && key === 'a') graph.select(graph.doc.nodes.map((n) => n.id));
    else if (mod && key === 's') actions.save();
    // The toolbar marks its file input `data-file-picker`: Ctrl+O opens the same picker.
    else if (mod && key === 'o') document.querySelector<HTMLInputElement>('[data-file-picker]')?.click();
    else if (!mod && (e.key === 'Delete' || e.key === 'Backspace')) actions.deleteSelection();
    else if (!mod && e.key === '.') void actions.fit();
    else if (!mod && e.key === '?') ui.helpOpen = true;
    else handled = false;
    if (handled) e.preventDefault();
  }

  onMounted(() => window.addEventListener('keydown', onKeyDown));
  onBeforeUnmount(() => window.removeEventListener('keydown', onKeyDown));
}
