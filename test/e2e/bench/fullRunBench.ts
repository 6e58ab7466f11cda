/**
 * A preset's full run in the app, by hand, never as a test:
 * `npx tsx test/e2e/bench/fullRunBench.ts [steps] [--preset hidden-layer] [--seed N]`
 * (steps: the preset's own length when not given for another preset than hidden-layer, whose
 * default is its tutorial's 30,000). Prints the time from the Train click to the final test
 * accuracy on the page, and the end-of-run evaluation of the 10,000 test images (the panel's
 * "evaluating" status until "finished"), in headless Chromium with `auto`.
 */
import { openSession } from '../support/app';
import { startServer } from '../support/server';
import { TrainingPage } from '../support/training';

const args = process.argv.slice(2);
const flag = (name: string) => {
  const i = args.indexOf(`--${name}`);
  return i < 0 ? undefined : args.splice(i, 2)[1];
};
const preset = flag('preset') ?? 'hidden-layer';
const seed = flag('seed');
const steps = args[0] ?? (preset === 'hidden-layer' ? '30000' : undefined);
const server = await startServer();
const s = await openSession(server.url);
const t = new TrainingPage(s.page);
await s.app.loadPreset(preset);
await t.openPanel();
await t.chooseBackend('auto');
if (steps !== undefined) await t.set('hp-length', steps);
if (seed !== undefined) await t.set('hp-seed', seed);
// Every status the panel shows, with the page's clock, from the click on.
await s.page.evaluate(() => {
  const w = window as unknown as { statuses: [string, number][] };
  w.statuses = [];
  const progress = document.querySelector('[data-testid="train-progress"]')!;
  new MutationObserver(() =>
    w.statuses.push([progress.getAttribute('data-status')!, performance.now()]),
  ).observe(progress, { attributes: true, attributeFilter: ['data-status'] });
});
const clicked = await s.page.evaluate(() => {
  const at = performance.now();
  (document.querySelector('[data-testid="train-start"]') as HTMLButtonElement).click();
  return at;
});
await t.waitStatus('finished', 3_600_000);
const accuracy = await t.testAccuracy();
const shown = await s.page.evaluate(() => performance.now());
const statuses = await s.page.evaluate(
  () => (window as unknown as { statuses: [string, number][] }).statuses,
);
const at = (status: string) => statuses.find(([st]) => st === status)?.[1];
const evaluating = at('evaluating');
const finished = at('finished');
console.log(
  JSON.stringify({
    preset,
    seed: seed === undefined ? 'preset' : Number(seed),
    steps: steps === undefined ? 'preset' : Number(steps),
    backend: await s.page.getByTestId('train-backend-used').textContent(),
    testAccuracy: accuracy,
    clickToTestAccuracySeconds: Number(((shown - clicked) / 1000).toFixed(2)),
    clickToFinishedSeconds: finished && Number(((finished - clicked) / 1000).toFixed(2)),
    testEvaluationSeconds: evaluating && finished && Number(((finished - evaluating) / 1000).toFixed(3)),
    statuses: statuses.map(([st, ms]) => [st, Number(((ms - clicked) / 1000).toFixed(3))]),
  }),
);
await s.close();
await server.close();
