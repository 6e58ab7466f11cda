/**
 * The weights half of a layers model: the `weightsManifest` of model.json (which files, which
 * tensors, what shapes) and reading the tensors from the files' bytes. Untrusted input: paths
 * must be plain file names, sizes are capped before anything is read, and every weight a layer
 * needs must be present with the shape the graph implies.
 */
import { safeText } from '../util/safeText';
import { z } from 'zod';
import { analyzeGraph } from '../analyze';
import type { GraphDocument } from '../document';
import { LIMITS } from '../limits';
import { err, ok, type Result } from '../result';

/** The largest dimension a weight may declare. */
const MAX_DIMENSION = 1e8;

export interface WeightSpec {
  name: string;
  shape: number[];
}

export interface WeightsManifestGroup {
  paths: string[];
  weights: WeightSpec[];
}

/** Weight values by layer (node id): in Keras order (kernel, bias?), with shapes. */
export type LayerWeights = Map<string, { shape: number[]; data: Float32Array }[]>;

/** A plain file name, never a path that could point outside the model's folder or zip. */
function safeFileName(path: string): string | undefined {
  const name = path.replace(/^\.\//, '');
  if (
    !name ||
    name.includes('/') ||
    name.includes('\\') ||
    name === '..' ||
    name.startsWith('.') ||
    name.includes(':')
  ) {
    return undefined;
  }
  return name;
}

const zWeightPath = z
  .string()
  .refine((p) => safeFileName(p) !== undefined, {
    error: (issue) =>
      `model.json: the weight file path ${JSON.stringify(issue.input)} is not a plain file name; refusing it.`,
  })
  .transform((p) => safeFileName(p)!);

const zWeightSpec = z
  .looseObject({
    name: z.string(),
    // Numbers as strings occur in hand-edited files; each is checked after conversion.
    shape: z.array(z.unknown()),
    dtype: z.unknown().optional(),
    quantization: z.unknown().optional(),
  })
  .superRefine((w, ctx) => {
    if (w.quantization !== undefined) {
      ctx.addIssue(`Weight "${w.name}" is quantized; only float32 weights can be imported.`);
    } else if ((w.dtype ?? 'float32') !== 'float32') {
      ctx.addIssue(`Weight "${w.name}" has dtype ${safeText(w.dtype)}; only float32 is supported.`);
    } else if (w.shape.map(Number).some((d) => !Number.isInteger(d) || d < 0 || d > MAX_DIMENSION)) {
      ctx.addIssue(`Weight "${w.name}" has an invalid shape [${w.shape.join(', ')}].`);
    }
  })
  .transform((w): WeightSpec => ({ name: w.name, shape: w.shape.map(Number) }));

/** The `weightsManifest` of model.json; absent means no weights. */
export const zWeightsManifest = z
  .array(z.looseObject({ paths: z.array(zWeightPath), weights: z.array(zWeightSpec) }), {
    error: 'model.json: "weightsManifest" must be a list.',
  })
  .optional()
  .transform((groups): WeightsManifestGroup[] => groups ?? []);

/** The weights each group's files hold, by name (without a `:0` suffix). */
function readGroups(
  manifest: readonly WeightsManifestGroup[],
  read: (name: string) => Uint8Array | undefined,
): Result<Map<string, { shape: number[]; data: Float32Array }>> {
  const byName = new Map<string, { shape: number[]; data: Float32Array }>();
  let declared = 0;
  for (const group of manifest) {
    const bytesNeeded = group.weights.reduce((n, w) => n + 4 * w.shape.reduce((a, b) => a * b, 1), 0);
    declared += bytesNeeded;
    if (declared > LIMITS.weightBytes) {
      return err(
        `The weights declare ${(declared / 2 ** 20).toFixed(0)} MB; the limit is ${LIMITS.weightBytes / 2 ** 20} MB.`,
      );
    }
    const parts: Uint8Array[] = [];
    for (const name of group.paths) {
      const bytes = read(name);
      if (!bytes)
        return err(
          `The weight file "${name}" is missing: it must come with model.json (beside it, selected with it, or in the same zip).`,
        );
      parts.push(bytes);
    }
    const total = parts.reduce((n, p) => n + p.length, 0);
    if (total !== bytesNeeded) {
      return err(
        `The weight file${group.paths.length > 1 ? 's' : ''} ${group.paths.map((p) => `"${p}"`).join(', ')} hold${group.paths.length > 1 ? '' : 's'} ${total.toLocaleString('en-US')} bytes; the manifest needs ${bytesNeeded.toLocaleString('en-US')}. ${total < bytesNeeded ? 'The file is truncated.' : 'The file does not match this model.'}`,
      );
    }
    const all = new Uint8Array(total);
    let at = 0;
    for (const p of parts) {
      all.set(p, at);
      at += p.length;
    }
    let offset = 0;
    for (const w of group.weights) {
      const count = w.shape.reduce((a, b) => a * b, 1);
      const data = new Float32Array(all.buffer.slice(offset, offset + 4 * count));
      offset += 4 * count;
      if (data.some((v) => !Number.isFinite(v)))
        return err(`Weight "${w.name}" contains NaN or infinite values.`);
      byName.set(w.name.replace(/:0$/, ''), { shape: w.shape, data });
    }
  }
  return ok(byName);
}

/**
 * Read the weight values of a manifest from its files (`read(name)` gives a file's bytes or
 * undefined when it is missing) and check them against the graph: every layer with weights
 * (its spec's `keras.weights`) needs each of them, with the shapes the graph infers.
 */
export function readWeights(
  doc: GraphDocument,
  manifest: WeightsManifestGroup[],
  read: (name: string) => Uint8Array | undefined,
): Result<LayerWeights> {
  const stored = readGroups(manifest, read);
  if (!stored.ok) return stored;
  const byName = stored.value;

  const analysis = analyzeGraph(doc);
  const result: LayerWeights = new Map();
  for (const id of analysis.order) {
    const info = analysis.nodes.get(id)!;
    const weightsOf = info.spec?.keras?.weights;
    if (!weightsOf || !info.params) continue;
    const label = info.spec!.label;
    if (!info.outputShape)
      return err(`${label} layer "${id}": its input shape is unknown, so its weights cannot be checked.`);
    const tensors: { shape: number[]; data: Float32Array }[] = [];
    for (const { name: kind, shape } of weightsOf(info.params, info.inputShapes)) {
      const original = [...byName.keys()].find((k) => k === `${id}/${kind}` || k.endsWith(`/${id}/${kind}`));
      const w = original ? byName.get(original) : undefined;
      const layer = `${label.toLowerCase()} layer "${id}"`;
      if (!w)
        return err(
          `The weights have no ${kind} for ${layer}; refusing to import a model with missing weights.`,
        );
      if (w.shape.join() !== shape.join()) {
        return err(
          `The ${kind} of ${layer} has shape [${w.shape.join(', ')}]; the graph needs [${shape.join(', ')}].`,
        );
      }
      tensors.push(w);
    }
    if (tensors.length) result.set(id, tensors);
  }
  return ok(result);
}
