import 'fake-indexeddb/auto';
import { clear, createStore } from 'idb-keyval';
import { createPinia, setActivePinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { GraphDocument } from '../../../src/core/document';
import { graphHash, structureHash } from '../../../src/core/graphHash';
import { PRESETS } from '../../../src/app/presets';
import { useGraphStore } from '../../../src/app/stores/graphStore';
import { lessonIdFromHash, useLessonStore } from '../../../src/app/stores/lessonStore';
import { useRunsStore } from '../../../src/app/stores/runsStore';
import { useTrainingStore } from '../../../src/app/stores/trainingStore';
import { FakeWorker, memoryStorage } from './fakes';

const preset = (id: string) => structuredClone(PRESETS.find((p) => p.id === id)!.doc);

let n = 0;
/** Store a finished run of `doc` with its test accuracy, as the training store would. */
async function addRun(doc: GraphDocument, testAccuracy: number): Promise<void> {
  await useRunsStore().add({
    id: `run-${++n}`,
    createdAt: n,
    graphName: doc.name,
    graphHash: graphHash(doc),
    structureHash: structureHash(doc),
    training: doc.training,
    backend: 'cpu',
    status: 'completed',
    message: undefined,
    steps: 100,
    totalSteps: 100,
    seconds: 1,
    stepsPerSecond: 100,
    trainAccuracy: testAccuracy,
    validationAccuracy: testAccuracy,
    testAccuracy,
    curves: { step: [], loss: [], batchAccuracy: [] },
    validation: [],
  });
}

describe('lesson store', () => {
  beforeEach(async () => {
    await clear(createStore('tensorweave-runs', 'runs'));
    FakeWorker.reset();
    vi.stubGlobal('Worker', FakeWorker);
    vi.stubGlobal('localStorage', memoryStorage());
    setActivePinia(createPinia());
    useGraphStore().reset(preset('hidden-layer'));
  });
  afterEach(() => {
    vi.unstubAllGlobals();
  });

  it('advances through the tutorial as the graph and the runs meet each goal', async () => {
    const graph = useGraphStore();
    const lesson = useLessonStore();
    expect(lesson.openShipped('tutorial')).toBeUndefined();
    // Step 1 starts from the beginner preset, as one undo step.
    expect(lesson.stepIndex).toBe(0);
    expect(graph.doc.name).toBe('beginner');
    expect(graph.undoLabel).toBe('Lesson: The beginner network');
    expect(lesson.result).toMatchObject({ met: false });
    await addRun(graph.doc, 0.9237);
    expect(lesson.result).toEqual({ met: true, hint: 'A run of this graph reached 92.4% test accuracy.' });

    lesson.next();
    expect(lesson.step?.title).toBe('Add a hidden layer');
    expect(graph.doc.name).toBe('beginner'); // no starting graph: the learner builds on theirs
    expect(lesson.result?.met).toBe(false);
    graph.load(preset('hidden-layer'));
    expect(lesson.result?.met).toBe(true);

    lesson.next();
    expect(lesson.step?.title).toBe('Train it to 96.6%');
    await addRun(graph.doc, 0.912);
    expect(lesson.result?.met).toBe(false);
    expect(lesson.result?.hint).toMatch(/^The best run of such a graph reached 91\.2%/);
    await addRun(graph.doc, 0.9663);
    expect(lesson.result?.met).toBe(true);

    lesson.next();
    // New runs are ticked for comparison: the beginner run and a hidden-layer one are.
    expect(lesson.result?.met).toBe(true);
    useRunsStore().toggle('run-1');
    expect(lesson.result?.hint).toMatch(/^Tick a run of a graph with Input → Dense \(units = 10\)/);
    useRunsStore().toggle('run-1');

    lesson.next();
    expect(lesson.step?.title).toBe('Convolutions: 99%');
    const cnnShipped = PRESETS.some((p) => p.id === 'cnn');
    expect(lesson.missingPreset).toBe(cnnShipped ? undefined : 'cnn');
    if (!cnnShipped) expect(graph.doc.name).toBe('hidden-layer');
    expect(lesson.result?.met).toBe(false);

    lesson.back();
    expect(lesson.step?.title).toBe('Compare the two runs');
    expect(lesson.missingPreset).toBeUndefined();
    lesson.next();
    lesson.next();
    expect(lesson.finished).toBe(true);
  });

  it('remembers the graph of a run trained in this session, so a { has } goal can judge it', async () => {
    const graph = useGraphStore();
    const lesson = useLessonStore();
    lesson.openShipped('tutorial');
    lesson.next();
    lesson.next();
    // Hidden-layer networks built by hand: ids unlike the preset's, so not known as a preset.
    const built = (id: string) =>
      JSON.parse(JSON.stringify(preset('hidden-layer')).replaceAll('"hidden"', `"${id}"`)) as GraphDocument;
    const trained = built('dense2');
    useTrainingStore().start(trained);
    await addRun(trained, 0.97);
    const elsewhere = built('dense3');
    await addRun(elsewhere, 0.98); // a run from another session: its graph is unknown here
    graph.load(preset('beginner'));
    expect(lesson.result).toEqual({
      met: true,
      hint: expect.stringContaining('reached 97.0% test accuracy'),
    });
  });

  it('refuses a broken lesson file with the file, step and field, and reads #lesson= links', () => {
    const lesson = useLessonStore();
    const text = JSON.stringify({
      format: 'tensorweave-lesson',
      version: 1,
      title: 'x',
      steps: [{ title: 'One', text: 'Go.', condition: { kind: 'runReached', graph: 'mine', accuracy: 0.9 } }],
    });
    expect(lesson.openText(text, 'mine.json')).toMatch(
      /^mine\.json: step 1 \("One"\), field condition\.graph: /,
    );
    expect(lesson.lesson).toBeUndefined();
    expect(lesson.openShipped('nope')).toBe('There is no lesson "nope". Lessons here: tutorial.');
    expect(lessonIdFromHash('#lesson=tutorial')).toBe('tutorial');
    expect(lessonIdFromHash('#graph=abc')).toBeUndefined();
  });
});
