/**
 * The one rule of which layer sequences Tensorweave's kernels train: input → [dense →
 * activation (sigmoid, relu, tanh, softmax)? → dropout?]* → loss. It reads neutral steps (Keras
 * class names), so the compiled tfjs model (`denseChain.ts`) and a graph document
 * (`documentPath.ts`, before anything is compiled) are judged by the same code.
 */

/** One layer of a chain, as its Keras class says it. */
export interface ChainStep {
  /** `Dense`, `Activation`, `Dropout`, `Flatten`, `InputLayer`, or anything else. */
  className: string;
  /** What the user calls it (a node id or layer name), for the reason. */
  name: string;
  /** An Activation's function, or a Dense layer's built-in one (`linear` when none). */
  activation?: string;
  /** A Dropout's rate (0 is the identity) and whether it has a noise shape. */
  rate?: number;
  noiseShape?: boolean;
}

/** Why a graph that branches or merges (Add, Concat) is not theirs. */
export const NOT_A_CHAIN = 'the graph branches or merges, and the kernels run one chain of layers';

/** The activations the kernels implement after a dense layer. */
export const CHAIN_ACTIVATIONS = ['linear', 'sigmoid', 'relu', 'tanh', 'softmax'] as const;

/** Why the kernels cannot train `steps` (in the user's words), or undefined when they can. */
export function chainRefusal(steps: readonly ChainStep[]): string | undefined {
  // What the last step left: nothing yet, a dense layer, its activation, or its dropout.
  let last: 'none' | 'dense' | 'activation' | 'dropout' = 'none';
  for (const step of steps) {
    const { className, name } = step;
    if (className === 'InputLayer' || className === 'Flatten') continue;
    if (className === 'Dense') {
      if (step.activation !== undefined && step.activation !== 'linear')
        return `the dense layer ${name} has a built-in activation`;
      last = 'dense';
    } else if (className === 'Activation') {
      const activation = String(step.activation);
      if (!(CHAIN_ACTIVATIONS as readonly string[]).includes(activation))
        return `the ${activation} activation (${name}) is not one the kernels run`;
      if (last !== 'dense') return `the activation ${name} does not come right after a dense layer`;
      last = 'activation';
    } else if (className === 'Dropout') {
      if (last === 'none') return `the dropout ${name} comes before the first dense layer`;
      if (step.noiseShape) return `the dropout ${name} has a noise shape`;
      if (!step.rate) continue; // rate 0 is the identity (tfjs skips it too)
      if (last === 'dropout') return `the dropouts before ${name} follow each other`;
      last = 'dropout';
    } else {
      return `the graph has a layer of type ${className} (${name}), which the kernels do not run`;
    }
  }
  return last === 'none' ? 'the graph has no dense layer' : undefined;
}
