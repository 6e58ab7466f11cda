import { beforeEach, describe, expect, it } from 'vitest';
import { center, freshSessionPerTest, type Session } from './support/app';

describe('editing', () => {
  let s: Session;
  freshSessionPerTest((session) => (s = session));
  beforeEach(async () => {
    await s.app.node('loss').waitFor();
    await s.app.clearToasts();
  });

  it('loads a preset, replacing the graph, and undo brings the previous one back', async () => {
    const { app } = s;
    await app.loadPreset('hidden-layer');
    await app.node('hidden').waitFor();
    expect((await app.nodeIds()).sort()).toEqual(['hidden', 'input', 'loss', 'output', 'sigmoid', 'softmax']);
    await app.testId('btn-undo').click();
    await app.node('hidden').waitFor({ state: 'detached' });
    expect((await app.nodeIds()).sort()).toEqual(['dense', 'input', 'loss', 'softmax']);
  });

  it('refuses an invalid connection and says why', async () => {
    const { app } = s;
    const before = await app.document();
    // softmax's input already receives from dense: a second wire is refused, not swapped.
    await app.connect('input', 'softmax');
    const toast = app.toast('error');
    await toast.waitFor();
    expect(await toast.textContent()).toContain('Connection refused');
    expect(await toast.textContent()).toContain('already receives from "dense"');
    expect(await app.document()).toBe(before);
  });

  it('refuses a connection that would make a cycle', async () => {
    const { app } = s;
    await app.dragFromPalette('add', 400, 420);
    await app.connect('softmax', 'add');
    await app.waitForDocument((d) => d.edges.some((e) => e.to.node === 'add'));
    const before = await app.document();
    // add → dense would need dense's input free; use the add's own output back into itself.
    await app.wire(app.socket('add', 'output'), app.socket('add', 'input'));
    await app.toast('error').waitFor();
    expect(await app.toast('error').textContent()).toMatch(/itself|cycle/);
    expect(await app.document()).toBe(before);
  });

  it('undoes and redoes deletes and parameter edits, one step each', async () => {
    const { app } = s;
    await app.select('dense');
    await app.setNumber('units', '32');
    await app.waitForDocument((d) => d.nodes.find((n) => n.id === 'dense')?.params.units === 32);
    await app.select('dense'); // leaves the field: shortcuts do nothing while typing
    await app.press('Delete');
    await app.node('dense').waitFor({ state: 'detached' });
    let doc = await app.documentJson();
    expect(doc.edges.map((e) => e.id)).toEqual(['e3']);

    await app.press('Control+z');
    await app.node('dense').waitFor();
    doc = await app.documentJson();
    expect(doc.edges).toHaveLength(3);
    expect(doc.nodes.find((n) => n.id === 'dense')?.params.units).toBe(32);

    await app.press('Control+z');
    await app.waitForDocument((d) => d.nodes.find((n) => n.id === 'dense')?.params.units === 10);

    await app.press('Control+Shift+z');
    await app.waitForDocument((d) => d.nodes.find((n) => n.id === 'dense')?.params.units === 32);
    await app.press('Control+y');
    await app.node('dense').waitFor({ state: 'detached' });
  });

  it('copies and pastes the selection with the edges inside it, at the pointer', async () => {
    const { app } = s;
    await app.select('dense');
    await app
      .node('softmax')
      .locator('[data-testid="title"]')
      .click({ modifiers: ['Shift'] });
    await app.page.waitForFunction(
      () => document.querySelectorAll('[data-testid="canvas"] [data-testid="node"].selected').length === 2,
    );
    await app.press('Control+c');
    const box = (await app.canvas.boundingBox())!;
    await app.page.mouse.move(box.x + 200, box.y + box.height - 150);
    await app.press('Control+v');
    const doc = await app.waitForDocument((d) => d.nodes.length === 6);
    const pasted = doc.nodes.filter((n) => !['input', 'dense', 'softmax', 'loss'].includes(n.id));
    expect(pasted.map((n) => n.type).sort()).toEqual(['dense', 'softmax']);
    const ids = new Set(pasted.map((n) => n.id));
    const inner = doc.edges.filter((e) => ids.has(e.from.node) || ids.has(e.to.node));
    expect(inner).toHaveLength(1);
    expect(ids.has(inner[0]!.from.node) && ids.has(inner[0]!.to.node)).toBe(true);
    // Pasted where the pointer is: below the original row.
    const p = await center(app.node(pasted[0]!.id));
    expect(p.y).toBeGreaterThan((await center(app.node('dense'))).y + 50);
    // One undo removes the whole paste.
    await app.press('Control+z');
    await app.waitForDocument((d) => d.nodes.length === 4);
  });

  it('shows why a parameter value is rejected and does not commit it', async () => {
    const { app } = s;
    await app.select('dense');
    const before = await app.document();
    await app.setNumber('units', '0');
    await app.testId('param-units-error').waitFor();
    expect(await app.testId('param-units-error').textContent()).toContain('at least 1');
    expect(await app.document()).toBe(before);
    await app.setNumber('units', '64');
    await app.testId('param-units-error').waitFor({ state: 'detached' });
    await app.waitForDocument((d) => d.nodes.find((n) => n.id === 'dense')?.params.units === 64);
    expect(await app.node('dense').getByTestId('param-badge').textContent()).toBe('50k');
  });

  it('filters the palette by search and adds a node by double-click', async () => {
    const { app } = s;
    await app.testId('palette-search').fill('conc');
    expect(
      await app
        .testId('palette')
        .getByRole('button', { name: /^Add .* node$/ })
        .count(),
    ).toBe(1);
    await app.testId('palette-item-concat').dblclick();
    await app.waitForDocument((d) => d.nodes.some((n) => n.type === 'concat'));
    await app.node('concat').waitFor();
  });
});
