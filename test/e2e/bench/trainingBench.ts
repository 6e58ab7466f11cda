/**
 * Browser training figures, run by hand (`npx tsx test/e2e/bench/trainingBench.ts`), never as
 * a test: MNIST ready time, steps/s of both presets per backend in headless Chromium, and the
 * longest main-thread task while training (the worker must keep the page responsive).
 */
import { startServer } from '../support/server';
import { openSession } from '../support/app';
import { TrainingPage } from '../support/training';

const server = await startServer();
const s = await openSession(server.url);
await s.page.addInitScript(() => {
  const w = window as unknown as { longTasks: number[] };
  w.longTasks = [];
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) w.longTasks.push(e.duration);
  }).observe({ type: 'longtask', buffered: true });
});
await s.app.reload();
const t = new TrainingPage(s.page);
await t.openPanel();

const rows: Record<string, unknown>[] = [];
for (const preset of ['beginner', 'hidden-layer']) {
  await s.app.loadPreset(preset);
  await t.openPanel();
  for (const [backend, steps] of [
    ['kernels', preset === 'beginner' ? 3000 : 1500],
    ['wasm', preset === 'beginner' ? 1000 : 200],
    ['webgl', preset === 'beginner' ? 300 : 60],
  ] as const) {
    await t.chooseBackend(backend);
    await t.set('hp-length', String(steps));
    await s.page.evaluate(() => ((window as unknown as { longTasks: number[] }).longTasks = []));
    await s.page.getByTestId('train-start').click();
    await t.waitStatus('finished', 600_000);
    const speed = Number(
      ((await s.page.getByTestId('train-speed').textContent()) ?? '').replace(/[^0-9.]/g, ''),
    );
    const timing = await s.page
      .getByTestId('train-timing')
      .textContent()
      .catch(() => '');
    const longTasks = await s.page.evaluate(() => (window as unknown as { longTasks: number[] }).longTasks);
    rows.push({
      preset,
      backend: await s.page.getByTestId('train-backend-used').textContent(),
      steps,
      stepsPerSecond: speed,
      msPerStep: Number((1000 / speed).toFixed(2)),
      longestMainThreadTaskMs: longTasks.length ? Math.round(Math.max(...longTasks)) : 0,
      longTasksOver50ms: longTasks.length,
      timing,
    });
    console.log(JSON.stringify(rows.at(-1)));
  }
}
console.table(rows.map(({ timing: _t, ...r }) => r));
await s.close();
await server.close();
