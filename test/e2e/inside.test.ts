import { describe, expect, it } from 'vitest';
import { freshSessionPerTest, type Session } from './support/app';
import { TrainingPage } from './support/training';

// "See inside the network" from what the user sees: the hidden-layer preset's hidden wire as a
// 25×25 heat map, the output as bars, single steps and Reset weights, the view live in training.
describe('see inside the network', () => {
  let s: Session;
  let t: TrainingPage;
  freshSessionPerTest(
    (session) => {
      s = session;
      t = new TrainingPage(s.page);
    },
    { width: 1366, height: 768 },
  );

  async function trainHidden(steps: number): Promise<void> {
    await s.app.loadPreset('hidden-layer');
    await t.openPanel();
    await t.set('hp-length', String(steps));
    await s.page.getByTestId('train-start').click();
  }

  /** Click the wire from the sigmoid to the output layer, as a user would. */
  async function pickHiddenWire(): Promise<void> {
    await s.page.getByTestId('tab-inspector').click();
    // A straight wire has no height, so click its middle by coordinates.
    const r = await s.page
      .locator('.tw-conn[data-edge-id="e3"] .tw-conn-path')
      .evaluate((p) => p.getBoundingClientRect().toJSON() as DOMRect);
    await s.page.mouse.click(r.x + r.width / 2, r.y + r.height / 2);
    await s.page.getByTestId('inside-view').waitFor();
  }

  /** The ten numbers the output bars show. */
  async function scores(): Promise<string[]> {
    await s.page.getByTestId('score-bars').waitFor();
    return s.page.locator('[data-testid="score-bars"] .tw-score-value').allTextContents();
  }

  const heatMap = () => s.page.locator('[data-testid="inside-view"] [data-testid="heat-map"]');
  const picture = () => heatMap().evaluate((c) => (c as HTMLCanvasElement).toDataURL());

  it('shows the hidden wire as a 25×25 heat map with its scale, and the output as bars', async () => {
    await trainHidden(200);
    await t.waitStatus('finished');
    await pickHiddenWire();
    await expect.poll(() => s.page.getByTestId('inside-shape').textContent()).toBe('625');
    expect(await heatMap().getAttribute('width')).toBe('25');
    expect(await heatMap().getAttribute('height')).toBe('25');
    const scale = s.page.locator('[data-testid="inside-view"] [data-testid="heat-scale"]');
    // Sigmoid outputs: a scale within (0, 1).
    const [lo, hi] = (await scale.locator('span.tw-mono').allTextContents()).map(Number);
    expect(lo).toBeGreaterThanOrEqual(0);
    expect(hi).toBeLessThanOrEqual(1);
    expect(hi).toBeGreaterThan(lo!);

    // Hovering a unit shows its value, its incoming weights (from 784 pixels) and its top 9.
    const box = (await heatMap().boundingBox())!;
    await s.page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await s.page.getByTestId('unit-detail').waitFor();
    expect(Number(await s.page.getByTestId('unit-value').textContent())).toBeGreaterThan(0);
    await s.page.locator('[data-testid="unit-top"] canvas').nth(8).waitFor({ timeout: 60_000 });
    await s.page.screenshot({ path: 'screenshots/inside-hidden-1366x768.png' });

    // The softmax's output: probabilities; the output layer's: logits. A new test digit changes them.
    await s.app.select('softmax');
    expect(await s.page.getByTestId('score-bars').getAttribute('data-kind')).toBe('probabilities');
    const before = await scores();
    expect(before).toHaveLength(10);
    await s.page.getByTestId('inside-random').click();
    await expect.poll(scores).not.toEqual(before);
    await s.app.select('output');
    expect(await s.page.getByTestId('score-bars').getAttribute('data-kind')).toBe('logits');
    await s.page.screenshot({ path: 'screenshots/inside-logits-1366x768.png' });
    expect(s.app.errors).toEqual([]);
  });

  it('steps five batches, shows the loss, and Reset weights brings the first prediction back', async () => {
    await trainHidden(50);
    await t.waitStatus('finished');
    await s.page.getByTestId('reset-weights').click();
    await expect.poll(() => s.page.getByTestId('step-count').textContent()).toBe('0');
    await s.page.getByTestId('tab-inspector').click();
    await s.app.select('softmax');
    const initial = await scores();

    await t.openPanel();
    for (let i = 1; i <= 5; i++) {
      await s.page.getByTestId('step-once').click();
      await expect.poll(() => s.page.getByTestId('step-count').textContent()).toBe(String(i));
    }
    expect(Number(await s.page.getByTestId('step-loss').textContent())).toBeGreaterThan(0);
    // The wires show the gradient flowing back.
    await s.page.getByTestId('edge-gradient-style').waitFor({ state: 'attached' });
    await s.page.screenshot({ path: 'screenshots/inside-steps-1366x768.png' });

    await s.page.getByTestId('tab-inspector').click();
    await s.app.select('hidden');
    expect(Number(await s.page.getByTestId('inside-ratio').textContent())).toBeGreaterThan(0);
    await s.app.select('softmax');
    await expect.poll(scores).not.toEqual(initial);

    await t.openPanel();
    await s.page.getByTestId('reset-weights').click();
    await expect.poll(() => s.page.getByTestId('step-count').textContent()).toBe('0');
    await s.page.getByTestId('tab-inspector').click();
    await s.app.select('softmax');
    await expect.poll(scores).toEqual(initial);
    expect(s.app.errors).toEqual([]);
  });

  it('the heat map changes while the network trains', async () => {
    await trainHidden(100);
    await t.waitStatus('finished');
    await t.set('hp-length', '20000');
    await s.page.getByTestId('train-start').click();
    await t.waitStepAtLeast(10);
    await pickHiddenWire();
    await heatMap().waitFor();
    const running = () => s.page.locator('[data-testid="btn-train"].tw-btn-train-active').count();
    const first = await picture();
    // Twice, while the run goes on: the view follows the weights as they train.
    await expect.poll(async () => (await picture()) !== first, { timeout: 60_000 }).toBe(true);
    const second = await picture();
    await expect.poll(async () => (await picture()) !== second, { timeout: 60_000 }).toBe(true);
    expect(await running()).toBe(1);
    await s.page.screenshot({ path: 'screenshots/inside-training-1366x768.png' });
    await s.page.getByTestId('btn-train').click();
    await s.page.getByTestId('train-stop').click();
    expect(s.app.errors).toEqual([]);
  });
});
