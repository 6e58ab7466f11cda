/** The valid inputs the hostile corpus distorts: the beginner graph and a Keras-style model of it. */
import { readFileSync } from 'node:fs';

export type Json = Record<string, unknown>;

/** `graphs/beginner.json`, parsed. */
export function beginnerDoc(): Json {
  return JSON.parse(readFileSync(new URL('../graphs/beginner.json', import.meta.url), 'utf8')) as Json;
}

export interface KerasModelJson extends Json {
  modelTopology: Json;
  weightsManifest: { paths: string[]; weights: { name: string; shape: number[]; dtype: string }[] }[];
}

/**
 * A Keras 2 functional model.json as `tensorflowjs_converter` writes it: an input of 784 and
 * `layers - 1` dense layers of 10 units in a chain (the last with softmax), whose weights are
 * declared for the first dense layer only — enough for `layers = 2`, the beginner network.
 */
export function kerasModel(layers: number): KerasModelJson {
  const list: Json[] = [
    {
      class_name: 'InputLayer',
      name: 'input',
      config: { name: 'input', batch_input_shape: [null, 784], dtype: 'float32' },
      inbound_nodes: [],
    },
  ];
  for (let i = 1; i < layers; i++) {
    const name = i === 1 ? 'dense' : `dense_${i}`;
    const last = i === layers - 1;
    list.push({
      class_name: 'Dense',
      name,
      config: { name, units: 10, activation: last ? 'softmax' : 'linear', use_bias: true },
      inbound_nodes: [[[list[i - 1]!.name, 0, 0, {}]]],
    });
  }
  return {
    format: 'layers-model',
    modelTopology: {
      class_name: 'Functional',
      config: {
        name: 'beginner',
        layers: list,
        input_layers: [['input', 0, 0]],
        output_layers: [[list.at(-1)!.name, 0, 0]],
      },
    },
    weightsManifest: [
      {
        paths: ['weights.bin'],
        weights: [
          { name: 'dense/kernel', shape: [784, 10], dtype: 'float32' },
          { name: 'dense/bias', shape: [10], dtype: 'float32' },
        ],
      },
    ],
  };
}

/** The weights of `kerasModel(2)`: small, finite, float32 little-endian. */
export function weightBytes(): Uint8Array {
  const values = Float32Array.from({ length: 7850 }, (_, i) => Math.sin(i) * 0.01);
  return new Uint8Array(values.buffer);
}
