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

it('has a favicon', async () => {
  const { page } = s;
  const href = await page.locator('link[rel="icon"]').getAttribute('href');
  expect(href).toBeTruthy();
  const response = await page.request.get(new URL(href!, page.url()).href);
  expect(response.status()).toBe(200);
  expect(await response.text()).toContain('<svg');
});

it('tells training and paused apart from "Ready to train", and asks before a reload drops the run', async () => {
  const { page } = s;
  const status = page.getByTestId('status-diagnostics');
  expect(await status.textContent()).toContain('Ready to train');
  await t.openPanel();
  await t.chooseBackend('wasm'); // the slow tfjs path: the run is still going when we look
  await t.set('hp-length', '30000');
  await page.getByTestId('train-start').click();
  await t.waitStepAtLeast(20);
  await expect.poll(() => status.textContent()).toMatch(/Training — step [\d,]+ of 30,000/);

  await page.getByTestId('train-pause').click();
  await t.waitStatus('paused');
  await expect.poll(() => status.textContent()).toMatch(/Paused — step [\d,]+ of 30,000/);

  const dialog = new Promise<string>((resolve) =>
    page.once('dialog', (d) => {
      resolve(d.type());
      void d.dismiss();
    }),
  );
  void page.reload().catch(() => undefined); // dismissed: the reload does not happen
  expect(await dialog).toBe('beforeunload');
  expect(await t.status()).toBe('paused');

  await page.getByTestId('train-stop').click();
  await t.waitStatus('stopped');
  expect(await status.textContent()).toContain('Ready to train');
});
