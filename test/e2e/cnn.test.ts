/**
 * A convolutional network in the app: built by drag-and-drop from the palette at 1366×768,
 * with 4-D shapes on the edges and in the inspector, trained a few steps on the wasm backend
 * with Tensorweave's conv kernels, its filters and the feature maps of a drawn digit shown, then
 * exported as a model zip and opened in a fresh page with the same graph and test accuracy. Screenshots go to
 * screenshots/cnn-*.png for people to look at.
 */
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { openSession, type Session } from './support/app';
import { TrainingPage } from './support/training';

const VIEWPORT = { width: 1366, height: 768 };

/** Click an Export menu item and return the downloaded bytes. */
async function exportItem(s: Session, item: string): Promise<{ name: string; bytes: Buffer }> {
  await s.page.getByTestId('btn-export').click();
  const [download] = await Promise.all([
    s.page.waitForEvent('download'),
    s.page.getByTestId(`export-${item}`).click(),
  ]);
  return { name: download.suggestedFilename(), bytes: await readFile(await download.path()) };
}

describe('a CNN built in the app', () => {
  let s: Session;
  let fresh: Session | undefined;
  beforeAll(async () => {
    s = await openSession(inject('baseUrl'), VIEWPORT);
  });
  afterAll(async () => {
    await s?.close();
    await fresh?.close();
  });

  it('is built from the palette, shows 4-D shapes, trains on wasm, shows its filters and feature maps, exports and re-imports', async () => {
    const { app, page } = s;
    await app.newGraph();
    const input = await app.dragFromPalette('input', 70, 60);
    await app.select(input);
    await page.getByTestId('param-layout').selectOption('image');
    const conv = await app.dragFromPalette('conv2d', 300, 60);
    const pool = await app.dragFromPalette('maxPool2d', 530, 60);
    const flatten = await app.dragFromPalette('flatten', 70, 300);
    const dense = await app.dragFromPalette('dense', 300, 300);
    const softmax = await app.dragFromPalette('softmax', 530, 300);
    const loss = await app.dragFromPalette('loss', 760, 300);

    await app.select(conv);
    await app.setNumber('filters', '4');
    await app.setNumber('kernelSize', '5');
    await app.select(dense);
    await app.setNumber('units', '10');

    for (const [from, to] of [
      [input, conv],
      [conv, pool],
      [pool, flatten],
      [flatten, dense],
      [dense, softmax],
      [softmax, loss],
    ] as const) {
      await app.connect(from, to);
    }
    await app.waitForDocument((d) => d.edges.length === 6);
    await expect
      .poll(async () => (await app.canvas.getByTestId('edge-label').allTextContents()).sort())
      .toEqual(['?×10', '?×10', '?×12×12×4', '?×24×24×4', '?×28×28×1', '?×576'].sort());
    expect(await page.getByTestId('status-params').textContent()).toContain('5,874');

    await app.testId('btn-fit').click();
    await page.screenshot({ path: 'screenshots/cnn-editor-1366x768.png' });
    await app.select(conv);
    await expect.poll(() => page.getByTestId('inspector-shape').textContent()).toBe('?×24×24×4');
    await page.screenshot({ path: 'screenshots/cnn-inspector-1366x768.png' });
    // Every edge label fits inside the canvas, and the inspector does not overflow sideways.
    const overflow = await page.evaluate(() => {
      const inspector = document
        .querySelector('[data-testid="inspector-shape"]')!
        .closest('aside, section, div')!;
      return {
        x: document.documentElement.scrollWidth > window.innerWidth,
        inspector: inspector.scrollWidth > inspector.clientWidth,
      };
    });
    expect(overflow).toEqual({ x: false, inspector: false });

    const t = new TrainingPage(page);
    await t.openPanel();
    await t.set('hp-batch-size', '16');
    await t.set('hp-length', '20');
    await t.set('hp-validation', '0');
    await t.chooseBackend('wasm');
    await page.getByTestId('train-start').click();
    // Training takes seconds; evaluating the 55,000 training and 10,000 test images on the
    // cpu backend takes minutes on a busy 2-core machine.
    await t.waitStatus('finished', 400_000);
    expect(await t.step()).toEqual([20, 20]);
    const accuracy = await t.testAccuracy();
    // 20 small steps from scratch: better than chance.
    expect(accuracy).toBeGreaterThan(0.15);
    await page.screenshot({ path: 'screenshots/cnn-trained-1366x768.png' });

    // The first convolution's filters as pictures, labelled by filter.
    await t.dockTab('weights');
    await page.getByTestId('weights-canvas').waitFor();
    await expect.poll(() => page.getByTestId('weights').textContent()).toMatch(/one filter \(5×5\)/);
    expect(await page.getByTestId('weights-labels').locator('li').allTextContents()).toContain('filter 0');
    // The feature maps of a drawn digit, one tile per filter.
    await t.dockTab('draw');
    const box = (await page.getByTestId('digit-pad-canvas').boundingBox())!;
    await page.mouse.move(box.x + box.width / 2, box.y + box.height * 0.15);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width / 2, box.y + box.height * 0.87, { steps: 12 });
    await page.mouse.up();
    await page.getByTestId('feature-map-layer').first().waitFor({ timeout: 30_000 });
    expect(await page.getByTestId('feature-map-layer').first().textContent()).toMatch(/· 4 filters · 24×24/);
    await page.screenshot({ path: 'screenshots/cnn-feature-maps-1366x768.png' });

    const zip = await exportItem(s, 'model');
    expect(zip.bytes.subarray(0, 2).toString('latin1')).toBe('PK');
    fresh = await openSession(inject('baseUrl'), VIEWPORT);
    await fresh.page.getByTestId('file-input').setInputFiles({
      name: zip.name,
      mimeType: 'application/zip',
      buffer: zip.bytes,
    });
    await fresh.app.toast('success').waitFor();
    expect(await fresh.app.toast('success').textContent()).toMatch(/with its trained weights/);
    await fresh.app.node(conv).waitFor();
    expect(await fresh.app.document()).toBe(await app.document());
    await expect
      .poll(async () => (await fresh!.app.canvas.getByTestId('edge-label').allTextContents()).sort())
      .toContain('?×24×24×4');
    await t.dockTab('evaluation');
    await page.getByTestId('eval-accuracy').waitFor();
    await fresh.page.getByTestId('dock-tab-evaluation').click();
    await fresh.page.getByTestId('eval-accuracy').waitFor({ timeout: 120_000 });
    expect(await fresh.page.getByTestId('eval-accuracy').textContent()).toBe(
      await page.getByTestId('eval-accuracy').textContent(),
    );
    expect(app.errors).toEqual([]);
    expect(fresh.app.errors).toEqual([]);
  }, 600_000);
});
