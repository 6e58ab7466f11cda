/**
 * `npm run train -- <graph.json> [options]`: validate a graph document, train it on MNIST
 * in Node and print the tutorial's result row. See `usage` below. Exit codes: 0 success,
 * 2 invalid input (file, graph or flags), 1 failure during training (e.g. the loss diverged).
 */
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import cliProgress from 'cli-progress';
import { analyzeGraph, summarize } from '../core/analyze';
import { compileGraph, type CompiledGraph } from '../core/compile';
import { formatDiagnostic } from '../core/diagnostics';
import { zTraining, type GraphDocument } from '../core/document';
import { formatZodIssue } from '../core/parseDocument';
import { formatShape } from '../core/shape';
import { evaluateSplit } from '../training/evaluation';
import { loadMnist, type MnistData } from '../training/mnist';
import { totalStepsFor } from '../core/steps';
import { evaluateAccuracy } from '../training/evaluation';
import { runSettingsOf } from '../training/options';
import { train, type TrainProgress } from '../training/train';
import { applyWeights, saveArtifacts, type LayerWeights } from '../training/weights';
import { formatDuration, formatInt, formatPercent, table } from './format';
import { readGraphOrModel, writeModelFiles } from './modelFiles';
import { BACKENDS, nodeReadBytes, tf, useBackend, type BackendName } from './nodeEnv';

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
export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** Whether stdout is a terminal (progress bar) or not (plain periodic lines). */
  isTTY: boolean;
}

/** A user error: printed without a stack trace, exit code 2. */
class InputError extends Error {}

