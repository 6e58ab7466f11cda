/**
 * What the user sees at 1366×768 with the results dock at its default height: the Draw tab's
 * pad, prediction and first convolution's feature maps together; the graph refitted above the
 * dock when it opens; the minimap's double-click; the Train tab's split sentence at 0 held out.
 * Screenshots go to screenshots/fold-*.png for people to look at.
 */
import { readFile } from 'node:fs/promises';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { box, freshSessionPerTest, type Box, type Session } from './support/app';
import { TrainingPage } from './support/training';

const VIEWPORT = { width: 1366, height: 768 };
/** A real converter CNN (Conv2D 32 → pool → Conv2D 64 …), see its SOURCE.md. */
const CNN_FIXTURE = 'test/fixtures/external/tfjs-keras2.2.4-cnn-dropout-l2-aslamplr';

/** A "1": one stroke down the middle of the pad. */
async function drawOne(page: Page): Promise<void> {
  const pad = await box(page.getByTestId('digit-pad-canvas'));
  await page.mouse.move(pad.x + pad.width / 2, pad.y + pad.height * 0.15);
  await page.mouse.down();
  await page.mouse.move(pad.x + pad.width / 2, pad.y + pad.height * 0.87, { steps: 12 });
  await page.mouse.up();
}

/** The canvas' transform as Rete applies it (translate and scale of its content). */
async function viewTransform(page: Page): Promise<{ x: number; y: number; k: number }> {
  return page.evaluate(() => {
    const area = document.querySelector<HTMLElement>('[data-testid="canvas"] > div')!;
    const [x, y, k] = (area.style.transform.match(/-?[\d.]+/g) ?? []).map(Number);
    return { x: x!, y: y!, k: k! };
  });
}

