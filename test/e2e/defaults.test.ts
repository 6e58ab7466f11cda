/**
 * Defaults that work: a graph built from scratch with every default (New, then Input, Dense 625,
 * Sigmoid, Dense 10, Softmax and Loss dragged from the palette and wired) trains past 90% test
 * accuracy in 2,000 steps — only the units and the length are typed in.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { openSession, type Session } from './support/app';
import { TrainingPage } from './support/training';

describe('a graph built from scratch with the defaults', () => {
  let s: Session;
  beforeAll(async () => {
    s = await openSession(inject('baseUrl'), { width: 1366, height: 768 });
  });
  afterAll(async () => {
    await s?.close();
  });

  it('reaches 90% test accuracy within 2,000 steps', async () => {
    const { app, page } = s;
    await app.newGraph();
    const input = await app.dragFromPalette('input', 70, 60);
    const hidden = await app.dragFromPalette('dense', 300, 60);
    const sigmoid = await app.dragFromPalette('sigmoid', 530, 60);
    const output = await app.dragFromPalette('dense', 70, 300);
    const softmax = await app.dragFromPalette('softmax', 300, 300);
    const loss = await app.dragFromPalette('loss', 530, 300);
    await app.select(hidden);
    await app.setNumber('units', '625');
    await app.select(output);
    await app.setNumber('units', '10');
    for (const [from, to] of [
      [input, hidden],
      [hidden, sigmoid],
      [sigmoid, output],
      [output, softmax],
      [softmax, loss],
    ] as const) {
      await app.connect(from, to);
    }
    await app.waitForDocument((d) => d.edges.length === 5);

    const t = new TrainingPage(page);
    await t.openPanel();
    // Every training setting stays at its default except the length.
    await t.set('hp-length', '2000');
    await page.getByTestId('train-start').click();
    await t.waitStatus('finished', 300_000);
    expect(await t.step()).toEqual([2000, 2000]);
    expect(await t.testAccuracy()).toBeGreaterThanOrEqual(0.9);
    expect(app.errors).toEqual([]);
  }, 400_000);
});
