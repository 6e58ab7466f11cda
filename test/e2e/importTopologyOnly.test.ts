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
  });
});
