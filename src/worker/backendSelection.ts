/**
 * Where a run trains: on Tensorweave's kernels when the graph is a dense chain and the
 * choice allows it, otherwise on a TensorFlow.js backend — the chosen one, or for `auto` the
 * fastest of a few measured steps.
 */
import * as tf from '@tensorflow/tfjs';
import { analyzeGraph } from '../core/analyze';
import { compileGraph, type CompiledGraph } from '../core/compile';
import type { GraphDocument } from '../core/document';
import type { MnistData } from '../training/mnist';
import { activateBackend, autoCandidates, describeBackend, type ConcreteBackend } from './browserBackends';
import { postToPage } from './postToPage';
import type { BackendChoice } from './protocol';
import { kernelsLabel, kernelsRefusal, threadSupport, trainForTiming } from './trainingCalls';

/** A backend this browser cannot run: the user can pick another one. */
export class BackendUnavailable extends Error {
  constructor(backend: string) {
    super(`The ${backend} backend is not available in this browser.`);
  }
}

export interface Placement {
  compiled: CompiledGraph;
  /** Train on Tensorweave's kernels (the tfjs backend then serves evaluation only). */
  kernels: boolean;
  /** Where the run trains, in the user's words. */
  label: string;
}

function preparing(runId: string, detail: string): void {
  postToPage({ type: 'state', runId, event: { type: 'preparing', detail } });
}

/** Steps per second of a few real steps on one backend (after a warm-up); 0 if it cannot run. */
async function measure(doc: GraphDocument, data: MnistData, backend: ConcreteBackend): Promise<number> {
  if (!(await activateBackend(backend))) return 0;
  const compiled = compileGraph(tf, doc, analyzeGraph(doc));
  try {
    await trainForTiming(compiled, data, doc.training, 3);
    const t0 = performance.now();
    const r = await trainForTiming(compiled, data, doc.training, 10);
    return r.steps / ((performance.now() - t0) / 1000);
  } finally {
    compiled.dispose();
  }
}

/**
 * Whether some node computes on pictures (h×w×c), read from the shapes analysis infers rather
 * than from a list of node types: for such graphs software WebGL is not worth measuring, and
 * wasm with Tensorweave's conv kernels trains. Flatten only lays a picture out in a row.
 */
function isConvolutional(doc: GraphDocument): boolean {
  return [...analyzeGraph(doc).nodes.values()].some(
    (n) =>
      n.type !== 'flatten' &&
      Object.values(n.inputShapes).some((shapes) => shapes.some((s) => s.length === 3)),
  );
}

/** Measure every candidate backend, report the timings, and return the fastest. */
async function fastestTfjsBackend(
  runId: string,
  doc: GraphDocument,
  data: MnistData,
): Promise<ConcreteBackend> {
  const convolutional = isConvolutional(doc);
  const candidates = await autoCandidates({ convolutional });
  // A CNN with wasm as the only candidate: measuring its steps would only delay the run.
  if (convolutional && candidates.length === 1) return candidates[0]!;
  const speeds: Record<string, number> = {};
  for (const candidate of candidates) {
    preparing(runId, `Measuring the ${candidate} backend…`);
    speeds[candidate] = await measure(doc, data, candidate);
  }
  const best = (Object.entries(speeds).sort((a, b) => b[1] - a[1])[0]?.[0] ?? 'cpu') as ConcreteBackend;
  postToPage({
    type: 'timing',
    runId,
    backend: best,
    msPerStep: Object.fromEntries(Object.entries(speeds).map(([k, v]) => [k, v > 0 ? 1000 / v : Infinity])),
  });
  return best;
}

/** Pick where to train, activate that tfjs backend and compile the graph there. */
export async function place(
  runId: string,
  choice: BackendChoice,
  doc: GraphDocument,
  data: MnistData,
): Promise<Placement> {
  const analysis = analyzeGraph(doc);
  const compileOn = async (backend: ConcreteBackend) => {
    if (!(await activateBackend(backend))) throw new BackendUnavailable(backend);
    return compileGraph(tf, doc, analysis);
  };
  if (choice === 'auto' || choice === 'kernels') {
    const compiled = await compileOn('wasm');
    const refusal = kernelsRefusal(compiled);
    if (refusal === undefined) return { compiled, kernels: true, label: kernelsLabel(threadSupport()) };
    compiled.dispose();
    preparing(runId, `Tensorweave's kernels cannot train this graph (${refusal}); measuring tfjs backends…`);
    const best = await fastestTfjsBackend(runId, doc, data);
    return { compiled: await compileOn(best), kernels: false, label: describeBackend(best) };
  }
  return { compiled: await compileOn(choice), kernels: false, label: describeBackend(choice) };
}
