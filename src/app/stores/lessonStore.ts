/**
 * The open lesson: which step the learner is on, and whether its condition holds, evaluated
 * live on the graph store's document and the runs store's records. Entering a step (forward)
 * loads its starting graph as one undo step; Back never replaces the learner's graph.
 */
import { defineStore } from 'pinia';
import { computed, nextTick, ref, shallowRef, watch } from 'vue';
import type { GraphDocument } from '../../core/document';
import { structureHash } from '../../core/graphHash';
import {
  describeCondition,
  evaluateCondition,
  type ConditionResult,
  type RunFacts,
} from '../../core/lessons/evaluateCondition';
import { parseLesson, type Lesson, type LessonStep } from '../../core/lessons/parseLesson';
import { editorHandle } from '../editorHandle';
import { PRESETS } from '../presets';
import { useGraphStore } from './graphStore';
import { useUiStore } from './uiStore';
import { useRunsStore } from './runsStore';
import { useTrainingStore } from './trainingStore';

/** A lesson that ships in `lessons/`, listed in the Learn menu. */
export interface ShippedLesson {
  /** File name without extension: `tutorial`, also what `#lesson=tutorial` names. */
  id: string;
  title: string;
  description: string;
  lesson: Lesson;
}

const files = import.meta.glob<string>('../../../lessons/*.json', {
  eager: true,
  query: '?raw',
  import: 'default',
});

export const SHIPPED_LESSONS: readonly ShippedLesson[] = Object.entries(files)
  .map(([path, text]) => {
    const file = path.replace(/^.*\//, '');
    const parsed = parseLesson(text, file);
    if (!parsed.ok) {
      console.error(parsed.error);
      return undefined;
    }
    const { title, description } = parsed.value;
    return { id: file.replace(/\.json$/, ''), title, description, lesson: parsed.value };
  })
  .filter((l): l is ShippedLesson => l !== undefined);

/** `#lesson=tutorial` → `tutorial`. */
export function lessonIdFromHash(hash: string): string | undefined {
  const m = /^#lesson=([A-Za-z0-9_.-]+)$/.exec(hash);
  return m?.[1];
}

/** Known graphs by structure hash, so a run record (which keeps only the hash) finds its graph. */
const MAX_KNOWN_GRAPHS = 200;

export const useLessonStore = defineStore('lesson', () => {
  const graph = useGraphStore();
  const runs = useRunsStore();
  const training = useTrainingStore();

  const lesson = shallowRef<Lesson>();
  /** Where the lesson came from, for the panel: a file name or a shipped lesson's id. */
  const source = ref('');
  /** The step shown; equal to the number of steps once the lesson is finished. */
  const stepIndex = ref(0);
  const hintShown = ref(false);
  /** The current step starts from a preset this build does not ship. */
  const missingPreset = ref<string>();

  const knownGraphs = shallowRef(
    new Map<string, GraphDocument>(PRESETS.map((p) => [structureHash(p.doc), p.doc])),
  );
  function remember(doc: GraphDocument | undefined): void {
    if (!doc) return;
    const next = new Map(knownGraphs.value);
    next.set(structureHash(doc), doc);
    while (next.size > MAX_KNOWN_GRAPHS) next.delete(next.keys().next().value!);
    knownGraphs.value = next;
  }
  // Runs are made from the training store's document: remember each one started, and each
  // model the worker holds (an opened or restored one too).
  watch(() => training.runDoc, remember, { immediate: true });
  watch(() => training.trainedDoc, remember, { immediate: true });

  const steps = computed(() => lesson.value?.steps ?? []);
  const step = computed<LessonStep | undefined>(() => steps.value[stepIndex.value]);
  const finished = computed(() => lesson.value !== undefined && stepIndex.value >= steps.value.length);

  const runFacts = computed<RunFacts[]>(() => {
    const currentHash = structureHash(graph.doc);
    return runs.runs.map((r) => ({
      id: r.id,
      status: r.status,
      structureHash: r.structureHash,
      testAccuracy: r.testAccuracy,
      validationAccuracy: r.validationAccuracy,
      selected: runs.selected.includes(r.id),
      doc: r.structureHash === currentHash ? graph.doc : knownGraphs.value.get(r.structureHash),
    }));
  });

  const result = computed<ConditionResult | undefined>(() =>
    step.value
      ? evaluateCondition(step.value.condition, { doc: graph.doc, runs: runFacts.value })
      : undefined,
  );
  const goal = computed(() => (step.value ? describeCondition(step.value.condition) : ''));

  async function applyStart(s: LessonStep): Promise<void> {
    missingPreset.value = undefined;
    if (!s.start) return;
    let doc: GraphDocument;
    if ('preset' in s.start) {
      const name = s.start.preset;
      const preset = PRESETS.find((p) => p.id === name);
      // A preset from a newer build: the step stays usable, its text says how to build it.
      if (!preset) {
        missingPreset.value = name;
        return;
      }
      doc = preset.doc;
    } else doc = s.start.graph;
    graph.load(structuredClone(doc), `Lesson: ${s.title}`);
    await nextTick();
    await editorHandle.value?.zoomToFit();
  }

  function enter(index: number): void {
    stepIndex.value = index;
    hintShown.value = false;
    const s = steps.value[index];
    if (s) void applyStart(s);
    else missingPreset.value = undefined;
  }

  /** Open a lesson at its first step. */
  function open(next: Lesson, from: string): void {
    lesson.value = next;
    source.value = from;
    // The lesson lives at the top of the side panel.
    useUiStore().sideVisible = true;
    enter(0);
  }

  /** Open a lesson from a file's text; resolves with the error (file, step, field), if any. */
  function openText(text: string, fileName: string): string | undefined {
    const parsed = parseLesson(text, fileName);
    if (!parsed.ok) return parsed.error;
    open(parsed.value, fileName);
    return undefined;
  }

  function openShipped(id: string): string | undefined {
    const shipped = SHIPPED_LESSONS.find((l) => l.id === id);
    if (!shipped)
      return `There is no lesson "${id}". Lessons here: ${SHIPPED_LESSONS.map((l) => l.id).join(', ')}.`;
    open(shipped.lesson, shipped.id);
    return undefined;
  }

  /** Next when the step is done, Skip when not: both move on (the last one finishes). */
  function next(): void {
    if (lesson.value && stepIndex.value < steps.value.length) enter(stepIndex.value + 1);
  }

  function back(): void {
    if (stepIndex.value > 0) {
      stepIndex.value--;
      hintShown.value = false;
      missingPreset.value = undefined;
    }
  }

  function close(): void {
    lesson.value = undefined;
    source.value = '';
    stepIndex.value = 0;
    hintShown.value = false;
    missingPreset.value = undefined;
  }

  return {
    lesson,
    source,
    stepIndex,
    steps,
    step,
    finished,
    result,
    goal,
    hintShown,
    missingPreset,
    open,
    openText,
    openShipped,
    next,
    back,
    close,
  };
});
