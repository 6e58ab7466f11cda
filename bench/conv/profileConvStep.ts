/**
 * `npx tsx bench/conv/profileConvStep.ts`: where one training step of each bench CNN spends its
 * time on the wasm backend with the conv kernels, summed per tfjs kernel (`tf.profile`).
 */
import { tf, useBackend } from '../../src/cli/nodeEnv';
import { installFastMatMulGrad } from '../../src/training/matMulGrad';
import { compileConvModel, CONV_BENCH_MODELS } from './convModels';
await useBackend('wasm');
installFastMatMulGrad(tf);
for (const spec of CONV_BENCH_MODELS) {
  const c = compileConvModel(tf, spec);
  const B = spec.doc.training.batchSize;
  const xs = tf.randomUniform([B, 28, 28, 1]);
  const ys = tf.oneHot(
    tf.tensor1d(
      Array.from({ length: B }, (_, i) => i % 10),
      'int32',
    ),
    10,
  );
  const step = () => {
    const l = c.optimizer.minimize(() => c.lossFn(ys, c.forward(xs, true)), true, c.trainableVariables)!;
    l.dataSync();
    l.dispose();
  };
  step();
  step();
  const prof = await tf.profile(() => {
    step();
  });
  const agg = new Map<string, number>();
  for (const k of prof.kernels) agg.set(k.name, (agg.get(k.name) ?? 0) + (k.kernelTimeMs as number));
  let total = 0;
  for (const v of agg.values()) total += v;
  console.log(
    spec.name,
    'total',
    total.toFixed(1),
    [...agg]
      .sort((a, b) => b[1] - a[1])
      .slice(0, 30)
      .map(([k, v]) => `${k} ${v.toFixed(1)}`)
      .join(', '),
  );
}
