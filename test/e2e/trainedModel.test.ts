/**
 * A trained model belongs to its graph: what the user sees after switching graphs, reloading
 * (after and during a run), opening a run's model from the Runs table, and when only the last
 * runs keep their weights.
 */
import { describe, expect, it } from 'vitest';
import { freshSessionPerTest, type Session } from './support/app';
import { TrainingPage } from './support/training';

describe('the trained model and its graph', () => {
  let s: Session;
  let t: TrainingPage;
  // The size the issue was found at.
  freshSessionPerTest(
    (session) => {
      s = session;
      t = new TrainingPage(s.page);
    },
    { width: 1366, height: 768 },
  );

  /** For people to look at (screenshots/ is git-ignored). */
  const screenshot = (name: string) => s.page.screenshot({ path: `screenshots/trained-model-${name}.png` });

  /** Train the graph on the canvas for `steps` steps, to the finish; its test accuracy. */
  async function train(steps: number): Promise<number> {
    await t.openPanel();
    await t.set('hp-length', String(steps));
    await s.page.getByTestId('train-start').click();
    await t.waitStatus('finished');
    return t.testAccuracy();
  }

  /** The Evaluation tab's test accuracy, as shown. */
  async function shownAccuracy(): Promise<string> {
    await t.dockTab('evaluation');
    const accuracy = s.page.getByTestId('eval-accuracy');
    await accuracy.waitFor();
    return (await accuracy.textContent())!.trim();
  }

  /** Wait until the finished run's weights are kept (its row offers them, or shows them). */
  async function waitKept(): Promise<void> {
    await t.dockTab('runs');
    await s.page.getByTestId('run-current').first().waitFor();
    await t.waitKeptModels(1);
  }

  it('after switching to another preset, the results say whose they are; Open the trained graph brings it back', async () => {
    await train(300);
    const accuracy = await shownAccuracy();
    await s.app.loadPreset('hidden-layer');
    const banner = s.page.getByRole('status').filter({ hasText: 'Trained as beginner' });
    await banner.waitFor();
    expect((await banner.textContent())!.replace(/\s+/g, ' ')).toContain(
      'Trained as beginner, 1 edit ago — these results belong to that graph.',
    );
    // The results are still beginner's, and say so.
    expect(await shownAccuracy()).toBe(accuracy);
    await screenshot('stale-evaluation');
    await t.dockTab('weights');
    await banner.waitFor();
    await s.page.waitForFunction(
      () =>
        (document.querySelector('[data-testid="weights-canvas"]') as HTMLCanvasElement)?.width ===
        10 * 29 - 1,
    );
    // Export names the model it exports: beginner's, not the canvas's.
    await s.page.getByRole('button', { name: /^Export/ }).click();
    await s.page.getByRole('menuitem', { name: /Trained model \(beginner · run 1\)/ }).waitFor();
    const [download] = await Promise.all([
      s.page.waitForEvent('download'),
      s.page.getByRole('menuitem', { name: /Trained model \(beginner · run 1\)/ }).click(),
    ]);
    expect(download.suggestedFilename()).toBe('beginner-model.zip');
    expect(await s.app.toast('success').textContent()).toContain('not the one on the canvas');

    await t.dockTab('evaluation');
    await s.page.getByRole('button', { name: 'Train this graph' }).waitFor();
    await s.page.getByRole('button', { name: 'Open the trained graph' }).click();
    await s.app.waitForDocument((d) => d.name === 'beginner');
    await banner.waitFor({ state: 'detached' });
    // One undo step: Ctrl+Z goes back to hidden-layer, and the banner with it.
    await s.app.canvas.click({ position: { x: 5, y: 5 } });
    await s.app.press('Control+z');
    await s.app.waitForDocument((d) => d.name === 'hidden-layer');
    await banner.waitFor();
    expect(s.app.errors).toEqual([]);
  });

  it('after a reload, Evaluation shows the last model’s accuracy and Draw a digit predicts', async () => {
    await train(300);
    const accuracy = await shownAccuracy();
    await waitKept();
    await s.app.waitAutosaved();
    await s.app.reload();
    expect(await shownAccuracy()).toBe(accuracy);
    expect(await t.drawOne()).toMatch(/Prediction: 1/);
    // The canvas is the trained graph: no banner.
    expect(await s.page.getByTestId('model-banner').count()).toBe(0);
    await t.dockTab('runs');
    expect(await s.page.getByTestId('run-current').count()).toBe(1);
    expect(s.app.errors).toEqual([]);
  });

  it('a reload during training keeps the run in the Runs table, marked interrupted', async () => {
    await t.openPanel();
    await t.chooseBackend('wasm'); // the slow tfjs path: the run is still going when we reload
    await t.set('hp-length', '30000');
    await s.page.getByTestId('train-start').click();
    await t.waitStepAtLeast(20);
    await t.dockTab('runs');
    await s.page.getByTestId('run-status').filter({ hasText: 'training…' }).waitFor();
    await s.app.loadPreset('hidden-layer');
    await s.page.getByRole('status').filter({ hasText: 'This run trains beginner' }).first().waitFor();
    await screenshot('edit-during-run');
    s.page.once('dialog', (d) => void d.accept()); // "Leave site?": yes
    await s.app.reload();
    await t.dockTab('runs');
    const row = s.page.getByTestId('run-row').first();
    await row.waitFor();
    expect(await row.getByTestId('run-status').textContent()).toContain('(interrupted)');
    expect(await s.page.getByTestId('run-row').count()).toBe(1);
  });

  it('Open this model in the Runs table brings back a run’s graph, weights and results', async () => {
    await train(300);
    const first = await shownAccuracy();
    await waitKept();
    await s.app.loadPreset('hidden-layer');
    await train(50);
    await t.dockTab('runs');
    await screenshot('runs-open');
    await s.page.getByRole('button', { name: 'Open this model: beginner · run 1' }).click();
    await s.app.waitForDocument((d) => d.name === 'beginner');
    expect(await shownAccuracy()).toBe(first);
    expect(await s.page.getByTestId('model-banner').count()).toBe(0);
    expect(await t.drawOne()).toMatch(/Prediction: \d/);
    await t.dockTab('weights');
    await s.page.waitForFunction(
      () =>
        (document.querySelector('[data-testid="weights-canvas"]') as HTMLCanvasElement)?.width ===
        10 * 29 - 1,
    );
    expect(s.app.errors).toEqual([]);
  });

  it('keeps the weights of the last runs only: with a cap of one, the older run’s row says so', async () => {
    // The test hook: how many runs keep their weights (README, "What is kept across reloads").
    await s.page.evaluate(() => localStorage.setItem('tensorweave.keptModels', '1'));
    await train(100);
    await waitKept();
    await train(100);
    await t.dockTab('runs');
    const rows = s.page.getByTestId('run-row');
    await s.page.waitForFunction(
      () => document.querySelectorAll('[data-testid="run-no-weights"]').length === 1,
    );
    expect(await rows.nth(0).getByTestId('run-current').count()).toBe(1);
    expect(await rows.nth(1).textContent()).toContain('weights not kept');
    await screenshot('runs-cap');
    expect(await s.page.getByRole('button', { name: /^Open this model/ }).count()).toBe(0);
  });
});
