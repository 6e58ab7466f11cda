import { describe, expect, it } from 'vitest';
import { freshSessionPerTest, type Session } from './support/app';
import { TrainingPage } from './support/training';

/** Two dense layers added together: not a chain, so `auto` trains it on a tfjs backend. */
const branchingGraph = {
  format: 'tensorweave-graph',
  version: 1,
  name: 'two-branches',
  nodes: [
    { id: 'x', type: 'input', params: {}, position: { x: 0, y: 0 } },
    { id: 'a', type: 'dense', params: { units: 10 }, position: { x: 250, y: -100 } },
    { id: 'b', type: 'dense', params: { units: 10 }, position: { x: 250, y: 100 } },
    { id: 'sum', type: 'add', params: {}, position: { x: 500, y: 0 } },
    { id: 'p', type: 'softmax', params: {}, position: { x: 750, y: 0 } },
    { id: 'loss', type: 'loss', params: { reduction: 'sum' }, position: { x: 1000, y: 0 } },
  ],
  edges: [
    { id: 'e1', from: { node: 'x', port: 'out' }, to: { node: 'a', port: 'in' } },
    { id: 'e2', from: { node: 'x', port: 'out' }, to: { node: 'b', port: 'in' } },
    { id: 'e3', from: { node: 'a', port: 'out' }, to: { node: 'sum', port: 'in' } },
    { id: 'e4', from: { node: 'b', port: 'out' }, to: { node: 'sum', port: 'in' } },
    { id: 'e5', from: { node: 'sum', port: 'out' }, to: { node: 'p', port: 'in' } },
    { id: 'e6', from: { node: 'p', port: 'out' }, to: { node: 'loss', port: 'in' } },
  ],
  training: { learningRate: 0.01, batchSize: 100, duration: { unit: 'steps', steps: 30 } },
};

describe('the Train panel says which path runs and why', () => {
  let s: Session;
  let t: TrainingPage;
  freshSessionPerTest((session) => {
    s = session;
    t = new TrainingPage(s.page);
  });
  const note = () => s.page.getByTestId('train-path-note').textContent();

  it('before and during a run of hidden-layer: the kernels on two threads, with the same accuracy', async () => {
    await s.app.loadPreset('hidden-layer');
    await t.openPanel();
    await t.chooseBackend('auto');
    expect(await note()).toBe('Runs on Tensorweave kernels, 2 threads.');
    await s.page.setViewportSize({ width: 1366, height: 768 });
    await s.page.screenshot({ path: 'screenshots/train-path-kernels-1366x768.png' });
    await t.set('hp-length', '1000');
    await s.page.getByTestId('train-start').click();
    await t.waitStepAtLeast(1);
    expect(await s.page.getByTestId('train-backend-used').textContent()).toBe(
      'Tensorweave kernels (WASM SIMD, 2 threads)',
    );
    expect(await note()).toBe('Runs on Tensorweave kernels, 2 threads.');
    await t.waitStatus('finished', 300_000);
    expect(await t.testAccuracy()).toBeGreaterThan(0.85);
    expect(s.app.errors).toEqual([]);
  });

  it('for a graph with an Add branch: tfjs under auto, and why; nothing for a backend chosen by hand', async () => {
    const refused = await s.page.evaluate(
      (text) =>
        (window as unknown as { tensorweave: { load(t: string): string | undefined } }).tensorweave.load(
          text,
        ),
      JSON.stringify(branchingGraph),
    );
    expect(refused).toBeUndefined();
    await t.openPanel();
    await t.chooseBackend('auto');
    expect(await note()).toBe(
      'Runs on tfjs (the fastest backend measured): the graph branches or merges, and the kernels run one chain of layers.',
    );
    await s.page.setViewportSize({ width: 1366, height: 768 });
    await s.page.screenshot({ path: 'screenshots/train-path-tfjs-1366x768.png' });
    await s.page.getByTestId('train-start').click();
    await t.waitStatus('finished', 300_000);
    expect(await s.page.getByTestId('train-backend-used').textContent()).not.toMatch(/Tensorweave/);
    await t.chooseBackend('wasm');
    expect(await s.page.getByTestId('train-path-note').count()).toBe(0);
    expect(s.app.errors).toEqual([]);
  });
});
