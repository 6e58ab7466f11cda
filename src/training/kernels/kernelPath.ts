/**
 * Which path a document trains on under `auto` (or `kernels`), in the user's words, before
 * anything is compiled: the page says it next to Train, the worker labels the run the same way.
 * The chain rule is `chainRule.ts`'s, read here from the document's nodes.
 */
import type { GraphDocument, GraphNode } from '../../core/document';
import { getNodeSpec } from '../../core/registry';
import { chainRefusal, NOT_A_CHAIN, type ChainStep } from './chainRule';
import type { ThreadSupport } from './kernelThreads';

/** A document node as a step of the chain rule (its Keras class, as the compiler builds it). */
function nodeStep(node: GraphNode): ChainStep {
  const className = getNodeSpec(node.type)?.keras?.className ?? node.type;
  const step: ChainStep = { className, name: node.id };
  if (className === 'Activation') step.activation = node.type;
  if (className === 'Dropout') step.rate = Number((node.params as { rate?: number }).rate ?? 0.5);
  return step;
}

/**
 * Why Tensorweave's kernels cannot train `doc` (its layers from the input to the loss), or
 * undefined when they can. The worker's check of the compiled model (`kernelSupport`) applies
 * the same rule and adds what only a compiled model shows (an optimizer state left in tfjs).
 */
export function documentChainRefusal(doc: GraphDocument): string | undefined {
  const byId = new Map(doc.nodes.map((n) => [n.id, n]));
  const next = new Map<string, string[]>();
  const fedBy = new Map<string, number>();
  for (const e of doc.edges) {
    next.set(e.from.node, [...(next.get(e.from.node) ?? []), e.to.node]);
    fedBy.set(e.to.node, (fedBy.get(e.to.node) ?? 0) + 1);
  }
  let node = doc.nodes.find((n) => n.type === 'input');
  if (!node) return 'the graph has no input node';
  const steps: ChainStep[] = [];
  while (node.type !== 'loss') {
    steps.push(nodeStep(node));
    const after: string[] = next.get(node.id) ?? [];
    if (after.length !== 1) return after.length ? NOT_A_CHAIN : `nothing follows ${node.id} to the loss`;
    node = byId.get(after[0]!);
    if (!node || fedBy.get(node.id) !== 1 || steps.length > doc.nodes.length) return NOT_A_CHAIN;
  }
  if (steps.length + 1 !== doc.nodes.length) return NOT_A_CHAIN;
  return chainRefusal(steps);
}

/** How a kernels run is labelled: `Tensorweave kernels (WASM SIMD, 2 threads)`. */
export function kernelsLabel(threading: ThreadSupport): string {
  return `Tensorweave kernels (WASM SIMD, ${threading.threads === 2 ? '2 threads' : '1 thread'})`;
}

/**
 * The sentence next to Train for a backend choice: on which path `doc` runs, and why (under
 * `auto` and `kernels`; undefined for a tfjs backend chosen by hand).
 */
export function kernelPathNote(
  doc: GraphDocument,
  choice: string,
  threading: ThreadSupport,
): string | undefined {
  if (choice !== 'auto' && choice !== 'kernels') return undefined;
  const refusal = documentChainRefusal(doc);
  if (refusal) {
    return choice === 'auto'
      ? `Runs on tfjs (the fastest backend measured): ${refusal}.`
      : `Tensorweave kernels cannot train this graph (${refusal}): the fastest tfjs backend runs it.`;
  }
  if (threading.threads === 2) return 'Runs on Tensorweave kernels, 2 threads.';
  return `Runs on Tensorweave kernels, 1 thread: ${threading.reason ?? 'one was asked for'}.`;
}
