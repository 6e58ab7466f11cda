/**
 * Reading TensorFlow.js layers-format models (`model.json` + weight files), as written by
 * Tensorweave, by `model.save`, or by `tensorflowjs_converter` from Keras, into an editable
 * graph document plus its weights. Untrusted input: every size, path and shape is checked,
 * and a model is refused rather than loaded with missing or random weights.
 */
import type { GraphDocument, GraphEdge, GraphNode } from '../document';
import { analyzeGraph } from '../analyze';
import { defaultTraining, DOCUMENT_FORMAT, DOCUMENT_VERSION } from '../document';
import type { Initializer } from '../initializer';
import { parseDocument } from '../parseDocument';
import { err, ok, type Result } from '../result';

/** The largest total weight size accepted (and so the largest allocation a file can cause). */
export const MAX_WEIGHT_BYTES = 256 * 1024 * 1024;
/** Where Tensorweave keeps its own graph document inside `userDefinedMetadata`. */
export const METADATA_KEY = 'tensorweaveGraph';

export interface WeightSpec {
  name: string;
  shape: number[];
}

export interface WeightsManifestGroup {
  paths: string[];
  weights: WeightSpec[];
}

export interface ImportedModel {
  doc: GraphDocument;
  /** Weight values by layer (node id): [kernel, bias?] in Keras order, with shapes. */
  weights: Map<string, { shape: number[]; data: Float32Array }[]>;
  /** Weight file names the manifest needs, in order. */
  files: string[];
  /** Notes on what was assumed (for example the loss, when the file does not say). */
  notes: string[];
}

type Json = Record<string, unknown>;
const isObj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

const SUPPORTED = ['InputLayer', 'Dense', 'Activation', 'Dropout', 'Flatten', 'Add', 'Concatenate'];
const ACTIVATIONS = new Set(['sigmoid', 'softmax', 'relu', 'tanh']);

interface KerasLayer {
  name: string;
  className: string;
  config: Json;
  inbound: string[];
}

/** Layer names in inbound_nodes, in the Keras 2 (nested arrays) or Keras 3 (args) format. */
function inboundNames(raw: unknown): string[] {
  if (!Array.isArray(raw) || raw.length === 0) return [];
  const node = raw[0];
  if (Array.isArray(node)) return node.filter(Array.isArray).map((t) => String((t as unknown[])[0]));
  if (isObj(node) && Array.isArray(node.args)) {
    const names: string[] = [];
    const visit = (v: unknown) => {
      if (Array.isArray(v)) v.forEach(visit);
      else if (isObj(v)) {
        const history = isObj(v.config) ? v.config.keras_history : undefined;
        if (Array.isArray(history)) names.push(String(history[0]));
      }
    };
    visit(node.args);
    return names;
  }
  return [];
}

