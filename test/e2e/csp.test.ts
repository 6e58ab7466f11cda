/**
 * Issue 11's headers, against the production build that the preview server serves: a strict
 * Content-Security-Policy the app runs under with no violation (loading, opening a file,
 * training on Tensorweave's kernels and on the threaded tfjs wasm backend, whose pthread
 * workers come from blob: URLs), the hardening headers on every response, cross-origin
 * isolation kept, and a 404 for paths that do not exist.
 */
import { afterEach, describe, expect, inject, it } from 'vitest';
import { openSession, type Session } from './support/app';
import { TrainingPage } from './support/training';

const baseUrl = inject('baseUrl');

async function headersOf(path: string): Promise<{ status: number; headers: Headers; body: string }> {
  const response = await fetch(new URL(path, baseUrl));
  return { status: response.status, headers: response.headers, body: await response.text() };
}

describe('security headers', () => {
  it('sends the policy and the hardening headers with the page, its scripts and its workers', async () => {
    const page = await headersOf('/');
    expect(page.status).toBe(200);
    const scripts = [...page.body.matchAll(/src="([^"]+\.js)"/g)].map((m) => m[1]!);
    expect(scripts.length).toBeGreaterThan(0);
    const entry = await headersOf(scripts[0]!);
    const worker = /assets\/trainingWorker-[\w-]+\.js/.exec(entry.body)?.[0];
    expect(worker, 'the entry names the training worker').toBeDefined();
    for (const { headers } of [
      page,
      entry,
      await headersOf(worker!),
      await headersOf('/mnist/t10k-labels-idx1-ubyte'),
    ]) {
      const csp = headers.get('content-security-policy') ?? '';
      expect(csp).toContain("script-src 'self' 'wasm-unsafe-eval' blob:");
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).toContain("object-src 'none'");
      expect(csp).not.toContain("'unsafe-eval'");
      expect(headers.get('x-content-type-options')).toBe('nosniff');
      expect(headers.get('referrer-policy')).toBe('no-referrer');
      expect(headers.get('x-frame-options')).toBe('DENY');
      expect(headers.get('cross-origin-opener-policy')).toBe('same-origin');
      expect(headers.get('cross-origin-embedder-policy')).toBe('require-corp');
    }
  });

  it('answers 404 for a path that does not exist, not the app', async () => {
    for (const path of ['/no-such-page', '/deep/link/', '/assets/missing.js', '/graph.json']) {
      const r = await headersOf(path);
      expect(r.status, path).toBe(404);
      expect(r.body, path).not.toContain('<div id="app">');
    }
    expect((await headersOf('/index.html')).status).toBe(200);
  });
});

describe('the app under its Content-Security-Policy', () => {
  let s: Session | undefined;
  afterEach(async () => {
    // Closing fails on any violation collected meanwhile (test/e2e/support/csp.ts).
    await s?.close();
    s = undefined;
  });

  it('loads, opens a file and trains on the kernels and on threaded tfjs wasm with zero violations', async () => {
    s = await openSession(baseUrl, { width: 1366, height: 768 });
    expect(await s.page.evaluate(() => crossOriginIsolated)).toBe(true);
    await s.app.open('bad.json', '{"format": 1');
    await expect(s.app.toast('error').textContent()).resolves.toContain('bad.json');
    const t = new TrainingPage(s.page);
    await t.openPanel();
    await t.set('hp-length', '40');
    for (const backend of ['kernels', 'wasm']) {
      await t.chooseBackend(backend);
      await s.page.getByTestId('train-start').click();
      await t.waitStatus('finished');
    }
    await expect(s.page.getByTestId('train-backend-used').textContent()).resolves.toMatch(/wasm/);
    expect(s.app.errors).toEqual([]);
    expect(s.cspViolations).toEqual([]);
  });

  it('reports a violation when something breaks the policy (the collector can fail)', async () => {
    s = await openSession(baseUrl, undefined, { allowCspViolations: true });
    await s.page.evaluate(() => {
      const script = document.createElement('script');
      script.textContent = 'window.injected = true';
      document.body.append(script);
    });
    await expect.poll(() => s!.cspViolations.length).toBeGreaterThan(0);
    expect(
      await s.page.evaluate(() => (window as unknown as { injected?: boolean }).injected),
    ).toBeUndefined();
  });
});
