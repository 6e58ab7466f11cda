/**
 * Page object for the editor: launches Debian's Chromium (never a downloaded browser) with a
 * fresh profile, and drives the app through roles and test ids. No sleeps: every step waits
 * on a selector or a condition.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { afterEach, beforeEach, inject } from 'vitest';
import { CHROMIUM, CHROMIUM_ARGS } from '../../../src/cli/benchChromium';
import { watchCsp } from './csp';

export { CHROMIUM };

export interface Session {
  context: BrowserContext;
  page: Page;
  app: EditorPage;
  /** CSP violations so far (closing the session fails on any, unless allowed). */
  cspViolations: string[];
  close(): Promise<void>;
}

export interface SessionOptions {
  /** Reuse this browser profile (kept on close) instead of a fresh one. */
  profileDir?: string;
  /** A test that provokes violations on purpose; by default any fails the test on close. */
  allowCspViolations?: boolean;
  /** Where to open the app (a share link, say); the app's address by default. */
  url?: string;
  /** Runs on the new context before the app loads (init scripts, say). */
  prepare?: (context: BrowserContext) => Promise<void>;
}

/** A new browser profile (so a fresh IndexedDB) with the app loaded and ready. */
export async function openSession(
  baseUrl: string,
  viewport = { width: 1400, height: 900 },
  options: SessionOptions = {},
): Promise<Session> {
  const dir = options.profileDir ?? (await mkdtemp(join(tmpdir(), 'tw-e2e-')));
  const context = await chromium.launchPersistentContext(dir, {
    executablePath: CHROMIUM,
    headless: true,
    viewport,
    acceptDownloads: true,
    args: CHROMIUM_ARGS,
  });
  const csp = await watchCsp(context);
  await options.prepare?.(context);
  const page = context.pages()[0] ?? (await context.newPage());
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  const app = new EditorPage(page, baseUrl, errors);
  if (options.url) {
    await page.goto(options.url);
    await app.waitReady();
  } else await app.goto();
  return {
    context,
    page,
    app,
    cspViolations: csp.violations,
    async close() {
      await context.close();
      if (!options.profileDir) await rm(dir, { recursive: true, force: true });
      if (csp.violations.length && !options.allowCspViolations)
        throw new Error(`Content-Security-Policy violations:\n${csp.violations.join('\n')}`);
    },
  };
}

/**
 * A fresh session before every test of the calling describe, closed after it (with any opened
 * through `another()`): no test sees the graph, runs, model or IndexedDB another test left, so
 * each one passes alone and in any order. `use` receives the session for the test.
 */
export function freshSessionPerTest(
  use: (session: Session) => void,
  viewport?: { width: number; height: number },
): { another(): Promise<Session> } {
  const open: Session[] = [];
  const start = async (): Promise<Session> => {
    const session = await openSession(inject('baseUrl'), viewport);
    open.push(session);
    return session;
  };
  beforeEach(async () => {
    use(await start());
  });
  afterEach(async () => {
    await Promise.all(open.splice(0).map((session) => session.close()));
  });
  return { another: start };
}

export class EditorPage {
  constructor(
    readonly page: Page,
    readonly baseUrl: string,
    /** Uncaught page errors, asserted empty by tests. */
    readonly errors: string[],
  ) {}

  async goto(): Promise<void> {
    await this.page.goto(this.baseUrl);
    await this.waitReady();
  }

  async reload(): Promise<void> {
    await this.page.reload();
    await this.waitReady();
  }

  async waitReady(): Promise<void> {
    await this.page.waitForSelector('html[data-ready="true"]');
  }

  testId(id: string): Locator {
    return this.page.getByTestId(id);
  }

  get canvas(): Locator {
    return this.testId('canvas');
  }

  /** Nodes on the canvas (the palette never renders nodes, but scope anyway). */
  get nodes(): Locator {
    return this.canvas.locator('[data-testid="node"]');
  }

  node(id: string): Locator {
    return this.canvas.locator(`[data-testid="node"][data-node-id="${id}"]`);
  }

  async nodeIds(): Promise<string[]> {
    return this.nodes.evaluateAll((els) => els.map((e) => e.getAttribute('data-node-id') ?? ''));
  }

  /** The current document as Save would write it. */
  async document(): Promise<string> {
    return this.page.evaluate(() =>
      (window as unknown as { tensorweave: { document(): string } }).tensorweave.document(),
    );
  }

  async documentJson(): Promise<DocShape> {
    return JSON.parse(await this.document()) as DocShape;
  }

  /** Wait until the document satisfies `predicate`. */
  async waitForDocument(predicate: (doc: DocShape) => boolean, timeout = 10_000): Promise<DocShape> {
    const start = Date.now();
    for (;;) {
      const doc = await this.documentJson();
      if (predicate(doc)) return doc;
      if (Date.now() - start > timeout) throw new Error(`Document never matched: ${JSON.stringify(doc)}`);
      await this.page.waitForFunction(() => new Promise((r) => requestAnimationFrame(() => r(true))));
    }
  }

  async newGraph(): Promise<void> {
    await this.testId('btn-new').click();
    await this.testId('canvas-empty').waitFor();
  }

