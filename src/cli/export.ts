/**
 * `npm run export -- <INPUT> --to zip|onnx|keras-py|tfjs-ts|png|svg|link [--out FILE]`: turn a
 * graph document or a trained model into what the app's Export menu makes. See `usage` in
 * exportFlags.ts. Exit codes as for train: 0 success, 2 invalid input (file, graph or flags),
 * 1 a failure while exporting.
 */
import { writeFile } from 'node:fs/promises';
import { analyzeGraph } from '../core/analyze';
import { graphToOnnx } from '../core/exchange/onnx/exportOnnx';
import { generatePython } from '../core/codegen/python';
import { generateTypeScript } from '../core/codegen/typescript';
import { compileGraph } from '../core/compile';
import { formatDiagnostic } from '../core/diagnostics';
import type { GraphDocument } from '../core/document';
import { embedGraphInPng, shareUrl } from '../core/exchange/graphCarriers';
import { renderGraphSvg } from '../core/exchange/graphSvg';
import { zipModel } from '../core/exchange/modelArchive';
import { err, type Result } from '../core/result';
import { fileStem } from '../core/util/fileStem';
import { applyWeights, saveArtifacts } from '../training/weights';
import { parseExportFlags, usage, type ExportFlags, type Target } from './exportFlags';
import { readGraphOrModel, type GraphOrModel } from './modelFiles';
import { tf, useBackend } from './nodeEnv';
import { runIfEntryPoint, type CliIo } from './entryPoint';
import { svgToPng } from './svgToPng';
import { InputError } from './cliArgs';

/** What an export made: text (may go to stdout) or bytes (always to a file). */
type Output = { text: string } | { bytes: Uint8Array };

/** The file extension of each target's output. */
const EXTENSION: Record<Target, string> = {
  zip: 'zip',
  onnx: 'onnx',
  'keras-py': 'py',
  'tfjs-ts': 'ts',
  png: 'png',
  svg: 'svg',
  link: 'txt',
};

/** The trained model as an `.onnx` file (opset 13, see src/core/exchange/onnx), or why not. */
export function exportOnnx(model: GraphOrModel): Result<Uint8Array> {
  if (!model.weights) return err('ONNX export needs a trained model with its weights.');
  return graphToOnnx(model.doc, model.weights);
}

/** The zip the app exports: the graph compiled, given the model's weights, saved. */
async function exportZip(doc: GraphDocument, model: GraphOrModel): Promise<Uint8Array> {
  await useBackend('cpu');
  const compiled = compileGraph(tf, doc, analyzeGraph(doc));
  try {
    if (model.weights) applyWeights(tf, compiled, model.weights);
    return zipModel(await saveArtifacts(tf, compiled), doc);
  } finally {
    compiled.dispose();
  }
}

/** A failure while exporting (exit code 1), as opposed to bad input (`InputError`, exit 2). */
class ExportFailure extends Error {}

/** The graph must be valid for code and models; its problems are input errors, listed. */
function requireValid(doc: GraphDocument, file: string, to: Target): void {
  const analysis = analyzeGraph(doc);
  if (analysis.valid) return;
  const lines = analysis.diagnostics
    .filter((d) => d.severity === 'error')
    .map((d) => `${file}: ${formatDiagnostic(d)}`);
  throw new InputError(`${lines.join('\n')}\n${file}: --to ${to} needs a valid graph; nothing was written.`);
}

async function produce(flags: ExportFlags, model: GraphOrModel): Promise<Output> {
  const { doc } = model;
  const file = flags.input;
  switch (flags.to) {
    case 'keras-py':
      requireValid(doc, file, flags.to);
      return { text: generatePython(doc, analyzeGraph(doc)) };
    case 'tfjs-ts':
      requireValid(doc, file, flags.to);
      return { text: generateTypeScript(doc, analyzeGraph(doc)) };
    case 'svg':
      return { text: renderGraphSvg(doc, analyzeGraph(doc)) };
    case 'link':
      return { text: `${shareUrl(flags.base, doc)}\n` };
    case 'png':
      return { bytes: embedGraphInPng(await svgToPng(renderGraphSvg(doc, analyzeGraph(doc))), doc) };
    case 'zip':
    case 'onnx': {
      if (!model.weights) {
        throw new InputError(
          `--to ${flags.to} needs a trained model (model.json with its weights, or a .zip), not a graph; train one with npm run train -- ${file} --out DIR.`,
        );
      }
      requireValid(doc, file, flags.to);
      if (flags.to === 'zip') return { bytes: await exportZip(doc, model) };
      const onnx = exportOnnx(model);
      if (!onnx.ok) throw new ExportFailure(onnx.error);
      return { bytes: onnx.value };
    }
  }
}

/** Run the export command; resolves to the exit code. Never throws for user errors. */
export async function main(argv: string[], io: CliIo): Promise<number> {
  let flags: ExportFlags;
  try {
    flags = parseExportFlags(argv);
  } catch (e) {
    if (!(e instanceof InputError)) throw e;
    io.stderr(`error: ${e.message}\n${usage}\n`);
    return 2;
  }
  if (flags.help) {
    io.stdout(`${usage}\n`);
    return 0;
  }
  const file = flags.input;
  const read = await readGraphOrModel(file);
  if (!read.ok) {
    io.stderr(`${file}: ${read.error}\n`);
    return 2;
  }
  for (const note of read.value.notes) io.stderr(`${file}: note: ${note}\n`);

  let output: Output;
  try {
    output = await produce(flags, read.value);
  } catch (e) {
    if (e instanceof InputError) {
      io.stderr(e.message.startsWith(`${file}: `) ? `${e.message}\n` : `${file}: ${e.message}\n`);
      return 2;
    }
    io.stderr(`${file}: export failed: ${(e as Error).message}\n`);
    return 1;
  }

  // Text goes to stdout unless --out says otherwise; bytes never go to a terminal.
  const out =
    flags.out ?? ('bytes' in output ? `${fileStem(read.value.doc.name)}.${EXTENSION[flags.to]}` : undefined);
  if (out === undefined && 'text' in output) {
    io.stdout(output.text);
    return 0;
  }
  try {
    await writeFile(out!, 'text' in output ? output.text : output.bytes);
  } catch (e) {
    io.stderr(`${out}: could not write: ${(e as Error).message}\n`);
    return 1;
  }
  io.stderr(`${file}: wrote ${out}\n`);
  return 0;
}

runIfEntryPoint(import.meta.url, main);
