/**
 * `npm run train -- <graph.json> [options]`: validate a graph document, train it on MNIST
 * in Node and print the tutorial's result row. See `usage` below. Exit codes: 0 success,
 * 2 invalid input (file, graph or flags), 1 failure during training (e.g. the loss diverged).
 */
import path from 'node:path';
import cliProgress from 'cli-progress';
import { analyzeGraph, summarize } from '../core/analyze';
import { compileGraph, type CompiledGraph } from '../core/compile';
import { formatDiagnostic } from '../core/diagnostics';
import type { GraphDocument } from '../core/document';
import { formatShape } from '../core/shape';
import { loadMnist, type MnistData } from '../training/mnist';
import { totalStepsFor } from '../core/steps';
import { evaluateAccuracy, evaluateSplit } from '../training/evaluation';
import { runSettingsOf } from '../training/options';
import { train } from '../training/train';
import type { TrainProgress } from '../training/types';
import { applyWeights, saveArtifacts, type LayerWeights } from '../training/weights';
import { runIfEntryPoint, type CliIo } from './entryPoint';
import { formatDuration, formatInt, formatPercent, printable, shortened, table } from './format';
import { readGraphOrModel, writeModelFiles } from './modelFiles';
import { nodeReadBytes, tf, useBackend } from './nodeEnv';
import { InputError } from './cliArgs';
import { applyFlags, parseFlags, usage, type Flags } from './trainFlags';

export type { CliIo };

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

/**
 * Everything the CLI prints passes through `printable`: file names, node ids and types, layer
 * names and the messages that quote them all come from files, so escaping at this one seam
 * means no terminal escape sequence from a file can reach the terminal.
 */
function escapedIo(io: CliIo): CliIo {
  return { ...io, stdout: (t) => io.stdout(printable(t)), stderr: (t) => io.stderr(printable(t)) };
}

/** Run the CLI; resolves to the exit code. Never throws for user errors. */
export async function main(argv: string[], rawIo: CliIo): Promise<number> {
  const io = escapedIo(rawIo);
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
  const shown = shortened(file);

  let doc: GraphDocument;
  let weights: LayerWeights | undefined;
  try {
    const read = await readGraphOrModel(file);
    if (!read.ok) throw new InputError(read.error);
    const input = read.value;
    if (flags.evalOnly && !input.weights) {
      throw new InputError(
        input.missingWeights
          ? `--eval-only needs the trained weights: ${input.missingWeights}`
          : '--eval-only needs a trained model (model.json with its weights, or a .zip), not a graph.',
      );
    }
    weights = input.weights;
    doc = applyFlags(input.doc, flags);
    for (const note of input.notes) say(`${shown}: note: ${note}\n`);
  } catch (e) {
    if (e instanceof InputError) {
      io.stderr(`${shown}: ${e.message}\n`);
      return 2;
    }
    throw e;
  }

  const analysis = analyzeGraph(doc);
  for (const d of analysis.diagnostics) io.stderr(`${shown}: ${formatDiagnostic(d)}\n`);
  if (!analysis.valid) {
    const errors = analysis.diagnostics.filter((d) => d.severity === 'error').length;
    io.stderr(`${shown}: the graph has ${errors} error${errors === 1 ? '' : 's'}; nothing was trained.\n`);
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
      io.stderr(`${shown}: training failed: ${result.message}\n`);
    } else if (result.status === 'aborted') {
      io.stderr(`${shown}: training stopped after ${result.steps} steps.\n`);
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

runIfEntryPoint(import.meta.url, main);
