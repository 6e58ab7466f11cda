/**
 * "See inside the network": which input flows through the model (the drawn digit or a test
 * digit), every node's output for it, the hovered unit with its incoming weights and top test
 * digits, and single steps with their report. Views refresh live while a run trains, at most
 * every `REFRESH_MS` and only while one is on screen, so training keeps its speed.
 */
import { defineStore } from 'pinia';
import { computed, ref, shallowRef, watch } from 'vue';
import { NUM_CLASSES, TEST_IMAGES } from '../../core/mnist';
import { addStep, argMax, describeInput, type InputSource, type WeightChanges } from '../insideWords';
import { REFRESH_MS } from '../liveViewThrottle';
import type { ExampleImage, NodeOutput, StepSummary, UnitDetail } from '../../worker/protocol';
import { useGraphStore } from './graphStore';
import { useModelStore } from './modelStore';
import { useTrainingStore } from './trainingStore';

export type { InputSource };

const NO_MODEL = 'There is no model yet: train, or press “Reset weights” to start one.';

export const useInsideStore = defineStore('inside', () => {
  const training = useTrainingStore();
  const model = useModelStore();
  const graph = useGraphStore();

  /** The Draw a digit pad's current drawing (784 values in [0, 1]), set by the pad. */
  const drawn = shallowRef<Float32Array | undefined>();
  const testDigit = shallowRef<ExampleImage | undefined>();
  const source = ref<InputSource>('test');
  /** The wire picked on the canvas (a node selection picks its output instead). */
  const selectedEdge = ref<string | undefined>();
  const outputs = shallowRef<Map<string, NodeOutput>>(new Map());
  const reason = ref<string | undefined>();
  const hovered = ref<{ nodeId: string; unit: number } | undefined>();
  const unit = shallowRef<UnitDetail | undefined>();
  const lastStep = shallowRef<StepSummary | undefined>();
  const stepsTaken = ref(0);
  /** Resets so far: part of the weights' version, which keys the worker's top-digit cache. */
  const resets = ref(0);
  const stepping = ref(false);
  /** How many views are on screen; nothing is asked while none is. */
  const viewers = ref(0);
  /** Show the last step's gradient magnitudes on the canvas's wires. */
  const showGradients = ref(true);
  /**
   * What changed the weights since the results dock's evaluation (a reset, then steps): the
   * dock says so instead of showing an evaluation that no longer belongs to these weights.
   */
  const sinceEvaluation = ref<WeightChanges | undefined>();
  const evaluating = ref(false);

  const input = computed<Float32Array | undefined>(() => {
    if (source.value === 'drawn') return drawn.value;
    const t = testDigit.value;
    return t ? Float32Array.from(t.pixels, (v) => v / 255) : undefined;
  });

  /** The node whose output is shown: the selected node, or the source of the selected wire. */
  const shownNode = computed<string | undefined>(() => {
    if (graph.selection.length === 1) return graph.selection[0];
    const e = graph.doc.edges.find((x) => x.id === selectedEdge.value);
    return e?.from.node;
  });
  const shown = computed(() => (shownNode.value ? outputs.value.get(shownNode.value) : undefined));

  /** The class the model gives the input now: the scores flowing into the Loss node. */
  const predicted = computed<number | undefined>(() => {
    const loss = graph.doc.nodes.find((n) => n.type === 'loss');
    const into = graph.doc.edges.find((e) => e.to.node === loss?.id && e.to.port === 'in');
    const scores = into ? outputs.value.get(into.from.node)?.values : undefined;
    return scores?.length === NUM_CLASSES ? argMax(scores) : undefined;
  });
  /** Which input the views show, in words ("test digit #4821, a 7 predicted as 9"). */
  const inputLabel = computed(() =>
    describeInput(source.value, testDigit.value, predicted.value ?? testDigit.value?.predicted),
  );

  /** Names the weights the views show: the cache key of the worker's rankings. */
  const version = computed(
    () => `${model.subject?.runId ?? ''}:${training.progress?.step ?? 0}:${stepsTaken.value}:${resets.value}`,
  );

  let lastAsked = -Infinity;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let inFlight = false;

  async function refreshNow(): Promise<void> {
    lastAsked = performance.now();
    const pixels = input.value;
    const client = await training.ready();
    if (!pixels || !client) {
      outputs.value = new Map();
      reason.value = pixels
        ? 'Train the model first.'
        : 'Choose an input: a random test digit or your drawing.';
      return;
    }
    inFlight = true;
    try {
      const answer = await client.query<'activations'>({ type: 'activations', pixels });
      outputs.value = new Map((answer.nodes ?? []).map((n) => [n.nodeId, n]));
      reason.value = answer.reason;
    } finally {
      inFlight = false;
    }
  }

  /** Refresh soon: at once when the last refresh is old enough, else when it will be. */
  function refresh(): void {
    if (viewers.value === 0 || timer || inFlight) return;
    const wait = Math.max(0, lastAsked + REFRESH_MS - performance.now());
    timer = setTimeout(() => {
      timer = undefined;
      void refreshNow();
    }, wait);
  }

  watch([input, () => model.subject?.runId, viewers], refresh);
  // Live while training: every progress report asks, the throttle keeps it rare.
  watch(() => training.progress, refresh);
  // A new run or another model starts its own count; its evaluation is its own.
  watch(
    () => training.runId,
    () => {
      stepsTaken.value = 0;
      lastStep.value = undefined;
      sinceEvaluation.value = undefined;
    },
  );
  watch(
    () => training.evaluation,
    () => (sinceEvaluation.value = undefined),
  );
  watch(
    () => graph.selection,
    (ids) => {
      if (ids.length) selectedEdge.value = undefined;
    },
  );

  async function randomTestDigit(): Promise<void> {
    const index = Math.floor(Math.random() * TEST_IMAGES);
    await showTestDigit(index);
  }
  async function showTestDigit(index: number): Promise<void> {
    const [example] = await training.examples([index]);
    if (!example) {
      reason.value = 'Train the model first: test digits come with it.';
      return;
    }
    useExample(example);
  }
  /** Make a test digit the views' input (the confusion gallery hands in the one clicked). */
  function useExample(example: ExampleImage): void {
    testDigit.value = example;
    source.value = 'test';
  }

  let hoverToken = 0;
  async function hover(nodeId: string, index: number | undefined): Promise<void> {
    const token = ++hoverToken;
    hovered.value = index === undefined ? undefined : { nodeId, unit: index };
    if (index === undefined) return;
    const client = await training.ready();
    if (!client) return;
    const answer = await client.query<'unit'>({ type: 'unit', nodeId, unit: index, version: version.value });
    if (token === hoverToken) unit.value = answer;
  }

  /**
   * Train exactly one batch — of the paused run if one is paused (it stays paused), else of the
   * current model; the report shows in the inspector, its gradients on the wires.
   */
  async function step(): Promise<void> {
    if (stepping.value) return;
    stepping.value = true;
    const ofRun = training.state.status === 'paused';
    try {
      const client = await training.ready();
      if (!client) {
        reason.value = 'There is no model yet: press “Reset weights” to start one, or train.';
        return;
      }
      const doc = model.subject?.doc ?? graph.doc;
      const answer = await client.query<'stepped'>({
        type: 'step',
        training: JSON.parse(JSON.stringify(doc.training)) as typeof doc.training,
      });
      if (!answer.report) {
        reason.value = answer.reason;
        return;
      }
      lastStep.value = answer.report;
      stepsTaken.value = answer.report.step;
      reason.value = undefined;
      // A paused run's step belongs to the run, whose results come when it ends.
      if (!ofRun) sinceEvaluation.value = addStep(sinceEvaluation.value);
      await refreshNow();
    } finally {
      stepping.value = false;
    }
  }

  /** Back to the weights the graph's initialisers and seed give; the step count starts again. */
  async function resetWeights(): Promise<string | undefined> {
    const doc = JSON.parse(JSON.stringify(model.subject?.doc ?? graph.doc)) as typeof graph.doc;
    const answer = await training.worker().query<'weightsReset'>({
      type: 'resetWeights',
      runId: `reset-${Date.now().toString(36)}`,
      document: doc,
    });
    if (answer.reason) {
      reason.value = answer.reason;
      return answer.reason;
    }
    stepsTaken.value = 0;
    lastStep.value = undefined;
    resets.value++;
    sinceEvaluation.value = { reset: true, steps: 0 };
    await refreshNow();
    return undefined;
  }

  /** Evaluate the current weights on the test set; the dock then shows that evaluation. */
  async function evaluate(): Promise<void> {
    if (evaluating.value) return;
    evaluating.value = true;
    try {
      const client = await training.ready();
      const answer = client ? await client.evaluate() : { evaluation: undefined, reason: NO_MODEL };
      // Also a model made by Reset weights, which the training store does not name.
      if (answer.evaluation) training.evaluation = answer.evaluation;
      else reason.value = answer.reason ?? 'The model could not be evaluated.';
    } finally {
      evaluating.value = false;
    }
  }

  /** A view came on screen (returns its goodbye). */
  function watchFrom(): () => void {
    viewers.value++;
    return () => viewers.value--;
  }

  return {
    drawn,
    testDigit,
    source,
    selectedEdge,
    outputs,
    reason,
    hovered,
    unit,
    lastStep,
    stepsTaken,
    stepping,
    showGradients,
    sinceEvaluation,
    evaluating,
    input,
    inputLabel,
    shownNode,
    shown,
    version,
    refresh,
    refreshNow,
    randomTestDigit,
    showTestDigit,
    useExample,
    hover,
    evaluate,
    step,
    resetWeights,
    watchFrom,
  };
});
