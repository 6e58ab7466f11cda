/**
 * Keras 3 functional topologies and Keras training configs, in the exact layouts Keras 3.15 and
 * tensorflowjs_converter write (keys and nesting copied from the real files in
 * test/fixtures/external; the dense models themselves are written here by hand).
 */
import { describe, expect, it } from 'vitest';
import { analyzeGraph } from '../../../src/core/analyze';
import { modelJsonToGraph } from '../../../src/core/exchange/importLayersModel';

const DTYPE = {
  module: 'keras',
  class_name: 'DTypePolicy',
  config: { name: 'float32' },
  registered_name: null,
};

const tensor = (layer: string, shape: (number | null)[]) => ({
  class_name: '__keras_tensor__',
  config: { shape, dtype: 'float32', keras_history: [layer, 0, 0] },
});

const dense = (name: string, units: number, activation: string, from: ReturnType<typeof tensor>) => ({
  module: 'keras.layers',
  class_name: 'Dense',
  config: {
    name,
    trainable: true,
    dtype: DTYPE,
    units,
    activation,
    use_bias: true,
    kernel_initializer: {
      module: 'keras.initializers',
      class_name: 'GlorotUniform',
      config: { seed: null },
      registered_name: null,
    },
    bias_initializer: {
      module: 'keras.initializers',
      class_name: 'Zeros',
      config: {},
      registered_name: null,
    },
  },
  registered_name: null,
  build_config: { input_shape: from.config.shape },
  name,
  inbound_nodes: [{ args: [from], kwargs: {} }],
});

/** A Keras 3.15 `model.to_json()`: 784 → two Dense branches → Add or Concatenate → Dense 10 softmax. */
function functionalBranch(merge: 'Add' | 'Concatenate', flat: boolean) {
  const mergeName = merge.toLowerCase();
  const width = merge === 'Add' ? 32 : 64;
  return {
    module: 'keras.src.models.functional',
    class_name: 'Functional',
    config: {
      name: 'branchy',
      trainable: true,
      layers: [
        {
          module: 'keras.layers',
          class_name: 'InputLayer',
          config: {
            batch_shape: [null, 784],
            dtype: 'float32',
            sparse: false,
            ragged: false,
            name: 'pixels',
          },
          registered_name: null,
          name: 'pixels',
          inbound_nodes: [],
        },
        dense('left', 32, 'relu', tensor('pixels', [null, 784])),
        dense('right', 32, 'tanh', tensor('pixels', [null, 784])),
        {
          module: 'keras.layers',
          class_name: merge,
          config: {
            name: mergeName,
            trainable: true,
            dtype: DTYPE,
            ...(merge === 'Concatenate' && { axis: -1 }),
          },
          registered_name: null,
          build_config: {
            input_shape: [
              [null, 32],
              [null, 32],
            ],
          },
          name: mergeName,
          // Keras 3 passes a merge layer's inputs as one list argument.
          inbound_nodes: [{ args: [[tensor('left', [null, 32]), tensor('right', [null, 32])]], kwargs: {} }],
        },
        dense('probs', 10, 'softmax', tensor(mergeName, [null, width])),
      ],
      input_layers: flat ? ['pixels', 0, 0] : [['pixels', 0, 0]],
      output_layers: flat ? ['probs', 0, 0] : [['probs', 0, 0]],
    },
    registered_name: 'Functional',
    build_config: { input_shape: null },
  };
}

