/** Moving weights in and out of a compiled graph as plain arrays. */
import type { CompiledGraph } from '../core/compile';
import type { Tf } from '../core/nodeSpec';
import type { LayerWeights } from '../core/exchange/importTrainedModel';
import type { ModelArtifactsLike } from '../core/exchange/modelArchive';

export type { LayerWeights };

/** Set each listed layer's weights (kernel, bias) from plain arrays. */
export function applyWeights(tf: Tf, compiled: CompiledGraph, weights: LayerWeights): void {
  for (const [id, values] of weights) {
    const layer = compiled.model.getLayer(id);
    const tensors = values.map((w) => tf.tensor(w.data, w.shape));
    try {
      layer.setWeights(tensors);
    } finally {
      tf.dispose(tensors);
    }
  }
}

/** The model's topology and weights as `tf.LayersModel.save` produces them, in one buffer. */
export async function saveArtifacts(tf: Tf, compiled: CompiledGraph): Promise<ModelArtifactsLike> {
  let artifacts: ModelArtifactsLike | undefined;
  await compiled.model.save({
    save: async (a) => {
      artifacts = {
        modelTopology: a.modelTopology,
        weightSpecs: (a.weightSpecs ?? []).map((s) => ({ name: s.name, shape: s.shape, dtype: s.dtype })),
        weightData: new Uint8Array(tf.io.CompositeArrayBuffer.join(a.weightData)),
      };
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    },
  });
  if (!artifacts) throw new Error('saveArtifacts: the model was not saved.');
  return artifacts;
}
