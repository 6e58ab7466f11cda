/**
 * Issue 11's autosave-kill table: edit, then end the browser after 0–800 ms, start it again
 * on the same profile, and see what the autosave kept. "tab" closes the tab first (the page
 * gets pagehide and the autosave flushes), then kills the browser; "kill" kills the Chromium
 * process outright (no event at all: only what the 400 ms debounce had already written
 * survives). Whatever the case, what comes back is never corrupt: the edit, or the graph
 * before it. The visibilitychange flush is covered by test/unit/app/autosaveFlush.test.ts
 * (headless Chromium never hides a page).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { openSession, type Session } from './support/app';
import { autosavedText } from './support/hostile';

const baseUrl = inject('baseUrl');
const DELAYS_MS = [0, 100, 200, 400, 800];
const MODES = ['tab', 'kill'] as const;
type Mode = (typeof MODES)[number];
const table: { mode: Mode; delay: number; back: string }[] = [];

/** The Chromium browser process (not a renderer or helper) running on a profile folder. */
function browserPid(profileDir: string): number {
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let args: string[];
    try {
      args = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
    } catch {
      continue;
    }
    if (args.includes(`--user-data-dir=${profileDir}`) && !args.some((a) => a.startsWith('--type=')))
      return Number(entry);
  }
  throw new Error(`No browser process runs on ${profileDir}`);
}

/** The graph's name in the autosaved text, or why it is not a graph. */
function nameIn(text: string | null): string {
  if (text === null) return '(nothing)';
  try {
    return (JSON.parse(text) as { name: string }).name;
  } catch {
    return '(corrupt)';
  }
}

async function edit(s: Session, name: string): Promise<void> {
  const doc = { ...(await s.app.documentJson()), name };
  const error = await s.page.evaluate(
    (text) =>
      (window as unknown as { tensorweave: { load(t: string): string | undefined } }).tensorweave.load(text),
    JSON.stringify(doc),
  );
  if (error) throw new Error(error);
}

afterAll(() => {
  const rows = table.map((r) => `| ${r.mode.padEnd(4)} | ${String(r.delay).padStart(6)} ms | ${r.back} |`);
  console.log(['| end  | after edit | came back |', ...rows].join('\n'));
});

describe('the autosave when the browser ends right after an edit', () => {
  for (const mode of MODES) {
    it(`${mode}: ${DELAYS_MS.join(', ')} ms after the edit`, async () => {
      for (const delay of DELAYS_MS) {
        const profileDir = await mkdtemp(path.join(tmpdir(), 'tw-e2e-kill-'));
        try {
          const first = await openSession(baseUrl, undefined, { profileDir });
          await edit(first, 'saved before');
          await first.app.waitAutosaved();
          await edit(first, 'the last edit');
          await sleep(delay);
          if (mode === 'tab') {
            // With its unload handlers run, closing does not wait for the page to go: wait here.
            const closed = new Promise((resolve) => first.page.once('close', resolve));
            await first.page.close({ runBeforeUnload: true });
            await closed;
          }
          process.kill(browserPid(profileDir), 'SIGKILL');
          await first.context.close().catch(() => undefined);
          const again = await openSession(baseUrl, undefined, { profileDir });
          const back = nameIn(await autosavedText(again.page));
          const shown = (await again.app.documentJson()).name;
          await again.close();
          table.push({ mode, delay, back });
          expect(['saved before', 'the last edit'], `${mode} after ${delay} ms`).toContain(back);
          expect(shown, 'the canvas shows what was autosaved').toBe(back);
          if (mode === 'tab') expect(back, `${mode} after ${delay} ms`).toBe('the last edit');
        } finally {
          await rm(profileDir, { recursive: true, force: true });
        }
      }
    });
  }
});
