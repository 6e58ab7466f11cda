import type { Locator, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { freshSessionPerTest, type Session } from './support/app';
import { TrainingPage } from './support/training';

// The rough edges a new user met at 1366×768, each checked from what the user sees.
describe('rough edges at 1366×768', () => {
  let s: Session;
  let t: TrainingPage;
  freshSessionPerTest(
    (session) => {
      s = session;
      t = new TrainingPage(session.page);
    },
    { width: 1366, height: 768 },
  );

  interface Box {
    x: number;
    y: number;
    width: number;
    height: number;
  }
  const box = async (l: Locator): Promise<Box> => (await l.boundingBox())!;
  const apart = (a: Box, b: Box) =>
    a.x + a.width <= b.x || b.x + b.width <= a.x || a.y + a.height <= b.y || b.y + b.height <= a.y;
  const nodeBoxes = async () => Promise.all((await s.app.nodes.all()).map(box));

  /**
   * The graph as shown: every node whole on the canvas, at a readable zoom (≥ 0.6 of its
   * 184 px), and none under the minimap.
   */
  async function expectReadableAndClearOfMinimap(): Promise<void> {
    const minimap = await box(s.page.getByTestId('minimap'));
    const canvas = await box(s.app.canvas);
    const inCanvas = (b: Box) =>
      b.x >= canvas.x &&
      b.y >= canvas.y &&
      b.x + b.width <= canvas.x + canvas.width &&
      b.y + b.height <= canvas.y + canvas.height;
    await expect
      .poll(async () =>
        (await nodeBoxes()).every((b) => b.width >= 184 * 0.6 - 1 && apart(b, minimap) && inCanvas(b)),
      )
      .toBe(true);
  }

  async function trainBeginner(steps: number): Promise<void> {
    await t.openPanel();
    await t.set('hp-length', String(steps));
    await s.page.getByTestId('train-start').click();
    await t.waitStatus('finished');
  }

  /** Load the hidden-layer preset without its first wire: one error, one warning. */
  async function brokenGraph(page: Page): Promise<void> {
    await s.app.loadPreset('hidden-layer');
    await s.app.node('hidden').waitFor();
    await page.evaluate(() => {
      const tw = (window as unknown as { tensorweave: { document(): string; load(t: string): void } })
        .tensorweave;
      const doc = JSON.parse(tw.document()) as { edges: unknown[] };
      doc.edges = doc.edges.slice(1);
      tw.load(JSON.stringify(doc));
    });
    await s.app.node('hidden').getByTestId('node-problem').waitFor();
  }

  it('the minimap shows the nodes from the first load, covers none, and lets clicks through', async () => {
    const { page } = s;
    const mini = page.getByTestId('minimap-node');
    await expect.poll(() => mini.count()).toBe(4);
    for (const m of await mini.all()) expect((await box(m)).width).toBeGreaterThan(3);
    await expectReadableAndClearOfMinimap();
    // A point on the minimap outside its viewport box belongs to the canvas.
    const map = await box(page.getByTestId('minimap'));
    const view = await box(page.getByTestId('minimap-viewport'));
    const point = { x: map.x + 4, y: map.y + 4 };
    expect(point.x < view.x || point.y < view.y).toBe(true);
    const hit = await page.evaluate(
      ({ x, y }) => document.elementFromPoint(x, y)?.closest('[data-testid="minimap"]') === null,
      point,
    );
    expect(hit).toBe(true);
  });

  it('the results dock resizes by drag and keys, collapses, and the graph stays readable', async () => {
    const { app, page } = s;
    await t.dockTab('runs');
    const handle = page.getByRole('separator', { name: 'Resize the results panel' });
    const start = Number(await handle.getAttribute('aria-valuenow'));
    await handle.focus();
    await page.keyboard.press('ArrowUp');
    await page.keyboard.press('ArrowUp');
    expect(Number(await handle.getAttribute('aria-valuenow'))).toBe(start + 80);
    await expectReadableAndClearOfMinimap();
    // Drag the edge down by 150 px.
    const h = await box(handle);
    await page.mouse.move(h.x + 200, h.y + h.height / 2);
    await page.mouse.down();
    await page.mouse.move(h.x + 200, h.y + h.height / 2 + 150, { steps: 6 });
    await page.mouse.up();
    expect(Number(await handle.getAttribute('aria-valuenow'))).toBe(start + 80 - 150);
    await expectReadableAndClearOfMinimap();
    await page.getByRole('button', { name: 'Collapse the results panel' }).click();
    await handle.waitFor({ state: 'detached' });
    await expectReadableAndClearOfMinimap();
    expect(app.errors).toEqual([]);
  });

  it('errors read as sentences with the socket names on screen, whole lines in the nodes', async () => {
    const { app, page } = s;
    await brokenGraph(page);
    await t.openPanel();
    const blocked = await page.getByTestId('train-blocked').innerText();
    expect(blocked).toContain('Dense node "hidden" has nothing connected to its input "x".');
    expect(blocked).not.toMatch(/\[[a-z-]+\]|port "in"/);
    await app.testId('status-diagnostics').click();
    const list = await app.testId('diagnostics-list').innerText();
    expect(list).not.toMatch(/missing-input|unreachable-node/);
    expect(list).toContain('has nothing connected to its input "x"');
    // The node shows two whole lines; the full text is its tooltip.
    const strip = app.node('hidden').getByTestId('node-problem');
    expect(await strip.getAttribute('title')).toContain('has nothing connected to its input "x"');
    // Layout sizes (offset*), not screen boxes: the canvas is zoomed.
    const lines = await strip.evaluate((el: HTMLElement) => {
      const text = el.firstElementChild as HTMLElement;
      const lineHeight = parseFloat(getComputedStyle(text).lineHeight);
      return {
        shown: text.offsetHeight / lineHeight,
        insidePadding:
          text.offsetTop - el.offsetTop + text.offsetHeight <=
          el.clientHeight - parseFloat(getComputedStyle(el).paddingBottom) + 0.5,
      };
    });
    expect(lines.shown).toBeCloseTo(2, 1);
    expect(lines.insidePadding).toBe(true);
  });

  it('an invalid field is marked and says why; accessible names match the labels', async () => {
    const { page } = s;
    await t.openPanel();
    const rate = page.getByRole('textbox', { name: 'Learning rate' });
    await rate.fill('0');
    await rate.press('Tab');
    expect(await rate.getAttribute('aria-invalid')).toBe('true');
    const describedBy = (await rate.getAttribute('aria-describedby'))!;
    expect(await page.locator(`[id="${describedBy}"]`).innerText()).toBe('Learning rate must be more than 0');
    expect(await page.getByRole('textbox', { name: 'Train for' }).count()).toBe(1);
    expect(await page.getByRole('combobox', { name: 'Loss over the batch' }).count()).toBe(1);
    await rate.fill('0.5');
    await rate.press('Tab');
    expect(await rate.getAttribute('aria-invalid')).toBe('false');
  });

  it('▶ Train and Export → Trained model say why they cannot act', async () => {
    const { app, page } = s;
    // No model yet: the model export is disabled, with its reason, and does nothing.
    await app.testId('btn-export').click();
    const item = page.getByRole('menuitem', { name: /Trained model/ });
    expect(await item.getAttribute('aria-disabled')).toBe('true');
    const reasonId = (await item.getAttribute('aria-describedby'))!;
    expect(await page.locator(`[id="${reasonId}"]`).innerText()).toContain('No trained model yet');
    await item.dispatchEvent('click'); // Playwright refuses to click what is aria-disabled
    expect(await page.getByRole('menu', { name: 'Export' }).isVisible()).toBe(true);
    await app.press('Escape');

    await brokenGraph(page);
    const train = page.getByRole('button', { name: '▶ Train' }).first();
    expect(await train.getAttribute('aria-disabled')).toBe('true');
    const tip = page.getByRole('tooltip');
    expect(await tip.isVisible()).toBe(false);
    await train.hover();
    await tip.waitFor();
    expect(await tip.innerText()).toBe(
      'Fix this error first: Dense node "hidden" has nothing connected to its input "x".',
    );
    expect(await train.getAttribute('aria-describedby')).toBe(await tip.getAttribute('id'));

    // A valid graph: ▶ Train acts, and after a run the model export is enabled.
    await app.loadPreset('beginner');
    await expect.poll(() => train.getAttribute('aria-disabled')).toBeNull();
    await trainBeginner(200);
    await app.testId('btn-export').click();
    expect(await item.getAttribute('aria-disabled')).toBeNull();
  });

  it('after training: the step fits one line, the accuracy axis is whole, a cell scrolls its digits into view, weights and runs say what they are', async () => {
    const { page } = s;
    await trainBeginner(300);
    // "Step 300 / 300" on one line.
    const step = page.getByTestId('train-step');
    const stepLines = await step.evaluate(
      (el) => el.getBoundingClientRect().height / parseFloat(getComputedStyle(el).fontSize),
    );
    expect(stepLines).toBeLessThan(2); // one line is ~1.2 font sizes tall, two are ~2.4
    // uPlot draws "100%" right-aligned in the axis: the axis must be wider than the text plus its tick.
    const room = await page.getByTestId('chart-accuracy').evaluate((el) => {
      const over = el.querySelector('.u-over') as HTMLElement;
      const ctx = document.createElement('canvas').getContext('2d')!;
      ctx.font =
        '12px system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, "Noto Sans", sans-serif';
      return over.offsetLeft - (ctx.measureText('100%').width + 10 + 5);
    });
    expect(room).toBeGreaterThanOrEqual(0);

    // The confusion matrix fills the dock; the digits of a cell are below it until clicked.
    await t.dockTab('evaluation');
    const body = page.locator('.tw-dock-body');
    const gallery = page.getByTestId('gallery');
    await page.getByTestId('cm-3-3').click();
    await gallery.locator('[data-testid="gallery-item"]').first().waitFor();
    await expect
      .poll(async () => {
        const [b, g] = [await box(body), await box(gallery)];
        return g.y >= b.y - 1 && g.y + 40 <= b.y + b.height;
      })
      .toBe(true);

    await t.dockTab('weights');
    await expect
      .poll(() => page.getByTestId('weights-labels').locator('li').allInnerTexts())
      .toEqual(Array.from({ length: 10 }, (_, i) => `digit ${i}`));

    await t.dockTab('runs');
    const table = page.getByTestId('runs-table');
    const headers = await table.locator('th').allInnerTexts();
    expect(headers.map((h) => h.trim())).toEqual([
      'Compare',
      'Model',
      'Optimizer',
      'LR',
      'Loss',
      'Steps',
      'Time',
      'Train',
      'Test',
      'Backend',
      'Weights',
      'Delete',
    ]);
    const row = page.getByTestId('run-row').first();
    expect(await row.getByTestId('run-optimizer').innerText()).toBe('SGD');
    expect(await row.getByTestId('run-learning-rate').innerText()).toBe('0.001');
    expect(await row.getByTestId('run-reduction').innerText()).toBe('sum');
    expect(await row.getByTestId('run-steps').innerText()).toBe('300');
    // No header squashed onto two lines, and the page does not scroll sideways.
    for (const th of await table.locator('th').all()) expect((await box(th)).height).toBeLessThan(30);
    expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
  });

  it('quick add places the node clear of the others and keeps its list in the window', async () => {
    const { app, page } = s;
    // Release a wire from the dense node's output just under the softmax node, low on the canvas.
    const from = app.socket('dense', 'output');
    const softmax = await box(app.node('softmax'));
    const a = await box(from);
    const drop = { x: softmax.x + 30, y: softmax.y + softmax.height + 12 };
    await page.mouse.move(a.x + a.width / 2, a.y + a.height / 2);
    await page.mouse.down();
    await page.mouse.move(drop.x, drop.y, { steps: 10 });
    await page.mouse.up();
    const popup = page.getByRole('dialog', { name: 'Quick add node' });
    await popup.waitFor();
    const p = await box(popup);
    expect(p.y + p.height).toBeLessThanOrEqual(768);
    expect(p.x + p.width).toBeLessThanOrEqual(1366);
    await page.getByRole('option', { name: 'ReLU' }).click();
    await app.waitForDocument((d) => d.nodes.length === 5);
    const added = (await app.nodeIds()).find((id) => !['input', 'dense', 'softmax', 'loss'].includes(id))!;
    await expect
      .poll(async () => {
        const mine = await box(app.node(added));
        const others = await Promise.all(
          ['input', 'dense', 'softmax', 'loss'].map((id) => box(app.node(id))),
        );
        return others.every((o) => apart(mine, o));
      })
      .toBe(true);

    // Near the window's bottom edge the list opens above the pointer.
    const canvas = await box(app.canvas);
    await page.mouse.move(a.x + a.width / 2, a.y + a.height / 2);
    await page.mouse.down();
    await page.mouse.move(canvas.x + 300, canvas.y + canvas.height - 60, { steps: 10 });
    await page.mouse.up();
    await popup.waitFor();
    const low = await box(popup);
    expect(low.y + low.height).toBeLessThanOrEqual(768);
    expect(low.y).toBeGreaterThanOrEqual(0);
  });
});
