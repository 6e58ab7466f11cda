/**
 * Helpers for feeding hostile input to the app and checking what it cost: main-thread stalls
 * (a long-task observer installed before the app starts), the autosaved text straight from
 * IndexedDB, and dropping files on the canvas as a real drop does.
 */
import type { BrowserContext, Page } from 'playwright-core';

/** Record every long task (over 50 ms) of every page of the context from its first script on. */
export async function observeLongTasks(context: BrowserContext): Promise<void> {
  await context.addInitScript(() => {
    const tasks: { start: number; duration: number }[] = [];
    (window as unknown as { __longTasks: typeof tasks }).__longTasks = tasks;
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) tasks.push({ start: e.startTime, duration: e.duration });
    }).observe({ type: 'longtask', buffered: true });
  });
}

/** Resolves when the page's main thread is idle (what the last load or action started is done). */
export function settled(page: Page): Promise<void> {
  return page.evaluate(
    () => new Promise<void>((resolve) => requestIdleCallback(() => resolve(), { timeout: 5000 })),
  );
}

/** The page's clock, to mark where a measurement starts. */
export function pageNow(page: Page): Promise<number> {
  return page.evaluate(() => performance.now());
}

/** The longest main-thread task that started at or after `since` (0 when none passed 50 ms). */
export function longestTaskSince(page: Page, since: number): Promise<number> {
  return page.evaluate((t0) => {
    const tasks = (window as unknown as { __longTasks?: { start: number; duration: number }[] }).__longTasks;
    return Math.max(0, ...(tasks ?? []).filter((t) => t.start >= t0).map((t) => t.duration));
  }, since);
}

/**
 * The longest main-thread task overlapping any import the app made (the `tensorweave:import`
 * measures of src/app/importClient.ts), with how many imports there were.
 */
export function longestTaskDuringImports(page: Page): Promise<{ imports: number; longestMs: number }> {
  return page.evaluate(() => {
    const tasks =
      (window as unknown as { __longTasks?: { start: number; duration: number }[] }).__longTasks ?? [];
    const imports = performance.getEntriesByName('tensorweave:import', 'measure');
    const overlapping = tasks.filter((t) =>
      imports.some((m) => t.start < m.startTime + m.duration && t.start + t.duration > m.startTime),
    );
    return { imports: imports.length, longestMs: Math.max(0, ...overlapping.map((t) => t.duration)) };
  });
}

/** The autosaved text as IndexedDB holds it (src/app/autosave.ts), or null when there is none. */
export function autosavedText(page: Page): Promise<string | null> {
  return page.evaluate(
    () =>
      new Promise<string | null>((resolve, reject) => {
        const open = indexedDB.open('tensorweave');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const db = open.result;
          if (!db.objectStoreNames.contains('autosave')) return resolve(null);
          const get = db.transaction('autosave').objectStore('autosave').get('current');
          get.onsuccess = () => {
            db.close();
            resolve((get.result as string | undefined) ?? null);
          };
          get.onerror = () => reject(get.error);
        };
      }),
  );
}

/**
 * Drop files from disk on the canvas: they are picked into a spare file input of the test's
 * own (the browser reads them from disk, nothing is copied through the test), then dropped as
 * a DataTransfer, which is what the canvas' drop handler receives from a real drag.
 */
export async function dropFiles(page: Page, paths: string[]): Promise<void> {
  await page.evaluate(() => {
    if (document.getElementById('tw-e2e-drop')) return;
    const input = Object.assign(document.createElement('input'), {
      type: 'file',
      multiple: true,
      id: 'tw-e2e-drop',
    });
    input.hidden = true;
    document.body.append(input);
  });
  await page.locator('#tw-e2e-drop').setInputFiles(paths);
  await page.evaluate(() => {
    const input = document.getElementById('tw-e2e-drop') as HTMLInputElement;
    const data = new DataTransfer();
    for (const file of input.files ?? []) data.items.add(file);
    const canvas = document.querySelector('[data-testid="canvas"]')!;
    canvas.dispatchEvent(new DragEvent('drop', { dataTransfer: data, bubbles: true, cancelable: true }));
  });
}
