import 'fake-indexeddb/auto';
import { createPinia, setActivePinia } from 'pinia';
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { nextTick } from 'vue';
import { analyzeGraph } from '../../../src/core/analyze';
import { compileGraph, type CompiledGraph } from '../../../src/core/compile';
import type { GraphDocument } from '../../../src/core/document';
import { tf, useBackend } from '../../../src/cli/nodeEnv';
import { gradientStyles, selectedWireStyle } from '../../../src/app/components/inside/gradientStyles';
import {
  areProbabilities,
  channelRange,
  layoutOf,
  tilePixels,
} from '../../../src/app/components/inside/tensorLayout';
import { addStep, argMax, describeInput, staleEvaluationNote } from '../../../src/app/insideWords';
import { REFRESH_MS } from '../../../src/app/liveViewThrottle';
import { PRESETS } from '../../../src/app/presets';
import { useGraphStore } from '../../../src/app/stores/graphStore';
import { useInsideStore } from '../../../src/app/stores/insideStore';
import { useTrainingStore } from '../../../src/app/stores/trainingStore';
import { activationsOf } from '../../../src/training/activations';
import type { WorkerRequest, WorkerResponse } from '../../../src/worker/protocol';
import { FakeWorker, memoryStorage } from './fakes';

const preset = (id: string): GraphDocument => structuredClone(PRESETS.find((p) => p.id === id)!.doc);
let compiled: CompiledGraph;
beforeAll(async () => {
  await useBackend('cpu');
  const doc = preset('hidden-layer');
  compiled = compileGraph(tf, doc, analyzeGraph(doc));
});

const worker = () => FakeWorker.instances.at(-1)!;

/** The fake worker answers every question (on a microtask) with `answer`, or leaves it unanswered. */
function answering(answer: (m: WorkerRequest & { requestId: number }) => WorkerResponse | undefined): void {
  const w = worker();
  const record = w.postMessage.bind(w);
  w.postMessage = (m: WorkerRequest) => {
    record(m);
    if (!('requestId' in m)) return;
    queueMicrotask(() => {
      const reply = answer(m);
      if (reply) w.reply(reply);
    });
  };
}

function realAnswers(m: WorkerRequest & { requestId: number }): WorkerResponse | undefined {
  if (m.type === 'activations') {
    return { type: 'activations', requestId: m.requestId, nodes: activationsOf(tf, compiled, m.pixels) };
  }
  if (m.type === 'examples') {
    const pixels = Uint8Array.from({ length: 784 }, (_, i) => (i * 7) % 256);
    return {
      type: 'examples',
      requestId: m.requestId,
      examples: [{ index: m.indices[0]!, label: 3, predicted: 3, probabilities: [], pixels }],
    };
  }
  return undefined;
}

/** The page holds a trained model of the hidden-layer preset, as after a run. */
async function withModel(): Promise<void> {
  const graph = useGraphStore();
  graph.reset(preset('hidden-layer'));
  const training = useTrainingStore();
  training.start(graph.doc);
  const runId = training.runId!;
  worker().reply({ type: 'currentModel', runId });
  worker().reply({ type: 'state', runId, event: { type: 'failed', reason: 'test' } });
  await nextTick();
}

const asked = (type: WorkerRequest['type']) => worker().posted.filter((m) => m.type === type).length;

beforeEach(() => {
  FakeWorker.reset();
  vi.stubGlobal('Worker', FakeWorker);
  vi.stubGlobal('localStorage', memoryStorage());
  setActivePinia(createPinia());
});
afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

