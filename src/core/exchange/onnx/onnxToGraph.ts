/**
 * ONNX operators → graph nodes, edges and weights. Dense layers arrive in the two shapes the
 * converters write: `Gemm` (torch.onnx.export's Linear) and `MatMul` followed by `Add` of the
 * bias (tf2onnx's Dense); flattening arrives as `Flatten` or as a `Reshape` to [batch, -1].
 * Everything else outside `SUPPORTED_OPS` is refused by name before anything is converted.
 */
import type { GraphEdge, GraphNode } from '../../document';
import { IMAGE_SIDE, IMAGE_SIZE } from '../../mnist';
import { err, ok, type Result } from '../../result';
import type { LayerWeights } from '../importTrainedModel';
import { convertPictureOp, PICTURE_OPS, type Flow } from './importPictureOps';
import { convertFlattenOrReshape } from './importReshape';
import { attribute, floatAttr, inputDims, intAttr, transpose } from './onnxNodes';
import {
  floatTensor,
  readFloatTensor,
  readIntTensor,
  toInt,
  type GraphProto,
  type TensorProto,
} from './onnxTensors';

/** The operators Tensorweave can edit (Constant only as Reshape's target shape). */
export const SUPPORTED_OPS: readonly string[] = [
  'Gemm',
  'MatMul',
  'Add',
  'Sum',
  'Relu',
  'Sigmoid',
  'Tanh',
  'Softmax',
  'Flatten',
  'Reshape',
  'Concat',
  'Identity',
  'Dropout',
  'Constant',
  ...PICTURE_OPS,
];

const ACTIVATIONS: Readonly<Record<string, string>> = {
  Relu: 'relu',
  Sigmoid: 'sigmoid',
  Tanh: 'tanh',
  Softmax: 'softmax',
};

export interface ConvertedOnnx {
  nodes: GraphNode[];
  edges: GraphEdge[];
  weights: LayerWeights;
  /** The node whose output the model returns (the Loss node is the caller's). */
  outputNode: string;
  notes: string[];
}

/** A constant float tensor reshaped by a constant int64 shape (−1 and 0 resolved), if both are. */
function foldReshape(data: TensorProto | undefined, shape: TensorProto | undefined): TensorProto | undefined {
  if (!data || !shape) return undefined;
  const values = readFloatTensor(data);
  const target = readIntTensor(shape);
  if (!values.ok || !target.ok) return undefined;
  const size = values.value.data.length;
  const sides = target.value.map((d, i) => (d === 0 ? (values.value.shape[i] ?? 0) : d));
  const known = sides.filter((d) => d !== -1).reduce((a, b) => a * b, 1);
  const dims = sides.map((d) => (d === -1 ? size / known : d));
  if (dims.reduce((a, b) => a * b, 1) !== size) return undefined;
  return floatTensor(data.name ?? '', dims, values.value.data);
}

/**
 * The operators of `graph` as Tensorweave nodes with their weights, or why not. `opset` is the
 * default domain's version (Softmax's default axis changed in 13).
 */
