/**
 * Follow-ups of "a trained model belongs to its graph": the banner's Train this graph shows the
 * run on the Train tab, and a model opened from a file is kept across a reload like a run's.
 */
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { freshSessionPerTest, type Session } from './support/app';
import { TrainingPage } from './support/training';

/** A real converter MLP with its weights (test/fixtures/external/README.md). */
const fixture = (name: string) =>
  fileURLToPath(new URL(`../fixtures/external/tfjs-keras2-mlp-88v88/${name}`, import.meta.url));

describe('models and the tabs that show them', () => {
  let s: Session;
  let t: TrainingPage;
  freshSessionPerTest(
    (session) => {
      s = session;
      t = new TrainingPage(s.page);
    },
    { width: 1366, height: 768 },
  );
  const screenshot = (name: string) => s.page.screenshot({ path: `screenshots/opened-model-${name}.png` });

  async function shownAccuracy(): Promise<string> {
    await t.dockTab('evaluation');
    const accuracy = s.page.getByTestId('eval-accuracy');
    await accuracy.waitFor({ timeout: 120_000 });
    return (await accuracy.textContent())!.trim();
  }

  it('the banner’s Train this graph starts the canvas’s graph on the Train tab', async () => {
    await t.openPanel();
    await t.set('hp-length', '100');
    await s.page.getByTestId('train-start').click();
    await t.waitStatus('finished');
    await s.app.loadPreset('hidden-layer');
    // The user is elsewhere: the Inspector on the side, Evaluation in the dock.
    await s.page.getByRole('tab', { name: 'Inspector' }).click();
    await t.dockTab('evaluation');
    await s.page.getByRole('button', { name: 'Train this graph' }).click();
    await s.page.getByTestId('train-panel').waitFor();
    expect(await s.page.getByRole('tab', { name: 'Train' }).getAttribute('aria-selected')).toBe('true');
    expect(await t.status()).toMatch(/^(preparing|running)$/);
    await t.waitStepAtLeast(1);
    await screenshot('train-this-graph');
    await s.page.getByTestId('train-stop').click();
    await t.waitStatus('stopped');
    expect(s.app.errors).toEqual([]);
  });

  it('a model opened from files is still the current model after a reload: evaluation, Draw a digit, the runs table', async () => {
    await s.page.getByTestId('file-input').setInputFiles([
      { name: 'model.json', mimeType: 'application/json', buffer: await readFile(fixture('model.json')) },
      {
        name: 'group1-shard1of1.bin',
        mimeType: 'application/octet-stream',
        buffer: await readFile(fixture('group1-shard1of1.bin')),
      },
    ]);
    await s.app.toast('success').waitFor();
    expect(await s.app.toast('success').textContent()).toMatch(/with its trained weights/);
    const accuracy = await shownAccuracy();
    const graph = await s.app.document();
    const { name } = await s.app.documentJson();
    await t.waitKeptModels(1);
    await s.app.waitAutosaved();

    await s.app.reload();
    expect(await shownAccuracy()).toBe(accuracy);
    expect(await s.page.getByTestId('model-banner').count()).toBe(0);
    expect(await t.drawOne()).toMatch(/Prediction: \d/);
    await t.dockTab('runs');
    const row = s.page.getByTestId('opened-model-row');
    await row.waitFor();
    expect(await row.getByTestId('run-name').textContent()).toMatch(/ · from model\.json$/);
    expect(await row.getByTestId('run-status').textContent()).toContain('opened model');
    expect(await row.getByTestId('run-current').count()).toBe(1);
    expect(await s.page.getByTestId('run-row').count()).toBe(0);
    await screenshot('runs-after-reload');

    // Another model becomes current (a short run); the opened one offers to come back.
    await s.app.loadPreset('beginner');
    await t.openPanel();
    await t.set('hp-length', '100');
    await s.page.getByTestId('train-start').click();
    await t.waitStatus('finished');
    await t.dockTab('runs');
    await screenshot('runs-with-opened');
    await row.getByRole('button', { name: /^Open this model: .* · from model\.json$/ }).click();
    await s.app.waitForDocument((d) => d.name === name);
    expect(await s.app.document()).toBe(graph);
    expect(await shownAccuracy()).toBe(accuracy);
    expect(s.app.errors).toEqual([]);
  });
});
