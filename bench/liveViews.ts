/**
 * Training speed with the "see inside" views live versus off (issue 15: ≤ 5% apart).
 *
 *   npx tsx bench/liveViews.ts [--steps 3000] [--rounds 3] [--preset hidden-layer]
 *
 * "Live" does between steps, on the training thread, what the worker does for an open view:
 * every `REFRESH_MS` (the page's throttle) it answers a view's question — every node's output
 * for one image (`activationsOf`) — and asks the loop to sync the kernels' weights into the
 * model (`syncDue`), as `src/worker/activationQueries.ts` does. Rounds alternate off/live so a
 * busy machine hurts both alike; the medians are printed, with one JSON line last.
 */
import { analyzeGraph } from '../src/core/analyze';
import { compileGraph } from '../src/core/compile';
import { nodeReadBytes, tf, useBackend } from '../src/cli/nodeEnv';
import { REFRESH_MS } from '../src/app/liveViewThrottle';
import { activationsOf } from '../src/training/activations';
import { loadMnist } from '../src/training/mnist';
import { train } from '../src/training/train';
import { loadPreset } from '../test/unit/core/fixtures';

function flag(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1]! : fallback;
}

const steps = Number(flag('steps', '3000'));
const rounds = Number(flag('rounds', '3'));
const preset = flag('preset', 'hidden-layer') as 'beginner' | 'hidden-layer';

await useBackend('wasm');
const data = await loadMnist(nodeReadBytes(), { validationCount: 5000 });
const doc = loadPreset(preset);
const image = Float32Array.from(data.test.images.subarray(0, 784), (v) => v / 255);

/** ms per step of one run, with or without the live views, and how many questions they asked. */
async function run(live: boolean): Promise<{ msPerStep: number; questions: number }> {
  const compiled = compileGraph(tf, doc, analyzeGraph(doc));
  let last = performance.now();
  let wanted = false;
  let questions = 0;
  const result = await train(tf, compiled, data, {
    batchSize: doc.training.batchSize,
    duration: { unit: 'steps', steps },
    seed: 1,
    learningRate: doc.training.learningRate,
    evaluate: false,
    validationEvery: 0,
    pauseGate: async () => {
      if (live && performance.now() - last >= REFRESH_MS) {
        last = performance.now();
        activationsOf(tf, compiled, image);
        questions++;
        wanted = true;
      }
    },
    syncDue: () => {
      const due = wanted;
      wanted = false;
      return due;
    },
  });
  compiled.dispose();
  return { msPerStep: (result.seconds * 1000) / result.steps, questions };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const off: number[] = [];
const on: number[] = [];
let questions = 0;
// Warm-up, both ways: kernels compiled, the views' first forward pass made, caches filled.
await run(false);
await run(true);
for (let r = 0; r < rounds; r++) {
  off.push((await run(false)).msPerStep);
  const live = await run(true);
  on.push(live.msPerStep);
  questions += live.questions;
}
const a = median(off);
const b = median(on);
const slower = (b / a - 1) * 100;
console.log(`${preset}, ${steps} steps × ${rounds} rounds, batch ${doc.training.batchSize}`);
console.log(`views off:  ${a.toFixed(3)} ms/step  (runs: ${off.map((x) => x.toFixed(3)).join(', ')})`);
console.log(
  `views live: ${b.toFixed(3)} ms/step  (runs: ${on.map((x) => x.toFixed(3)).join(', ')}; ${questions} view questions)`,
);
console.log(
  `live is ${slower >= 0 ? `${slower.toFixed(1)}% slower` : `${(-slower).toFixed(1)}% faster`} (limit 5%)`,
);
console.log(
  JSON.stringify({ preset, steps, rounds, offMsPerStep: a, liveMsPerStep: b, slowerPercent: slower }),
);
