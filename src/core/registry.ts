/**
 * Every node type, by name. The palette and inspector, validation and shape inference, the
 * compiler, both code generators and the model importer read this map.
 *
 * A new node type takes:
 * 1. A file in `nodes/` with its spec (`defineNode`): ports, parameter schema and fields,
 *    formula, `inferShape`, `paramCount`, `flops`, `build` (its tfjs layer) and `keras` (its
 *    Keras class, constructor arguments, `fromConfig`, and `weights` if it has any). An
 *    activation maps to Keras's `Activation` class; the importer then also accepts it folded
 *    into a Dense layer.
 * 2. One line in `specs` below.
 * `test/unit/core/everyNodeType.test.ts` then runs it through analysis, compilation, both
 * scripts and a Keras round trip, and fails under its name if a piece is missing.
 *
 * What does not come from the spec, and when it needs an edit:
 * - `compile.ts` (`forward`) runs Dense as a plain matMul (for its gradient), Dropout with a
 *   fresh mask per step, and BatchNorm in training on the batch's statistics while moving its
 *   running averages; other types go through their layer's `apply`. A type that draws random
 *   numbers or updates state while training needs a case there, like Dropout and BatchNorm.
 * - Shared pieces: `nodes/keras.ts` (Keras arguments, initialisers), `nodes/spatial.ts`
 *   (pictures, sliding-window sizes as tfjs and Keras compute them, square windows from
 *   Keras), `nodes/pool2d.ts` (both pooling types). Bounds on parameters live in `limits.ts`.
 * - A Keras class written under another name (`MaxPool2D`) is mapped in
 *   `exchange/kerasTopology.ts` (`CLASS_ALIASES`).
 * - `analysis/memory.ts` counts every weight a spec's `keras.weights` lists (trainable or not)
 *   and every output; a type whose output is a view of its input (no copy) belongs in its
 *   `VIEWS`.
 * - ONNX (`exchange/onnx/`) knows its types by name; a type it lacks is refused on export,
 *   naming the node.
 * - `training/kernels/denseChain.ts` recognises dense chains by the compiled tfjs layers'
 *   class names (`Dense`, `Activation` with sigmoid, relu, tanh or softmax), not by specs. A
 *   graph with any other type trains on tfjs ops, so nothing is needed unless the WebAssembly
 *   kernels should run the new type too.
 * - The Loss node has no Keras layer (Keras keeps the loss in `trainingConfig`); the importer
 *   reads it there (`exchange/importLayersModel.ts`), and the code generators write it.
 * - `analysis/lossChecks.ts` warns when a cross-entropy loss is not fed by the `softmax` type.
 */
import type { NodeSpec } from './nodeSpec';
import { inputNode } from './nodes/input';
import { denseNode } from './nodes/dense';
import { reluNode, sigmoidNode, softmaxNode, tanhNode } from './nodes/activations';
import { dropoutNode } from './nodes/dropout';
import { flattenNode } from './nodes/flatten';
import { addNode, concatNode } from './nodes/merge';
import { lossNode } from './nodes/loss';
import { conv2dNode } from './nodes/conv2d';
import { maxPool2dNode } from './nodes/maxPool2d';
import { avgPool2dNode } from './nodes/avgPool2d';
import { globalAvgPool2dNode } from './nodes/globalAvgPool2d';
import { batchNormNode } from './nodes/batchNorm';
import { reshapeNode } from './nodes/reshape';

const specs = [
  inputNode,
  denseNode,
  sigmoidNode,
  softmaxNode,
  reluNode,
  tanhNode,
  dropoutNode,
  flattenNode,
  reshapeNode,
  conv2dNode,
  maxPool2dNode,
  avgPool2dNode,
  globalAvgPool2dNode,
  batchNormNode,
  addNode,
  concatNode,
  lossNode,
] as unknown as readonly NodeSpec[];

export const NODE_SPECS: ReadonlyMap<string, NodeSpec> = new Map(specs.map((s) => [s.type, s]));

/** The spec for a type, or undefined for an unknown type (a diagnostic, not a crash). */
export function getNodeSpec(type: string): NodeSpec | undefined {
  return NODE_SPECS.get(type);
}

export const NODE_TYPES: readonly string[] = specs.map((s) => s.type);
