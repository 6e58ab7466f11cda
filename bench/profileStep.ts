/**
 * Where a training step's time goes on the Node wasm backend: per-kernel times of one
 * `optimizer.minimize` step (tf.profile), plus the JS-side costs around it (batch conversion,
 * snapshots, dataSync). Run: `npx tsx bench/profileStep.ts [hidden-layer|beginner]`.
 */
import { readFile } from 'node:fs/promises';
import { analyzeGraph } from '../src/core/analyze';
import { compileGraph } from '../src/core/compile';
import { parseDocument } from '../src/core/parseDocument';
import { median } from '../src/core/util/stats';
import { nodeReadBytes, tf, useBackend } from '../src/cli/nodeEnv';
import { loadMnist, makeBatch } from '../src/training/mnist';
import { installFastMatMulGrad } from '../src/training/matMulGrad';

const preset = process.argv[2] ?? 'hidden-layer';

async function main(): Promise<void> {
  await useBackend('wasm');
  const parsed = parseDocument(await readFile(`graphs/${preset}.json`, 'utf8'));
  if (!parsed.ok) throw new Error(parsed.error);
  const doc = parsed.value;
  const compiled = compileGraph(tf, doc, analyzeGraph(doc));
  const data = await loadMnist(nodeReadBytes(), { validationCount: 5000 });
  installFastMatMulGrad(tf);
  const order = new Int32Array(data.train.count).map((_, i) => i);
  const vars = compiled.trainableVariables;
  const step = (i: number) => {
    const { xs, ys } = makeBatch(tf, data.train, order, (i * 100) % 50000, 100, compiled.inputShape);
    const cost = compiled.optimizer.minimize(
      () => compiled.lossFn(ys, compiled.forward(xs, true)),
      true,
      vars,
    )!;
    xs.dispose();
    ys.dispose();
    cost.dataSync();
    cost.dispose();
  };
  for (let i = 0; i < 30; i++) step(i);

  // Per kernel, summed over 20 profiled steps.
  const perKernel = new Map<string, { ms: number; n: number }>();
  let wall = 0;
  for (let r = 0; r < 20; r++) {
    const t = performance.now();
    const info = await tf.profile(() => step(r));
    wall += performance.now() - t;
    for (const k of info.kernels) {
      const e = perKernel.get(k.name) ?? { ms: 0, n: 0 };
      e.ms += Number(k.kernelTimeMs) / 20;
      e.n += 1 / 20;
      perKernel.set(k.name, e);
    }
  }
  const rows = [...perKernel.entries()].sort((a, b) => b[1].ms - a[1].ms);
  const total = rows.reduce((s, [, e]) => s + e.ms, 0);
  console.log(
    `${preset}: kernels per step (tf.profile, mean of 20 steps; profiled wall ${(wall / 20).toFixed(2)} ms)`,
  );
  for (const [name, e] of rows)
    console.log(`  ${name.padEnd(22)} ${e.ms.toFixed(3).padStart(8)} ms  ×${e.n.toFixed(0)}`);
  console.log(`  ${'sum of kernels'.padEnd(22)} ${total.toFixed(3).padStart(8)} ms`);

  // Unprofiled: whole step, and its parts.
  const times = {
    step: [] as number[],
    batch: [] as number[],
    snapshot: [] as number[],
    matMulFwd: [] as number[],
  };
  for (let r = 0; r < 100; r++) {
    let t = performance.now();
    step(r);
    times.step.push(performance.now() - t);
    t = performance.now();
    const b = makeBatch(tf, data.train, order, r * 100, 100, compiled.inputShape);
    times.batch.push(performance.now() - t);
    t = performance.now();
    const snap = vars.map((v) => tf.keep(v.clone()));
    times.snapshot.push(performance.now() - t);
    snap.forEach((s) => s.dispose());
    t = performance.now();
    const y = tf.matMul(b.xs as never, vars[0]! as never);
    y.dataSync();
    times.matMulFwd.push(performance.now() - t);
    y.dispose();
    b.xs.dispose();
    b.ys.dispose();
  }
  for (const [k, v] of Object.entries(times))
    console.log(`  median ${k.padEnd(10)} ${median(v).toFixed(3)} ms`);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
