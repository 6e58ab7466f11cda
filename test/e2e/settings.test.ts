import { expect, it } from 'vitest';
import { freshSessionPerTest, type Session } from './support/app';
import { TrainingPage } from './support/training';

let s: Session;
let t: TrainingPage;
freshSessionPerTest((session) => {
  s = session;
  t = new TrainingPage(s.page);
});

it('says when the learning rate does not fit the loss over the batch, and fixes it in one click', async () => {
  const { page } = s;
  await t.openPanel();
  const advice = page.getByTestId('lr-advice');
  // The beginner preset: the tutorial's sum at 0.001 fits.
  await expect.poll(() => advice.count()).toBe(0);

  await page.getByTestId('hp-reduction').selectOption('mean');
  await advice.waitFor();
  expect(await advice.textContent()).toMatch(
    /averaged over the batch, learning rate 0\.001 takes tiny steps; try 0\.1/,
  );

  await advice.getByRole('button', { name: 'Use 0.1' }).click();
  await expect.poll(() => advice.count()).toBe(0);
  expect(await page.getByTestId('hp-learning-rate').inputValue()).toBe('0.1');
  const doc = await s.app.documentJson();
  expect((doc as { training: { learningRate: number } }).training.learningRate).toBe(0.1);
});
