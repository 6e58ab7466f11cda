/**
 * The user-level actions (toolbar buttons, shortcuts, menus): each is one store call (one
 * undo step) plus the feedback the user sees.
 */
import { nextTick } from 'vue';
import { emptyDocument, type Position } from '../../core/document';
import { getNodeSpec } from '../../core/registry';
import { freePosition } from '../../editor/placement';
import { editorHandle } from '../editorHandle';
import { openFiles as openAnyFiles } from '../fileActions';
import { downloadGraph } from '../fileIo';
import type { Preset } from '../presets';
import { useGraphStore } from '../stores/graphStore';
import { useModelStore } from '../stores/modelStore';
import { useNoticeStore } from '../stores/noticeStore';
import { useTrainingStore } from '../stores/trainingStore';

export function useGraphActions() {
  const graph = useGraphStore();
  const notices = useNoticeStore();

  async function fitSoon(): Promise<void> {
    await nextTick();
    await editorHandle.value?.zoomToFit();
  }

  function loadPreset(preset: Preset): void {
    graph.load(structuredClone(preset.doc), `Load preset ${preset.name}`);
    void fitSoon();
  }

  function newGraph(): void {
    graph.load(emptyDocument(), 'New graph');
  }

  /**
   * Open what the user picked or dropped: a graph (.json), a picture carrying one (.png, .svg),
   * or a trained model (.zip, or model.json with its .bin files), which also becomes the
   * current model for evaluation and the drawing pad. A refused file leaves the graph as it is.
   */
  async function openFiles(files: File[]): Promise<boolean> {
    const label = files.length === 1 ? files[0]!.name : `${files.length} files`;
    const result = await openAnyFiles(files);
    if (!result.ok) {
      notices.notify('error', `Could not open “${label}”`, result.error);
      return false;
    }
    const { doc, weights, notes, what, file } = result.value;
    if (weights) {
      const training = useTrainingStore();
      if (training.active) {
        notices.notify('error', `Could not open “${label}”`, 'A training run is in progress; stop it first.');
        return false;
      }
      graph.load(doc, `Open ${label}`);
      const problem = await useModelStore().openImported(doc, weights, file ?? label);
      if (problem)
        notices.notify('warning', 'The graph was opened, but its weights could not be loaded', problem);
      else notices.notify('success', `Opened ${what} with its trained weights`, notes.join(' ') || undefined);
    } else {
      graph.load(doc, `Open ${label}`);
      const errors = graph.analysis.diagnostics.filter((d) => d.severity === 'error');
      if (errors.length) {
        notices.notify(
          'warning',
          `Opened “${label}” with ${errors.length} problem${errors.length > 1 ? 's' : ''}`,
          errors[0]!.message,
        );
      } else notices.notify('success', `Opened ${what}`, notes.join(' ') || undefined);
    }
    void fitSoon();
    return true;
  }

  function openFile(file: File): Promise<boolean> {
    return openFiles([file]);
  }

  function save(): void {
    downloadGraph(graph.doc);
  }

  function addNode(type: string, at?: Position): string | undefined {
    if (!getNodeSpec(type)) return undefined;
    const center = at ?? editorHandle.value?.viewCenter() ?? { x: 0, y: 0 };
    const want = at ? { x: center.x - 92, y: center.y - 30 } : { x: center.x - 92, y: center.y - 50 };
    // A node dropped where the user chose stays there; one added by double-click lands near the
    // centre, where nothing else is.
    return graph.addNode(type, at ? want : freePosition(graph.doc, type, want));
  }

  function deleteSelection(): void {
    graph.removeNodes(graph.selection);
  }

  function copy(): void {
    const n = graph.copy();
    if (n) notices.notify('info', `Copied ${n} node${n > 1 ? 's' : ''}`);
  }

  function cut(): void {
    const n = graph.cut();
    if (n) notices.notify('info', `Cut ${n} node${n > 1 ? 's' : ''}`);
  }

  function paste(): void {
    if (!graph.hasClipboard()) return;
    graph.paste(editorHandle.value?.pasteTarget() ?? { x: 0, y: 0 });
  }

  function duplicate(): void {
    graph.duplicate();
  }

  async function arrange(): Promise<void> {
    const handle = editorHandle.value;
    if (!handle) return;
    await handle.arrange(); // reports every node's new position as one move: one undo step
    await handle.zoomToFit();
  }

  async function fit(): Promise<void> {
    await editorHandle.value?.zoomToFit();
  }

  return {
    loadPreset,
    newGraph,
    openFile,
    openFiles,
    save,
    addNode,
    deleteSelection,
    copy,
    cut,
    paste,
    duplicate,
    arrange,
    fit,
    undo: graph.undo,
    redo: graph.redo,
  };
}