interface Flags {
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
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
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
      },
    });
  } catch (e) {
    throw new InputError(`${(e as Error).message.split('\n')[0]}`);
  }
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
function applyFlags(doc: GraphDocument, flags: Flags): GraphDocument {
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

/** The per-node summary table with totals, as `--dry-run` prints it. */
export function summaryTable(doc: GraphDocument): string {
  const analysis = analyzeGraph(doc);
  const rows = summarize(analysis).map((r) => [
    r.id,
    r.type,
    r.outputShape,
    formatInt(r.params),
    formatInt(r.flops),
  ]);
  rows.push(['total', '', '', formatInt(analysis.totalParams), formatInt(analysis.totalFlops)]);
  return table(['node', 'type', 'output', 'parameters', 'FLOPs/example'], rows, [
    false,
    false,
    false,
    true,
    true,
  ]);
}

function describeTraining(doc: GraphDocument): string {
  const t = doc.training;
  const duration =
    t.duration.unit === 'steps' ? `${formatInt(t.duration.steps)} steps` : `${t.duration.epochs} epochs`;
  return `${t.optimizer.type}, learning rate ${t.learningRate}, batch ${t.batchSize}, ${duration}, seed ${t.seed}, validation ${formatInt(t.validationCount)} images`;
}

/** Run the CLI; resolves to the exit code. Never throws for user errors. */
export async function main(argv: string[], io: CliIo): Promise<number> {
  let flags: Flags;
  try {
    flags = parseFlags(argv);
  } catch (e) {
    if (e instanceof InputError) {
      io.stderr(`error: ${e.message}\n${usage}\n`);
      return 2;
    }
    throw e;
  }
  if (flags.help) {
    io.stdout(`${usage}\n`);
    return 0;
  }
  // Human-readable output goes to stderr when stdout carries the JSON line.
  const say = flags.json ? io.stderr : io.stdout;
  const file = flags.graph;

  let doc: GraphDocument;
  let weights: LayerWeights | undefined;
  try {
    const read = await readGraphOrModel(file);
    if (!read.ok) throw new InputError(read.error);
    const input = read.value;
    if (flags.evalOnly && !input.weights) {
      throw new InputError(
        '--eval-only needs a trained model (model.json with its weights, or a .zip), not a graph.',
      );
    }
    weights = input.weights;
    doc = applyFlags(input.doc, flags);
    for (const note of input.notes) say(`${file}: note: ${note}\n`);
  } catch (e) {
    if (e instanceof InputError) {
      io.stderr(`${file}: ${e.message}\n`);
      return 2;
    }
    throw e;
  }

  const analysis = analyzeGraph(doc);
  for (const d of analysis.diagnostics) io.stderr(`${file}: ${formatDiagnostic(d)}\n`);
  if (!analysis.valid) {
    const errors = analysis.diagnostics.filter((d) => d.severity === 'error').length;
    io.stderr(`${file}: the graph has ${errors} error${errors === 1 ? '' : 's'}; nothing was trained.\n`);
    return 2;
  }

  say(
    `${doc.name}: ${formatInt(analysis.totalParams)} parameters, ${formatInt(analysis.totalFlops)} FLOPs per example\n`,
  );
  if (flags.dryRun) {
    say(`${summaryTable(doc)}\n`);
    say(`training: ${describeTraining(doc)}\n`);
    say('dry run: nothing trained.\n');
    return 0;
  }

  await useBackend(flags.backend);
  const data = await loadMnist(nodeReadBytes(), { validationCount: doc.training.validationCount });
  const compiled = compileGraph(tf, doc, analysis);
  try {
    if (weights) applyWeights(tf, compiled, weights);
    if (flags.evalOnly) return evaluateOnly(doc, compiled, data, file, flags, io);
    const t = doc.training;
    const totalSteps = totalStepsFor(t.duration, data.train.count, t.batchSize);
    say(`training on ${tf.getBackend()}: ${describeTraining(doc)}\n`);

    const useBar = io.isTTY && !flags.json;
    const bar = useBar
      ? new cliProgress.SingleBar(
          {
            format:
              '{bar} {percentage}% | step {value}/{total} | loss {loss} | batch acc {acc} | {sps} steps/s | ETA {eta_formatted}',
            etaBuffer: 50,
            hideCursor: true,
          },
          cliProgress.Presets.shades_classic,
        )
      : undefined;
    bar?.start(totalSteps, 0, { loss: '-', acc: '-', sps: '-' });
    const lineEvery = Math.max(100, Math.round(totalSteps / 20 / 100) * 100);
    const onProgress = (p: TrainProgress) => {
      if (bar) {
        bar.update(p.step, {
          loss: p.loss.toFixed(3),
          acc: formatPercent(p.batchAccuracy, 0),
          sps: p.stepsPerSecond.toFixed(1),
        });
      } else if (p.step % lineEvery === 0 || p.step === p.totalSteps) {
        say(
          `step ${p.step}/${p.totalSteps}  loss ${p.loss.toFixed(4)}  batch accuracy ${formatPercent(p.batchAccuracy, 0)}  ${p.stepsPerSecond.toFixed(1)} steps/s  elapsed ${formatDuration(p.elapsedSeconds)}  ETA ${formatDuration(p.etaSeconds)}\n`,
        );
      }
    };
    const result = await train(tf, compiled, data, {
      ...runSettingsOf(t),
      kernels: flags.kernels,
      onProgress,
      validationEvery: Math.max(1000, Math.round(totalSteps / 10 / 1000) * 1000),
      onValidation: (v) => {
        if (!bar) say(`step ${v.step}: validation accuracy ${formatPercent(v.accuracy)}\n`);
      },
    });
    bar?.stop();

    const graphName = path.basename(file, '.json');
    say(
      `\n${table(
        ['model', 'time', 'train accuracy', 'validation accuracy', 'test accuracy'],
        [
          [
            graphName,
            formatDuration(result.seconds),
            formatPercent(result.trainAccuracy),
            formatPercent(result.validationAccuracy),
            formatPercent(result.testAccuracy),
          ],
        ],
        [false, true, true, true, true],
      )}\n`,
    );
    if (result.steps > 0) {
      say(
        `${formatInt(result.steps)} steps in ${result.seconds.toFixed(1)} s (${result.stepsPerSecond.toFixed(1)} steps/s, ${(1000 / result.stepsPerSecond).toFixed(2)} ms/step) on ${tf.getBackend()}\n`,
      );
    }

    if (result.status === 'failed') {
      io.stderr(`${file}: training failed: ${result.message}\n`);
    } else if (result.status === 'aborted') {
      io.stderr(`${file}: training stopped after ${result.steps} steps.\n`);
    }
    if (flags.out !== undefined && result.status !== 'failed') {
      // The graph document travels inside model.json, so the model imports back exactly.
      const written = await writeModelFiles(flags.out, await saveArtifacts(tf, compiled), doc);
      say(`model written to ${written}\n`);
    }
    if (flags.json) {
      const round = (x: number) => (Number.isFinite(x) ? Number(x.toFixed(6)) : null);
      io.stdout(
        `${JSON.stringify({
          graph: graphName,
          status: result.status,
          steps: result.steps,
          seconds: round(result.seconds),
          stepsPerSecond: round(result.stepsPerSecond),
          trainAccuracy: round(result.trainAccuracy),
          validationAccuracy: round(result.validationAccuracy),
          testAccuracy: round(result.testAccuracy),
          backend: tf.getBackend(),
          seed: t.seed,
          ...(result.message !== undefined && { message: result.message }),
        })}\n`,
      );
    }
    return result.status === 'failed' ? 1 : 0;
  } finally {
    compiled.dispose();
  }
}

/** `--eval-only`: accuracy of the model's weights on the validation and test images. */
function evaluateOnly(
  doc: GraphDocument,
  compiled: CompiledGraph,
  data: MnistData,
  file: string,
  flags: Flags,
  io: CliIo,
): number {
  const say = flags.json ? io.stderr : io.stdout;
  const validationAccuracy = evaluateAccuracy(tf, compiled, data.validation);
  const test = evaluateSplit(tf, compiled, data.test);
  say(
    `\n${table(
      ['model', 'validation accuracy', 'test accuracy'],
      [[doc.name, formatPercent(validationAccuracy), formatPercent(test.accuracy)]],
      [false, true, true],
    )}\n`,
  );
  say(`per digit: ${test.perClass.map((a, k) => `${k} ${formatPercent(a)}`).join(', ')}\n`);
  if (flags.json) {
    const round = (x: number) => (Number.isFinite(x) ? Number(x.toFixed(6)) : null);
    io.stdout(
      `${JSON.stringify({
        graph: doc.name,
        file: path.basename(file),
        evalOnly: true,
        validationAccuracy: round(validationAccuracy),
        testAccuracy: round(test.accuracy),
        backend: tf.getBackend(),
      })}\n`,
    );
  }
  return 0;
}

/** Shape helper re-exported for the summary tests. */
export { formatShape };

const isEntryPoint = process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href;
if (isEntryPoint) {
  const io: CliIo = {
    stdout: (s) => process.stdout.write(s),
    stderr: (s) => process.stderr.write(s),
    isTTY: Boolean(process.stdout.isTTY),
  };
  main(process.argv.slice(2), io).then(
    (code) => {
      process.exitCode = code;
    },
    (e: unknown) => {
      process.stderr.write(`internal error (a bug, please report it): ${(e as Error).stack ?? String(e)}\n`);
      process.exitCode = 1;
    },
  );
}
