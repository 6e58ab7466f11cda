/**
 * The picture nodes as ONNX operators: Conv2D → `Conv`, the pools → `MaxPool` / `AveragePool`,
 * BatchNorm → `BatchNormalization` (its inference form, with the moving statistics), Reshape →
 * `Reshape`. Convolutions and pools run channels first in ONNX, so they read and write NCHW
 * (the writer transposes where the layout changes) and the kernels are transposed here once.
 * 'same' padding is written as explicit `pads`, computed as tfjs pads: the odd pixel at the end.
 */
import type { NodeAnalysis } from '../../analyze';
import type { LayerWeights } from '../importTrainedModel';
import { err, ok, type Result } from '../../result';
import { kernelToOihw, samePads } from './onnxNodes';
import { floatTensor, int64Tensor } from './onnxTensors';
import { floatAttribute, intAttribute, intsAttribute, trainedWeights, type OnnxWriter } from './onnxWriter';

/** The node types this module writes. */
export const PICTURE_NODE_TYPES: readonly string[] = [
  'conv2d',
  'maxPool2d',
  'avgPool2d',
  'batchNorm',
  'reshape',
];

/** `kernel_shape`, `strides` and `pads` of a square window over the node's input picture. */
function windowAttributes(node: NodeAnalysis, size: number, stride: number) {
  const [inH = 0, inW = 0] = node.inputShapes.in?.[0] ?? [];
  const [outH = 0, outW = 0] = node.outputShape ?? [];
  const same = node.params!.padding === 'same';
  const [top, bottom] = same ? samePads(inH, outH, size, stride) : [0, 0];
  const [left, right] = same ? samePads(inW, outW, size, stride) : [0, 0];
  return [
    intsAttribute('kernel_shape', [size, size]),
    intsAttribute('strides', [stride, stride]),
    intsAttribute('pads', [top, left, bottom, right]),
  ];
}

function conv(w: OnnxWriter, node: NodeAnalysis, source: string, weights: LayerWeights): Result<void> {
  const trained = trainedWeights(node, weights);
  if (!trained.ok) return trained;
  const [kernel, bias] = trained.value;
  const [kh, kw, cin, cout] = kernel!.shape as [number, number, number, number];
  const id = node.id;
  const inputs = [
    source,
    w.addInitializer(
      floatTensor(`${id}/kernel`, [cout, cin, kh, kw], kernelToOihw(kernel!.data, kernel!.shape)),
    ),
    ...(bias ? [w.addInitializer(floatTensor(`${id}/bias`, bias.shape, bias.data))] : []),
  ];
  const p = node.params!;
  w.add({
    name: id,
    opType: 'Conv',
    input: inputs,
    output: [id],
    attribute: [
      ...windowAttributes(node, Number(p.kernelSize), Number(p.strides)),
      intsAttribute('dilations', [1, 1]),
      intAttribute('group', 1),
    ],
  });
  return ok(undefined);
}

function pool(w: OnnxWriter, node: NodeAnalysis, source: string): void {
  const p = node.params!;
  const average = node.type === 'avgPool2d';
  w.add({
    name: node.id,
    opType: average ? 'AveragePool' : 'MaxPool',
    input: [source],
    output: [node.id],
    attribute: [
      ...windowAttributes(node, Number(p.poolSize), Number(p.strides)),
      // tfjs averages only the pixels inside the picture, never the padding.
      ...(average ? [intAttribute('count_include_pad', 0)] : []),
    ],
  });
}

function batchNorm(w: OnnxWriter, node: NodeAnalysis, source: string, weights: LayerWeights): Result<void> {
  const trained = trainedWeights(node, weights);
  if (!trained.ok) return trained;
  const p = node.params!;
  const values = [...trained.value];
  // Without a learned scale or shift the layer scales by 1 and shifts by 0; ONNX needs both.
  const channels = values.at(-1)!.shape;
  const gamma =
    p.scale !== false ? values.shift()! : { shape: channels, data: new Float32Array(channels[0]!).fill(1) };
  const beta =
    p.center !== false ? values.shift()! : { shape: channels, data: new Float32Array(channels[0]!) };
  const [mean, variance] = values as [typeof gamma, typeof gamma];
  const id = node.id;
  const named = (suffix: string, t: typeof gamma) =>
    w.addInitializer(floatTensor(`${id}/${suffix}`, t.shape, t.data));
  w.add({
    name: id,
    opType: 'BatchNormalization',
    input: [
      source,
      named('gamma', gamma),
      named('beta', beta),
      named('moving_mean', mean),
      named('moving_variance', variance),
    ],
    output: [id],
    attribute: [floatAttribute('epsilon', Number(p.epsilon)), floatAttribute('momentum', Number(p.momentum))],
  });
  return ok(undefined);
}

/**
 * Writes a picture node reading node `from`'s output. Convolutions and pools work channels
 * first; BatchNorm too on a picture (its channels are ONNX's axis 1), on a vector as it is.
 */
export function writePictureNode(
  w: OnnxWriter,
  node: NodeAnalysis,
  from: string,
  weights: LayerWeights,
): Result<void> {
  const id = node.id;
  switch (node.type) {
    case 'conv2d':
    case 'maxPool2d':
    case 'avgPool2d': {
      const source = w.read(from, 'nchw');
      if (node.type === 'conv2d') {
        const done = conv(w, node, source, weights);
        if (!done.ok) return done;
      } else pool(w, node, source);
      w.define(id, id, true, 'nchw');
      return ok(undefined);
    }
    case 'batchNorm': {
      const picture = w.isPicture(from);
      const done = batchNorm(w, node, w.read(from, picture ? 'nchw' : 'nhwc'), weights);
      if (!done.ok) return done;
      w.define(id, id, picture, picture ? 'nchw' : 'nhwc');
      return ok(undefined);
    }
    case 'reshape': {
      const p = node.params!;
      // −1 for the batch: every other side is known.
      const shape = w.addInitializer(
        int64Tensor(`${id}/shape`, [-1, Number(p.height), Number(p.width), Number(p.channels)]),
      );
      w.add({ name: id, opType: 'Reshape', input: [w.read(from, 'nhwc'), shape], output: [id] });
      w.define(id, id, true, 'nhwc');
      return ok(undefined);
    }
    default:
      return err(`Node "${id}" (${node.type}) has no ONNX operator.`);
  }
}
