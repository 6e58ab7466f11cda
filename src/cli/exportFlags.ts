/**
 * The export command's flags: the usage text and parsing with Node's `parseArgs`. Bad flags
 * throw `InputError` (exit code 2), as for the train command.
 */
import { InputError, parseCommandLine } from './cliArgs';

/** What `--to` can make. */
export const TARGETS = ['zip', 'onnx', 'keras-py', 'tfjs-ts', 'png', 'svg', 'link'] as const;
export type Target = (typeof TARGETS)[number];

/** The page a share link opens when `--base` is not given: `npm run dev`'s address. */
export const DEFAULT_BASE = 'http://localhost:5173/';

export const usage = `Usage: npm run export -- <INPUT> --to <${TARGETS.join('|')}> [--out FILE]

INPUT is a graph document (.json) for keras-py, tfjs-ts, png, svg and link (a trained model's
graph works too), or a trained model (model.json with its weight files beside it, or a .zip
exported by Tensorweave) for zip and onnx.

Options:
  --to FORMAT   zip       the model in the TensorFlow.js layers format (model.json, weights.bin, graph.json)
                onnx      the model as ONNX
                keras-py  a runnable Python (Keras) script that trains the graph
                tfjs-ts   a runnable TypeScript (TensorFlow.js, wasm) script that trains the graph
                svg       a picture of the graph that also carries it (opens in the app)
                png       a picture of the graph (at 2x) that also carries it (opens in the app)
                link      a share link that opens the graph in the app
  --out FILE    where to write; default: standard output for scripts, svg and link, and
                <graph name>.zip / .onnx / .png in the current folder for models and png
  --base URL    the app's address for --to link (default ${DEFAULT_BASE})
  -h, --help    show this help

Exit codes: 0 success; 2 invalid input (file, graph or flags); 1 a failure while exporting.`;

export interface ExportFlags {
  input: string;
  to: Target;
  out?: string;
  base: string;
  help: boolean;
}

export function parseExportFlags(argv: string[]): ExportFlags {
  const parsed = parseCommandLine(argv, {
    to: { type: 'string' },
    out: { type: 'string' },
    base: { type: 'string', default: DEFAULT_BASE },
    help: { type: 'boolean', short: 'h', default: false },
  });
  const { values, positionals } = parsed;
  const help = values.help ?? false;
  if (help) return { input: '', to: 'svg', base: DEFAULT_BASE, help };
  if (positionals.length !== 1) {
    throw new InputError(
      positionals.length === 0
        ? 'Give the graph or model to export, e.g. graphs/beginner.json.'
        : `Give one file to export; got ${positionals.length}: ${positionals.join(', ')}.`,
    );
  }
  const to = values.to;
  if (to === undefined) throw new InputError(`--to is required: one of ${TARGETS.join(', ')}.`);
  if (!(TARGETS as readonly string[]).includes(to)) {
    throw new InputError(`--to must be one of ${TARGETS.join(', ')}; got "${to}".`);
  }
  const base = values.base ?? DEFAULT_BASE;
  if (!URL.canParse(base))
    throw new InputError(`--base must be a URL such as ${DEFAULT_BASE}; got "${base}".`);
  return {
    input: positionals[0]!,
    to: to as Target,
    base,
    help,
    ...(values.out !== undefined && { out: values.out }),
  };
}