describe('Keras 3 functional models', () => {
  it.each([
    ['Add', true],
    ['Add', false],
    ['Concatenate', true],
    ['Concatenate', false],
  ] as const)(
    'imports a branch through %s as one graph with one output (flat triples: %s)',
    (merge, flat) => {
      const r = modelJsonToGraph({ format: 'layers-model', modelTopology: functionalBranch(merge, flat) });
      if (!r.ok) throw new Error(r.error);
      const { doc } = r.value;
      const m = merge.toLowerCase();
      expect(doc.edges.map((e) => `${e.from.node}>${e.to.node}`)).toEqual([
        'pixels>left',
        'left>left_relu',
        'pixels>right',
        'right>right_tanh',
        `left_relu>${m}`,
        `right_tanh>${m}`,
        `${m}>probs`,
        'probs>probs_softmax',
        'probs_softmax>loss',
      ]);
      expect(doc.nodes.find((n) => n.id === m)!.type).toBe(merge === 'Add' ? 'add' : 'concat');
      const analysis = analyzeGraph(doc);
      expect(analysis.diagnostics).toEqual([]);
      const width = merge === 'Add' ? 32 : 64;
      expect(analysis.totalParams).toBe(2 * (784 * 32 + 32) + width * 10 + 10);
    },
  );

  it('also reads the bare to_json() text, without a model.json around it', () => {
    const r = modelJsonToGraph(functionalBranch('Add', true));
    expect(r.ok && r.value.doc.name).toBe('branchy');
  });

  it('refuses two inputs, in either form', () => {
    for (const inputs of [
      [
        ['a', 0, 0],
        ['b', 0, 0],
      ],
      ['a', 'b'],
    ]) {
      const topology = functionalBranch('Add', true);
      const r = modelJsonToGraph({
        modelTopology: { ...topology, config: { ...topology.config, input_layers: inputs } },
      });
      expect(r).toEqual({
        ok: false,
        error: 'The model has 2 inputs; Tensorweave trains models with one (the images).',
      });
    }
  });
});

/** A Sequential 784 → Dense 10 softmax with the given training config in the given place. */
function compiled(where: 'converter' | 'tfjs' | 'keras3', config: Record<string, unknown>) {
  const topology = {
    class_name: 'Sequential',
    config: {
      name: 'seq',
      layers: [
        { class_name: 'InputLayer', config: { name: 'in', batch_input_shape: [null, 784] } },
        { class_name: 'Dense', config: { name: 'd', units: 10, activation: 'softmax' } },
      ],
    },
    ...(where === 'keras3' && { compile_config: config }),
  };
  if (where === 'keras3') return topology;
  return where === 'converter'
    ? { format: 'layers-model', modelTopology: { model_config: topology, training_config: config } }
    : { format: 'layers-model', modelTopology: topology, trainingConfig: config };
}

function imported(json: unknown) {
  const r = modelJsonToGraph(json);
  if (!r.ok) throw new Error(r.error);
  const loss = r.value.doc.nodes.find((n) => n.type === 'loss')!.params;
  return { loss, training: r.value.doc.training, notes: r.value.notes };
}

