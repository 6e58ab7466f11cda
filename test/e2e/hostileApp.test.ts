/**
 * Issue 11's acceptance test for the app: a deterministic third of the hostile corpus
 * (`scripts/hostileCorpus.ts`: every third entry of each category) through Open and drop,
 * alternately, and its share links through the address bar. For each: a message (a refusal
 * names what is wrong), no page error, no main-thread stall over 200 ms, and after a refusal
 * the graph and the autosaved text exactly as before. Counts go to the test output.
 */
import { lstatSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { writeHostileCorpus, type HostileEntry } from '../../scripts/hostileCorpus';
import { openSession, type Session } from './support/app';
import {
  autosavedText,
  dropFiles,
  longestTaskDuringImports,
  longestTaskSince,
  observeLongTasks,
  pageNow,
  settled,
} from './support/hostile';

const MAX_STALL_MS = 200;
const baseUrl = inject('baseUrl');
const dir = mkdtempSync(path.join(tmpdir(), 'tensorweave-hostile-app-'));
const entries = await writeHostileCorpus(dir);

const category = (e: HostileEntry) => e.name.split('/')[0]!;
const isRegularFile = (p: string) => {
  try {
    return lstatSync(p).isFile();
  } catch {
    return false;
  }
};
/** What a user could pick: regular files (a browser offers no FIFO, device or dangling link). */
const pickable = (e: HostileEntry) => category(e) !== 'link' && isRegularFile(e.argv[0]!);
/** Every third entry of each category, so each category is represented in proportion. */
function everyThird(list: HostileEntry[]): HostileEntry[] {
  const seen = new Map<string, number>();
  return list.filter((e) => {
    const i = seen.get(category(e)) ?? 0;
    seen.set(category(e), i + 1);
    return i % 3 === 0;
  });
}
const files = everyThird(entries.filter(pickable));
const links = entries.filter((e) => category(e) === 'link' && e.name !== 'link/huge');

/** The files a user would give for an entry: a model.json comes with the weight file beside it. */
function filesOf(entry: HostileEntry): string[] {
  const file = entry.argv[0]!;
  const weights = path.join(path.dirname(file), 'weights.bin');
  return path.basename(file) === 'model.json' && isRegularFile(weights) ? [file, weights] : [file];
}

interface Outcome {
  name: string;
  channel: 'open' | 'drop' | 'paste' | 'link';
  kind: string;
  message: string;
  stallMs: number;
}
const outcomes: Outcome[] = [];

let s: Session;
beforeAll(async () => {
  s = await openSession(baseUrl, { width: 1366, height: 768 }, { prepare: observeLongTasks });
});
afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  const refused = outcomes.filter((o) => o.kind === 'error');
  const slowest = refused.reduce((a, b) => (b.stallMs > a.stallMs ? b : a), refused[0]!);
  const by = (c: string) => outcomes.filter((o) => o.channel === c).length;
  // The counts the closing note asks for.
  console.log(
    `hostile corpus through the app: ${outcomes.length} of ${entries.length} entries (open ${by('open')}, drop ${by('drop')}, share link pasted ${by('paste')} and opened ${by('link')}; categories ${[...new Set(outcomes.map((o) => o.name.split('/')[0]))].join(', ')}), refused with a message: ${refused.length}, opened: ${outcomes.length - refused.length} (${outcomes
      .filter((o) => o.kind !== 'error')
      .map((o) => o.name)
      .join(
        ', ',
      )}), page errors: ${s.app.errors.length}, longest main-thread task of a refusal ${slowest?.stallMs.toFixed(0)} ms (${slowest?.name}), of an opened graph ${Math.max(...outcomes.filter((o) => o.kind !== 'error').map((o) => o.stallMs)).toFixed(0)} ms`,
  );
  await s.close();
});

/** What the app said about an open: its newest toast, or the share banner of an opened link. */
async function response(): Promise<{ kind: string; message: string }> {
  const { app, page } = s;
  const banner = page.getByTestId('share-banner');
  await app.toast().or(banner).first().waitFor({ timeout: 60_000 });
  if (await app.toast().count())
    return {
      kind: (await app.toast().getAttribute('data-kind')) ?? '',
      message: (await app.toast().textContent())?.trim() ?? '',
    };
  return { kind: 'opened', message: (await banner.textContent())?.trim() ?? '' };
}

