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
import { attribute, floatAttr, inputDims, intAttr, transpose } from './onnxNodes';
import { readFloatTensor, readIntTensor, toInt, type GraphProto, type TensorProto } from './onnxTensors';

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
];

const ACTIVATIONS: Readonly<Record<string, string>> = {
  Relu: 'relu',
  Sigmoid: 'sigmoid',
  Tanh: 'tanh',
  Softmax: 'softmax',
};

/** A value flowing between operators: the node that computes it and its shape without the batch. */
interface Flow {
  node: string;
  dims: number[];
  /**
   * Whether the file lays the value out as `dims` too, so that its last axis is ours. A
   * [28, 28] or [1, 28, 28] input is our 28×28×1 picture only value for value.
   */
  exact: boolean;
}

export interface ConvertedOnnx {
  nodes: GraphNode[];
  edges: GraphEdge[];
  weights: LayerWeights;
  /** The node whose output the model returns (the Loss node is the caller's). */
  outputNode: string;
  notes: string[];
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
      `The ONNX model takes batches of exactly ${toInt(batch)} images; the imported graph takes any number.`,
    );
  const flows = new Map<string, Flow>();
  /** MatMul outputs whose Dense node still waits for the Add of its bias. */
  const biasless = new Map<string, string>();
  // Placed by depth (columns) as they come, which is a topological order.
  const depth = new Map<string, number>();
  const rows = new Map<number, number>();
  const taken = new Set<string>();

  const add = (type: string, params: Record<string, unknown>, name: string, sources: Flow[]): string => {
    const base = name.replace(/[^A-Za-z0-9_.-]+/g, '_').slice(-60) || type;
    let id = base;
    for (let n = 2; taken.has(id); n++) id = `${base}_${n}`;
    taken.add(id);
    const d = Math.max(-1, ...sources.map((s) => depth.get(s.node)!)) + 1;
    const row = rows.get(d) ?? 0;
    rows.set(d, row + 1);
    depth.set(id, d);
    nodes.push({ id, type, params, position: { x: d * 280, y: row * 160 } });
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
      weights.set(id, [kernel, ...(bias ? [{ shape: [units], data: bias }] : [])]);
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
        const f = flowAt(0);
        if (!f.ok) return f;
        const size = f.value.dims.reduce((a, b) => a * b, 1);
        if (op.opType === 'Flatten' && intAttr(op, 'axis', 1) !== 1)
          return err(
            `${label} flattens from axis ${intAttr(op, 'axis', 1)}; Tensorweave flattens from axis 1.`,
          );
        if (op.opType === 'Reshape') {
          const shapeTensor = constAt(1);
          if (!shapeTensor.ok) return shapeTensor;
          const target = readIntTensor(shapeTensor.value);
          if (!target.ok) return target;
          const [batch, width] = target.value;
          const flattens =
            target.value.length === 2 &&
            batch !== undefined &&
            batch >= -1 &&
            (width === -1 || width === size);
          if (!flattens)
            return err(`${label} reshapes to [${target.value.join(', ')}]; Tensorweave only flattens.`);
        }
        flows.set(
          out,
          f.value.dims.length === 1
            ? f.value
            : { node: add('flatten', {}, name, [f.value]), dims: [size], exact: true },
        );
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
        const a = lastAxisAt(0);
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
          const units = flows.get(product)!.dims.at(-1)!;
          if (values.value.data.length !== units)
            return err(`${label} adds ${values.value.data.length} values to ${units} units.`);
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
        if (sources.some((s) => s.dims.join() !== sources[0]!.dims.join()))
          return err(`${label} adds values of different shapes; Tensorweave adds only equal shapes.`);
        flows.set(
          out,
          sources.length === 1
            ? sources[0]!
            : {
                node: add('add', {}, name, sources),
                dims: sources[0]!.dims,
                exact: sources.every((f) => f.exact),
              },
        );
        break;
      }
      case 'Concat': {
        const sources: Flow[] = [];
        for (let i = 0; i < ins.length; i++) {
          const f = lastAxisAt(i);
          if (!f.ok) return f;
          sources.push(f.value);
        }
        const axis = intAttr(op, 'axis', -1);
        const lead = sources[0]!.dims.slice(0, -1);
        if (axis !== -1 && axis !== lead.length + 1)
          return err(`${label} joins axis ${axis}; Tensorweave joins the last axis.`);
        if (sources.some((f) => f.dims.slice(0, -1).join() !== lead.join()))
          return err(`${label} joins values whose leading axes differ.`);
        const width = sources.reduce((sum, f) => sum + f.dims.at(-1)!, 0);
        if (sources.length === 1) flows.set(out, sources[0]!);
        else flows.set(out, { node: add('concat', {}, name, sources), dims: [...lead, width], exact: true });
        break;
      }
      default: {
        const type = ACTIVATIONS[op.opType ?? '']!;
        const f = flowAt(0);
        if (!f.ok) return f;
        if (type === 'softmax') {
          // Before opset 13 Softmax flattened from axis 1; on one axis of values that is the same.
          const axis = intAttr(op, 'axis', opset < 13 ? 1 : -1);
          const last = axis === -1 || axis === f.value.dims.length;
          if (!last || !f.value.exact || (opset < 13 && f.value.dims.length !== 1))
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
  return ok({ nodes, edges, weights, outputNode: result.node, notes });
}
