/**
 * Keras's `ReLU` layer imports as Tensorweave's ReLU node when it is a plain max(0, x) (its
 * default settings, as Keras 3 and tfjs write them); a capped, leaky or shifted ReLU is refused,
 * naming the layer and the setting, rather than imported as something that predicts otherwise.
 */
import { describe, expect, it } from 'vitest';
import { analyzeGraph } from '../../../src/core/analyze';
import { modelJsonToGraph } from '../../../src/core/exchange/importLayersModel';

const dense = (name: string, units: number, activation: string) => ({
  module: 'keras.layers',
  class_name: 'Dense',
  config: { name, units, activation, use_bias: true },
  registered_name: null,
});

const reluLayer = (settings: Record<string, unknown>) => ({
  module: 'keras.layers',
  class_name: 'ReLU',
  config: { name: 're_lu', trainable: true, ...settings },
  registered_name: null,
});

/** A Keras 3 `to_json()` Sequential: 784 → Dense 32 → ReLU (with `settings`) → Dense 10 softmax. */
function sequential(settings: Record<string, unknown>) {
  return {
    module: 'keras',
    class_name: 'Sequential',
    config: {
      name: 'relu_model',
      layers: [
        { class_name: 'InputLayer', config: { batch_shape: [null, 784], name: 'pixels' } },
        dense('hidden', 32, 'linear'),
        reluLayer(settings),
        dense('probs', 10, 'softmax'),
      ],
    },
  };
}

describe('a Keras ReLU layer', () => {
  it.each([
    ['Keras 3’s defaults', { max_value: null, negative_slope: 0.0, threshold: 0.0 }],
    ['no settings', {}],
    ['tfjs’s maxValue null', { maxValue: null }],
  ])('with %s becomes a relu node', (_what, settings) => {
    const r = modelJsonToGraph(sequential(settings));
    if (!r.ok) throw new Error(r.error);
    const { doc, notes } = r.value;
    expect(doc.nodes.map((n) => `${n.id}:${n.type}`)).toEqual([
      'pixels:input',
      'hidden:dense',
      're_lu:relu',
      'probs:dense',
      'probs_softmax:softmax',
      'loss:loss',
    ]);
    // Only the loss is assumed (these models have no compile settings): nothing about the ReLU.
    expect(notes).toEqual([
      'The file does not say which loss it was trained with; cross-entropy (batch mean) is assumed.',
    ]);
    expect(analyzeGraph(doc).valid).toBe(true);
  });

  it('keeps the input shape when it is the first layer of a Sequential model', () => {
    // ReLU first, declaring the input (Keras 2 style): 784 → ReLU → Dense 32 → Dense 10.
    const model = {
      class_name: 'Sequential',
      config: {
        name: 'relu_first',
        layers: [
          reluLayer({ batch_input_shape: [null, 784] }),
          dense('hidden', 32, 'linear'),
          dense('probs', 10, 'softmax'),
        ],
      },
    };
    const r = modelJsonToGraph(model);
    if (!r.ok) throw new Error(r.error);
    expect(r.value.doc.nodes.map((n) => n.type)).toEqual([
      'input',
      'relu',
      'dense',
      'dense',
      'softmax',
      'loss',
    ]);
    expect(analyzeGraph(r.value.doc).nodes.get('input')?.outputShape).toEqual([784]);
  });

  it.each([
    [
      { max_value: 6.0 },
      'ReLU layer "re_lu" sets max_value to 6, which caps the output (as ReLU6 does); Tensorweave\'s ReLU is max(0, x) only. Save the model with the ReLU\'s default max_value (None).',
    ],
    [
      { maxValue: 6 },
      'ReLU layer "re_lu" sets max_value to 6, which caps the output (as ReLU6 does); Tensorweave\'s ReLU is max(0, x) only. Save the model with the ReLU\'s default max_value (None).',
    ],
    [
      { max_value: null, negative_slope: 0.1, threshold: 0.0 },
      'ReLU layer "re_lu" sets negative_slope to 0.1, which lets negative values through scaled (a leaky ReLU); Tensorweave\'s ReLU is max(0, x) only. Save the model with the ReLU\'s default negative_slope (0).',
    ],
    [
      { threshold: 0.5 },
      'ReLU layer "re_lu" sets threshold to 0.5, which moves the point below which the output is 0; Tensorweave\'s ReLU is max(0, x) only. Save the model with the ReLU\'s default threshold (0).',
    ],
    [
      { threshold: 'high' },
      'ReLU layer "re_lu" sets threshold to high, which moves the point below which the output is 0; Tensorweave\'s ReLU is max(0, x) only. Save the model with the ReLU\'s default threshold (0).',
    ],
  ])('with %j is refused, naming the layer and the setting', (settings, error) => {
    expect(modelJsonToGraph(sequential(settings))).toEqual({ ok: false, error });
  });
});
