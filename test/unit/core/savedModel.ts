/** A tfjs model as `model.save` writes it: model.json (without Tensorweave's metadata) + bytes. */
import type * as tf from '@tensorflow/tfjs';

export const WEIGHTS_FILE = 'group1-shard1of1.bin';

export async function saved(
  model: tf.LayersModel,
  extra: Record<string, unknown> = {},
): Promise<{ json: Record<string, unknown>; bin: Uint8Array }> {
  let json: Record<string, unknown> = {};
  let bin = new Uint8Array();
  await model.save({
    save: async (a) => {
      json = {
        modelTopology: a.modelTopology,
        format: 'layers-model',
        weightsManifest: [{ paths: [`./${WEIGHTS_FILE}`], weights: a.weightSpecs }],
        ...extra,
      };
      bin = new Uint8Array(a.weightData as ArrayBuffer);
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    },
  });
  // Through text, as a file would be: only what JSON keeps survives.
  return { json: JSON.parse(JSON.stringify(json)) as Record<string, unknown>, bin };
}
