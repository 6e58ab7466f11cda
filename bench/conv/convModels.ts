/**
 * The CNNs the bench times (`npm run bench`, in Node and in the Chromium worker): the graph
 * presets `graphs/cnn.json` and `graphs/deep-mnist.json`, compiled as the app compiles them and
 * trained with their own settings (optimizer, learning rate, batch). TensorFlow's reference,
 * `bench/native_conv.py`, builds the same networks with the same settings.
 */
import cnn from '../../graphs/cnn.json';
import deepMnist from '../../graphs/deep-mnist.json';
import { analyzeGraph } from '../../src/core/analyze';
import { compileGraph, type CompiledGraph } from '../../src/core/compile';
import type { GraphDocument } from '../../src/core/document';
import type { Tf } from '../../src/core/nodeSpec';
import { parseDocument } from '../../src/core/parseDocument';

export interface ConvBenchModel {
  name: 'cnn' | 'deep-mnist';
  doc: GraphDocument;
}

function preset(name: ConvBenchModel['name'], json: unknown): ConvBenchModel {
  const parsed = parseDocument(json);
  if (!parsed.ok) throw new Error(`graphs/${name}.json: ${parsed.error}`);
  return { name, doc: parsed.value };
}

export const CONV_BENCH_MODELS: readonly ConvBenchModel[] = [
  preset('cnn', cnn),
  preset('deep-mnist', deepMnist),
];

/** A bench model compiled as the app compiles its graph. */
export function compileConvModel(tf: Tf, spec: ConvBenchModel): CompiledGraph {
  return compileGraph(tf, spec.doc, analyzeGraph(spec.doc));
}
