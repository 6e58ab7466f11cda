import { afterAll, describe, expect, inject, it } from 'vitest';
import { openSession, type Session } from './support/app';

// Screenshots for people to look at (screenshots/ is git-ignored), plus the layout checks a
// screenshot would show: nothing overflows the window at the smaller size.
describe.each([
  [1400, 900],
  [1024, 768],
])('layout at %d×%d', (width, height) => {
  let s: Session | undefined;
  afterAll(async () => {
    await s?.close();
  });

  it('fits the window and looks right', async () => {
    s = await openSession(inject('baseUrl'), { width, height });
    const { app, page } = s;
    await app.loadPreset('hidden-layer');
    await app.node('hidden').waitFor();
    await app.testId('btn-fit').click();
    await page.screenshot({ path: `screenshots/editor-${width}x${height}.png` });
    await app.select('hidden');
    await page.screenshot({ path: `screenshots/inspector-${width}x${height}.png` });
    const overflow = await page.evaluate(() => ({
      x: document.documentElement.scrollWidth > window.innerWidth,
      toolbar: (() => {
        const t = document.querySelector('.tw-toolbar')!;
        return t.scrollWidth > t.clientWidth;
      })(),
    }));
    expect(overflow).toEqual({ x: false, toolbar: false });
    // A broken graph, to see error badges.
    await app.press('Escape');
    await app.connect('input', 'softmax');
    await app.select('output');
    await app.press('Delete');
    await app.press('Escape');
    await page.screenshot({ path: `screenshots/errors-${width}x${height}.png` });
    expect(await app.canvas.getByTestId('error-badge').count()).toBeGreaterThan(0);
    // Hiding the palette and the panel gives the canvas the whole width.
    await app.testId('btn-toggle-palette').click();
    await app.testId('btn-toggle-side').click();
    await expect.poll(async () => (await app.canvas.boundingBox())?.width).toBe(width);
    await app.testId('btn-fit').click();
    await page.screenshot({ path: `screenshots/canvas-only-${width}x${height}.png` });
    await app.testId('btn-toggle-palette').click();
    await app.testId('btn-toggle-side').click();
    await app.testId('palette').waitFor();
    expect(app.errors).toEqual([]);
  });
});
