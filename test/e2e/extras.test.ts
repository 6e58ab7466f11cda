import { beforeEach, describe, expect, it } from 'vitest';
import { center, freshSessionPerTest, type Session } from './support/app';

describe('quick add, duplicate, box select, arrange, help', () => {
  let s: Session;
  freshSessionPerTest((session) => (s = session));
  beforeEach(async () => {
    await s.app.node('loss').waitFor();
    await s.app.clearToasts();
  });

  it('releasing a wire on empty canvas opens quick add; the choice is placed there and wired in', async () => {
    const { app, page } = s;
    const from = await center(app.socket('loss', 'input'));
    // Drag from the loss input: detaches softmax → loss and carries the wire from softmax.
    const box = (await app.canvas.boundingBox())!;
    await page.mouse.move(from.x, from.y);
    await page.mouse.down();
    await page.mouse.move(from.x, box.y + box.height - 120, { steps: 10 });
    await page.mouse.up();
    await app.testId('quick-add').waitFor();
    await app.testId('quick-add-search').fill('drop');
    await app.press('Enter');
    const doc = await app.waitForDocument((d) => d.nodes.some((n) => n.type === 'dropout'));
    const dropout = doc.nodes.find((n) => n.type === 'dropout')!;
    expect(doc.edges.some((e) => e.from.node === 'softmax' && e.to.node === dropout.id)).toBe(true);
    expect(doc.edges.some((e) => e.to.node === 'loss')).toBe(false);
    // The add and its wire are one step; the detach before it is another.
    await app.press('Control+z');
    await app.waitForDocument((d) => !d.nodes.some((n) => n.type === 'dropout'));
  });

  it('moves a wire from one input to another as one undo step, and restores it if dropped back', async () => {
    const { app } = s;
    const dropout = await app.dragFromPalette('dropout', 600, 620);
    const before = await app.documentJson();
    // Picked off loss.in and dropped back on it: nothing changes.
    await app.wire(app.socket('loss', 'input'), app.socket('loss', 'input'));
    await app.canvas.locator('[data-edge-id="e3"]').waitFor();
    expect(await app.documentJson()).toEqual(before);
    // Picked off loss.in and dropped on the dropout: the wire moves.
    await app.wire(app.socket('loss', 'input'), app.socket(dropout, 'input'));
    const moved = await app.waitForDocument((d) => d.edges.some((e) => e.to.node === dropout));
    expect(moved.edges.some((e) => e.to.node === 'loss')).toBe(false);
    expect(moved.edges.find((e) => e.to.node === dropout)!.from.node).toBe('softmax');
    await app.press('Control+z');
    await app.waitForDocument((d) => JSON.stringify(d.edges) === JSON.stringify(before.edges));
    await app.canvas.locator('[data-edge-id="e3"]').waitFor();
  });

  it('duplicates with Ctrl+D and box-selects with Shift+drag', async () => {
    const { app, page } = s;
    await app.select('dense');
    await app.press('Control+d');
    await app.waitForDocument((d) => d.nodes.length === 5);
    await app.press('Escape');
    const a = await center(app.node('input'));
    const b = await center(app.node('softmax'));
    await page.keyboard.down('Shift');
    const canvas = (await app.canvas.boundingBox())!;
    await page.mouse.move(Math.max(canvas.x + 4, a.x - 120), Math.max(canvas.y + 4, a.y - 80));
    await page.mouse.down();
    await page.mouse.move(b.x, b.y, { steps: 6 }); // above the duplicate, which sits lower
    await page.mouse.up();
    await page.keyboard.up('Shift');
    await expect
      .poll(() =>
        page.evaluate(() =>
          [...document.querySelectorAll('[data-testid="canvas"] [data-testid="node"].selected')]
            .map((e) => e.getAttribute('data-node-id'))
            .sort(),
        ),
      )
      .toEqual(['dense', 'input', 'softmax']);
    expect(await app.testId('inspector').textContent()).toContain('3 nodes selected');
  });

  it('arranges the graph (elkjs loaded on demand) as one undo step', async () => {
    const { app } = s;
    await app.select('dense');
    await app.press('Delete');
    await app.press('Control+z');
    const before = await app.documentJson();
    await app.testId('btn-arrange').click();
    const after = await app.waitForDocument(
      (d) =>
        JSON.stringify(d.nodes.map((n) => n.position)) !==
        JSON.stringify(before.nodes.map((n) => n.position)),
    );
    const xs = after.nodes.map((n) => n.position.x);
    expect([...xs].sort((p, q) => p - q)).toEqual(xs); // left to right in flow order
    await app.press('Control+z');
    await app.waitForDocument((d) => JSON.stringify(d.nodes) === JSON.stringify(before.nodes));
  });

  it('right-click menus delete a wire and a node', async () => {
    const { app, page } = s;
    const point = await pathPoint(page, 'e2');
    await page.mouse.click(point.x, point.y, { button: 'right' });
    await app.testId('menu-delete-wire').click();
    await app.waitForDocument((d) => !d.edges.some((e) => e.id === 'e2'));

    await app.node('softmax').locator('[data-testid="title"]').click({ button: 'right' });
    await app.testId('context-menu').waitFor();
    await app.testId('menu-delete').click();
    await app.node('softmax').waitFor({ state: 'detached' });
  });

  it('opens the shortcut help with ? and closes it with Escape; shortcuts ignore text fields', async () => {
    const { app } = s;
    await app.press('?');
    await app.testId('help-dialog').waitFor();
    expect(await app.testId('help-dialog').textContent()).toContain('Ctrl+D');
    await app.press('Escape');
    await app.testId('help-dialog').waitFor({ state: 'detached' });
    await app.select('dense');
    await app.testId('param-units').focus();
    await app.press('Backspace');
    await app.press('Delete');
    // The keys edited the field; the graph still holds the node.
    expect(await app.testId('param-units').evaluate((e) => e === document.activeElement)).toBe(true);
    expect((await app.documentJson()).nodes.map((n) => n.id)).toContain('dense');
    expect(await app.node('dense').count()).toBe(1);
  });
});

/** A point on a wire's path, on screen, for clicking it. */
async function pathPoint(
  page: import('playwright-core').Page,
  edgeId: string,
): Promise<{ x: number; y: number }> {
  return page.evaluate((id) => {
    const path = document.querySelector<SVGPathElement>(`[data-edge-id="${id}"] .tw-conn-path`)!;
    const p = path.getPointAtLength(path.getTotalLength() * 0.25);
    const screen = new DOMPoint(p.x, p.y).matrixTransform(path.getScreenCTM()!);
    return { x: screen.x, y: screen.y };
  }, edgeId);
}
