/**
 * "See inside the network" in the worker: every node's output for one image, one unit's
 * incoming weights and the test digits that excite it most, and single training steps with
 * "Reset weights". Answered between training steps like the other model queries.
 */
import * as tf from '@tensorflow/tfjs';
import type { CompiledGraph } from '../core/compile';
import type { GraphDocument } from '../core/document';
import { IMAGE_SIZE } from '../core/mnist';
import { activationsOf, forwardAll, type NodeActivation } from '../training/activations';
import { makeBatch } from '../training/mnist';
import { compileFresh, SingleStepper, type StepReport } from '../training/stepOnce';
import type { TopDigit, UnitDetail } from './protocol';
import type { Session } from './session';

/** A live view asked since the training loop last synced its weights into the model. */
let syncWanted = false;

/**
 * For the training loop (once per step): whether to sync the weights now. Each live question
 * answers from the weights of the previous sync and asks for the next, so a throttled view
 * costs one sync per question rather than one per step.
 */
export function liveSyncDue(): boolean {
  const due = syncWanted;
  syncWanted = false;
  return due;
}

/** Every node's output for one image of 784 values in [0, 1]. */
export function activations(session: Session, pixels: Float32Array): NodeActivation[] {
  syncWanted = true;
  return activationsOf(tf, session.compiled, pixels);
}

/** How many test digits "excite most" shows, and how many test images go through at once. */
export const TOP_DIGITS = 9;
const CHUNK = 500;
/** Above this many units a node's ranking would take too long and too much memory to keep. */
const MAX_RANKED_UNITS = 4096;

/** For each unit of one node: the test images with the highest outputs, best first. */
interface Ranking {
  units: number;
  /** `units × TOP_DIGITS` test indices and their outputs. */
  indices: Int32Array;
  values: Float32Array;
}

/** Rankings per model and per version of its weights (the page names the version). */
const rankings = new WeakMap<CompiledGraph, Map<string, Promise<Ranking>>>();

const pause = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

/** Run the test set through the model in chunks (yielding between them, so training goes on). */
async function rank(session: Session, nodeId: string, units: number): Promise<Ranking> {
  const { compiled } = session;
  const { test } = session.data;
  const indices = new Int32Array(units * TOP_DIGITS).fill(-1);
  const values = new Float32Array(units * TOP_DIGITS).fill(-Infinity);
  for (let start = 0; start < test.count; start += CHUNK) {
    const count = Math.min(CHUNK, test.count - start);
    const out = tf.tidy(() => {
      const { xs } = makeBatch(tf, test, undefined, start, count, compiled.inputShape);
      return forwardAll(tf, compiled, xs).get(nodeId)!.dataSync() as Float32Array;
    });
    for (let i = 0; i < count; i++) {
      for (let u = 0; u < units; u++) {
        const v = out[i * units + u]!;
        const base = u * TOP_DIGITS;
        if (v <= values[base + TOP_DIGITS - 1]!) continue;
        // Insertion into the unit's sorted list of nine.
        let k = TOP_DIGITS - 1;
        while (k > 0 && values[base + k - 1]! < v) {
          values[base + k] = values[base + k - 1]!;
          indices[base + k] = indices[base + k - 1]!;
          k--;
        }
        values[base + k] = v;
        indices[base + k] = start + i;
      }
    }
    await pause();
  }
  return { units, indices, values };
}

/**
 * The incoming weights of `unit`: a kernel column of the node if it is a dense layer, or of the
 * dense layer an activation or dropout (one input, same shape) passes on, unit for unit — the
 * hidden wire after a Sigmoid shows the hidden Dense's templates. Undefined for other nodes.
 */
function incomingWeights(compiled: CompiledGraph, nodeId: string, unit: number): Float32Array | undefined {
  let layer = compiled.model.layers.find((l) => l.name === nodeId);
  while (layer && layer.getClassName() !== 'Dense') {
    if (layer.trainableWeights.length) return undefined; // weights of another kind: no template
    const from = layer.inboundNodes[0]?.inboundLayers ?? [];
    const passesOn = from.length === 1 && String(from[0]!.outputShape) === String(layer.outputShape);
    layer = passesOn ? from[0] : undefined;
  }
  const kernel = layer?.getWeights()[0];
  if (!kernel || kernel.shape.length !== 2) return undefined;
  return tf.tidy(() => tf.gather(kernel, [unit], 1).dataSync() as Float32Array);
}

/**
 * One unit of a node: its incoming weights when it is a dense layer, and the test digits that
 * excite it most (ranked once per model `version`, then cached), or why not.
 */
export async function unitDetail(
  session: Session,
  nodeId: string,
  unit: number,
  version: string,
): Promise<UnitDetail> {
  const { compiled } = session;
  const layer = compiled.model.layers.find((l) => l.name === nodeId);
  if (!layer) return { reason: `Node "${nodeId}" is not part of the trained model; train it first.` };
  const shape = (layer.outputShape as (number | null)[]).slice(1) as number[];
  const units = shape.reduce((a, b) => a * b, 1);
  if (!Number.isInteger(unit) || unit < 0 || unit >= units) {
    return { reason: `Node "${nodeId}" has ${units} units; there is no unit ${unit}.` };
  }
  const weights = incomingWeights(compiled, nodeId, unit);
  if (units > MAX_RANKED_UNITS) {
    return { weights, reason: `Node "${nodeId}" has too many units (${units}) to rank the test digits.` };
  }
  let byVersion = rankings.get(compiled);
  if (!byVersion) rankings.set(compiled, (byVersion = new Map()));
  const key = `${version}:${nodeId}`;
  let ranking = byVersion.get(key);
  if (!ranking) {
    // Older versions of this model's weights will not be asked again.
    byVersion.clear();
    ranking = rank(session, nodeId, units);
    byVersion.set(key, ranking);
  }
  const r = await ranking;
  const top: TopDigit[] = [];
  for (let k = 0; k < TOP_DIGITS; k++) {
    const index = r.indices[unit * TOP_DIGITS + k]!;
    if (index < 0) continue;
    const { images, labels } = session.data.test;
    top.push({
      index,
      label: labels[index]!,
      value: r.values[unit * TOP_DIGITS + k]!,
      pixels: images.slice(index * IMAGE_SIZE, (index + 1) * IMAGE_SIZE),
    });
  }
  return { weights, top };
}

/** The single-step trainer of the current model, made on the first Step. */
let stepping: SingleStepper | undefined;

function dropStepper(): void {
  stepping?.dispose();
  stepping = undefined;
}

/** Train the current model on exactly one batch of `training`'s size, in its batch order. */
export async function stepOnce(session: Session, training: GraphDocument['training']): Promise<StepReport> {
  if (stepping?.compiled !== session.compiled) {
    dropStepper();
    stepping = await SingleStepper.create(tf, session.compiled, session.data.train, training);
  }
  return stepping.step();
}

/** Steps taken on the current model since its last reset or run. */
export function stepsTaken(session: Session | undefined): number {
  return stepping && stepping.compiled === session?.compiled ? stepping.taken : 0;
}

/**
 * "Reset weights": the current model gets a fresh compile of `doc` (initialisers seeded from its
 * seed, a fresh optimizer); the step count starts again.
 */
export function freshModel(doc: GraphDocument): CompiledGraph {
  dropStepper();
  return compileFresh(tf, doc);
}