/** Records an open and checks it: a message, no page error, no stall, and a refusal changed nothing. */
async function expectOutcome(
  name: string,
  channel: Outcome['channel'],
  /** The longest main-thread task of the open; undefined when it cannot be told apart from a boot. */
  stallMs: () => Promise<number | undefined>,
  before: { doc: string; saved: string | null },
): Promise<void> {
  const { app, page } = s;
  const { kind, message } = await response();
  const stall = await stallMs();
  outcomes.push({ name, channel, kind, message, stallMs: stall ?? 0 });
  // A refusal must cost the page nothing; an accepted graph is drawn on the canvas, which is
  // the editor's work (measured by the editor bench), not reading the input.
  if (stall !== undefined && kind === 'error')
    expect.soft(stall, `${name}: longest main-thread task`).toBeLessThanOrEqual(MAX_STALL_MS);
  expect.soft(app.errors, `${name}: page errors`).toEqual([]);
  if (kind === 'error') {
    expect.soft(message, `${name}: the refusal says why`).toMatch(/Could not open .{3,}/);
    expect.soft(await app.document(), `${name}: the graph is unchanged`).toBe(before.doc);
    expect.soft(await autosavedText(page), `${name}: the autosave is unchanged`).toBe(before.saved);
  } else {
    expect.soft(kind, `${name}: ${message}`).toMatch(/success|warning|opened/);
  }
}

describe(`a third of the hostile corpus through the app (${files.length} files, ${links.length} links)`, () => {
  it('has every category', () => {
    expect(new Set(files.map(category))).toEqual(new Set(['doc', 'enc', 'model', 'zip', 'pic', 'file']));
    expect(files.length + links.length + 1).toBeGreaterThanOrEqual(entries.length / 3);
  });

  it('refuses each file opened or dropped with a message, without a stall, leaving the graph and autosave as they were', async () => {
    const { app, page } = s;
    for (const [i, entry] of files.entries()) {
      const channel = i % 2 === 0 ? 'open' : 'drop';
      await app.clearToasts();
      await page.waitForFunction(
        () =>
          document.querySelector<HTMLElement>('[data-testid="autosave-status"]')?.dataset.state !== 'pending',
      );
      const before = { doc: await app.document(), saved: await autosavedText(page) };
      const since = await pageNow(page);
      if (channel === 'open') await app.testId('file-input').setInputFiles(filesOf(entry));
      else await dropFiles(page, filesOf(entry));
      await expectOutcome(entry.name, channel, () => longestTaskSince(page, since), before);
    }
  });

  it('refuses each hostile share link with a message, pasted into the open tab or opened in a new one', async () => {
    const { app, page } = s;
    for (const entry of links) {
      const token = entry.argv[0]!.slice(entry.argv[0]!.indexOf('#graph=') + '#graph='.length);
      // Pasted into the tab's address bar: only the hash changes, and the app reads it in place.
      await page.goto('about:blank');
      await page.goto(baseUrl);
      await app.waitReady();
      const before = { doc: await app.document(), saved: await autosavedText(page) };
      await settled(page);
      const since = await pageNow(page);
      await page.evaluate((t) => (location.hash = `graph=${t}`), token);
      // A link that opens reloads the page (a new clock): only a refusal is measured in place.
      const inPlace = async () =>
        (await page.getByTestId('share-banner').count()) ? undefined : longestTaskSince(page, since);
      await expectOutcome(entry.name, 'paste', inPlace, before);
      // Opened in a new tab: the app boots with it, reading it in the import worker.
      await page.goto('about:blank');
      await page.goto(`${baseUrl}#graph=${token}`);
      await app.waitReady();
      const read = async () => {
        expect
          .soft((await longestTaskDuringImports(page)).imports, `${entry.name}: read by the worker`)
          .toBe(1);
        // The boot's own long tasks overlap the read here; stalls are measured by the paste above.
        return undefined;
      };
      await expectOutcome(entry.name, 'link', read, before);
      if (before.saved !== null && (await app.toast().count()))
        expect.soft(await app.document(), `${entry.name}: the autosaved graph is shown`).toBe(before.saved);
    }
  });
});

describe('share links at the edges', () => {
  it('refuses a 6 MB share link pasted into the open tab with a message; the page is not blanked', async () => {
    const { app, page } = s;
    await page.goto(baseUrl);
    await app.waitReady();
    await app.clearToasts();
    const before = { doc: await app.document(), saved: await autosavedText(page) };
    // Navigating to it is impossible (Chromium refuses URLs over 2 MB): it comes by script or
    // paste into the address bar of the open tab, which changes only the hash.
    await page.evaluate(() => (location.hash = `graph=${'A'.repeat(6 * 2 ** 20)}`));
    await expect(app.toast('error').textContent()).resolves.toContain(
      'The share link is too long to be a Tensorweave graph.',
    );
    await expect(app.nodes.count()).resolves.toBeGreaterThan(0);
    expect(await page.evaluate(() => location.hash)).toBe('');
    expect(await app.document()).toBe(before.doc);
    expect(await autosavedText(page)).toBe(before.saved);
    expect(app.errors).toEqual([]);
  });

  it('says an empty #graph= holds no graph, and opens the autosaved one', async () => {
    const { app, page } = s;
    const saved = await autosavedText(page);
    await page.goto('about:blank');
    await page.goto(`${baseUrl}#graph=`);
    await app.waitReady();
    await expect(app.toast('error').textContent()).resolves.toContain('The link holds no graph');
    if (saved !== null) expect(await app.document()).toBe(saved);
    expect(app.errors).toEqual([]);
  });
});
