import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { modelJsonToGraph, readWeights } from '../../../src/core/exchange/importLayersModel';
import { analyzeGraph } from '../../../src/core/analyze';
import { loadPreset } from './fixtures';
import { saved, WEIGHTS_FILE } from './savedModel';

function kerasStyleModel(): tf.LayersModel {
  // Dense layers with folded activations and a branch, the way Keras users write them.
  const input = tf.input({ shape: [784], name: 'pixels' });
  const a = tf.layers.dense({ units: 16, activation: 'relu', name: 'a' }).apply(input) as tf.SymbolicTensor;
  const b = tf.layers.dense({ units: 16, activation: 'tanh', name: 'b' }).apply(input) as tf.SymbolicTensor;
  const sum = tf.layers.add({ name: 'sum' }).apply([a, b]) as tf.SymbolicTensor;
  const drop = tf.layers.dropout({ rate: 0.2, name: 'drop' }).apply(sum) as tf.SymbolicTensor;
  const out = tf.layers
    .dense({ units: 10, activation: 'softmax', name: 'out' })
    .apply(drop) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: out, name: 'keras_style' });
}

describe('importing TensorFlow.js layers models', () => {
  it('turns a functional Keras-style model into a valid graph with the same weights', async () => {
    await tf.setBackend('cpu');
    const model = kerasStyleModel();
    const { json, bin } = await saved(model);
    const graph = modelJsonToGraph(json);
    expect(graph.ok).toBe(true);
    if (!graph.ok) return;
    const { doc, manifest, files, notes } = graph.value;
    expect(files).toEqual([WEIGHTS_FILE]);
    expect(doc.nodes.map((n) => `${n.id}:${n.type}`)).toEqual([
      'pixels:input',
      'a:dense',
      'a_relu:relu',
      'b:dense',
      'b_tanh:tanh',
      'sum:add',
      'drop:dropout',
      'out:dense',
      'out_softmax:softmax',
      'loss:loss',
    ]);
    expect(notes[0]).toMatch(/cross-entropy \(batch mean\) is assumed/);
    const analysis = analyzeGraph(doc);
    expect(analysis.diagnostics).toEqual([]);
    expect(analysis.totalParams).toBe(model.countParams());

    const weights = readWeights(doc, manifest, (name) => (name === WEIGHTS_FILE ? bin : undefined));
    expect(weights.ok).toBe(true);
    if (!weights.ok) return;
    const kernel = model.getLayer('out').getWeights()[0]!;
    expect(Array.from(weights.value.get('out')![0]!.data)).toEqual(Array.from(kernel.dataSync()));
    model.dispose();
  });

  it('reads a Sequential model whose first layer declares the input shape', () => {
    const json = {
      format: 'layers-model',
      modelTopology: {
        class_name: 'Sequential',
        config: {
          name: 'seq',
          layers: [
            { class_name: 'Flatten', config: { name: 'flat', batch_input_shape: [null, 28, 28, 1] } },
            { class_name: 'Dense', config: { name: 'd', units: 10, activation: 'softmax', use_bias: true } },
          ],
        },
      },
      weightsManifest: [],
    };
    const r = modelJsonToGraph(json);
    expect(r.ok).toBe(true);
    if (r.ok) {
      expect(r.value.doc.nodes.map((n) => n.type)).toEqual(['input', 'flatten', 'dense', 'softmax', 'loss']);
      expect(r.value.doc.nodes[0]!.params).toEqual({ layout: 'image' });
      expect(analyzeGraph(r.value.doc).valid).toBe(true);
    }
  });

  it('reads Keras 3 inbound nodes', () => {
    const tensor = (name: string) => ({
      class_name: '__keras_tensor__',
      config: { keras_history: [name, 0, 0] },
    });
    const json = {
      modelTopology: {
        class_name: 'Functional',
        config: {
          name: 'k3',
          layers: [
            {
              class_name: 'InputLayer',
              name: 'in',
              config: { name: 'in', batch_shape: [null, 784] },
              inbound_nodes: [],
            },
            {
              class_name: 'Dense',
              name: 'd',
              config: { name: 'd', units: 10, activation: 'linear' },
              inbound_nodes: [{ args: [tensor('in')], kwargs: {} }],
            },
            {
              class_name: 'Activation',
              name: 'sm',
              config: { name: 'sm', activation: 'softmax' },
              inbound_nodes: [{ args: [tensor('d')], kwargs: {} }],
            },
          ],
          output_layers: [['sm', 0, 0]],
        },
      },
    };
    const r = modelJsonToGraph(json);
    expect(r.ok && r.value.doc.edges.map((e) => `${e.from.node}>${e.to.node}`)).toEqual([
      'in>d',
      'd>sm',
      'sm>loss',
    ]);
  });

  const preset = loadPreset('beginner');
  const manifest = [
    {
      paths: ['w.bin'],
      weights: [
        { name: 'dense/kernel', shape: [784, 10] },
        { name: 'dense/bias', shape: [10] },
      ],
    },
  ];
  const full = new Uint8Array(4 * 7850);

  it.each([
    ['not an object', 42, /not a JSON object/],
    ['a graph model', { format: 'graph-model', modelTopology: {} }, /only "layers-model"/],
    ['no topology', { format: 'layers-model' }, /no "modelTopology"/],
    [
      'an unsupported layer',
      {
        modelTopology: {
          class_name: 'Sequential',
          config: {
            layers: [{ class_name: 'Conv3D', config: { name: 'c', batch_input_shape: [null, 28, 28, 1] } }],
          },
        },
      },
      /cannot edit: Conv3D\. Supported: InputLayer, Dense, .*Conv2D, MaxPooling2D, AveragePooling2D, GlobalAveragePooling2D, BatchNormalization/,
    ],
    [
      'a rectangular convolution kernel',
      {
        modelTopology: {
          class_name: 'Sequential',
          config: {
            layers: [
              {
                class_name: 'Conv2D',
                config: { name: 'c', batch_input_shape: [null, 28, 28, 1], filters: 4, kernel_size: [3, 5] },
              },
            ],
          },
        },
      },
      /^Layer "c" has kernel size \[3,5\]; Tensorweave uses square windows/,
    ],
    [
      'a dilated convolution',
      {
        modelTopology: {
          class_name: 'Sequential',
          config: {
            layers: [
              {
                class_name: 'Conv2D',
                config: {
                  name: 'c',
                  batch_input_shape: [null, 28, 28, 1],
                  filters: 4,
                  kernel_size: 3,
                  dilation_rate: [2, 2],
                },
              },
            ],
          },
        },
      },
      /^Layer "c" uses dilation \[2,2\]; Tensorweave's convolutions are not dilated\.$/,
    ],
    [
      'channels-first pooling',
      {
        modelTopology: {
          class_name: 'Sequential',
          config: {
            layers: [
              {
                class_name: 'MaxPool2D',
                config: { name: 'p', batch_input_shape: [null, 28, 28, 1], data_format: 'channels_first' },
              },
            ],
          },
        },
      },
      /^Layer "p" uses data_format channels_first; Tensorweave's pictures are channels last/,
    ],
    [
      'a flat Reshape',
      {
        modelTopology: {
          class_name: 'Sequential',
          config: {
            layers: [
              {
                class_name: 'Reshape',
                config: { name: 'r', batch_input_shape: [null, 28, 28, 1], target_shape: [784] },
              },
            ],
          },
        },
      },
      /^Reshape layer "r" makes the shape \[784\]; .* To flatten, use a Flatten layer\.$/,
    ],
    [
      'a weight path pointing outside',
      {
        modelTopology: { class_name: 'Sequential', config: { layers: [] } },
        weightsManifest: [{ paths: ['../../etc/passwd'], weights: [] }],
      },
      /"\.\.\/\.\.\/etc\/passwd" is not a plain file name/,
    ],
    [
      'a quantized weight',
      {
        modelTopology: {},
        weightsManifest: [
          {
            paths: ['w.bin'],
            weights: [{ name: 'k', shape: [2], dtype: 'float32', quantization: { dtype: 'uint8' } }],
          },
        ],
      },
      /quantized/,
    ],
  ])('refuses %s', (_what, json, message) => {
    const r = modelJsonToGraph(json);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toMatch(message);
  });

  it.each([
    ['a missing file', () => undefined, /"w\.bin" is missing/],
    [
      'a truncated file',
      () => full.subarray(0, 1000),
      /holds 1,000 bytes; the manifest needs 31,400\. The file is truncated/,
    ],
  ])('refuses weights with %s', (_what, read, message) => {
    const r = readWeights(preset, manifest, read);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toMatch(message);
  });

  it('refuses huge declared sizes before reading anything', () => {
    let reads = 0;
    const huge = [{ paths: ['w.bin'], weights: [{ name: 'dense/kernel', shape: [100000, 100000] }] }];
    const r = readWeights(preset, huge, () => {
      reads++;
      return undefined;
    });
    expect(r).toEqual({ ok: false, error: expect.stringMatching(/declare 38147 MB; the limit is 256 MB/) });
    expect(reads).toBe(0);
  });

  it('refuses weights of the wrong shape or missing for a layer', () => {
    const wrong = [
      {
        paths: ['w.bin'],
        weights: [
          { name: 'dense/kernel', shape: [10, 784] },
          { name: 'dense/bias', shape: [10] },
        ],
      },
    ];
    expect(readWeights(preset, wrong, () => full)).toEqual({
      ok: false,
      error: 'The kernel of dense layer "dense" has shape [10, 784]; the graph needs [784, 10].',
    });
    const missing = [
      {
        paths: ['w.bin'],
        weights: [
          { name: 'other/kernel', shape: [784, 10] },
          { name: 'dense/bias', shape: [10] },
        ],
      },
    ];
    expect(readWeights(preset, missing, () => full)).toEqual({
      ok: false,
      error:
        'The weights have no kernel for dense layer "dense"; refusing to import a model with missing weights.',
    });
  });
});
