/**
 * Writing and reading TensorFlow.js layers-format models as files (`model.json` plus one
 * weights `.bin`), without @tensorflow/tfjs-node: custom `tf.io` handlers over `node:fs`.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type * as tfjs from '@tensorflow/tfjs';

export const MODEL_JSON = 'model.json';
export const WEIGHTS_BIN = 'weights.bin';

type Artifacts = tfjs.io.ModelArtifacts;

function concat(data: Artifacts['weightData']): Uint8Array {
  if (data === undefined) return new Uint8Array(0);
  const parts = Array.isArray(data) ? data : [data];
  const total = parts.reduce((n, p) => n + p.byteLength, 0);
  const out = new Uint8Array(total);
  let at = 0;
  for (const p of parts) {
    out.set(new Uint8Array(p), at);
    at += p.byteLength;
  }
  return out;
}

/** A save handler writing `dir/model.json` and `dir/weights.bin` (the folder is created). */
export function fileSaveHandler(dir: string): tfjs.io.IOHandler {
  return {
    async save(artifacts: Artifacts): Promise<tfjs.io.SaveResult> {
      await mkdir(dir, { recursive: true });
      const weights = concat(artifacts.weightData);
      const modelJson = {
        modelTopology: artifacts.modelTopology,
        format: artifacts.format ?? 'layers-model',
        generatedBy: artifacts.generatedBy,
        convertedBy: artifacts.convertedBy ?? null,
        weightsManifest: [{ paths: [`./${WEIGHTS_BIN}`], weights: artifacts.weightSpecs ?? [] }],
        ...(artifacts.trainingConfig && { trainingConfig: artifacts.trainingConfig }),
        ...(artifacts.userDefinedMetadata && { userDefinedMetadata: artifacts.userDefinedMetadata }),
      };
      const json = JSON.stringify(modelJson);
      await writeFile(path.join(dir, MODEL_JSON), json);
      await writeFile(path.join(dir, WEIGHTS_BIN), weights);
      return {
        modelArtifactsInfo: {
          dateSaved: new Date(),
          modelTopologyType: 'JSON',
          modelTopologyBytes: json.length,
          weightSpecsBytes: JSON.stringify(artifacts.weightSpecs ?? []).length,
          weightDataBytes: weights.byteLength,
        },
      };
    },
  };
}

/** A load handler reading a `model.json` (and the weight files it lists) from disk. */
export function fileLoadHandler(modelJsonPath: string): tfjs.io.IOHandler {
  return {
    async load(): Promise<Artifacts> {
      const dir = path.dirname(modelJsonPath);
      const json = JSON.parse(await readFile(modelJsonPath, 'utf8')) as tfjs.io.ModelJSON;
      const specs: tfjs.io.WeightsManifestEntry[] = [];
      const buffers: Uint8Array[] = [];
      for (const group of json.weightsManifest ?? []) {
        specs.push(...group.weights);
        for (const p of group.paths) buffers.push(new Uint8Array(await readFile(path.join(dir, p))));
      }
      const weights = concat(buffers.map((b) => b.slice().buffer as ArrayBuffer));
      return {
        modelTopology: json.modelTopology,
        format: json.format,
        generatedBy: json.generatedBy,
        convertedBy: json.convertedBy,
        weightSpecs: specs,
        weightData: weights.buffer as ArrayBuffer,
      };
    },
  };
}
