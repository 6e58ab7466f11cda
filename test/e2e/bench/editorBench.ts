/**
 * Editor benchmark, run by hand (not a timed test): `npx tsx test/e2e/bench/editorBench.ts`.
 * Loads a 200-node graph into the built app in headless Chromium and reports the time until
 * every node and wire is drawn, then drags a node and reports frame times during the drag.
 */
import { center, openSession } from '../support/app';
import { startServer } from '../support/server';

const NODES = 200;
const RUNS = 5;

/** input → (dense 32 → relu) × 98 → dense 10 → softmax → loss, laid out in rows of ten. */
function bigGraph(): string {
  const types: { type: string; params: Record<string, unknown> }[] = [{ type: 'input', params: {} }];
  while (types.length < NODES - 3) {
    types.push({ type: 'dense', params: { units: 32 } });
    types.push({ type: 'relu', params: {} });
  }
  types.push(
    { type: 'dense', params: { units: 10 } },
    { type: 'softmax', params: {} },
    { type: 'loss', params: {} },
  );
  const nodes = types.map((t, i) => ({
    id: `n${i}`,
    type: t.type,
    params: t.params,
    position: { x: (i % 10) * 260, y: Math.floor(i / 10) * 170 },
  }));
  const edges = nodes.slice(1).map((n, i) => ({
    id: `e${i + 1}`,
    from: { node: `n${i}`, port: 'out' },
    to: { node: n.id, port: 'in' },
  }));
  return JSON.stringify({
    format: 'tensorweave-graph',
    version: 1,
    name: 'bench-200',
    description: '',
    nodes,
    edges,
    training: {
      optimizer: { type: 'sgd' },
      learningRate: 0.001,
      batchSize: 100,
      duration: { unit: 'steps', steps: 100 },
    },
  });
}

function stats(xs: number[]): string {
  const s = [...xs].sort((a, b) => a - b);
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  const p = (q: number): number => s[Math.min(s.length - 1, Math.floor(q * s.length))]!;
  return `mean ${mean.toFixed(1)} ms, median ${p(0.5).toFixed(1)}, p95 ${p(0.95).toFixed(1)}, max ${s.at(-1)!.toFixed(1)} (n=${xs.length})`;
}

const server = await startServer('.tmp/bench-dist');
const session = await openSession(server.url);
try {
  const { page, app } = session;
  // tsx keeps function names with an `__name` helper that does not exist in the page.
  await page.evaluate('globalThis.__name = (f) => f');
  const text = bigGraph();
  const loads: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    await app.loadPreset('beginner');
    await app.node('loss').waitFor();
    const ms = await page.evaluate(
      async ({ text, nodes }) => {
        const tw = (window as unknown as { tensorweave: { load(t: string): string | undefined } })
          .tensorweave;
        const t0 = performance.now();
        const error = tw.load(text);
        if (error) throw new Error(error);
        await new Promise<void>((resolve) => {
          const check = (): void => {
            const drawn = document.querySelectorAll('[data-testid="canvas"] [data-testid="node"]').length;
            const wires = [...document.querySelectorAll('[data-testid="canvas"] .tw-conn-path')].filter(
              (p) => (p.getAttribute('d') ?? '').length > 0,
            ).length;
            if (drawn >= nodes && wires >= nodes - 1) resolve();
            else requestAnimationFrame(check);
          };
          check();
        });
        return performance.now() - t0;
      },
      { text, nodes: NODES },
    );
    loads.push(ms);
  }
  console.log(`Load ${NODES} nodes + ${NODES - 1} wires until drawn: ${stats(loads)}`);

  // Drag: zoom to fit, grab a node in the middle, move it 400 px in 60 steps, record frames.
  await app.testId('btn-fit').click();
  const title = app.node('n95').locator('[data-testid="title"]');
  const start = await center(title);
  await page.evaluate(() => {
    const w = window as unknown as { __frames: number[]; __stop: boolean };
    w.__frames = [];
    w.__stop = false;
    const tick = (t: number): void => {
      w.__frames.push(t);
      if (!w.__stop) requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  });
  await page.mouse.move(start.x, start.y);
  await page.mouse.down();
  for (let i = 1; i <= 60; i++) await page.mouse.move(start.x + (400 * i) / 60, start.y + (120 * i) / 60);
  await page.mouse.up();
  const frames = await page.evaluate(() => {
    const w = window as unknown as { __frames: number[]; __stop: boolean };
    w.__stop = true;
    return w.__frames;
  });
  const deltas = frames.slice(1).map((t, i) => t - frames[i]!);
  console.log(`Frame time while dragging a node in the ${NODES}-node graph: ${stats(deltas)}`);
  const moved = await app.waitForDocument((d) => d.nodes.find((n) => n.id === 'n95')!.position.x !== 1300);
  console.log(
    `Drag committed as one move: n95 at ${JSON.stringify(moved.nodes.find((n) => n.id === 'n95')!.position)}`,
  );
} finally {
  await session.close();
  await server.close();
}
