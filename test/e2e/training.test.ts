import { describe, expect, it } from 'vitest';
import { freshSessionPerTest, type Session } from './support/app';
import { TrainingPage } from './support/training';

// A linear layer fitted with squared error at learning rate 5: its loss overflows within a few
// steps. (With softmax and the clipped log a classifier's loss stays finite however large the
// step.)
const divergingGraph = {
  format: 'tensorweave-graph',
  version: 1,
  name: 'linear-regression',
  nodes: [
    { id: 'x', type: 'input', params: {}, position: { x: 0, y: 0 } },
    { id: 'out', type: 'dense', params: { units: 10 }, position: { x: 250, y: 0 } },
    {
      id: 'loss',
      type: 'loss',
      params: { loss: 'meanSquaredError', reduction: 'sum' },
      position: { x: 500, y: 0 },
    },
  ],
  edges: [
    { id: 'e1', from: { node: 'x', port: 'out' }, to: { node: 'out', port: 'in' } },
    { id: 'e2', from: { node: 'out', port: 'out' }, to: { node: 'loss', port: 'in' } },
  ],
  training: { learningRate: 5, batchSize: 100, duration: { unit: 'steps', steps: 500 } },
};

describe('training in the browser', () => {
  let s: Session;
  let t: TrainingPage;
  freshSessionPerTest((session) => {
    s = session;
    t = new TrainingPage(s.page);
  });

  /** Train the beginner preset the app opens with for `steps` steps, to the finish. */
  async function trainBeginner(steps: number): Promise<void> {
    await t.openPanel();
    await t.set('hp-length', String(steps));
    await s.page.getByTestId('train-start').click();
    await t.waitStatus('finished');
  }

  /** Start a long run on the (slow) tfjs wasm backend and stop it once it has made progress. */
  async function trainAndStop(): Promise<void> {
    await t.openPanel();
    await t.chooseBackend('wasm');
    await t.set('hp-length', '30000');
    await s.page.getByTestId('train-start').click();
    await t.waitStepAtLeast(20);
    await s.page.getByTestId('train-stop').click();
    await t.waitStatus('stopped');
  }

  /** Load the diverging graph and train it until the run fails. */
  async function trainDiverging(): Promise<void> {
    const refused = await s.page.evaluate(
      (text) =>
        (window as unknown as { tensorweave: { load(t: string): string | undefined } }).tensorweave.load(
          text,
        ),
      JSON.stringify(divergingGraph),
    );
    expect(refused).toBeUndefined();
    await t.openPanel();
    await t.chooseBackend('auto');
    await s.page.getByTestId('train-start').click();
    await t.waitStatus('failed');
  }

  it('opens one click from training: the toolbar’s Train button starts the preset on the canvas', async () => {
    await s.page.getByTestId('tab-inspector').click();
    await s.page.getByTestId('btn-train').click();
    await s.page.getByTestId('train-panel').waitFor();
    await s.page.waitForSelector('[data-testid="train-progress"]:not([data-status="idle"])');
    await t.waitStepAtLeast(1);
    // While it runs, the toolbar button shows the run's progress instead of "▶ Train".
    const button = s.page.getByTestId('btn-train');
    await s.page.waitForFunction(() =>
      /^Training \d{1,3}%$/.test(
        document.querySelector('[data-testid="btn-train"]')?.textContent?.trim() ?? '',
      ),
    );
    expect(await button.getAttribute('class')).toContain('tw-btn-train-active');
    await s.page.getByTestId('train-stop').click();
    await t.waitStatus('stopped');
    expect((await button.textContent())?.trim()).toBe('▶ Train');
  });

  it('trains the beginner preset for 300 steps: progress, charts and a test accuracy above 85%', async () => {
    await trainBeginner(300);
    expect(await t.step()).toEqual([300, 300]);
    await s.page.getByTestId('chart-loss').waitFor();
    await s.page.getByTestId('chart-accuracy').waitFor();
    // The charts drew lines: uPlot paints into a canvas sized to the panel.
    const drawn = await s.page.evaluate(() =>
      [...document.querySelectorAll('[data-testid="train-charts"] canvas')].map(
        (c) => (c as HTMLCanvasElement).width,
      ),
    );
    expect(drawn.length).toBeGreaterThanOrEqual(2);
    expect(drawn.every((w) => w > 100)).toBe(true);
    expect(await s.page.getByTestId('train-backend-used').textContent()).toMatch(/Tensorweave kernels/);
    const accuracy = await t.testAccuracy();
    expect(accuracy).toBeGreaterThan(0.85);
    // The evaluation opens with the same number and a full confusion matrix.
    const evalText = await s.page.getByTestId('eval-accuracy').textContent();
    expect(Number(evalText!.replace('%', '')) / 100).toBeCloseTo(accuracy, 3);
    expect(s.app.errors).toEqual([]);
  });

  it('opens a confusion-matrix cell as a gallery of those test digits with their probabilities', async () => {
    await trainBeginner(300);
    await t.dockTab('evaluation');
    // The most confused pair: the largest off-diagonal cell.
    const cell = await s.page.evaluate(() => {
      let best = { t: 0, p: 1, n: -1 };
      for (let i = 0; i < 10; i++)
        for (let j = 0; j < 10; j++) {
          if (i === j) continue;
          const n = Number(document.querySelector(`[data-testid="cm-${i}-${j}"]`)?.textContent?.trim() || 0);
          if (n > best.n) best = { t: i, p: j, n };
        }
      return best;
    });
    expect(cell.n).toBeGreaterThan(0);
    await s.page.getByTestId(`cm-${cell.t}-${cell.p}`).click();
    await s.page.waitForFunction(
      (n) => document.querySelectorAll('[data-testid="gallery-item"]').length === n,
      Math.min(cell.n, 48),
    );
    await s.page.getByTestId('gallery-item').first().click();
    const detail = await s.page.getByTestId('gallery-detail').textContent();
    expect(detail).toContain(`true ${cell.t}, predicted ${cell.p}`);
  });

  it('draws a digit and shows the network’s prediction', async () => {
    await trainBeginner(300);
    await t.dockTab('draw');
    const pad = s.page.getByTestId('digit-pad-canvas');
    const box = (await pad.boundingBox())!;
    // A "1": one vertical stroke down the middle of the pad.
    await s.page.mouse.move(box.x + box.width / 2, box.y + box.height * 0.15);
    await s.page.mouse.down();
    for (let i = 1; i <= 12; i++)
      await s.page.mouse.move(box.x + box.width / 2, box.y + box.height * (0.15 + 0.06 * i));
    await s.page.mouse.up();
    await s.page.waitForFunction(() =>
      /Prediction: \d/.test(document.querySelector('[data-testid="digit-pad"]')?.textContent ?? ''),
    );
    const text = await s.page.getByTestId('digit-pad').textContent();
    expect(text).toMatch(/Prediction: 1/);
    const probabilities = await s.page.evaluate(() =>
      [...document.querySelectorAll('[data-testid^="prob-"]')].map((b) =>
        parseFloat(b.getAttribute('aria-label')!.split(': ')[1]!),
      ),
    );
    expect(probabilities).toHaveLength(10);
    expect(probabilities.reduce((a, b) => a + b, 0)).toBeCloseTo(100, 0);
  });

  it('draws the ten weight templates of the beginner preset', async () => {
    await trainBeginner(300);
    await t.dockTab('weights');
    const canvas = s.page.getByTestId('weights-canvas');
    await canvas.waitFor();
    await s.page.waitForFunction(
      () =>
        (document.querySelector('[data-testid="weights-canvas"]') as HTMLCanvasElement)?.width ===
        10 * 29 - 1,
    );
  });

  it('pauses, resumes and stops mid-run, keeping the weights trained so far', async () => {
    // The tfjs wasm backend is slow enough to catch mid-run.
    await t.openPanel();
    await t.chooseBackend('wasm');
    await t.set('hp-length', '30000');
    await s.page.getByTestId('train-start').click();
    await t.waitStatus('running');
    await t.waitStepAtLeast(20);
    await s.page.getByTestId('train-pause').click();
    await t.waitStatus('paused');
    // The worker sees the pause between steps (within ~0.2 s); "no progress" cannot be
    // awaited, so give the paused run time to (wrongly) move on.
    await s.page.waitForTimeout(500);
    const [paused] = await t.step();
    await s.page.waitForTimeout(800);
    const [still] = await t.step();
    expect(still).toBe(paused);
    await s.page.getByTestId('train-resume').click();
    await t.waitStatus('running');
    await t.waitStepAtLeast(still + 20);
    await s.page.getByTestId('train-stop').click();
    await t.waitStatus('stopped');
    const [done, total] = await t.step();
    expect(done).toBeLessThan(total);
    // Well above the ~10% of untrained weights: the steps run so far are kept.
    const accuracy = await t.testAccuracy();
    expect(accuracy).toBeGreaterThan(0.5);
    expect(await s.page.getByTestId('train-status').textContent()).toMatch(
      /Stopped; the weights trained so far are kept/,
    );
  });

  it('a learning rate that diverges fails in plain words and suggests a smaller one', async () => {
    await trainDiverging();
    const message = await s.page.getByTestId('train-failed').textContent();
    expect(message).toMatch(
      /loss became (NaN|infinite) at step \d+; the learning rate 5 is likely too high — try 0\.5\. The weights were restored/,
    );
  });

  it('keeps the runs across a reload, in the comparison table with the tutorial’s figures', async () => {
    // One run of each ending: finished, stopped, failed.
    await trainBeginner(50);
    await trainAndStop();
    await trainDiverging();
    await t.dockTab('runs');
    await s.page.waitForFunction(() => document.querySelectorAll('[data-testid="run-row"]').length === 3);
    const before = 3;
    await s.app.reload();
    await t.dockTab('runs');
    await s.page.waitForFunction(
      (n) => document.querySelectorAll('[data-testid="run-row"]').length === n,
      before,
    );
    const statuses = await s.page
      .getByTestId('run-row')
      .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-status')).sort());
    expect(statuses).toEqual(['aborted', 'completed', 'failed']);
    const table = await s.page.getByTestId('runs-table').textContent();
    expect(table).toContain('beginner (tutorial, 2014 laptop)');
    expect(table).toMatch(/stopped/);
    expect(table).toMatch(/failed/);
    // Delete one run: it is gone.
    await s.page.getByTestId('run-delete').first().click();
    await s.page.waitForFunction(
      (n) => document.querySelectorAll('[data-testid="run-row"]').length === n - 1,
      before,
    );
    // Also after a reload (the rows arrive from IndexedDB, so wait for the count).
    await s.app.reload();
    await t.dockTab('runs');
    await s.page.waitForFunction(
      (n) => document.querySelectorAll('[data-testid="run-row"]').length === n - 1,
      before,
    );
  });

  it('the worker holds the same number of tensors after 5 train-and-dispose cycles', async () => {
    await t.openPanel();
    await t.set('hp-length', '50');
    const counts: number[] = [];
    for (let i = 0; i < 5; i++) {
      await s.page.getByTestId('train-start').click();
      await t.waitStatus('finished');
      counts.push(await t.workerTensors());
    }
    expect(new Set(counts).size).toBe(1);
    expect(counts[0]).toBeGreaterThan(0); // the current model's weights
  });

  it('blocks training while the graph has errors, and a click selects the node at fault', async () => {
    await s.page.getByTestId('tab-inspector').click();
    await s.app.select('dense');
    await s.app.setNumber('units', '625');
    await t.openPanel();
    await s.page.getByTestId('train-blocked').waitFor();
    expect(await s.page.getByTestId('train-start').isDisabled()).toBe(true);
    await s.page.getByTestId('train-blocked').getByRole('button').first().click();
    await s.page.getByTestId('tab-inspector').click();
    expect(await s.page.getByTestId('inspector-title').textContent()).toMatch(/Loss/);
  });
});
