import { describe, expect, inject, it } from 'vitest';
import { EditorPage, freshSessionPerTest, type Session } from './support/app';

// Two tabs of the app share one autosave. One tab owns it at a time; another says so, saves
// nothing, and can take over. Nothing is ever overwritten silently.
describe('two tabs', () => {
  let s: Session;
  freshSessionPerTest((session) => (s = session), { width: 1366, height: 768 });

  /** Another tab of the same browser profile, with the app loaded. */
  async function secondTab(): Promise<EditorPage> {
    const page = await s.context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    const app = new EditorPage(page, inject('baseUrl'), errors);
    await app.goto();
    return app;
  }
  const banner = (app: EditorPage) => app.page.getByRole('status').filter({ hasText: 'another tab' });
  const takeOver = (app: EditorPage) => app.page.getByRole('button', { name: 'Take over here' });

  async function rename(app: EditorPage, name: string, saved = true): Promise<void> {
    await app.testId('graph-name').fill(name);
    await app.testId('graph-name').press('Enter');
    if (saved) await app.waitAutosaved();
  }

  it('the second tab says it does not save; a rename in the first survives an edit in the second', async () => {
    const a = s.app;
    const b = await secondTab();
    await expect
      .poll(() => banner(b).textContent())
      .toContain('This graph is being edited in another tab; changes here are not saved');
    expect(await takeOver(b).isVisible()).toBe(true);
    expect(await a.testId('ownership-banner').count()).toBe(0);

    await rename(a, 'renamed in tab A');
    // An edit in the second tab: delete the Softmax node.
    await b.select('softmax');
    await b.press('Delete');
    await b.waitForDocument((d) => !d.nodes.some((n) => n.id === 'softmax'));
    await expect.poll(() => b.testId('autosave-status').textContent()).toBe('Not saved (another tab saves)');

    // The first tab reloads from the autosave: its rename is there, the other tab's edit is not.
    await a.reload();
    expect(await a.testId('graph-name').inputValue()).toBe('renamed in tab A');
    expect((await a.documentJson()).nodes.map((n) => n.id)).toContain('softmax');
    expect(a.errors).toEqual([]);
    expect(b.errors).toEqual([]);
  });

  it('"Take over here" moves the saving to this tab, and the first tab says so', async () => {
    const a = s.app;
    const b = await secondTab();
    await takeOver(b).click();
    await b.testId('ownership-banner').waitFor({ state: 'detached' });
    await expect.poll(() => banner(a).textContent()).toContain('changes here are not saved');

    await rename(b, 'saved by tab B');
    await rename(a, 'not saved from tab A', false);
    await expect.poll(() => a.testId('autosave-status').textContent()).toBe('Not saved (another tab saves)');
    const c = await secondTab();
    expect(await c.testId('graph-name').inputValue()).toBe('saved by tab B');
    await expect.poll(() => banner(c).count()).toBe(1);
  });

  it('when the owner tab closes, a tab without edits takes over with the last saved graph', async () => {
    const a = s.app;
    const b = await secondTab();
    await expect.poll(() => banner(b).count()).toBe(1);
    await rename(a, 'last name from tab A');
    await a.page.close();
    await b.testId('ownership-banner').waitFor({ state: 'detached' });
    await expect.poll(() => b.testId('graph-name').inputValue()).toBe('last name from tab A');
    await rename(b, 'now tab B saves');
    const c = await secondTab();
    expect(await c.testId('graph-name').inputValue()).toBe('now tab B saves');
  });

  it('when the owner tab closes, a tab with its own edits asks before saving them', async () => {
    const a = s.app;
    const b = await secondTab();
    await rename(a, 'kept from tab A');
    await b.select('softmax');
    await b.press('Delete');
    await a.page.close();
    const freed = b.page.getByRole('status').filter({ hasText: 'The other tab was closed' });
    await freed.waitFor();
    // Nothing was written: a new tab still opens tab A's graph.
    const c = await secondTab();
    expect(await c.testId('graph-name').inputValue()).toBe('kept from tab A');
    await c.page.close();
    await takeOver(b).click();
    await b.waitAutosaved();
    const d = await secondTab();
    expect((await d.documentJson()).nodes.map((n) => n.id)).not.toContain('softmax');
  });
});
