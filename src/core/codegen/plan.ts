/**
 * What every code generator needs from a valid graph, computed once: layers in topological
 * order with variable names and inputs, the loss, the optimizer and the schedule.
 */
import type { GraphAnalysis } from '../analyze';
import type { GraphDocument, OptimizerSettings } from '../document';
import type { Initializer } from '../initializer';
import { IMAGE_SIZE, trainImagesFor } from '../mnist';
import type { LayerArgument, LayerArgValue } from '../nodeSpec';
import type { LossParams } from '../nodes/loss';
import { totalStepsFor } from '../steps';

export interface PlannedLayer {
  /** Node id, used as the layer name. */
  id: string;
  /** A valid identifier in Python and TypeScript, unique in the script. */
  variable: string;
  type: string;
  params: Record<string, unknown>;
  /** Variables of the inputs, in port and edge order. */
  inputs: string[];
  /** The Keras class the layer is (from the node spec): `Dense`, `Activation`, … */
  className: string;
  /** Its constructor arguments besides the name (from the node spec). */
  args: readonly LayerArgument[];
  /** The layer is applied to a list of tensors (a port taking several edges), not to one. */
  takesList: boolean;
  /** Arguments one per line, as a formatter would lay out a long call. */
  multiline: boolean;
}

export interface CodePlan {
  name: string;
  description: string;
  inputVariable: string;
  inputId: string;
  inputShape: readonly number[];
  layers: PlannedLayer[];
  outputVariable: string;
  loss: LossParams;
  optimizer: OptimizerSettings;
  learningRate: number;
  batchSize: number;
  steps: number;
  /** The graph's duration in epochs, when it is given that way (steps then follow the batch size). */
  epochs: number | undefined;
  trainCount: number;
  validationCount: number;
  seed: number;
  totalParams: number;
}

const RESERVED = new Set([
  // Python keywords and names the generated scripts use themselves.
  ...'False None True and as assert async await break class continue def del elif else except finally for from global if import in is lambda nonlocal not or pass raise return try while with yield'.split(
    ' ',
  ),
  ...'input np tf keras model inputs loss optimizer history dataset x_train y_train x_val y_val x_test y_test print len range'.split(
    ' ',
  ),
  // TypeScript / JavaScript reserved words.
  ...'break case catch class const continue debugger default delete do else enum export extends false finally for function if import in instanceof new null return super switch this throw true try typeof var void while with let static yield await any number string boolean'.split(
    ' ',
  ),
]);

/** How a script's language writes the values a layer argument can hold. */
export interface ArgumentWriter {
  literal(value: number | boolean | string): string;
  shape(values: readonly number[]): string;
  /** `seed` is an expression in the script's language. */
  initializer(init: Initializer, seed: string): string;
}

/**
 * One layer argument in a script's language. Seeds are expressions of the script's run seed
 * (`seedVariable`), so `--seed` changes every initialiser: layer `index` gets
 * `seed * 1000 + index`, its bias initialiser 500 more.
 */
export function writeArgument(
  value: LayerArgValue,
  seedVariable: string,
  index: number,
  writer: ArgumentWriter,
): string {
  const seed = (offset: number) => `${seedVariable} * 1000 + ${index + offset}`;
  switch (value.kind) {
    case 'literal':
      return writer.literal(value.value);
    case 'shape':
      return writer.shape(value.value);
    case 'initializer':
      return writer.initializer(value.value, seed(value.seedOffset));
    case 'seed':
      return seed(0);
  }
}

/** A variable name from a node id: `dense-1` → `dense_1`, `2nd` → `n_2nd`. */
export function toIdentifier(id: string, taken: Set<string>): string {
  let base = id.replace(/[^A-Za-z0-9_]/g, '_');
  if (!/^[A-Za-z_]/.test(base)) base = `n_${base}`;
  if (RESERVED.has(base)) base = `${base}_`;
  let name = base;
  for (let i = 2; taken.has(name); i++) name = `${base}_${i}`;
  taken.add(name);
  return name;
}

/** Plan the generated code for a graph that `analyzeGraph` found valid. */
export function planCode(doc: GraphDocument, analysis: GraphAnalysis): CodePlan {
  if (!analysis.valid || analysis.inputId === undefined || analysis.lossId === undefined) {
    throw new Error('planCode needs a valid graph; check analysis.valid first.');
  }
  const taken = new Set<string>();
  const variables = new Map<string, string>();
  const layers: PlannedLayer[] = [];
  const lossId = analysis.lossId;
  const reachesLoss = new Set<string>([lossId]);
  for (const id of [...analysis.order].reverse()) {
    for (const e of analysis.edges) if (e.from.node === id && reachesLoss.has(e.to.node)) reachesLoss.add(id);
  }
  let outputVariable = '';
  for (const id of analysis.order) {
    const info = analysis.nodes.get(id)!;
    if (!reachesLoss.has(id)) continue;
    if (id === lossId) {
      const feed = analysis.edges.find((e) => e.to.node === id)!;
      outputVariable = variables.get(feed.from.node)!;
      continue;
    }
    const variable = toIdentifier(id, taken);
    variables.set(id, variable);
    if (info.spec?.category === 'input') continue;
    const spec = info.spec!;
    const params = info.params ?? {};
    if (!spec.keras?.args)
      throw new Error(`No Keras layer for node type "${info.type}" (its spec has no keras.args).`);
    const args = spec.keras.args(params);
    const inputs = spec.inputs.flatMap((port) =>
      analysis.edges
        .filter((e) => e.to.node === id && e.to.port === port.id)
        .map((e) => variables.get(e.from.node)!),
    );
    layers.push({
      id,
      variable,
      type: info.type,
      params,
      inputs,
      className: spec.keras.className,
      args,
      takesList: spec.inputs.some((p) => p.multiple),
      multiline: args.length > 2,
    });
  }
  const t = doc.training;
  const trainCount = trainImagesFor(t.validationCount);
  return {
    name: doc.name,
    description: doc.description,
    inputVariable: variables.get(analysis.inputId)!,
    inputId: analysis.inputId,
    inputShape: analysis.nodes.get(analysis.inputId)!.outputShape ?? [IMAGE_SIZE],
    layers,
    outputVariable,
    loss: analysis.nodes.get(lossId)!.params as LossParams,
    optimizer: t.optimizer,
    learningRate: t.learningRate,
    batchSize: t.batchSize,
    steps: totalStepsFor(t.duration, trainCount, t.batchSize),
    epochs: t.duration.unit === 'epochs' ? t.duration.epochs : undefined,
    trainCount,
    validationCount: t.validationCount,
    seed: t.seed,
    totalParams: analysis.totalParams,
  };
}

export type { Initializer };
