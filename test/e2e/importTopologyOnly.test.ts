import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { freshSessionPerTest, type Session } from './support/app';

const mlp = fileURLToPath(new URL('../fixtures/external/tfjs-keras2-mlp-88v88/model.json', import.meta.url));

describe('opening a topology-only model.json', () => {
  let s: Session;
  freshSessionPerTest((session) => (s = session));

  it('a converter model.json without its .bin opens as an editable graph and says the weights are fresh', async () => {
    await s.app.clearToasts();
    await s.page.getByTestId('file-input').setInputFiles({
      name: 'model.json',
      mimeType: 'application/json',
      buffer: await readFile(mlp),
    });
    await s.app.toast('success').waitFor();
    const toast = await s.app.toast('success').textContent();
    expect(toast).toMatch(/Opened the model in "model\.json"/);
    expect(toast).toMatch(
      /"group1-shard1of1\.bin" is missing.*The graph opens with freshly initialised weights\./,
    );
    const doc = await s.app.waitForDocument((d) => d.nodes.some((n) => n.id === 'dense_41'));
    expect(doc.nodes.map((n) => n.type)).toEqual([
      'input',
      'flatten',
      'dense',
      'relu',
      'dense',
      'softmax',
      'loss',
    ]);
    // The chain wraps into two lines of nodes (four, then three), all of them on the fitted canvas
    // (in one row of seven, the zoom floor left the last ones off-screen).
    await expect.poll(async () => (await s.app.nodes.all()).length).toBe(7);
    await s.page.screenshot({ path: 'screenshots/import-mlp-wrapped.png' });
    const canvas = (await s.app.canvas.boundingBox())!;
    const boxes = (await Promise.all((await s.app.nodes.all()).map((n) => n.boundingBox()))).map((b) => b!);
    expect(new Set(boxes.map((b) => Math.round(b.y))).size).toBe(2);
    for (const b of boxes) {
      expect(b.x).toBeGreaterThanOrEqual(canvas.x);
      expect(b.x + b.width).toBeLessThanOrEqual(canvas.x + canvas.width);
      expect(b.y + b.height).toBeLessThanOrEqual(canvas.y + canvas.height);
    }
  });
});
