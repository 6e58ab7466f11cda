/**
 * Every node type, by name. The palette, validation, shape inference and the compiler all
 * read this map, so a new type is one file in `nodes/` and one line here.
 */
import type { NodeSpec } from './nodeSpec';
import { inputNode } from './nodes/input';
import { denseNode } from './nodes/dense';
import { reluNode, sigmoidNode, softmaxNode, tanhNode } from './nodes/activations';
import { dropoutNode } from './nodes/dropout';
import { flattenNode } from './nodes/flatten';
import { addNode, concatNode } from './nodes/merge';
import { lossNode } from './nodes/loss';

const specs = [
  inputNode,
  denseNode,
  sigmoidNode,
  softmaxNode,
  reluNode,
  tanhNode,
  dropoutNode,
  flattenNode,
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
