/**
 * The Chromium half of `npm run bench`: serves `bench/browser/` with Vite, opens it in the
 * machine's headless Chromium (never downloads one) and returns the ms/step medians that the
 * page's Web Worker measured, with the tfjs wasm backend and with Tensorweave's kernels.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { createServer } from 'vite';
import { mnistAssets } from '../vite/mnistAssets';
import type { BenchReply } from '../../bench/browser/worker';

const root = fileURLToPath(new URL('../../', import.meta.url));
/** Debian's Chromium; never a downloaded browser. The e2e tests launch it the same way. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
/** Headless flags for this closed network: no background connections, no GPU, no sandbox (root). */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export type ChromiumBench =
  | { ok: true; msPerStep: Record<string, Record<string, number>>; browser: string }
  | { ok: false; note: string };

/** Which page of `bench/browser/` to open; `isolated`: cross-origin isolated, as the app is. */
export interface BenchPage {
  path: string;
  isolated: boolean;
}

/** Run the browser bench; never throws (a missing browser or a failure is a note). */
export async function benchChromium(
  timeoutMs = 15 * 60_000,
  benchPage: BenchPage = { path: '', isolated: true },
  kernelsOnly = false,
): Promise<ChromiumBench> {
  if (!existsSync(CHROMIUM)) return { ok: false, note: `Chromium bench skipped: no ${CHROMIUM}` };
  const server = await createServer({
    root: path.join(root, 'bench/browser'),
    configFile: false,
    logLevel: 'warn',
    plugins: [mnistAssets()],
    server: {
      host: '127.0.0.1',
      port: 0,
      fs: { allow: [root] },
      // Cross-origin isolated like the app (vite.config.ts): the kernels' helper thread and the
      // tfjs wasm backend's threads share memory through SharedArrayBuffer.
      headers: benchPage.isolated
        ? { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' }
        : {},
    },
  });
  const profile = mkdtempSync(path.join(tmpdir(), 'tensorweave-bench-'));
  try {
    await server.listen();
    const url = server.resolvedUrls?.local[0];
    if (!url) return { ok: false, note: 'Chromium bench skipped: Vite reported no address' };
    const context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: CHROMIUM_ARGS,
    });
    try {
      const page = context.pages()[0] ?? (await context.newPage());
      await page.goto(url + benchPage.path + (kernelsOnly ? '?kernels-only' : ''));
      const handle = await page.waitForFunction(() => window.benchResult, undefined, {
        timeout: timeoutMs,
        polling: 500,
      });
      const reply = (await handle.jsonValue()) as BenchReply;
      if (!reply.ok) return { ok: false, note: `Chromium bench failed: ${reply.error}` };
      const version = /Chrome\/([\d.]+)/.exec(reply.userAgent)?.[1] ?? '?';
      return { ok: true, msPerStep: reply.msPerStep, browser: `Chromium ${version}` };
    } finally {
      await context.close();
    }
  } catch (e) {
    return { ok: false, note: `Chromium bench failed: ${(e as Error).message.split('\n')[0]}` };
  } finally {
    await server.close();
    rmSync(profile, { recursive: true, force: true });
  }
}
