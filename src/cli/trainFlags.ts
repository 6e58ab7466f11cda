/**
 * The train command's flags: the usage text, parsing with Node's \`parseArgs\`, and applying them
 * to a graph's training settings through the same schema that checks documents.
 */
import { InputError, parseCommandLine } from './cliArgs';
import { zTraining, type GraphDocument } from '../core/document';
import { formatZodIssue } from '../core/parseDocument';
import { BACKENDS, type BackendName } from './nodeEnv';

export const usage = `Usage: npm run train -- <graph.json | model.json | model.zip> [options]

A model (model.json with its weight files beside it, or a .zip exported by Tensorweave)
is trained further from its weights, or only evaluated with --eval-only.

Options:
  --steps N          train for N steps (overrides the document)
  --epochs N         train for N passes over the training images instead
  --batch-size N     examples per step
  --lr X             learning rate
  --seed N           seed for initial weights and shuffling
  --backend NAME     wasm (default) or cpu
  --no-kernels       train with tfjs ops even where Tensorweave's kernels could (A/B)
  --out DIR          write the trained model (TensorFlow.js layers format) to DIR
  --json             print one final JSON line on stdout (human output goes to stderr)
  --dry-run          validate and print the model summary; train nothing
  --eval-only        evaluate a trained model (model.json or .zip) on the test set; train nothing
  -h, --help         show this help`;

/** Where the CLI writes; injected so tests can run `main` in-process. */

export interface Flags {
  graph: string;
  steps?: number;
  epochs?: number;
  batchSize?: number;
  lr?: number;
  seed?: number;
  backend: BackendName;
  /** Tensorweave's kernels where the graph allows (default) rather than tfjs ops. */
  kernels: boolean;
  out?: string;
  json: boolean;
  dryRun: boolean;
  evalOnly: boolean;
  help: boolean;
}

function number(name: string, text: string | undefined, integer: boolean): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value) || (integer && !Number.isInteger(value))) {
    throw new InputError(`--${name} must be ${integer ? 'a whole number' : 'a number'}; got "${text}".`);
  }
  return value;
}

export function parseFlags(argv: string[]): Flags {
  const parsed = parseCommandLine(argv, {
    steps: { type: 'string' },
    epochs: { type: 'string' },
    'batch-size': { type: 'string' },
    lr: { type: 'string' },
    seed: { type: 'string' },
    backend: { type: 'string', default: 'wasm' },
    'no-kernels': { type: 'boolean', default: false },
    out: { type: 'string' },
    json: { type: 'boolean', default: false },
    'dry-run': { type: 'boolean', default: false },
    'eval-only': { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  });
  const { values, positionals } = parsed;
  const help = values.help ?? false;
  if (!help && positionals.length !== 1) {
    throw new InputError(
      positionals.length === 0
        ? 'Give the graph document to train, e.g. graphs/beginner.json.'
        : `Give one graph document; got ${positionals.length}: ${positionals.join(', ')}.`,
    );
  }
  const backend = values.backend ?? 'wasm';
  if (!BACKENDS.includes(backend as BackendName)) {
    throw new InputError(`--backend must be one of ${BACKENDS.join(', ')}; got "${backend}".`);
  }
  if (values.steps !== undefined && values.epochs !== undefined) {
    throw new InputError('Give --steps or --epochs, not both.');
  }
  const flags: Flags = {
    graph: positionals[0] ?? '',
    backend: backend as BackendName,
    kernels: !(values['no-kernels'] ?? false),
    json: values.json ?? false,
    dryRun: values['dry-run'] ?? false,
    evalOnly: values['eval-only'] ?? false,
    help,
  };
  const steps = number('steps', values.steps, true);
  const epochs = number('epochs', values.epochs, true);
  const batchSize = number('batch-size', values['batch-size'], true);
  const lr = number('lr', values.lr, false);
  const seed = number('seed', values.seed, true);
  if (steps !== undefined) flags.steps = steps;
  if (epochs !== undefined) flags.epochs = epochs;
  if (batchSize !== undefined) flags.batchSize = batchSize;
  if (lr !== undefined) flags.lr = lr;
  if (seed !== undefined) flags.seed = seed;
  if (values.out !== undefined) flags.out = values.out;
  return flags;
}

/** The document's training settings with the flags applied, checked by the same schema. */
export function applyFlags(doc: GraphDocument, flags: Flags): GraphDocument {
  const training = {
    ...doc.training,
    ...(flags.steps !== undefined && { duration: { unit: 'steps', steps: flags.steps } }),
    ...(flags.epochs !== undefined && { duration: { unit: 'epochs', epochs: flags.epochs } }),
    ...(flags.batchSize !== undefined && { batchSize: flags.batchSize }),
    ...(flags.lr !== undefined && { learningRate: flags.lr }),
    ...(flags.seed !== undefined && { seed: flags.seed }),
  };
  const parsed = zTraining.safeParse(training);
  if (!parsed.success) {
    const flagFor: Record<string, string> = {
      duration: '--steps/--epochs',
      batchSize: '--batch-size',
      learningRate: '--lr',
      seed: '--seed',
    };
    const issue = parsed.error.issues[0]!;
    const field = String(issue.path[0] ?? '');
    throw new InputError(
      `${flagFor[field] ?? 'training settings'}: ${formatZodIssue({ ...issue, path: ['training', ...issue.path] })}.`,
    );
  }
  return { ...doc, training: parsed.data };
}
