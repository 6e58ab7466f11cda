import { describe, expect, it } from 'vitest';
import { freshSessionPerTest, type Session } from './support/app';
import { TrainingPage } from './support/training';

describe('the setting sweep', () => {
  let s: Session;
  freshSessionPerTest((session) => (s = session), { width: 1366, height: 768 });

  async function openSweep(): Promise<void> {
    await s.app.node('loss').waitFor();
    await s.app.testId('btn-learn').click();
    await s.app.testId('learn-sweep').click();
    await s.app.testId('sweep-panel').waitFor();
  }

  const statuses = () =>
    s.page.getByTestId('sweep-row').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-status')));

  it('sweeps three learning rates on beginner, applies the best as one undo step, and keeps the runs', async () => {
    const { app, page } = s;
    const t = new TrainingPage(page);
    await openSweep();
    expect(await app.testId('sweep-values').inputValue()).toBe('0.0001, 0.001, 0.01');
    await app.testId('sweep-steps').fill('150');
    await app.testId('sweep-start').click();
    await app.testId('sweep-stop').waitFor();
    await expect
      .poll(statuses, { timeout: 170_000, interval: 500 })
      .toEqual(['completed', 'completed', 'completed']);
    await app.testId('sweep-start').waitFor();
    await page.screenshot({ path: 'screenshots/sweep-1366x768.png' });

    const best = page.locator('[data-testid="sweep-row"][data-best="true"]');
    expect(await best.count()).toBe(1);
    const value = (await best.getAttribute('data-value'))!;
    // 150 steps of the summed loss: the largest step size learns most in so short a run.
    expect(value).toBe('0.01');
    await best.getByTestId('sweep-use').click();
    await app.testId('sweep-close').click();
    await t.openPanel();
    await expect.poll(() => app.testId('hp-learning-rate').inputValue()).toBe('0.01');
    // Only the learning rate changed: the graph keeps its 30,000 steps.
    expect(await app.testId('hp-length').inputValue()).toBe('30000');

    await t.dockTab('runs');
    const names = await page.getByTestId('run-row').allTextContents();
    expect(names.filter((n) => n.includes('beginner · learning rate'))).toHaveLength(3);

    await app.testId('btn-undo').click();
    await expect.poll(() => app.testId('hp-learning-rate').inputValue()).toBe('0.001');
    expect(app.errors).toEqual([]);
  });

  it('stops: the run under way ends, the values after it are skipped', async () => {
    const { app, page } = s;
    await openSweep();
    await app.testId('sweep-steps').fill('100000');
    await app.testId('sweep-start').click();
    // The toolbar's Train button follows the run the sweep started.
    await page.waitForFunction(
      () => /Training [1-9]\d*%/.test(document.querySelector('[data-testid="btn-train"]')?.textContent ?? ''),
      undefined,
      { timeout: 60_000 },
    );
    await app.testId('sweep-stop').click();
    await expect
      .poll(statuses, { timeout: 60_000, interval: 300 })
      .toEqual(['aborted', 'skipped', 'skipped']);
    expect(await app.testId('sweep-start').isEnabled()).toBe(true);
  });
});