describe('Keras training configs', () => {
  const adam = {
    class_name: 'Adam',
    config: { name: 'Adam', learning_rate: 0.002, beta_1: 0.8, beta_2: 0.99, epsilon: 1e-8, amsgrad: false },
  };

  it.each([
    ['the string "mse"', 'mse'],
    ['the string "mean_squared_error"', 'mean_squared_error'],
    [
      'a class config',
      { class_name: 'MeanSquaredError', config: { name: 'mse', reduction: 'sum_over_batch_size' } },
    ],
    [
      'a Keras 3 function reference',
      { module: 'builtins', class_name: 'function', config: 'mean_squared_error' },
    ],
    ['one loss per output', { probs: 'mse' }],
  ])('carries an MSE loss given as %s from an inner training_config', (_what, loss) => {
    const { loss: params, notes } = imported(
      compiled('converter', { loss, metrics: ['accuracy'], optimizer_config: adam }),
    );
    expect(params).toEqual({ loss: 'meanSquaredError', reduction: 'mean' });
    expect(notes).toEqual([]);
  });

  it('carries Adam with its learning rate and settings', () => {
    const { training } = imported(
      compiled('converter', { loss: 'categorical_crossentropy', optimizer_config: adam }),
    );
    expect(training.optimizer).toEqual({ type: 'adam', beta1: 0.8, beta2: 0.99, epsilon: 1e-8 });
    expect(training.learningRate).toBe(0.002);
  });

  it('carries SGD with momentum, RMSprop, and a summed cross-entropy, from every place Keras writes them', () => {
    const sgd = imported(
      compiled('tfjs', {
        loss: { class_name: 'CategoricalCrossentropy', config: { reduction: 'sum', from_logits: false } },
        metrics: [
          [{ class_name: 'MeanMetricWrapper', config: { name: 'accuracy', fn: 'categorical_accuracy' } }],
        ],
        optimizer_config: {
          class_name: 'SGD',
          config: { learning_rate: 0.05, momentum: 0.9, nesterov: true },
        },
      }),
    );
    expect(sgd.loss).toEqual({ loss: 'categoricalCrossentropy', reduction: 'sum' });
    expect(sgd.training.optimizer).toEqual({ type: 'momentum', momentum: 0.9, nesterov: true });
    expect(sgd.training.learningRate).toBe(0.05);

    const rms = imported(
      compiled('keras3', {
        loss: { module: 'builtins', class_name: 'function', config: 'categorical_crossentropy' },
        metrics: ['accuracy'],
        optimizer: {
          module: 'keras.optimizers',
          class_name: 'RMSprop',
          config: { name: 'rmsprop', learning_rate: 0.0005, rho: 0.8, momentum: 0.1, epsilon: 1e-6 },
        },
      }),
    );
    expect(rms.training.optimizer).toEqual({ type: 'rmsprop', decay: 0.8, momentum: 0.1, epsilon: 1e-6 });
    expect(rms.training.learningRate).toBe(0.0005);

    const plain = imported(compiled('keras3', { loss: 'categorical_crossentropy', optimizer: 'sgd' }));
    expect(plain.training.optimizer).toEqual({ type: 'sgd' });
    expect(plain.training.learningRate).toBe(0.01);
  });

  it('keeps a schedule’s initial learning rate and says so', () => {
    const { training, notes } = imported(
      compiled('converter', {
        loss: 'categorical_crossentropy',
        optimizer_config: {
          class_name: 'Adam',
          config: {
            learning_rate: {
              class_name: 'ExponentialDecay',
              config: { initial_learning_rate: 0.01, decay_steps: 100, decay_rate: 0.9 },
            },
          },
        },
      }),
    );
    expect(training.optimizer).toEqual({ type: 'adam', beta1: 0.9, beta2: 0.999, epsilon: 1e-7 });
    expect(training.learningRate).toBe(0.01);
    expect(notes).toEqual([
      'The learning rate follows a ExponentialDecay schedule; Tensorweave keeps its initial value 0.01.',
    ]);
  });

  it('says what it could not carry: sparse labels, an unknown loss, an unknown optimizer', () => {
    const sparse = imported(compiled('converter', { loss: 'sparse_categorical_crossentropy' }));
    expect(sparse.loss).toEqual({ loss: 'categoricalCrossentropy', reduction: 'mean' });
    expect(sparse.notes).toEqual([expect.stringMatching(/^The loss is sparse categorical cross-entropy; /)]);

    const other = imported(
      compiled('converter', {
        loss: 'binary_crossentropy',
        optimizer_config: { class_name: 'Adagrad', config: {} },
      }),
    );
    expect(other.loss).toEqual({ loss: 'categoricalCrossentropy', reduction: 'mean' });
    expect(other.training.optimizer).toEqual({ type: 'sgd' });
    expect(other.training.learningRate).toBe(0.1);
    expect(other.notes).toEqual([
      'The loss "binary_crossentropy" is not one Tensorweave has; cross-entropy (batch mean) is used instead.',
      'The optimizer "Adagrad" (learning rate 0.01) is not one Tensorweave can use; the training settings keep their defaults.',
    ]);
  });
});