describe('the results dock and the canvas at 1366×768', () => {
  let s: Session;
  freshSessionPerTest((session) => (s = session), VIEWPORT);

  it('Draw a digit shows the pad, the prediction and the first convolution’s maps together', async () => {
    const { app, page } = s;
    const files = ['model.json', 'group1-shard1of1.bin'];
    await page.getByTestId('file-input').setInputFiles(
      await Promise.all(
        files.map(async (name) => ({
          name,
          mimeType: 'application/octet-stream',
          buffer: await readFile(`${CNN_FIXTURE}/${name}`),
        })),
      ),
    );
    await app.toast('success').waitFor({ timeout: 120_000 });
    await app.clearToasts();
    await page.getByTestId('dock-tab-draw').click();
    await expect
      .poll(() => page.getByTestId('feature-maps').textContent())
      .toContain('Draw a digit on the pad to see its feature maps here.');
    await drawOne(page);
    await expect
      .poll(() => page.getByTestId('digit-pad').textContent(), { timeout: 60_000 })
      .toMatch(/Prediction: \d/);
    const layer = page.getByTestId('feature-map-layer').first();
    await layer.waitFor({ timeout: 60_000 });
    expect(await layer.getByText(/·/).textContent()).toBe('conv2d_7 · 32 filters · 26×26');
    await page.screenshot({ path: 'screenshots/fold-draw-cnn-1366x768.png' });

    // Nothing was scrolled, and pad, prediction and the first tile are inside the dock's body
    // (hence the window) at the dock's default height.
    const scrolled = await page.evaluate(() =>
      [document.scrollingElement!, ...document.querySelectorAll('.tw-dock-body, .tw-draw-maps')].map(
        (el) => el.scrollTop,
      ),
    );
    expect(scrolled.every((top) => top === 0)).toBe(true);
    const body = await box(page.locator('.tw-dock-body'));
    const within = (b: Box) =>
      b.x >= body.x &&
      b.y >= body.y &&
      b.x + b.width <= body.x + body.width &&
      b.y + b.height <= body.y + body.height;
    const pad = await box(page.getByTestId('digit-pad-canvas'));
    const prediction = await box(page.getByTestId('digit-prediction'));
    const tiles = layer.getByTestId('feature-map-tile');
    expect(await tiles.count()).toBe(32);
    expect([pad, prediction, await box(tiles.first())].map(within)).toEqual([true, true, true]);
    expect(body.y + body.height).toBeLessThanOrEqual(VIEWPORT.height);
    // All 32 maps of the first convolution are in sight, not only the first.
    expect(within(await box(tiles.last()))).toBe(true);
    expect(app.errors).toEqual([]);
  }, 400_000);

  it('Draw a digit with a dense model shows the pad and prediction, and no feature-map panel', async () => {
    const { app, page } = s;
    const t = new TrainingPage(page);
    await t.openPanel();
    await t.set('hp-length', '100');
    await page.getByTestId('train-start').click();
    await t.waitStatus('finished');
    await t.dockTab('draw');
    await drawOne(page);
    await expect
      .poll(() => page.getByTestId('digit-pad').textContent(), { timeout: 30_000 })
      .toMatch(/Prediction: \d/);
    expect(await page.getByTestId('feature-maps').count()).toBe(0);
    await page.screenshot({ path: 'screenshots/fold-draw-dense-1366x768.png' });
    expect(app.errors).toEqual([]);
  });

  it('opening, resizing and collapsing the dock refits the graph above it', async () => {
    const { app, page } = s;
    // The tallest preset: four rows of nodes.
    await app.loadPreset('cnn');
    await app.node('conv1').waitFor();
    const canvas = app.canvas;
    const dock = page.getByTestId('results-dock');
    /** Every node whole between the canvas' top and the dock's top edge. */
    const allAboveDock = async () => {
      const top = (await box(canvas)).y;
      const dockTop = (await box(dock)).y;
      const boxes = await Promise.all((await app.nodes.all()).map(box));
      return boxes.every((b) => b.y >= top - 0.5 && b.y + b.height <= dockTop + 0.5);
    };
    await new TrainingPage(page).dockTab('runs');
    await expect.poll(allAboveDock).toBe(true);
    await page.screenshot({ path: 'screenshots/fold-dock-open-cnn-1366x768.png' });
    const handle = page.getByRole('separator', { name: 'Resize the results panel' });
    await handle.focus();
    await page.keyboard.press('ArrowDown');
    await expect.poll(allAboveDock).toBe(true);
    const open = await viewTransform(page);
    await page.getByRole('button', { name: 'Collapse the results panel' }).click();
    await handle.waitFor({ state: 'detached' });
    // Collapsed, the graph gets the room back: it is drawn larger.
    await expect.poll(async () => (await viewTransform(page)).k).toBeGreaterThan(open.k);
    await expect.poll(allAboveDock).toBe(true);
    expect(app.errors).toEqual([]);
  });

  it('double-clicking the minimap centres the canvas on that spot', async () => {
    const { app, page } = s;
    await app.node('loss').waitFor();
    const minis = page.getByTestId('minimap-node');
    await expect.poll(() => minis.count()).toBe(4);
    const before = await viewTransform(page);
    const last = await box(minis.last());
    await page.mouse.dblclick(last.x + last.width / 2, last.y + last.height / 2);
    await expect.poll(async () => (await viewTransform(page)).x).not.toBe(before.x);
    const after = await viewTransform(page);
    // It moves the view; it does not zoom.
    expect(after.k).toBeCloseTo(before.k, 6);
    // The node drawn at that spot of the minimap is now in the middle of the canvas.
    const c = await box(app.canvas);
    const centres = await Promise.all(
      (await app.nodes.all()).map(async (n) => {
        const b = await box(n);
        return { x: b.x + b.width / 2, y: b.y + b.height / 2, w: b.width, h: b.height };
      }),
    );
    const middle = { x: c.x + c.width / 2, y: c.y + c.height / 2 };
    expect(centres.some((n) => Math.abs(n.x - middle.x) < n.w / 2 && Math.abs(n.y - middle.y) < n.h)).toBe(
      true,
    );
    expect(app.errors).toEqual([]);
  });

  it('with no validation images the Train tab says none are held out', async () => {
    const { app, page } = s;
    const t = new TrainingPage(page);
    await t.openPanel();
    const split = page.getByTestId('train-split');
    expect(await split.textContent()).toContain('the last 5,000 are held out for validation');
    await t.set('hp-validation', '0');
    await expect.poll(() => split.textContent()).toContain('no images are held out for validation');
    expect(await split.textContent()).not.toMatch(/last 0/);
    expect(app.errors).toEqual([]);
  });
});
