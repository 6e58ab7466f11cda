import { describe, expect, it } from 'vitest';
import { freshSessionPerTest, type Session } from './support/app';
import { TrainingPage } from './support/training';

// "See inside" from the results and on a real CNN: a digit picked in the confusion gallery
// becomes the inspector's input (named with its label), Reset weights and Step leave the dock
// saying so instead of an old accuracy, a paused run steps one batch and stays paused, and the
// CNN's first convolution shows its 16 feature maps as tiles. Screenshots in screenshots/.
describe('see inside: inputs, paused steps, feature-map tiles', () => {
  let s: Session;
  let t: TrainingPage;
  freshSessionPerTest(
    (session) => {
      s = session;
      t = new TrainingPage(s.page);
    },
    { width: 1366, height: 768 },
  );

  it('a gallery digit is the inspector input; after Reset and Step the dock says so until Evaluate', async () => {
    const { page, app } = s;
    await app.loadPreset('beginner');
    await t.openPanel();
    await t.set('hp-length', '300');
    await page.getByTestId('train-start').click();
    await t.waitStatus('finished');
    await t.dockTab('evaluation');
    const before = await page.getByTestId('eval-accuracy').textContent();

    // The first mistake cell with digits in it, as a user scanning the matrix would pick.
    const ids = await page
      .locator('[data-testid^="cm-"]:not([disabled])')
      .evaluateAll((els) => els.map((e) => e.getAttribute('data-testid')!));
    const wrong = ids.find((id) => {
      const [, a, b] = id.split('-');
      return a !== b;
    })!;
    const [, truth, predicted] = wrong.split('-');
    await page.getByTestId(wrong).click();
    const item = page.getByTestId('gallery-item').first();
    await item.waitFor();
    const index = /#(\d+)/.exec((await item.getAttribute('title'))!)![1];
    await item.click();
    await page.getByTestId('gallery-inside-note').waitFor();

    await page.getByTestId('tab-inspector').click();
    await app.select('softmax');
    await expect
      .poll(async () => (await page.getByTestId('inside-input-label').textContent())?.trim())
      .toBe(`Input: test digit #${index}, a ${truth} predicted as ${predicted}`);
    // The output bars agree: the predicted class has the largest probability.
    const scores = (await page.locator('[data-testid="score-bars"] .tw-score-value').allTextContents()).map(
      (v) => parseFloat(v),
    );
    expect(scores.indexOf(Math.max(...scores))).toBe(Number(predicted));
    await page.screenshot({ path: 'screenshots/inside-gallery-input-1366x768.png' });

    // Reset weights: the dock no longer shows the run's accuracy as this model's.
    await t.openPanel();
    await page.getByTestId('reset-weights').click();
    await expect.poll(() => page.getByTestId('eval-stale').textContent()).toContain('Weights reset');
    expect(await page.getByTestId('eval-accuracy').count()).toBe(0);
    expect(await page.getByTestId('eval-stale').textContent()).toContain(`the last evaluation, ${before}`);
    await page.getByTestId('step-once').click();
    await expect
      .poll(() => page.getByTestId('eval-stale').textContent())
      .toContain('Weights reset, then 1 step trained.');
    await page.screenshot({ path: 'screenshots/inside-stale-evaluation-1366x768.png' });
    await page.getByTestId('eval-now').click();
    await page.getByTestId('eval-accuracy').waitFor();
    expect(await page.getByTestId('eval-stale').count()).toBe(0);
    // One step from fresh weights is far from the trained model.
    expect(await page.getByTestId('eval-accuracy').textContent()).not.toBe(before);
    expect(s.app.errors).toEqual([]);
  });

  it('the CNN: a paused run steps exactly one batch and stays paused; conv1 and pool1 show 16 tiles', async () => {
    const { page, app } = s;
    await app.loadPreset('cnn');
    await t.openPanel();
    await t.chooseBackend('wasm');
    await page.getByTestId('train-start').click();
    await t.waitStepAtLeast(10, 120_000);
    await page.getByTestId('train-pause').click();
    await t.waitStatus('paused');

    // The first Step also settles where the pause landed; from then on each moves by one.
    const step = page.getByTestId('step-once');
    await step.click();
    await expect.poll(() => step.isEnabled()).toBe(true);
    const [first] = await t.step();
    for (const n of [1, 2]) {
      await step.click();
      await expect.poll(async () => (await t.step())[0]).toBe(first + n);
      await expect.poll(() => step.isEnabled()).toBe(true);
      expect(await t.status()).toBe('paused');
      expect(await page.getByTestId('step-count').textContent()).toBe(String(first + n));
    }
    expect(await page.getByTestId('step-loss').textContent()).toMatch(/\d/);
    await page.screenshot({ path: 'screenshots/inside-paused-step-1366x768.png' });

    await page.getByTestId('tab-inspector').click();
    await app.select('conv1');
    await expect.poll(() => page.getByTestId('inside-shape').textContent()).toBe('24×24×16');
    const tiles = page.locator('[data-testid="inside-view"] [data-testid="tensor-tile"]');
    expect(await tiles.count()).toBe(16);
    expect(await tiles.nth(4).locator('figcaption').textContent()).toBe('5');
    await page.locator('[data-testid="inside-view"] [data-testid="heat-scale"]').waitFor();
    const box = (await tiles.nth(4).locator('canvas').boundingBox())!;
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await expect.poll(() => page.getByTestId('tile-info').textContent()).toContain('Channel 5 of 16');
    const [lo, hi] = (await page.getByTestId('tile-range').textContent())!.split(' to ').map(Number);
    expect(hi).toBeGreaterThanOrEqual(lo!);
    await page.screenshot({ path: 'screenshots/inside-cnn-conv1-tiles-1366x768.png' });

    await app.select('pool1');
    await expect.poll(() => page.getByTestId('inside-shape').textContent()).toBe('12×12×16');
    expect(await tiles.count()).toBe(16);
    await page.screenshot({ path: 'screenshots/inside-cnn-pool1-tiles-1366x768.png' });
    await t.openPanel();
    expect(await t.status()).toBe('paused');
    expect(s.app.errors).toEqual([]);
  });
});
