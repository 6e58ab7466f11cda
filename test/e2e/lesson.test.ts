import { describe, expect, it } from 'vitest';
import { freshSessionPerTest, type Session } from './support/app';
import { TrainingPage } from './support/training';

/** The lesson strip's step counter, goal status and buttons. */
function lessonPage(s: Session) {
  const { app } = s;
  return {
    progress: () => app.testId('lesson-progress').textContent(),
    title: () => app.testId('lesson-step-title').textContent(),
    met: async () => (await app.testId('lesson-status').getAttribute('data-met')) === 'true',
    async waitMet(met: boolean, timeout = 120_000) {
      await app.page.waitForSelector(`[data-testid="lesson-status"][data-met="${met}"]`, { timeout });
    },
    async hint(): Promise<string> {
      if (!(await app.testId('lesson-hint').count())) await app.testId('lesson-hint-btn').click();
      return (await app.testId('lesson-hint').textContent()) ?? '';
    },
    next: () => app.testId('lesson-next'),
  };
}

describe('the guided lesson', () => {
  let s: Session;
  freshSessionPerTest((session) => (s = session), { width: 1366, height: 768 });

  it('walks the tutorial with the mouse: train, add the hidden layer by dragging, a short run does not pass', async () => {
    const { app, page } = s;
    const t = new TrainingPage(page);
    const lesson = lessonPage(s);
    await app.node('loss').waitFor();
    await app.testId('btn-learn').click();
    await app.testId('learn-lesson:tutorial').click();
    await app.testId('lesson-panel').waitFor();
    expect(await lesson.progress()).toContain('Step 1 of 5');
    expect(await lesson.title()).toBe('The beginner network');
    await page.screenshot({ path: 'screenshots/lesson-step1-1366x768.png' });
    // The lesson sits in the side panel: the canvas keeps its size.
    const panel = (await app.testId('lesson-panel').boundingBox())!;
    const canvas = (await app.canvas.boundingBox())!;
    expect(panel.x).toBeGreaterThanOrEqual(canvas.x + canvas.width);
    expect(canvas.height).toBeGreaterThan(0.8 * 768);

    // Step 1: the beginner network, trained the tutorial's way to about 92%.
    expect(await lesson.met()).toBe(false);
    expect(await lesson.next().textContent()).toContain('Skip');
    expect(await lesson.hint()).toContain('No run of this graph yet: press ▶ Train');
    await app.testId('btn-train').click();
    await t.waitStatus('finished');
    await lesson.waitMet(true);
    expect(await app.testId('lesson-done').textContent()).toContain('About 92%');
    await page.screenshot({ path: 'screenshots/lesson-step1-done-1366x768.png' });
    await lesson.next().click();

    // Step 2: the hidden layer, by drags: two nodes from the palette, one wire moved, two drawn.
    expect(await lesson.title()).toBe('Add a hidden layer');
    expect(await lesson.hint()).toContain('No Dense (units = 625) node between Input and Sigmoid yet');
    await app.testId('dock-toggle').click(); // the results dock opened when the run ended
    await app.testId('btn-fit').click();
    const below = (await app.canvas.boundingBox())!.height - 110;
    const hidden = await app.dragFromPalette('dense', 220, below);
    const sigmoid = await app.dragFromPalette('sigmoid', 480, below);
    await app.wire(app.socket('dense', 'input'), app.socket(hidden, 'input'));
    await app.waitForDocument((d) => d.edges.some((e) => e.from.node === 'input' && e.to.node === hidden));
    await app.connect(hidden, sigmoid);
    await app.connect(sigmoid, 'dense');
    await app.waitForDocument((d) => d.edges.some((e) => e.from.node === sigmoid && e.to.node === 'dense'));
    expect(await lesson.hint()).toContain(
      `The Dense node "${hidden}" after Input is in place, but units is 10`,
    );
    await app.testId('tab-inspector').click(); // ▶ Train had switched the panel to the Train tab
    await app.select(hidden);
    await app.setNumber('units', '625');
    await lesson.waitMet(true, 10_000);
    expect(await app.testId('lesson-done').textContent()).toContain('496,885');
    await page.screenshot({ path: 'screenshots/lesson-step2-done-1366x768.png' });
    await lesson.next().click();

    // Step 3: a short run of the hidden-layer graph finishes far below 96%: no advance, a hint.
    expect(await lesson.title()).toBe('Train it to 96.6%');
    await t.openPanel();
    await t.set('hp-length', '200');
    await app.testId('btn-train').click();
    await t.waitStatus('finished');
    const hint = await lesson.hint();
    expect(hint).toMatch(
      /^The best run of such a graph reached \d+\.\d% test accuracy; this step needs 96\.0%/,
    );
    expect(await lesson.met()).toBe(false);
    expect(await lesson.next().getAttribute('data-skip')).toBe('true');
    expect(await lesson.progress()).toContain('Step 3 of 5');
    await page.screenshot({ path: 'screenshots/lesson-step3-hint-1366x768.png' });

    // Step 4 (skipping 3): both runs are in the runs table; unticking one unmeets the goal.
    await lesson.next().click();
    expect(await lesson.title()).toBe('Compare the two runs');
    await lesson.waitMet(true, 10_000);
    await t.dockTab('runs');
    const boxes = page.getByTestId('runs-table').getByRole('checkbox');
    await boxes.first().uncheck();
    await lesson.waitMet(false, 10_000);
    expect(await lesson.hint()).toMatch(/^Tick a run of a graph with/);
    await boxes.first().check();
    await lesson.waitMet(true, 10_000);
    await lesson.next().click();

    // Step 5: starts from the cnn preset when this build has it, else says how to build it.
    expect(await lesson.title()).toBe('Convolutions: 99%');
    const doc = await app.documentJson();
    if (!doc.nodes.some((n) => n.type === 'conv2d'))
      expect(await app.testId('lesson-missing-preset').textContent()).toContain('“cnn”');
    expect(await lesson.hint()).toContain('a graph with a');
    await lesson.next().click();
    await page.getByText('Lesson complete').waitFor();
    expect(app.errors).toEqual([]);
  });

  it("opens a teacher's lesson file, and names the file, step and field of a mistake", async () => {
    const { app } = s;
    const lessonFile = {
      format: 'tensorweave-lesson',
      version: 1,
      title: 'Softmax matters',
      steps: [
        {
          title: 'Remove it',
          text: 'Delete the **Softmax** node.',
          condition: { kind: 'graphHas', path: ['dnse('] },
        },
      ],
    };
    await app.testId('lesson-file-input').setInputFiles({
      name: 'softmax.json',
      mimeType: 'application/json',
      buffer: Buffer.from(JSON.stringify(lessonFile)),
    });
    await app.toast('error').waitFor();
    expect(await app.toast('error').textContent()).toContain(
      'softmax.json: step 1 ("Remove it"), field condition.path[0]: "dnse(" is not a node pattern',
    );
    lessonFile.steps[0]!.condition.path = ['input', 'dense', 'loss'];
    await app.testId('lesson-file-input').setInputFiles({
      name: 'softmax.json',
      mimeType: 'application/json',
      buffer: Buffer.from(JSON.stringify(lessonFile)),
    });
    await app.testId('lesson-panel').waitFor();
    expect(await app.testId('lesson-step').textContent()).toContain('Delete the Softmax node.');
    expect(await app.testId('lesson-step').locator('strong').textContent()).toBe('Softmax');
    await app.select('softmax');
    await app.press('Delete');
    await app.waitForDocument((d) => !d.nodes.some((n) => n.id === 'softmax'));
    await app.connect('dense', 'loss');
    await lessonPage(s).waitMet(true, 10_000);
  });

  it('opens the lesson a #lesson= link names', async () => {
    const { app, page } = s;
    await page.goto(`${app.baseUrl}#lesson=tutorial`);
    await app.waitReady();
    await app.testId('lesson-panel').waitFor();
    expect(await lessonPage(s).title()).toBe('The beginner network');
    expect(new URL(page.url()).hash).toBe('');
  });
});