describe('the inside store', () => {
  it('shows the selected node’s output, or the selected wire’s, for a test digit', async () => {
    await withModel();
    answering(realAnswers);
    const inside = useInsideStore();
    const graph = useGraphStore();
    const leave = inside.watchFrom();
    await inside.randomTestDigit();
    expect(inside.testDigit?.label).toBe(3);
    await vi.waitFor(() => expect(inside.outputs.size).toBe(6 - 1));

    graph.select(['hidden']);
    expect(inside.shown?.shape).toEqual([625]);
    // The hidden values equal the model's own forward pass of the same image.
    const expected = activationsOf(tf, compiled, inside.input!).find((a) => a.nodeId === 'hidden')!;
    expect(Array.from(inside.shown!.values.slice(0, 20))).toEqual(Array.from(expected.values.slice(0, 20)));

    graph.select([]);
    inside.selectedEdge = 'e4';
    expect(inside.shownNode).toBe('output');
    expect(inside.shown?.shape).toEqual([10]);
    graph.select(['softmax']);
    await nextTick();
    expect(inside.selectedEdge).toBeUndefined();
    expect(areProbabilities(inside.shown!.values)).toBe(true);
    leave();
  });

  it('asks nothing while no view is on screen, and at most once per REFRESH_MS while training reports', async () => {
    await withModel();
    answering(realAnswers);
    const inside = useInsideStore();
    const training = useTrainingStore();
    inside.drawn = new Float32Array(784).fill(0.5);
    inside.source = 'drawn';
    for (let i = 0; i < 5; i++) inside.refresh();
    await new Promise((r) => setTimeout(r, 20));
    expect(asked('activations')).toBe(0);

    vi.useFakeTimers({ toFake: ['setTimeout', 'performance'] });
    const leave = inside.watchFrom();
    await nextTick();
    vi.advanceTimersByTime(0);
    for (let k = 0; k < 5; k++) await Promise.resolve();
    expect(asked('activations')).toBe(1);
    for (let i = 0; i < 50; i++) {
      training.progress = { ...(training.progress ?? {}), step: i } as typeof training.progress;
      await nextTick();
      vi.advanceTimersByTime(REFRESH_MS / 10);
      // Let the question's answer arrive before the next report.
      for (let k = 0; k < 5; k++) await Promise.resolve();
    }
    vi.useRealTimers();
    await vi.waitFor(() => expect(inside.outputs.size).toBe(5));
    // 50 reports over 5 × REFRESH_MS: about five questions, never one per report.
    expect(asked('activations')).toBeGreaterThanOrEqual(4);
    expect(asked('activations')).toBeLessThanOrEqual(6);
    leave();
  });

  it('Step shows the step’s report; Reset weights sends the model’s graph and counts from 0', async () => {
    await withModel();
    const report = {
      step: 1,
      loss: 2.31,
      batchAccuracy: 0.12,
      updateRatios: { hidden: 0.001, output: 0.002 },
      gradients: { input: 1e-4, hidden: 1e-3, sigmoid: 2e-3, output: 0.01, softmax: 0.02 },
    };
    let steps = 0;
    answering((m) => {
      if (m.type === 'step')
        return { type: 'stepped', requestId: m.requestId, report: { ...report, step: ++steps } };
      if (m.type === 'resetWeights') return { type: 'weightsReset', requestId: m.requestId };
      return realAnswers(m);
    });
    const inside = useInsideStore();
    for (let i = 0; i < 5; i++) await inside.step();
    expect(inside.stepsTaken).toBe(5);
    expect(inside.lastStep?.loss).toBe(2.31);
    expect(worker().last('step').training.batchSize).toBe(100);

    expect(await inside.resetWeights()).toBeUndefined();
    expect(inside.stepsTaken).toBe(0);
    expect(inside.lastStep).toBeUndefined();
    const reset = worker().last('resetWeights');
    expect(reset.document.nodes.map((n) => n.id)).toContain('sigmoid');
    expect(reset.document.training.seed).toBe(1);
  });

  it('says why a step was refused', async () => {
    await withModel();
    answering((m) =>
      m.type === 'step'
        ? {
            type: 'stepped',
            requestId: m.requestId,
            report: undefined,
            reason: 'A training run is in progress; stop it first, then step.',
          }
        : undefined,
    );
    const inside = useInsideStore();
    await inside.step();
    expect(inside.stepsTaken).toBe(0);
    expect(inside.reason).toMatch(/stop it first/);
  });
});

