import { readFile } from 'node:fs/promises';
import { unzipSync } from 'fflate';
import { describe, expect, inject, it } from 'vitest';
import { freshSessionPerTest, type Session } from './support/app';
import { TrainingPage } from './support/training';

/** Click an Export menu item and return the downloaded bytes. */
async function exportItem(s: Session, item: string): Promise<{ name: string; bytes: Buffer }> {
  await s.page.getByTestId('btn-export').click();
  const [download] = await Promise.all([
    s.page.waitForEvent('download'),
    s.page.getByTestId(`export-${item}`).click(),
  ]);
  const path = await download.path();
  return { name: download.suggestedFilename(), bytes: await readFile(path) };
}

async function openFiles(
  s: Session,
  files: { name: string; bytes: Buffer; mimeType?: string }[],
): Promise<void> {
  await s.page.getByTestId('file-input').setInputFiles(
    files.map((f) => ({
      name: f.name,
      mimeType: f.mimeType ?? 'application/octet-stream',
      buffer: f.bytes,
    })),
  );
}

describe('export and import', () => {
  let s: Session;
  const sessions = freshSessionPerTest((session) => (s = session));

  it('a trained model exported as a zip imports in a fresh page with the same test accuracy', async () => {
    const t = new TrainingPage(s.page);
    await t.openPanel();
    await t.set('hp-length', '300');
    await s.page.getByTestId('train-start').click();
    await t.waitStatus('finished');
    const accuracy = await s.page.getByTestId('eval-accuracy').textContent();

    const zip = await exportItem(s, 'model');
    expect(zip.name).toBe('beginner-model.zip');
    expect(zip.bytes.subarray(0, 2).toString('latin1')).toBe('PK');

    const fresh = await sessions.another();
    await fresh.app.loadPreset('hidden-layer');
    await fresh.app.node('hidden').waitFor();
    await openFiles(fresh, [{ ...zip, mimeType: 'application/zip' }]);
    await fresh.app.toast('success').waitFor();
    expect(await fresh.app.toast('success').textContent()).toMatch(/with its trained weights/);
    await fresh.app.node('dense').waitFor();
    expect(await fresh.app.document()).toBe(await s.app.document());
    await fresh.page.getByTestId('dock-tab-evaluation').click();
    await fresh.page.getByTestId('eval-accuracy').waitFor({ timeout: 60_000 });
    expect(await fresh.page.getByTestId('eval-accuracy').textContent()).toBe(accuracy);
    // Exported again from the fresh page, the weights are the same bytes.
    const again = await exportItem(fresh, 'model');
    const weights = (z: Buffer) => unzipSync(new Uint8Array(z))['weights.bin']!;
    expect(Buffer.from(weights(again.bytes)).equals(Buffer.from(weights(zip.bytes)))).toBe(true);
    expect(weights(zip.bytes).length).toBe(4 * 7850);
    expect(fresh.app.errors).toEqual([]);
  });

  it('a hostile model (truncated weights) is refused and the graph is unchanged', async () => {
    const before = await s.app.document();
    const modelJson = JSON.stringify({
      format: 'layers-model',
      modelTopology: {
        class_name: 'Sequential',
        config: {
          layers: [{ class_name: 'Dense', config: { name: 'd', units: 10, batch_input_shape: [null, 784] } }],
        },
      },
      weightsManifest: [
        {
          paths: ['./w.bin'],
          weights: [
            { name: 'd/kernel', shape: [784, 10], dtype: 'float32' },
            { name: 'd/bias', shape: [10], dtype: 'float32' },
          ],
        },
      ],
    });
    await s.app.clearToasts();
    await openFiles(s, [
      { name: 'model.json', bytes: Buffer.from(modelJson), mimeType: 'application/json' },
      { name: 'w.bin', bytes: Buffer.alloc(1000) },
    ]);
    await s.app.toast('error').waitFor();
    expect(await s.app.toast('error').textContent()).toMatch(
      /holds 1,000 bytes; the manifest needs 31,400\. The file is truncated/,
    );
    expect(await s.app.document()).toBe(before);
  });

  it('a PNG picture of the graph carries it: opening the picture restores the graph', async () => {
    await s.app.loadPreset('hidden-layer');
    await s.app.node('hidden').waitFor();
    const hidden = await s.app.document();
    const png = await exportItem(s, 'png');
    expect(png.name).toBe('hidden_layer.png');
    expect(png.bytes.subarray(1, 4).toString('latin1')).toBe('PNG');
    await s.app.loadPreset('beginner');
    await s.app.node('hidden').waitFor({ state: 'detached' });
    await openFiles(s, [{ ...png, mimeType: 'image/png' }]);
    await s.app.node('hidden').waitFor();
    expect(await s.app.document()).toBe(hidden);
  });

  it('a share link opens its graph without touching the autosaved one until it is kept', async () => {
    await s.context.grantPermissions(['clipboard-read', 'clipboard-write'], {
      origin: new URL(inject('baseUrl')).origin,
    });
    await s.app.loadPreset('hidden-layer');
    await s.app.node('hidden').waitFor();
    const shared = await s.app.document();
    await s.page.getByTestId('btn-export').click();
    await s.page.getByTestId('export-share').click();
    await s.app.toast('success').waitFor();
    const link = await s.page.evaluate(() => navigator.clipboard.readText());
    expect(link).toMatch(/#graph=/);

    await s.app.loadPreset('beginner');
    await s.app.node('hidden').waitFor({ state: 'detached' });
    await s.app.waitAutosaved();
    const mine = await s.app.document();

    // A new tab opening the link (a same-tab paste reloads into the same path).
    await s.page.goto('about:blank');
    await s.page.goto(link);
    await s.app.waitReady();
    await s.page.getByTestId('share-banner').waitFor();
    expect(await s.app.document()).toBe(shared);
    await s.page.getByTestId('share-discard').click();
    await s.app.node('dense').waitFor();
    expect(await s.app.document()).toBe(mine);
    expect(s.page.url()).not.toContain('#graph=');

    await s.page.goto('about:blank');
    await s.page.goto(link);
    await s.app.waitReady();
    await s.page.getByTestId('share-keep').click();
    await s.app.waitAutosaved();
    await s.page.goto('about:blank');
    await s.page.goto(inject('baseUrl'));
    await s.app.waitReady();
    await s.app.node('hidden').waitFor();
    expect(await s.app.document()).toBe(shared);
  });

  it('exports Python and TypeScript code for the graph', async () => {
    await s.app.loadPreset('hidden-layer');
    await s.app.node('hidden').waitFor();
    const py = await exportItem(s, 'python');
    expect(py.name).toBe('hidden_layer.py');
    expect(py.bytes.toString()).toContain('keras.losses.CategoricalCrossentropy(reduction="sum")');
    const ts = await exportItem(s, 'typescript');
    expect(ts.name).toBe('hidden_layer.ts');
    expect(ts.bytes.toString()).toContain("import * as tf from '@tensorflow/tfjs';");
  });
});