  async loadPreset(id: string): Promise<void> {
    await this.testId('btn-presets').click();
    await this.testId(`preset-${id}`).click();
  }

  /** Drag a palette item onto the canvas at (x, y) relative to the canvas' top-left corner. */
  async dragFromPalette(type: string, x: number, y: number): Promise<string> {
    const before = new Set(await this.nodeIds());
    await this.testId(`palette-item-${type}`).dragTo(this.canvas, { targetPosition: { x, y } });
    await this.page.waitForFunction(
      (n) => document.querySelectorAll('[data-testid="canvas"] [data-testid="node"]').length > n,
      before.size,
    );
    const added = (await this.nodeIds()).filter((id) => !before.has(id));
    if (added.length !== 1) throw new Error(`Expected one new node, got ${added.join(', ')}`);
    return added[0]!;
  }

  socket(nodeId: string, side: 'input' | 'output', port = side === 'input' ? 'in' : 'out'): Locator {
    return this.node(nodeId).locator(`[data-testid="${side}-socket"][data-port="${port}"]`);
  }

  /** Drag a wire from one socket to another with real mouse events, in steps. */
  async wire(from: Locator, to: Locator): Promise<void> {
    const a = await center(from);
    const b = await center(to);
    const mouse = this.page.mouse;
    await mouse.move(a.x, a.y);
    await mouse.down();
    await mouse.move((a.x + b.x) / 2, (a.y + b.y) / 2, { steps: 8 });
    await mouse.move(b.x, b.y, { steps: 8 });
    await mouse.up();
  }

  async connect(fromNode: string, toNode: string, fromPort = 'out', toPort = 'in'): Promise<void> {
    await this.wire(this.socket(fromNode, 'output', fromPort), this.socket(toNode, 'input', toPort));
  }

  /** Click a node's title to select it. */
  async select(nodeId: string): Promise<void> {
    await this.node(nodeId).locator('[data-testid="title"]').click();
    await this.page.waitForFunction(
      (id) =>
        document.querySelector(`[data-testid="node"][data-node-id="${id}"]`)?.classList.contains('selected'),
      nodeId,
    );
  }

  async setNumber(field: string, value: string): Promise<void> {
    const input = this.testId(`param-${field}`);
    await input.fill(value);
    await input.press('Enter');
  }

  /** Save through the toolbar and return the downloaded text. */
  async save(): Promise<string> {
    const [download] = await Promise.all([
      this.page.waitForEvent('download'),
      this.testId('btn-save').click(),
    ]);
    const path = await download.path();
    const { readFile } = await import('node:fs/promises');
    return readFile(path, 'utf8');
  }

  /** Open a file through the toolbar's file input. */
  async open(name: string, text: string | Buffer): Promise<void> {
    await this.testId('file-input').setInputFiles({
      name,
      mimeType: 'application/json',
      buffer: typeof text === 'string' ? Buffer.from(text) : text,
    });
  }

  /** Wait until autosave has written the latest change. */
  async waitAutosaved(): Promise<void> {
    await this.page.waitForSelector('[data-testid="autosave-status"][data-state="saved"]');
  }

  /** The newest toast (of a kind). */
  toast(kind?: string): Locator {
    return (
      kind ? this.page.locator(`[data-testid="toast"][data-kind="${kind}"]`) : this.page.getByTestId('toast')
    ).last();
  }

  /** Dismiss every toast, so a test only sees its own. */
  async clearToasts(): Promise<void> {
    const close = this.page.getByRole('button', { name: 'Dismiss' });
    while ((await close.count()) > 0)
      await close
        .first()
        .click({ timeout: 2000 })
        .catch(() => undefined);
  }

  async press(keys: string): Promise<void> {
    await this.page.keyboard.press(keys);
  }
}

export interface DocShape {
  format: string;
  version: number;
  name: string;
  nodes: { id: string; type: string; params: Record<string, unknown>; position: { x: number; y: number } }[];
  edges: { id: string; from: { node: string; port: string }; to: { node: string; port: string } }[];
  training: unknown;
}

export async function center(locator: Locator): Promise<{ x: number; y: number }> {
  await locator.waitFor();
  const box = await locator.boundingBox();
  if (!box) throw new Error('Element has no bounding box');
  return { x: box.x + box.width / 2, y: box.y + box.height / 2 };
}

/** The structure of a document independent of ids and positions: types, params, wiring. */
export function structure(doc: DocShape): { nodes: string[]; edges: string[] } {
  const byId = new Map(doc.nodes.map((n) => [n.id, n]));
  const describe = (id: string): string => {
    const n = byId.get(id)!;
    return `${n.type}${JSON.stringify(n.params)}`;
  };
  return {
    nodes: doc.nodes.map((n) => describe(n.id)).sort(),
    edges: doc.edges
      .map((e) => `${describe(e.from.node)}.${e.from.port} -> ${describe(e.to.node)}.${e.to.port}`)
      .sort(),
  };
}

/** A box on screen, in CSS pixels. */
export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** A shown element's box on screen. */
export async function box(locator: Locator): Promise<Box> {
  const b = await locator.boundingBox();
  if (!b) throw new Error('Element has no bounding box');
  return b;
}