function readLayers(topology: Json): Result<KerasLayer[]> {
  const cls = topology.class_name;
  const config = topology.config;
  let rawLayers: unknown[] | undefined;
  if (Array.isArray(config)) rawLayers = config;
  else if (isObj(config) && Array.isArray(config.layers)) rawLayers = config.layers;
  if (!rawLayers)
    return err('model.json: modelTopology.config.layers is missing; this is not a Keras layers model.');
  const sequential = cls === 'Sequential';
  const layers: KerasLayer[] = [];
  for (const [i, raw] of rawLayers.entries()) {
    if (!isObj(raw) || !isObj(raw.config)) return err(`model.json: layer ${i} is malformed.`);
    const className = String(raw.class_name);
    const name = String(raw.config.name ?? raw.name ?? `layer_${i}`);
    const inbound = sequential
      ? layers.length
        ? [layers[layers.length - 1]!.name]
        : []
      : inboundNames(raw.inbound_nodes);
    layers.push({ name, className, config: raw.config, inbound });
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

function initializer(raw: unknown): Initializer {
  const name = isObj(raw) ? String(raw.class_name) : '';
  const config = isObj(raw) && isObj(raw.config) ? raw.config : {};
  switch (name) {
    case 'Zeros':
      return { name: 'zeros' };
    case 'RandomNormal':
      return { name: 'normal', mean: Number(config.mean ?? 0), stddev: Number(config.stddev ?? 0.05) };
    case 'HeNormal':
      return { name: 'heNormal' };
    default:
      return { name: 'glorotUniform' };
  }
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

/** A plain file name, never a path that could point outside the model's folder or zip. */
function safeFileName(path: string): string | undefined {
  const name = path.replace(/^\.\//, '');
  if (
    !name ||
    name.includes('/') ||
    name.includes('\\') ||
    name === '..' ||
    name.startsWith('.') ||
    name.includes(':')
  ) {
    return undefined;
  }
  return name;
}

/**
 * Turn a parsed `model.json` into a graph document and the list of weight files it needs.
 * Weights are read afterwards with `readWeights`.
 */
export function modelJsonToGraph(
  modelJson: unknown,
  modelName = 'imported model',
): Result<Omit<ImportedModel, 'weights'> & { manifest: WeightsManifestGroup[] }> {
  if (!isObj(modelJson)) return err('model.json is not a JSON object.');
  const topology =
    isObj(modelJson.modelTopology) && isObj(modelJson.modelTopology.model_config)
      ? modelJson.modelTopology.model_config
      : modelJson.modelTopology;
  if (!isObj(topology)) {
    return err(
      'model.json has no "modelTopology": it is not a TensorFlow.js layers model (graph models are not supported).',
    );
  }
  if (modelJson.format !== undefined && modelJson.format !== 'layers-model') {
    return err(`model.json has format "${String(modelJson.format)}"; only "layers-model" can be imported.`);
  }
  const manifestResult = readManifest(modelJson.weightsManifest);
  if (!manifestResult.ok) return manifestResult;
  const manifest = manifestResult.value;
  const files = manifest.flatMap((g) => g.paths);

  // Tensorweave's own exports carry the full document: positions, loss and training settings.
  const meta = isObj(modelJson.userDefinedMetadata) ? modelJson.userDefinedMetadata[METADATA_KEY] : undefined;
  if (meta !== undefined) {
    const parsed = parseDocument(meta);
    if (!parsed.ok) return err(`The graph stored in model.json is invalid: ${parsed.error}`);
    return ok({ doc: parsed.value, files, manifest, notes: [] });
  }

  const layersResult = readLayers(topology);
  if (!layersResult.ok) return layersResult;
  const layers = layersResult.value;
  const unsupported = [
    ...new Set(layers.filter((l) => !SUPPORTED.includes(l.className)).map((l) => l.className)),
  ];
  if (unsupported.length) {
    return err(
      `The model uses layers Tensorweave cannot edit: ${unsupported.join(', ')}. Supported: ${SUPPORTED.join(', ')}.`,
    );
  }

  const notes: string[] = [];
  const taken = new Set<string>();
  const nodes: GraphNode[] = [];
  const edges: GraphEdge[] = [];
  /** Keras layer name → the node id whose output stands for that layer's output. */
  const outputOf = new Map<string, string>();
  let edgeCount = 0;
  const connect = (from: string, to: string) =>
    edges.push({ id: `e${++edgeCount}`, from: { node: from, port: 'out' }, to: { node: to, port: 'in' } });

  for (const layer of layers) {
    const c = layer.config;
    const sources = layer.inbound.map((n) => outputOf.get(n));
    if (sources.some((s) => s === undefined)) {
      return err(`Layer "${layer.name}" reads from a layer that is not defined before it.`);
    }
    const add = (type: string, params: Json, name = layer.name) => {
      const id = nodeId(name, taken);
      nodes.push({ id, type, params, position: { x: 0, y: 0 } });
      return id;
    };
    let id: string;
    switch (layer.className) {
      case 'InputLayer': {
        const shape = (c.batch_input_shape ?? c.batch_shape) as unknown;
        const dims = Array.isArray(shape) ? shape.slice(1).map(Number) : [];
        const layout = dims.join() === '784' ? 'flat' : dims.join() === '28,28,1' ? 'image' : undefined;
        if (!layout) {
          return err(
            `Input "${layer.name}" has shape [${dims.join(', ')}]; Tensorweave trains on MNIST: 784 or 28×28×1.`,
          );
        }
        id = add('input', { layout });
        break;
      }
      case 'Dense': {
        const activation = String(c.activation ?? 'linear');
        if (activation !== 'linear' && !ACTIVATIONS.has(activation)) {
          return err(
            `Dense layer "${layer.name}" uses the activation "${activation}", which Tensorweave does not have.`,
          );
        }
        id = add('dense', {
          units: Number(c.units),
          useBias: c.use_bias !== false,
          kernelInitializer: initializer(c.kernel_initializer),
          biasInitializer: initializer(c.bias_initializer),
        });
        connect(sources[0]!, id);
        if (activation !== 'linear') {
          // Keras folds the activation into Dense; Tensorweave shows it as its own node.
          const act = add(activation, {}, `${layer.name}_${activation}`);
          connect(id, act);
          outputOf.set(layer.name, act);
          continue;
        }
        break;
      }
      case 'Activation': {
        const activation = String(c.activation);
        if (activation === 'linear') {
          outputOf.set(layer.name, sources[0]!);
          continue;
        }
        if (!ACTIVATIONS.has(activation)) {
          return err(
            `Activation layer "${layer.name}" uses "${activation}", which Tensorweave does not have.`,
          );
        }
        id = add(activation, {});
        connect(sources[0]!, id);
        break;
      }
      case 'Dropout':
        id = add('dropout', { rate: Number(c.rate ?? 0.5) });
        connect(sources[0]!, id);
        break;
      case 'Flatten':
        id = add('flatten', {});
        connect(sources[0]!, id);
        break;
      case 'Add':
      case 'Concatenate': {
        const axis = c.axis === undefined ? -1 : Number(c.axis);
        if (layer.className === 'Concatenate' && axis !== -1) {
          notes.push(`Concatenate "${layer.name}" joins axis ${axis}; Tensorweave joins the last axis.`);
        }
        id = add(layer.className === 'Add' ? 'add' : 'concat', {});
        for (const s of sources) connect(s!, id);
        break;
      }
      default:
        return err(`Unsupported layer "${layer.name}" (${layer.className}).`);
    }
    outputOf.set(layer.name, id);
  }

  const outputs =
    isObj(topology.config) && Array.isArray(topology.config.output_layers)
      ? (topology.config.output_layers as unknown[]).map((o) => String(Array.isArray(o) ? o[0] : o))
      : [layers[layers.length - 1]!.name];
  if (outputs.length !== 1)
    return err(`The model has ${outputs.length} outputs; Tensorweave trains models with one.`);
  const out = outputOf.get(outputs[0]!);
  if (!out) return err(`The model's output layer "${outputs[0]}" is not defined.`);

  const trainingConfig = isObj(modelJson.trainingConfig) ? modelJson.trainingConfig : undefined;
  const lossName = trainingConfig ? String(trainingConfig.loss ?? '') : '';
  const loss = /mean_squared_error|meanSquaredError|mse/i.test(lossName)
    ? 'meanSquaredError'
    : 'categoricalCrossentropy';
  if (!trainingConfig)
    notes.push(
      'The file does not say which loss it was trained with; cross-entropy (batch mean) is assumed.',
    );
  const lossId = nodeId('loss', taken);
  nodes.push({ id: lossId, type: 'loss', params: { loss, reduction: 'mean' }, position: { x: 0, y: 0 } });
  connect(out, lossId);

  const doc: GraphDocument = {
    format: DOCUMENT_FORMAT,
    version: DOCUMENT_VERSION,
    name: String((isObj(topology.config) && topology.config.name) || modelName).slice(0, 200),
    description: 'Imported from a TensorFlow.js layers model.',
    nodes,
    edges,
    training: { ...defaultTraining(), learningRate: 0.1, duration: { unit: 'steps', steps: 2000 } },
  };
  layoutByDepth(doc);
  return ok({ doc, files, manifest, notes });
}

function readManifest(raw: unknown): Result<WeightsManifestGroup[]> {
  if (raw === undefined) return ok([]);
  if (!Array.isArray(raw)) return err('model.json: "weightsManifest" must be a list.');
  const groups: WeightsManifestGroup[] = [];
  for (const [g, group] of raw.entries()) {
    if (!isObj(group) || !Array.isArray(group.paths) || !Array.isArray(group.weights)) {
      return err(`model.json: weightsManifest[${g}] needs "paths" and "weights".`);
    }
    const paths: string[] = [];
    for (const p of group.paths) {
      const name = typeof p === 'string' ? safeFileName(p) : undefined;
      if (!name)
        return err(
          `model.json: the weight file path ${JSON.stringify(p)} is not a plain file name; refusing it.`,
        );
      paths.push(name);
    }
    const weights: WeightSpec[] = [];
    for (const w of group.weights) {
      if (!isObj(w) || typeof w.name !== 'string' || !Array.isArray(w.shape)) {
        return err(`model.json: a weight in weightsManifest[${g}] has no name or shape.`);
      }
      if (w.quantization !== undefined)
        return err(`Weight "${w.name}" is quantized; only float32 weights can be imported.`);
      if ((w.dtype ?? 'float32') !== 'float32')
        return err(`Weight "${w.name}" has dtype ${String(w.dtype)}; only float32 is supported.`);
      const shape = w.shape.map(Number);
      if (shape.some((d) => !Number.isInteger(d) || d < 0 || d > 1e8)) {
        return err(`Weight "${w.name}" has an invalid shape [${w.shape.join(', ')}].`);
      }
      weights.push({ name: w.name, shape });
    }
    groups.push({ paths, weights });
  }
  return ok(groups);
}

/**
 * Read the weight values of a manifest from its files (`read(name)` gives a file's bytes or
 * undefined when it is missing) and check them against the graph: every dense layer needs its
 * kernel (and bias) with the shapes the graph infers.
 */
export function readWeights(
  doc: GraphDocument,
  manifest: WeightsManifestGroup[],
  read: (name: string) => Uint8Array | undefined,
): Result<Map<string, { shape: number[]; data: Float32Array }[]>> {
  const byName = new Map<string, { shape: number[]; data: Float32Array }>();
  let declared = 0;
  for (const group of manifest) {
    const bytesNeeded = group.weights.reduce((n, w) => n + 4 * w.shape.reduce((a, b) => a * b, 1), 0);
    declared += bytesNeeded;
    if (declared > MAX_WEIGHT_BYTES) {
      return err(
        `The weights declare ${(declared / 2 ** 20).toFixed(0)} MB; the limit is ${MAX_WEIGHT_BYTES / 2 ** 20} MB.`,
      );
    }
    const parts: Uint8Array[] = [];
    for (const name of group.paths) {
      const bytes = read(name);
      if (!bytes)
        return err(
          `The weight file "${name}" is missing: it must come with model.json (beside it, selected with it, or in the same zip).`,
        );
      parts.push(bytes);
    }
    const total = parts.reduce((n, p) => n + p.length, 0);
    if (total !== bytesNeeded) {
      return err(
        `The weight file${group.paths.length > 1 ? 's' : ''} ${group.paths.map((p) => `"${p}"`).join(', ')} hold${group.paths.length > 1 ? '' : 's'} ${total.toLocaleString('en-US')} bytes; the manifest needs ${bytesNeeded.toLocaleString('en-US')}. ${total < bytesNeeded ? 'The file is truncated.' : 'The file does not match this model.'}`,
      );
    }
    const all = new Uint8Array(total);
    let at = 0;
    for (const p of parts) {
      all.set(p, at);
      at += p.length;
    }
    let offset = 0;
    for (const w of group.weights) {
      const count = w.shape.reduce((a, b) => a * b, 1);
      const data = new Float32Array(all.buffer.slice(offset, offset + 4 * count));
      offset += 4 * count;
      if (data.some((v) => !Number.isFinite(v)))
        return err(`Weight "${w.name}" contains NaN or infinite values.`);
      byName.set(w.name.replace(/:0$/, ''), { shape: w.shape, data });
    }
  }

  const analysis = analyzeGraph(doc);
  const result = new Map<string, { shape: number[]; data: Float32Array }[]>();
  for (const id of analysis.order) {
    const info = analysis.nodes.get(id)!;
    if (info.type !== 'dense' || !info.params) continue;
    const x = Object.values(info.inputShapes).flat()[0];
    if (!x || !info.outputShape)
      return err(`Dense layer "${id}": its input shape is unknown, so its weights cannot be checked.`);
    const units = info.params.units as number;
    const want: [string, number[]][] = [['kernel', [x[x.length - 1]!, units]]];
    if (info.params.useBias) want.push(['bias', [units]]);
    const tensors: { shape: number[]; data: Float32Array }[] = [];
    for (const [kind, shape] of want) {
      const original = [...byName.keys()].find((k) => k === `${id}/${kind}` || k.endsWith(`/${id}/${kind}`));
      const w = original ? byName.get(original) : undefined;
      if (!w)
        return err(
          `The weights have no ${kind} for dense layer "${id}"; refusing to import a model with missing weights.`,
        );
      if (w.shape.join() !== shape.join()) {
        return err(
          `The ${kind} of dense layer "${id}" has shape [${w.shape.join(', ')}]; the graph needs [${shape.join(', ')}].`,
        );
      }
      tensors.push(w);
    }
    result.set(id, tensors);
  }
  return ok(result);
}

/** Place nodes left to right by their depth from the input, stacked where branches run side by side. */
function layoutByDepth(doc: GraphDocument): void {
  const depth = new Map<string, number>();
  const incoming = new Map<string, string[]>();
  for (const e of doc.edges) incoming.set(e.to.node, [...(incoming.get(e.to.node) ?? []), e.from.node]);
  const visit = (id: string): number => {
    const known = depth.get(id);
    if (known !== undefined) return known;
    depth.set(id, 0);
    const d = Math.max(-1, ...(incoming.get(id) ?? []).map(visit)) + 1;
    depth.set(id, d);
    return d;
  };
  const rows = new Map<number, number>();
  for (const node of doc.nodes) {
    const d = visit(node.id);
    const row = rows.get(d) ?? 0;
    rows.set(d, row + 1);
    node.position = { x: d * 280, y: row * 160 };
  }
}