describe('the input and the evaluation after Step and Reset', () => {
  const digit = (index: number, label: number, predicted: number) => ({
    index,
    label,
    predicted,
    probabilities: [],
    pixels: Uint8Array.from({ length: 784 }, (_, i) => (i * 13) % 256),
  });
  const evaluation = {
    accuracy: 0.9,
    matrix: [],
    perClass: [],
    predicted: new Uint8Array(),
    labels: new Uint8Array(),
  };

  it('names a gallery digit with its label and the current model’s prediction', async () => {
    await withModel();
    answering(realAnswers);
    const inside = useInsideStore();
    inside.useExample(digit(4821, 7, 9));
    // Before any activations: the prediction the gallery gave.
    expect(inside.inputLabel).toBe('test digit #4821, a 7 predicted as 9');
    const leave = inside.watchFrom();
    await vi.waitFor(() => expect(inside.outputs.size).toBe(5));
    // Then the model's own: the class the softmax gives this image now.
    const scores = activationsOf(tf, compiled, inside.input!).find((a) => a.nodeId === 'softmax')!.values;
    const now = argMax(scores);
    expect(inside.inputLabel).toBe(
      now === 7 ? 'test digit #4821, a 7, predicted right' : `test digit #4821, a 7 predicted as ${now}`,
    );
    inside.drawn = new Float32Array(784);
    inside.source = 'drawn';
    expect(inside.inputLabel).toBe('your drawing');
    leave();
  });

  it('Reset weights and Step mark the dock’s evaluation as not this model’s until Evaluate; a paused run’s step does not', async () => {
    await withModel();
    answering((m) => {
      if (m.type === 'step')
        return {
          type: 'stepped',
          requestId: m.requestId,
          report: { step: 1, loss: 2, batchAccuracy: 0.1, updateRatios: {}, gradients: {} },
        };
      if (m.type === 'resetWeights') return { type: 'weightsReset', requestId: m.requestId };
      if (m.type === 'evaluate') return { type: 'evaluation', requestId: m.requestId, evaluation };
      return realAnswers(m);
    });
    const inside = useInsideStore();
    const training = useTrainingStore();
    await inside.resetWeights();
    expect(inside.sinceEvaluation).toEqual({ reset: true, steps: 0 });
    await inside.step();
    await inside.step();
    expect(inside.sinceEvaluation).toEqual({ reset: true, steps: 2 });
    await inside.evaluate();
    expect(training.evaluation?.accuracy).toBe(0.9);
    await nextTick();
    expect(inside.sinceEvaluation).toBeUndefined();
    await inside.step();
    expect(inside.sinceEvaluation).toEqual({ reset: false, steps: 1 });

    training.evaluation = { ...evaluation };
    await nextTick();
    training.state = { status: 'paused', backend: 'wasm', progress: undefined };
    await inside.step();
    expect(inside.sinceEvaluation).toBeUndefined();
  });

  it('words what changed the weights, and a feature map’s channel', () => {
    expect(staleEvaluationNote({ reset: true, steps: 0 }, 0.9213)).toBe(
      "Weights reset: this model is untrained. Evaluate to see this model's accuracy (the last evaluation, 92.1%, was of the weights before).",
    );
    expect(staleEvaluationNote({ reset: true, steps: 3 }, undefined)).toBe(
      "Weights reset, then 3 steps trained. Evaluate to see this model's accuracy.",
    );
    expect(staleEvaluationNote(addStep(undefined), undefined)).toBe(
      "1 step trained since the last evaluation. Evaluate to see this model's accuracy.",
    );
    expect(describeInput('test', undefined, undefined)).toBeUndefined();
    expect(describeInput('test', { index: 3, label: 1 }, undefined)).toBe('test digit #3, a 1');
    expect(argMax([0.1, 0.7, 0.2])).toBe(1);
    // A 2×2×3 tensor, channel-last: channel 1 holds 1, 4, 7, 10.
    const values = Float32Array.from({ length: 12 }, (_, i) => i);
    expect(channelRange(values, 3, 1)).toEqual({ min: 1, max: 10 });
    expect(tilePixels(32)).toBeLessThan(tilePixels(8));
    expect(tilePixels(64)).toBeLessThan(tilePixels(32));
  });
});

describe('how tensors are drawn', () => {
  it('dispatches on the shape alone', () => {
    expect(layoutOf([784])).toEqual({ kind: 'image', side: 28 });
    expect(layoutOf([28, 28, 1])).toEqual({ kind: 'image', side: 28 });
    expect(layoutOf([625])).toEqual({ kind: 'heat', width: 25, height: 25 });
    expect(layoutOf([100])).toEqual({ kind: 'heat', width: 10, height: 10 });
    expect(layoutOf([10])).toEqual({ kind: 'bars' });
    expect(layoutOf([26, 26, 8])).toEqual({ kind: 'tiles', height: 26, width: 26, channels: 8 });
    expect(areProbabilities([0.5, 0.25, 0.25])).toBe(true);
    expect(areProbabilities([1.5, -0.5])).toBe(false);
  });

  it('draws wires wider and warmer the more gradient flows back through them', () => {
    const edges = preset('hidden-layer').edges;
    const css = gradientStyles(edges, {
      input: 1e-5,
      hidden: 1e-4,
      sigmoid: 1e-3,
      output: 1e-2,
      softmax: 1e-1,
    });
    const width = (id: string) => Number(new RegExp(`"${id}"[^}]*stroke-width: ([\\d.]+)px`).exec(css)![1]);
    expect(width('e1')).toBe(2);
    expect(width('e5')).toBe(9);
    expect(width('e2')).toBeLessThan(width('e3'));
    expect(gradientStyles(edges, {})).toBe('');
    expect(selectedWireStyle('e3')).toContain('[data-edge-id="e3"]');
    expect(selectedWireStyle('x"] * {')).toBe('');
  });
});
