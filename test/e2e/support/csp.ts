/**
 * Collects Content-Security-Policy violations from every page of a browser context and from
 * their workers: the page's `securitypolicyviolation` events, the browser's "Refused to …"
 * console messages, and scripts a worker could not load. `openSession` fails a test on any
 * (opt out with `allowCspViolations`), so the whole e2e suite proves the policy holds.
 */
import type { BrowserContext, ConsoleMessage, Page } from 'playwright-core';

const CSP_TEXT = /Content Security Policy|CSP violation|Failed to execute 'importScripts'/;

export interface CspWatch {
  readonly violations: string[];
}

export async function watchCsp(context: BrowserContext): Promise<CspWatch> {
  const violations: string[] = [];
  const onConsole = (where: string) => (m: ConsoleMessage) => {
    if (CSP_TEXT.test(m.text())) violations.push(`${where}: ${m.text()}`);
  };
  const watchPage = (page: Page) => {
    page.on('console', onConsole('page'));
    page.on('pageerror', (e) => {
      if (CSP_TEXT.test(String(e))) violations.push(`page error: ${String(e)}`);
    });
    page.on('worker', (worker) => worker.on('console', onConsole(`worker ${worker.url()}`)));
  };
  await context.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      console.error(
        `CSP violation: ${e.effectiveDirective} blocked ${e.blockedURI || 'inline'} at ${e.sourceFile}:${e.lineNumber}`,
      );
    });
  });
  context.pages().forEach(watchPage);
  context.on('page', watchPage);
  return { violations };
}
