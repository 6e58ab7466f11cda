/**
 * Keras layers → graph nodes and edges, through the node specs' Keras mappings: each layer
 * becomes the node whose spec claims its class and config. Two Keras habits are undone on the
 * way: an activation folded into a layer (`Dense(…, activation="relu")`) becomes its own node,
 * and a `linear` activation layer disappears (it is the identity).
 */
import { safeText } from '../util/safeText';
import type { GraphEdge, GraphNode } from '../document';
import type { FromKerasResult, KerasLayerConfig, NodeSpec } from '../nodeSpec';
import { lossNode, type LossParams } from '../nodes/loss';
import { isRecord } from '../nodes/keras';
import { NODE_SPECS } from '../registry';
import { err, ok, type Result } from '../result';
import type { KerasLayer } from './kerasTopology';

/** The Keras class whose layers are bare activations, and the activation that does nothing. */
const ACTIVATION_CLASS = 'Activation';
const IDENTITY = 'linear';

const kerasSpecs = [...NODE_SPECS.values()].flatMap((spec) =>
  spec.keras ? [{ spec, keras: spec.keras }] : [],
);

/** The Keras classes Tensorweave can edit, in registry order. */
export const SUPPORTED_CLASSES: readonly string[] = [...new Set(kerasSpecs.map((s) => s.keras.className))];

/** The spec that claims a Keras layer, and the parameters it reads from it. */
function claim(
  className: string,
  config: KerasLayerConfig,
  layerName: string,
): { spec: NodeSpec; result: FromKerasResult } | undefined {
  for (const { spec, keras } of kerasSpecs) {
    if (keras.className !== className) continue;
    const result = keras.fromConfig(config, layerName);
    if (result) return { spec, result };
  }
  return undefined;
}

/** Settings that add to the loss or clip weights during training, which Tensorweave has none of. */
const PENALTIES = [
  'kernel_regularizer',
  'bias_regularizer',
  'activity_regularizer',
  'kernel_constraint',
  'bias_constraint',
] as const;

/**
 * A note for each weight penalty or constraint a layer has: the weights import unchanged (and
 * predict the same), but further training here runs without them.
 */
function penaltyNotes(layer: KerasLayer): string[] {
  return PENALTIES.flatMap((key) => {
    const value = layer.config[key];
    if (value === null || value === undefined) return [];
    const what = isRecord(value) ? safeText(value.class_name) : safeText(value);
    const config = isRecord(value) && isRecord(value.config) ? ` ${safeText(value.config)}` : '';
    return [
      `${layer.className} "${layer.name}" has a ${key.replace('_', ' ')} (${what}${config}); it is left out: Tensorweave trains without weight penalties or constraints.`,
    ];
  });
}

export interface ConvertedLayers {
  nodes: GraphNode[];
  edges: GraphEdge[];
  /** What was approximated (for example a Concatenate on another axis). */
  notes: string[];
}

/** A node id from a Keras layer name, unique in the document. */
function nodeId(name: string, taken: Set<string>): string {
  let base = name.replace(/[^A-Za-z0-9_.-]/g, '_').slice(0, 60) || 'layer';
  if (taken.has(base)) base = `${base}_`;
  let id = base;
  for (let i = 2; taken.has(id); i++) id = `${base}${i}`;
  taken.add(id);
  return id;
}

/**
 * Every layer as nodes and edges, ending in a Loss node with `loss` fed by the one output
 * layer; or why the layers cannot be a Tensorweave graph.
 */
export function layersToGraph(
  layers: readonly KerasLayer[],
  outputs: readonly string[],
  loss: LossParams,
): Result<ConvertedLayers> {
  const taken = new Set<string>();
  const nodes: GraphNode[] = [];
  const edges: GraphEdge[] = [];
  const outputOf = new Map<string, string>();
  const notes: string[] = [];
  let edgeCount = 0;
  const connect = (from: string, to: string) => {
    edges.push({ id: `e${++edgeCount}`, from: { node: from, port: 'out' }, to: { node: to, port: 'in' } });
  };
  const add = (type: string, params: Record<string, unknown>, name: string) => {
    const id = nodeId(name, taken);
    nodes.push({ id, type, params, position: { x: 0, y: 0 } });
    return id;
  };

  for (const layer of layers) {
    const sources = layer.inbound.map((n) => outputOf.get(n));
    if (sources.some((s) => s === undefined)) {
      return err(`Layer "${layer.name}" reads from a layer that is not defined before it.`);
    }
    const isActivationLayer = layer.className === ACTIVATION_CLASS;
    const rawActivation = layer.config.activation ?? IDENTITY;
    if (typeof rawActivation !== 'string') {
      return err(
        `Layer "${layer.name}" gives its activation as ${safeText(rawActivation)}; Tensorweave reads activations written as names, such as "relu".`,
      );
    }
    const activation = rawActivation;
    if (isActivationLayer && activation === IDENTITY) {
      outputOf.set(layer.name, sources[0]!);
      continue;
    }
    const folded = isActivationLayer || activation === IDENTITY ? undefined : activation;
    const foldedSpec = folded && claim(ACTIVATION_CLASS, { activation: folded }, layer.name);
    if (folded && !foldedSpec) {
      return err(
        `${layer.className} layer "${layer.name}" uses the activation "${folded}", which Tensorweave does not have.`,
      );
    }
    const claimed = claim(layer.className, layer.config, layer.name);
    if (!claimed) {
      return err(
        isActivationLayer
          ? `Activation layer "${layer.name}" uses "${activation}", which Tensorweave does not have.`
          : `Unsupported layer "${layer.name}" (${layer.className}).`,
      );
    }
    if (!claimed.result.ok) return claimed.result;
    notes.push(...claimed.result.value.notes, ...penaltyNotes(layer));
    let id = add(claimed.spec.type, claimed.result.value.params, layer.name);
    for (const s of sources) connect(s!, id);
    if (foldedSpec && foldedSpec.result.ok) {
      // Keras folds the activation into the layer; Tensorweave shows it as its own node.
      const act = add(foldedSpec.spec.type, foldedSpec.result.value.params, `${layer.name}_${folded}`);
      connect(id, act);
      id = act;
    }
    outputOf.set(layer.name, id);
  }

  if (outputs.length !== 1)
    return err(`The model has ${outputs.length} outputs; Tensorweave trains models with one.`);
  const out = outputOf.get(outputs[0]!);
  if (!out) return err(`The model's output layer "${outputs[0]}" is not defined.`);
  connect(out, add(lossNode.type, loss, 'loss'));
  return ok({ nodes, edges, notes });
}
