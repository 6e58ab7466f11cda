import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { openSession, structure, type DocShape, type Session } from './support/app';

describe('building a network by hand', () => {
  let s: Session;
  beforeAll(async () => {
    s = await openSession(inject('baseUrl'));
  });
  afterAll(async () => {
    await s?.close();
  });

  it('builds the hidden-layer network from an empty canvas by dragging and wiring', async () => {
    const { app } = s;
    await app.newGraph();
    const input = await app.dragFromPalette('input', 80, 120);
    const hidden = await app.dragFromPalette('dense', 300, 260);
    const sigmoid = await app.dragFromPalette('sigmoid', 520, 120);
    const output = await app.dragFromPalette('dense', 300, 440);
    const softmax = await app.dragFromPalette('softmax', 540, 400);
    const loss = await app.dragFromPalette('loss', 620, 560);
    expect(await app.nodes.count()).toBe(6);

    await app.connect(input, hidden);
    await app.connect(hidden, sigmoid);
    await app.connect(sigmoid, output);
    await app.connect(output, softmax);
    await app.connect(softmax, loss);
    await app.waitForDocument((d) => d.edges.length === 5);
    // Every wire is labelled with the shape it carries.
    await expect.poll(() => app.canvas.getByTestId('edge-label').allTextContents()).toContain('?×784');

    for (const id of [hidden, output]) {
      await app.select(id);
      await app.page.getByTestId('param-kernelInitializer').selectOption('normal');
      await app.page.getByTestId('param-biasInitializer').selectOption('zeros');
    }
    await app.select(hidden);
    await app.setNumber('units', '625');
    await expect.poll(() => app.page.getByTestId('inspector-shape').textContent()).toBe('?×625');
    await expect.poll(() => app.canvas.getByTestId('edge-label').allTextContents()).toContain('?×625');
    await app.select(loss);
    await app.page.getByTestId('param-reduction').selectOption('sum');

    const saved = JSON.parse(await app.save()) as DocShape;
    const preset = JSON.parse(await readFile('graphs/hidden-layer.json', 'utf8')) as DocShape;
    expect(structure(saved)).toEqual(structure(preset));
    expect(await app.page.getByTestId('status-params').textContent()).toContain('496,885');
    expect(app.errors).toEqual([]);
  });
});
