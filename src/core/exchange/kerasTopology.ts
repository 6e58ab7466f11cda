/**
 * The layers of a Keras topology as a flat list, each with the layers it reads from: the
 * functional form (explicit inbound nodes, Keras 2 or Keras 3 style) and the Sequential form
 * (each layer reads the previous one; the input layer may be implied by the first layer).
 */
import type { KerasLayerConfig } from '../nodeSpec';
import { isRecord } from '../nodes/keras';
import { err, ok, type Result } from '../result';
import type { KerasLayerJson, Topology } from './modelJson';

export interface KerasLayer {
  name: string;
  className: string;
  config: KerasLayerConfig;
  /** Names of the layers whose outputs this one reads, in order. */
  inbound: string[];
}

/** Layer names in inbound_nodes, in the Keras 2 (nested arrays) or Keras 3 (args) format. */
function inboundNames(raw: KerasLayerJson['inbound_nodes']): string[] {
  if (!raw || raw.length === 0) return [];
  // Only the first call: a layer applied twice (shared weights) is not something a graph has.
  const call = raw[0];
  if (Array.isArray(call)) return call.filter(Array.isArray).map((t) => String((t as unknown[])[0]));
  if (isRecord(call) && Array.isArray(call.args)) {
    const names: string[] = [];
    const visit = (v: unknown) => {
      if (Array.isArray(v)) v.forEach(visit);
      else if (isRecord(v)) {
        const history = isRecord(v.config) ? v.config.keras_history : undefined;
        if (Array.isArray(history)) names.push(String(history[0]));
      }
    };
    visit(call.args);
    return names;
  }
  return [];
}

/** The topology's layers in file order, with an input layer added where Sequential implies one. */
export function readLayers(topology: Topology): Result<KerasLayer[]> {
  const sequential = topology.class_name === 'Sequential';
  const layers: KerasLayer[] = [];
  for (const [i, raw] of topology.config.layers.entries()) {
    const name = raw.config.name ?? raw.name ?? `layer_${i}`;
    const previous = layers[layers.length - 1];
    const inbound = sequential ? (previous ? [previous.name] : []) : inboundNames(raw.inbound_nodes);
    layers.push({ name, className: raw.class_name, config: raw.config, inbound });
  }
  if (sequential && layers[0]?.className !== 'InputLayer') {
    const shape = layers[0]?.config.batch_input_shape ?? layers[0]?.config.batch_shape;
    if (!Array.isArray(shape))
      return err('model.json: the first layer of the Sequential model does not declare an input shape.');
    layers.unshift({
      name: 'input',
      className: 'InputLayer',
      config: { batch_input_shape: shape },
      inbound: [],
    });
    layers[1]!.inbound = ['input'];
  }
  return ok(layers);
}

/** The names of the model's output layers (the last layer when the topology does not say). */
export function outputLayerNames(topology: Topology, layers: readonly KerasLayer[]): string[] {
  const declared = topology.config.output_layers;
  if (declared) return declared.map((o) => String(Array.isArray(o) ? o[0] : o));
  const last = layers[layers.length - 1];
  return last ? [last.name] : [];
}
