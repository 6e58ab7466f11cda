/**
 * The layers of a Keras topology as a flat list, each with the layers it reads from: the
 * functional form (explicit inbound nodes, Keras 2 or Keras 3 style) and the Sequential form
 * (each layer reads the previous one; the input layer may be implied by the first layer).
 */
import { safeText } from '../util/safeText';
import { IMAGE_SIDE } from '../mnist';
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

/** The layers, and what was reinterpreted on the way (for the import's notes). */
export interface ReadLayers {
  layers: KerasLayer[];
  notes: string[];
}

/** Layer names in inbound_nodes, in the Keras 2 (nested arrays) or Keras 3 (args) format. */
function inboundNames(raw: KerasLayerJson['inbound_nodes']): string[] {
  if (!raw || raw.length === 0) return [];
  // Only the first call: a layer applied twice (shared weights) is not something a graph has.
  const call = raw[0];
  if (Array.isArray(call)) return call.filter(Array.isArray).map((t) => safeText((t as unknown[])[0]));
  if (isRecord(call) && Array.isArray(call.args)) {
    const names: string[] = [];
    // Keras 3 nests the tensors of a merge layer (Add, Concatenate) in a list: args[0] = [t1, t2].
    const visit = (v: unknown) => {
      if (Array.isArray(v)) v.forEach(visit);
      else if (isRecord(v)) {
        const history = isRecord(v.config) ? v.config.keras_history : undefined;
        if (Array.isArray(history)) names.push(safeText(history[0]));
      }
    };
    visit(call.args);
    return names;
  }
  return [];
}

/**
 * Layer names in `input_layers` / `output_layers`. Keras 2 writes a list of
 * `[name, node, tensor]` triples; Keras 3 writes a single tensor as one flat triple
 * (`["probs", 0, 0]`), which must not be read as three layers.
 */
export function tensorRefNames(refs: readonly unknown[]): string[] {
  const [first, ...rest] = refs;
  if (typeof first === 'string' && rest.length > 0 && rest.every((r) => typeof r === 'number')) {
    return [first];
  }
  return refs.map((r) => safeText(Array.isArray(r) ? r[0] : r));
}

/**
 * A `[28, 28]` input read by Flatten only is the same 784 pixels as Tensorweave's 28×28×1
 * picture, so Keras models that drop the channel axis (common for MLPs) still import.
 */
function addChannelAxis(layers: KerasLayer[]): string[] {
  const notes: string[] = [];
  for (const input of layers.filter((l) => l.className === 'InputLayer')) {
    const shape = input.config.batch_input_shape ?? input.config.batch_shape;
    if (!Array.isArray(shape) || shape.slice(1).map(Number).join() !== `${IMAGE_SIDE},${IMAGE_SIDE}`)
      continue;
    const readers = layers.filter((l) => l.inbound.includes(input.name));
    if (!readers.length || readers.some((l) => l.className !== 'Flatten')) continue;
    input.config = { ...input.config, batch_input_shape: [shape[0], IMAGE_SIDE, IMAGE_SIDE, 1] };
    notes.push(
      `Input "${input.name}" is ${IMAGE_SIDE}×${IMAGE_SIDE} without a channel axis; it is read as ${IMAGE_SIDE}×${IMAGE_SIDE}×1 (the same pixels after Flatten).`,
    );
  }
  return notes;
}

/** Other names Keras writes for the classes Tensorweave maps (Keras 2.5+ saves `MaxPool2D`). */
const CLASS_ALIASES: Readonly<Record<string, string>> = {
  MaxPool2D: 'MaxPooling2D',
  AvgPool2D: 'AveragePooling2D',
  Convolution2D: 'Conv2D',
};

/** The settings of Keras's `ReLU` layer, at the values that make it a plain max(0, x). */
const PLAIN_RELU: readonly { key: string; plain: number | null; means: string }[] = [
  { key: 'max_value', plain: null, means: 'caps the output (as ReLU6 does)' },
  { key: 'negative_slope', plain: 0, means: 'lets negative values through scaled (a leaky ReLU)' },
  { key: 'threshold', plain: 0, means: 'moves the point below which the output is 0' },
];

/**
 * Keras's `ReLU` layer with its default settings is the `Activation("relu")` Tensorweave's
 * ReLU node maps to; any other setting is refused, naming the layer and the setting, since
 * importing it as a plain ReLU would predict differently.
 */
function reluLayerAsActivation(layer: KerasLayer): Result<KerasLayer> {
  for (const { key, plain, means } of PLAIN_RELU) {
    const raw = layer.config[key];
    // Keras writes floats (0.0), tfjs camelCase keys (`maxValue`); absent is the default.
    const value = raw ?? layer.config[key.replace(/_(\w)/g, (_m, c: string) => c.toUpperCase())];
    if (value === undefined || value === null) continue;
    if (plain !== null && Number(value) === plain) continue;
    return err(
      `ReLU layer "${layer.name}" sets ${key} to ${safeText(value)}, which ${means}; Tensorweave's ReLU is max(0, x) only. Save the model with the ReLU's default ${key} (${plain === null ? 'None' : plain}).`,
    );
  }
  // The rest of the config stays: a Sequential model's first layer declares the input shape.
  return ok({ ...layer, className: 'Activation', config: { ...layer.config, activation: 'relu' } });
}

/** The topology's layers in file order, with an input layer added where Sequential implies one. */
export function readLayers(topology: Topology): Result<ReadLayers> {
  const sequential = topology.class_name === 'Sequential';
  const layers: KerasLayer[] = [];
  for (const [i, raw] of topology.config.layers.entries()) {
    const name = raw.config.name ?? raw.name ?? `layer_${i}`;
    const previous = layers[layers.length - 1];
    const inbound = sequential ? (previous ? [previous.name] : []) : inboundNames(raw.inbound_nodes);
    const className = CLASS_ALIASES[raw.class_name] ?? raw.class_name;
    const layer: KerasLayer = { name, className, config: raw.config, inbound };
    const read = className === 'ReLU' ? reluLayerAsActivation(layer) : ok(layer);
    if (!read.ok) return read;
    layers.push(read.value);
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
  const notes = addChannelAxis(layers);
  return ok({ layers, notes });
}

/** The names of the model's output layers (the last layer when the topology does not say). */
export function outputLayerNames(topology: Topology, layers: readonly KerasLayer[]): string[] {
  const declared = topology.config.output_layers;
  if (declared) return tensorRefNames(declared);
  const last = layers[layers.length - 1];
  return last ? [last.name] : [];
}

/** The names of the model's input layers, when the topology declares them. */
export function inputLayerNames(topology: Topology): string[] | undefined {
  const declared = topology.config.input_layers;
  return declared ? tensorRefNames(declared) : undefined;
}
