/**
 * The trained model as the user meets it: which graph its results belong to, whether the
 * canvas still is that graph (the core's `modelIdentity` rule) and how many edits ago it left
 * it, what to call it ("hidden-layer · run 3"), and the actions on it — put its graph back on
 * the canvas, train the canvas instead, open a model file or a kept run's model (a model
 * opened from a file is kept like a run's), restore the last one at start-up.
 */
import { defineStore } from 'pinia';
import { computed, nextTick, ref, watch } from 'vue';
import type { GraphDocument } from '../../core/document';
import type { LayerWeights } from '../../core/exchange/importTrainedModel';
import { compareWithModel, editsSince, staleNotice } from '../../core/modelIdentity';
import { editorHandle } from '../editorHandle';
import { keepWorkerModel } from '../modelPayload';
import { sharedModelStorage } from '../modelStorage';
import { useGraphStore } from './graphStore';
import { useNoticeStore } from './noticeStore';
import { openedModelRecord, useRunsStore } from './runsStore';
import { useTrainingStore } from './trainingStore';
import { useUiStore } from './uiStore';

/**
 * Whether start-up loads the last kept model into the worker at once, or (the default) on the
 * first question of a results view — Draw a digit, Weights, a confusion-matrix cell, Export.
 * Its evaluation shows at once either way. Measured in Chromium on 2 busy cores (README, "What
 * is kept across reloads"): loading at once added ~0.7 s of long tasks and ~0.7 s to start-up;
 * on demand, start-up is as with no model. `localStorage['tensorweave.restore'] = 'eager'`
 * switches for measuring.
 */
export const RESTORE_EAGERLY = false;
const restoreEagerly = () => RESTORE_EAGERLY || localStorage.getItem('tensorweave.restore') === 'eager';

export const useModelStore = defineStore('model', () => {
  const graph = useGraphStore();
  const training = useTrainingStore();
  const runs = useRunsStore();
  const notices = useNoticeStore();

  /**
   * The graph the results on show belong to: while a run trains, the document it trains;
   * otherwise the model the worker holds, or the kept one on its way there.
   */
  const subject = computed<{ runId: string; doc: GraphDocument } | undefined>(() => {
    if (training.active && training.runDoc && training.runId)
      return { runId: training.runId, doc: training.runDoc };
    return training.model ?? training.loading;
  });
  const comparison = computed(() => subject.value && compareWithModel(subject.value.doc, graph.doc));
  const stale = computed(() => comparison.value?.stale ?? false);
  /** Canvas changes since it last was the trained graph; undefined when unknown (after a reload). */
  const editsAgo = ref<number | undefined>(0);

  // Synchronous: every edit counts, even several in one tick (a comparison is two hashes).
  watch(
    [() => subject.value?.runId, () => graph.doc],
    ([id], [before]) => {
      const c = comparison.value;
      if (!c) return;
      // A new model: counted from now when the canvas is its graph, unknown when it is not.
      if (id !== before) editsAgo.value = c.stale ? undefined : 0;
      else editsAgo.value = editsSince(editsAgo.value, c);
    },
    { flush: 'sync' },
  );

  /** "hidden-layer · run 3", "mnist-cnn · from mnist-cnn.zip" (`runNames.ts`). */
  const label = computed(() => {
    const s = subject.value;
    if (!s) return undefined;
    return runs.runLabel(s.runId) ?? s.doc.name;
  });

  /** The banner's words when the results belong to another graph than the canvas's. */
  const notice = computed(() => {
    const s = subject.value;
    const c = comparison.value;
    if (!s || !c?.stale) return undefined;
    return staleNotice(s.doc.name, c, editsAgo.value, training.active);
  });

  async function fit(): Promise<void> {
    await nextTick();
    await editorHandle.value?.zoomToFit();
  }

  /** Put the graph the model was trained as on the canvas: one undo step. */
  function openTrainedGraph(): void {
    const s = subject.value;
    if (!s) return;
    graph.load(structuredClone(s.doc), `Open the trained graph (${label.value ?? s.doc.name})`);
    void fit();
  }

  /**
   * Train the graph on the canvas, with the Train tab on show (its progress and curves), as the
   * toolbar's Train does; says why not when it has errors or a run is on.
   */
  function trainThisGraph(): void {
    if (training.active) return;
    const errors = graph.analysis.diagnostics.filter((d) => d.severity === 'error');
    if (errors.length) {
      notices.notify('warning', 'This graph cannot be trained yet', errors[0]!.message);
      return;
    }
    useUiStore().showTrainTab();
    training.start(graph.doc);
  }

  /**
   * A model opened from `fileName` (its graph already on the canvas) becomes the current model,
   * and is kept like a run's: a record in the runs table saying where it came from, its weights
   * with its graph and evaluation (within the same cap), so a reload brings it back. Resolves
   * with why its weights could not be loaded, if not; a refused keep is only a notice.
   */
  async function openImported(
    doc: GraphDocument,
    weights: LayerWeights,
    fileName: string,
  ): Promise<string | undefined> {
    const problem = await training.loadImported(doc, weights);
    const id = training.runId;
    if (problem || !id || training.model?.runId !== id) return problem;
    await runs.add(openedModelRecord(id, doc, fileName, training.evaluation?.accuracy ?? Number.NaN));
    const outcome = await keepWorkerModel(
      training.worker(),
      id,
      doc,
      training.evaluation,
      () => training.model?.runId === id,
    );
    await runs.refreshKept();
    if (outcome && !outcome.ok) {
      notices.notify(
        'warning',
        `The weights of ${runs.runLabel(id) ?? doc.name} were not kept`,
        `${outcome.reason} The model works until the page is reloaded; delete older runs to make room.`,
      );
    }
    return undefined;
  }

  /** The runs table's "Open this model": its graph onto the canvas, its weights and results back. */
  async function openRun(runId: string): Promise<boolean> {
    const name = runs.runLabel(runId) ?? 'this run';
    const refuse = async (reason: string | undefined) => {
      notices.notify('warning', `Could not open the model of ${name}`, reason);
      await runs.refreshKept();
      return false;
    };
    // The graph goes on the canvas first; the weights follow into the worker.
    const opened = await training.openKept(runId, runs.record(runId), false);
    if (!opened.doc) return refuse(opened.reason);
    graph.load(structuredClone(opened.doc), `Open the model of ${name}`);
    void fit();
    const problem = await training.ensureLoaded();
    if (problem) return refuse(problem);
    notices.notify(
      'success',
      `Opened the model of ${name}`,
      'Its graph is on the canvas; its results are below.',
    );
    return true;
  }

  let restored = false;
  /** At start-up: the last kept model with its results (once per page). */
  async function restoreLast(): Promise<void> {
    if (restored || training.active || training.model) return;
    restored = true;
    try {
      if (!runs.loaded) await runs.load();
      const [last] = await sharedModelStorage().list();
      if (!last) return;
      const opened = await training.openKept(last.runId, runs.record(last.runId), restoreEagerly());
      if (opened.reason)
        notices.notify('warning', 'The last trained model could not be restored', opened.reason);
    } catch (e) {
      console.warn('No kept model restored', e);
    }
  }

  return {
    subject,
    comparison,
    stale,
    editsAgo,
    label,
    notice,
    openTrainedGraph,
    trainThisGraph,
    openImported,
    openRun,
    restoreLast,
  };
});