export function onnxToGraph(graph: GraphProto, opset: number): Result<ConvertedOnnx> {
  const ops = graph.node ?? [];
  const unsupported = [
    ...new Set(
      ops
        .filter((n) => !SUPPORTED_OPS.includes(n.opType ?? '') || !['', 'ai.onnx'].includes(n.domain ?? ''))
        .map((n) => (n.domain ? `${n.domain}.${n.opType}` : String(n.opType))),
    ),
  ];
  if (unsupported.length) {
    return err(
      `The ONNX model uses operators Tensorweave cannot edit: ${unsupported.join(', ')}. Supported: ${SUPPORTED_OPS.filter((o) => o !== 'Constant').join(', ')}.`,
    );
  }

  const constants = new Map<string, TensorProto>((graph.initializer ?? []).map((t) => [t.name ?? '', t]));
  const graphInputs = (graph.input ?? []).filter((i) => !constants.has(i.name ?? ''));
  if (graphInputs.length !== 1)
    return err(`The ONNX model has ${graphInputs.length} inputs; Tensorweave models take one (the images).`);
  const dims = inputDims(graphInputs[0]!);
  if (!dims || dims.reduce((a, b) => a * b, 1) !== IMAGE_SIZE) {
    return err(
      `The ONNX model's input "${graphInputs[0]!.name}" is not ${IMAGE_SIZE} values per image (MNIST): it has shape [batch, ${dims?.join(', ') ?? '?'}].`,
    );
  }

  const consumers = new Map<string, number>();
  for (const name of ops.flatMap((n) => n.input ?? [])) consumers.set(name, (consumers.get(name) ?? 0) + 1);
  const nodes: GraphNode[] = [];
  const edges: GraphEdge[] = [];
  const weights: LayerWeights = new Map();
  const notes: string[] = [];
  const batch = graphInputs[0]!.type?.tensorType?.shape?.dim?.[0]?.dimValue;
  if (batch !== null && batch !== undefined && toInt(batch) > 0)
    notes.push(
      `The ONNX model takes batches of exactly ${toInt(batch)} image${toInt(batch) === 1 ? '' : 's'}; the imported graph takes any number.`,
    );
  const flows = new Map<string, Flow>();
  /** MatMul outputs whose Dense node still waits for the Add of its bias. */
  const biasless = new Map<string, string>();
  const taken = new Set<string>();

  const add = (type: string, params: Record<string, unknown>, name: string, sources: Flow[]): string => {
    const base = name.replace(/[^A-Za-z0-9_.-]+/g, '_').slice(-60) || type;
    let id = base;
    for (let n = 2; taken.has(id); n++) id = `${base}_${n}`;
    taken.add(id);
    // Placed by the importer once the graph is complete (`layoutByDepth`).
    nodes.push({ id, type, params, position: { x: 0, y: 0 } });
    for (const s of sources) {
      edges.push({
        id: `e${edges.length + 1}`,
        from: { node: s.node, port: 'out' },
        to: { node: id, port: 'in' },
      });
    }
    return id;
  };

  const input = add(
    'input',
    { layout: dims.length === 1 ? 'flat' : 'image' },
    graphInputs[0]!.name ?? 'input',
    [],
  );
  flows.set(graphInputs[0]!.name ?? '', {
    node: input,
    dims: dims.length === 1 ? dims : [IMAGE_SIDE, IMAGE_SIDE, 1],
    exact: dims.length === 1 || dims.join() === [IMAGE_SIDE, IMAGE_SIDE, 1].join(),
    channelsFirst: dims.join() === [1, IMAGE_SIDE, IMAGE_SIDE].join(),
  });

  for (const op of ops) {
    const label = `${op.opType} "${op.name || op.output?.[0]}"`;
    const name = op.name || op.output?.[0] || String(op.opType).toLowerCase();
    const ins = op.input ?? [];
    const out = op.output?.[0] ?? '';
    const flowAt = (i: number): Result<Flow> => {
      const f = flows.get(ins[i] ?? '');
      if (f) return ok(f);
      return constants.has(ins[i] ?? '')
        ? err(`${label} takes the constant "${ins[i]}" where Tensorweave needs a computed value.`)
        : err(`${label} reads "${ins[i]}", which is not computed before it.`);
    };
    const constAt = (i: number): Result<TensorProto> => {
      const t = constants.get(ins[i] ?? '');
      return t ? ok(t) : err(`${label} needs the constant "${ins[i]}" as its input ${i + 1}.`);
    };
    const lastAxisAt = (i: number): Result<Flow> => {
      const f = flowAt(i);
      if (f.ok && f.value.order)
        return err(
          `${label} works on a picture flattened channels first, whose values are in another order than Tensorweave's; only a Dense (Gemm, MatMul) can follow such a flattening.`,
        );
      if (f.ok && !f.value.exact)
        return err(
          `${label} works on the last axis of a picture laid out unlike Tensorweave's 28×28×1; Tensorweave applies it only after flattening.`,
        );
      return f;
    };
    const dense = (source: Flow, kernel: { shape: number[]; data: Float32Array }, bias?: Float32Array) => {
      const units = kernel.shape[1]!;
      if (kernel.shape[0] !== source.dims.at(-1))
        return err(
          `${label} multiplies ${source.dims.at(-1)} values by a [${kernel.shape.join(', ')}] matrix.`,
        );
      const id = add('dense', { units, useBias: bias !== undefined }, name, [source]);
      // The file's row i multiplies the file's value i, which is our value order[i].
      const rows = source.order ? new Float32Array(kernel.data.length) : kernel.data;
      source.order?.forEach((ours, i) =>
        rows.set(kernel.data.subarray(i * units, (i + 1) * units), ours * units),
      );
      weights.set(id, [
        { shape: kernel.shape, data: rows },
        ...(bias ? [{ shape: [units], data: bias }] : []),
      ]);
      flows.set(out, { node: id, dims: [...source.dims.slice(0, -1), units], exact: true });
      return ok(id);
    };

    switch (op.opType) {
      case 'Constant': {
        const t = attribute(op, 'value')?.t;
        const ints = attribute(op, 'value_ints')?.ints;
        if (t) constants.set(out, { ...t, name: out });
        else if (ints) constants.set(out, { name: out, dims: [ints.length], dataType: 7, int64Data: ints });
        else return err(`${label} holds a kind of constant Tensorweave does not read.`);
        break;
      }
      case 'Identity':
      case 'Dropout': {
        const f = flowAt(0);
        if (!f.ok) return f;
        flows.set(out, f.value);
        break;
      }
      case 'Flatten':
      case 'Reshape': {
        const folded =
          op.opType === 'Reshape' && foldReshape(constants.get(ins[0] ?? ''), constants.get(ins[1] ?? ''));
        if (folded) {
          // A weight reshaped once, as CNTK writes its Dense kernels: the reshaped constant.
          constants.set(out, { ...folded, name: out });
          break;
        }
        const made = convertFlattenOrReshape({ op, label, name, flowAt, constAt, add, weights });
        if (!made.ok) return made;
        flows.set(out, made.value);
        break;
      }
      case 'Gemm': {
        const a = flowAt(0);
        if (a.ok && a.value.dims.length !== 1) return err(`${label} needs a flat input; flatten first.`);
        const b = constAt(1);
        if (!a.ok) return a;
        if (!b.ok) return b;
        if (intAttr(op, 'transA', 0)) return err(`${label} transposes its input; Tensorweave cannot.`);
        const kernel = readFloatTensor(b.value);
        if (!kernel.ok) return kernel;
        if (kernel.value.shape.length !== 2)
          return err(`${label} multiplies by a tensor of rank ${kernel.value.shape.length}.`);
        const [r, c] = kernel.value.shape as [number, number];
        const transB = intAttr(op, 'transB', 0) === 1;
        const alpha = floatAttr(op, 'alpha', 1);
        const data = (transB ? transpose(kernel.value.data, r, c) : kernel.value.data).map((v) => v * alpha);
        const shape = transB ? [c, r] : [r, c];
        let bias: Float32Array | undefined;
        if (ins[2]) {
          const cTensor = constAt(2);
          if (!cTensor.ok) return cTensor;
          const cValues = readFloatTensor(cTensor.value);
          if (!cValues.ok) return cValues;
          const beta = floatAttr(op, 'beta', 1);
          const n = cValues.value.data.length;
          if (n !== 1 && n !== shape[1])
            return err(`${label} adds a bias of ${n} values to ${shape[1]} units.`);
          bias = Float32Array.from(
            { length: shape[1]! },
            (_, i) => cValues.value.data[n === 1 ? 0 : i]! * beta,
          );
        }
        const made = dense(a.value, { shape, data }, bias);
        if (!made.ok) return made;
        break;
      }
      case 'MatMul': {
        // A Dense takes on a flattening's order itself (its kernel rows are reordered).
        const a = flows.get(ins[0] ?? '')?.order ? flowAt(0) : lastAxisAt(0);
        const b = constAt(1);
        if (!a.ok) return a;
        if (!b.ok) return b;
        const kernel = readFloatTensor(b.value);
        if (!kernel.ok) return kernel;
        if (kernel.value.shape.length !== 2)
          return err(`${label} multiplies by a tensor of rank ${kernel.value.shape.length}.`);
        const made = dense(a.value, kernel.value);
        if (!made.ok) return made;
        biasless.set(out, made.value);
        break;
      }
      case 'Add':
      case 'Sum': {
        const constIndex = ins.findIndex((i) => constants.has(i));
        if (constIndex >= 0) {
          // A constant added to a MatMul's product is that Dense layer's bias.
          const product = ins[1 - constIndex] ?? '';
          const id = biasless.get(product);
          if (op.opType !== 'Add' || id === undefined || consumers.get(product) !== 1)
            return err(`${label} adds a constant that is not the bias of a MatMul; Tensorweave cannot.`);
          const values = readFloatTensor(constants.get(ins[constIndex]!)!);
          if (!values.ok) return values;
          const flow = flows.get(product)!;
          const units = flow.dims.at(-1)!;
          // A convolution's bias is one value per channel, shaped to broadcast over [c, h, w].
          const bias = values.value.shape.filter((d) => d !== 1);
          const alongChannels = !flow.channelsFirst || values.value.shape.slice(-2).every((d) => d === 1);
          if (values.value.data.length !== units || bias.length > 1 || !alongChannels)
            return err(
              `${label} adds values of shape [${values.value.shape.join(', ')}] to ${units} ${flow.channelsFirst ? 'channels' : 'units'}.`,
            );
          biasless.delete(product);
          weights.get(id)!.push({ shape: [units], data: values.value.data });
          nodes.find((n) => n.id === id)!.params.useBias = true;
          flows.set(out, flows.get(product)!);
          break;
        }
        const sources: Flow[] = [];
        for (let i = 0; i < ins.length; i++) {
          const f = flowAt(i);
          if (!f.ok) return f;
          sources.push(f.value);
        }
        const layoutOf = (f: Flow) => `${f.dims.join()} ${f.exact} ${f.channelsFirst} ${f.order?.join()}`;
        if (sources.some((f) => layoutOf(f) !== layoutOf(sources[0]!)))
          return err(
            `${label} adds values of different shapes or layouts; Tensorweave adds only equal shapes laid out alike.`,
          );
        flows.set(
          out,
          sources.length === 1
            ? sources[0]!
            : {
                node: add('add', {}, name, sources),
                dims: sources[0]!.dims,
                exact: sources[0]!.exact,
                channelsFirst: sources[0]!.channelsFirst,
                order: sources[0]!.order,
              },
        );
        break;
      }
      case 'Concat': {
        // Pictures held channels first join on ONNX's axis 1: our channels all the same.
        const channelsFirst = ins.every((i) => flows.get(i)?.channelsFirst);
        const sources: Flow[] = [];
        for (let i = 0; i < ins.length; i++) {
          const f = channelsFirst ? flowAt(i) : lastAxisAt(i);
          if (!f.ok) return f;
          sources.push(f.value);
        }
        const axis = intAttr(op, 'axis', -1);
        const lead = sources[0]!.dims.slice(0, -1);
        if (!(channelsFirst ? [1, -3] : [-1, lead.length + 1]).includes(axis))
          return err(`${label} joins axis ${axis}; Tensorweave joins the channels (the last axis).`);
        if (sources.some((f) => f.dims.slice(0, -1).join() !== lead.join()))
          return err(`${label} joins values whose leading axes differ.`);
        const width = sources.reduce((sum, f) => sum + f.dims.at(-1)!, 0);
        if (sources.length === 1) flows.set(out, sources[0]!);
        else
          flows.set(out, {
            node: add('concat', {}, name, sources),
            dims: [...lead, width],
            exact: !channelsFirst,
            channelsFirst,
          });
        break;
      }
      default: {
        if (PICTURE_OPS.includes(op.opType ?? '')) {
          const made = convertPictureOp({ op, label, name, flowAt, constAt, add, weights });
          if (!made.ok) return made;
          flows.set(out, made.value);
          if (op.opType === 'Conv' && !ins[2]) biasless.set(out, made.value.node);
          break;
        }
        const type = ACTIVATIONS[op.opType ?? '']!;
        const f = flowAt(0);
        if (!f.ok) return f;
        if (type === 'softmax') {
          // Before opset 13 Softmax flattened from axis 1; on one axis of values that is the same.
          const axis = intAttr(op, 'axis', opset < 13 ? 1 : -1);
          const last = axis === -1 || axis === f.value.dims.length;
          // A picture held channels first has our last axis as its axis 1.
          const channels = opset >= 13 && f.value.channelsFirst && [1, -3].includes(axis);
          if (!channels && (!last || !f.value.exact || (opset < 13 && f.value.dims.length !== 1)))
            return err(`${label} normalises over axis ${axis}; Tensorweave normalises over the last axis.`);
        }
        flows.set(out, { ...f.value, node: add(type, {}, name, [f.value]) });
      }
    }
  }

  const outputs = graph.output ?? [];
  if (outputs.length !== 1)
    return err(`The ONNX model has ${outputs.length} outputs; Tensorweave trains models with one.`);
  const result = flows.get(outputs[0]!.name ?? '');
  if (!result || result.node === input)
    return err(`The ONNX model's output "${outputs[0]!.name}" is not computed from its input.`);
  if (result.order || (result.dims.length === 3 && !result.exact && result.dims[2] !== 1))
    return err(
      `The ONNX model's output "${outputs[0]!.name}" is laid out channels first; Tensorweave's models return channels last. Flatten or transpose it in the model before exporting.`,
    );
  return ok({ nodes, edges, weights, outputNode: result.node, notes });
}
