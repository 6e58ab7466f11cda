import { describe, expect, it } from 'vitest';
import { freshSessionPerTest, type Session } from './support/app';

describe('files, autosave and hostile input', () => {
  let s: Session;
  freshSessionPerTest((session) => (s = session));

  it('save then open round-trips exactly', async () => {
    const { app } = s;
    await app.loadPreset('hidden-layer');
    await app.node('hidden').waitFor();
    const saved = await app.save();
    await app.loadPreset('beginner');
    await app.node('hidden').waitFor({ state: 'detached' });
    await app.open('hidden-layer.json', saved);
    await app.node('hidden').waitFor();
    expect(await app.document()).toBe(saved);
    expect(await app.save()).toBe(saved);
  });

  it('reload restores the autosaved graph', async () => {
    const { app } = s;
    await app.loadPreset('hidden-layer');
    await app.node('hidden').waitFor();
    await app.select('hidden');
    await app.setNumber('units', '300');
    await app.waitForDocument((d) => d.nodes.find((n) => n.id === 'hidden')?.params.units === 300);
    const before = await app.document();
    await app.waitAutosaved();
    await app.reload();
    await app.node('hidden').waitFor();
    expect(await app.document()).toBe(before);
  });

  const future = JSON.stringify({
    format: 'tensorweave-graph',
    version: 99,
    name: 'x',
    nodes: [],
    edges: [],
  });
  const foreign = JSON.stringify({ format: 'something-else', version: 1 });
  const broken = JSON.stringify({
    format: 'tensorweave-graph',
    version: 1,
    name: 'x',
    nodes: 'lots',
    edges: [],
  });
  const huge = `{"format":"tensorweave-graph","pad":"${'x'.repeat(5_300_000)}"}`;
  it.each([
    ['not JSON', '{ "nodes": [', 'not valid JSON'],
    ['a foreign format', foreign, '"format" is "something-else"'],
    ['a future version', future, 'newer Tensorweave'],
    ['a malformed structure', broken, 'nodes'],
    ['a huge file', huge, 'MB'],
  ])('refuses %s and leaves the graph untouched', async (_what, text, message) => {
    const { app } = s;
    await app.loadPreset('beginner');
    await app.clearToasts();
    const before = await app.document();
    await app.open('hostile.json', text);
    const toast = app.toast('error');
    await toast.waitFor();
    expect(await toast.textContent()).toContain('Could not open');
    expect(await toast.getByTestId('toast-message').textContent()).toContain(message);
    expect(await app.document()).toBe(before);
  });

  it('a dropped file is opened like a picked one, and refused the same way', async () => {
    const { app } = s;
    await app.clearToasts();
    const before = await app.document();
    const dataTransfer = await app.page.evaluateHandle(() => {
      const dt = new DataTransfer();
      dt.items.add(new File(['{"format":"nope"}'], 'dropped.json', { type: 'application/json' }));
      return dt;
    });
    await app.page.dispatchEvent('[data-testid="canvas"]', 'drop', { dataTransfer });
    await app.toast('error').waitFor();
    expect(await app.toast('error').textContent()).toContain('dropped.json');
    expect(await app.document()).toBe(before);
  });

  it('loads a graph with unknown node types and shows its diagnostics instead of losing it', async () => {
    const { app } = s;
    await app.clearToasts();
    const doc = JSON.parse(await app.document()) as { nodes: { type: string }[] };
    doc.nodes[1]!.type = 'conv9d';
    await app.open('unknown.json', JSON.stringify(doc));
    await app.toast('warning').waitFor();
    expect(await app.toast('warning').textContent()).toContain('Unknown node type "conv9d"');
    await app.canvas.getByTestId('node-problem').first().waitFor();
    expect(await app.testId('status-diagnostics').textContent()).toContain('error');
  });

  it('a corrupt autosave never stops the app from starting', async () => {
    const { app } = s;
    await app.page.evaluate(
      () =>
        new Promise<void>((resolve, reject) => {
          const req = indexedDB.open('tensorweave', 1);
          req.onsuccess = () => {
            const tx = req.result.transaction('autosave', 'readwrite');
            tx.objectStore('autosave').put('{"format":"tensorweave-graph","version":1,"nodes":[', 'current');
            tx.oncomplete = () => resolve();
            tx.onerror = () => reject(tx.error);
          };
        }),
    );
    await app.reload();
    await app.node('softmax').waitFor();
    await app.toast('warning').waitFor();
    expect(await app.toast('warning').textContent()).toContain('could not be restored');
    expect((await app.nodeIds()).sort()).toEqual(['dense', 'input', 'loss', 'softmax']);
    expect(app.errors).toEqual([]);
  });
});
