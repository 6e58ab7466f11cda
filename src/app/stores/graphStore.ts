/**
 * The graph document: the single source of truth. The editor shows it and reports user edits
 * here; every edit is one call that commits one undo step (a snapshot of the previous
 * document; documents are never mutated, so snapshots share structure and cost little).
 */
import { defineStore } from 'pinia';
import { computed, ref, shallowRef } from 'vue';
import { analyzeGraph } from '../../core/analyze';
import {
  emptyDocument,
  type Endpoint,
  type GraphDocument,
  type Position,
  type TrainingSettings,
} from '../../core/document';
import type { Result } from '../../core/result';
import * as ops from '../graphOps';

/** Undo steps kept; older ones are dropped. */
export const HISTORY_LIMIT = 200;

interface Snapshot {
  doc: GraphDocument;
  selection: string[];
  label: string;
}

export const useGraphStore = defineStore('graph', () => {
  const doc = shallowRef<GraphDocument>(emptyDocument());
  const analysis = computed(() => analyzeGraph(doc.value));
  /** Selected node ids, in selection order. */
  const selection = ref<string[]>([]);
  const past = shallowRef<Snapshot[]>([]);
  const future = shallowRef<Snapshot[]>([]);
  /** Increases on every change of the document (edits, undo, loads): autosave watches it. */
  const revision = ref(0);
  let clipboard: ops.Fragment | undefined;

  // While a batch runs, commits do not push: the batch pushes one step at its end.
  let batchStart: Snapshot | undefined;
  let batchLabel = '';

  const canUndo = computed(() => past.value.length > 0);
  const canRedo = computed(() => future.value.length > 0);
  const undoLabel = computed(() => past.value.at(-1)?.label);
  const redoLabel = computed(() => future.value.at(-1)?.label);

  function snapshot(label: string): Snapshot {
    return { doc: doc.value, selection: [...selection.value], label };
  }

  /** Make `next` the document as one undo step (no step when nothing changed). */
  function commit(next: GraphDocument, label: string): void {
    if (next === doc.value) return;
    if (!batchStart) {
      past.value = [...past.value.slice(-(HISTORY_LIMIT - 1)), snapshot(label)];
      future.value = [];
    }
    doc.value = next;
    revision.value++;
  }

  /** Run several edits as one undo step, whatever they are and however long they take. */
  function batch<T>(label: string, fn: () => T): T {
    if (batchStart) return fn();
    batchStart = snapshot(label);
    batchLabel = label;
    const before = doc.value;
    try {
      return fn();
    } finally {
      const start = batchStart;
      batchStart = undefined;
      if (doc.value !== before) {
        past.value = [...past.value.slice(-(HISTORY_LIMIT - 1)), { ...start, label: batchLabel }];
        future.value = [];
      }
    }
  }

  function undo(): void {
    const prev = past.value.at(-1);
    if (!prev) return;
    past.value = past.value.slice(0, -1);
    future.value = [...future.value, { ...snapshot(prev.label) }];
    doc.value = prev.doc;
    selection.value = prev.selection.filter((id) => prev.doc.nodes.some((n) => n.id === id));
    revision.value++;
  }

  function redo(): void {
    const next = future.value.at(-1);
    if (!next) return;
    future.value = future.value.slice(0, -1);
    past.value = [...past.value, snapshot(next.label)];
    doc.value = next.doc;
    selection.value = selection.value.filter((id) => next.doc.nodes.some((n) => n.id === id));
    revision.value++;
  }

  /** Replace the document without an undo step: restoring an autosave at start-up. */
  function reset(next: GraphDocument): void {
    doc.value = next;
    selection.value = [];
    past.value = [];
    future.value = [];
    revision.value++;
  }

  /** Load a document (preset, file, new) as one undoable step. */
  function load(next: GraphDocument, label = 'Load graph'): void {
    commit(next, label);
    selection.value = [];
  }

  function addNode(type: string, position: Position): string {
    const { doc: next, id } = ops.addNode(doc.value, type, position);
    commit(next, `Add ${type}`);
    selection.value = [id];
    return id;
  }

  function removeNodes(ids: readonly string[]): void {
    if (!ids.length) return;
    commit(ops.removeNodes(doc.value, ids), ids.length > 1 ? `Delete ${ids.length} nodes` : 'Delete node');
    selection.value = selection.value.filter((id) => !ids.includes(id));
  }

  function removeEdges(ids: readonly string[]): void {
    if (ids.length) commit(ops.removeEdges(doc.value, ids), 'Disconnect');
  }

  /**
   * Connect an output to an input, or say why not (the document is unchanged then). With
   * `replacing`, that edge is removed in the same step: a wire moved to another input.
   */
  function connect(from: Endpoint, to: Endpoint, replacing?: string): Result<string> {
    const base = replacing === undefined ? doc.value : ops.removeEdges(doc.value, [replacing]);
    const checked = ops.checkConnection(base, from, to);
    if (!checked.ok) return checked;
    commit(checked.value.doc, replacing === undefined ? 'Connect' : 'Move wire');
    return { ok: true, value: checked.value.id };
  }

  function moveNodes(moves: readonly { id: string; position: Position }[]): void {
    commit(ops.moveNodes(doc.value, moves), moves.length > 1 ? `Move ${moves.length} nodes` : 'Move node');
  }

  function setParams(id: string, params: Record<string, unknown>): void {
    commit(ops.setParams(doc.value, id, params), 'Edit parameter');
  }

  function setLabel(id: string, label: string): void {
    commit(ops.setLabel(doc.value, id, label), 'Rename node');
  }

  function setName(name: string): void {
    const trimmed = name.trim();
    if (trimmed && trimmed !== doc.value.name) commit({ ...doc.value, name: trimmed }, 'Rename graph');
  }

  /** Replace the training settings (already validated by the caller's schema). */
  function setTraining(training: TrainingSettings): void {
    commit({ ...doc.value, training }, 'Edit training settings');
  }

  function select(ids: readonly string[]): void {
    const same = ids.length === selection.value.length && ids.every((id, i) => selection.value[i] === id);
    if (!same) selection.value = [...ids];
  }

  function copy(ids: readonly string[] = selection.value): number {
    if (!ids.length) return 0;
    clipboard = ops.copyFragment(doc.value, ids);
    return clipboard.nodes.length;
  }

  function cut(ids: readonly string[] = selection.value): number {
    const n = copy(ids);
    if (n) commit(ops.removeNodes(doc.value, ids), n > 1 ? `Cut ${n} nodes` : 'Cut node');
    selection.value = [];
    return n;
  }

  /** Paste the clipboard with its top-left corner at `at`; selects the pasted nodes. */
  function paste(at: Position): string[] {
    if (!clipboard) return [];
    const { doc: next, ids } = ops.pasteFragment(doc.value, clipboard, at);
    commit(next, ids.length > 1 ? `Paste ${ids.length} nodes` : 'Paste node');
    selection.value = ids;
    return ids;
  }

  const hasClipboard = (): boolean => Boolean(clipboard?.nodes.length);

  /** Copy and paste the selection slightly offset, in one step, without touching the clipboard. */
  function duplicate(ids: readonly string[] = selection.value): string[] {
    if (!ids.length) return [];
    const fragment = ops.copyFragment(doc.value, ids);
    const minX = Math.min(...fragment.nodes.map((n) => n.position.x));
    const minY = Math.min(...fragment.nodes.map((n) => n.position.y));
    const { doc: next, ids: created } = ops.pasteFragment(doc.value, fragment, {
      x: minX + 40,
      y: minY + 60,
    });
    commit(next, 'Duplicate');
    selection.value = created;
    return created;
  }

  return {
    doc,
    analysis,
    selection,
    revision,
    canUndo,
    canRedo,
    undoLabel,
    redoLabel,
    batch,
    undo,
    redo,
    reset,
    load,
    addNode,
    removeNodes,
    removeEdges,
    connect,
    moveNodes,
    setParams,
    setLabel,
    setName,
    setTraining,
    select,
    copy,
    cut,
    paste,
    hasClipboard,
    duplicate,
  };
});
