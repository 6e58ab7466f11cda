/** Page helpers for the training panel and the results dock. */
import type { Page } from 'playwright-core';

export class TrainingPage {
  constructor(readonly page: Page) {}

  async openPanel(): Promise<void> {
    await this.page.getByTestId('tab-train').click();
    await this.page.getByTestId('train-panel').waitFor();
  }

  /** Type into a hyper-parameter field and commit it (change event). */
  async set(field: string, value: string): Promise<void> {
    const input = this.page.getByTestId(field);
    await input.fill(value);
    await input.press('Tab');
  }

  async chooseBackend(value: string): Promise<void> {
    await this.page.getByTestId('train-backend').selectOption(value);
  }

  /** The run's status, or null when the training panel is not shown. */
  async status(): Promise<string | null> {
    const progress = this.page.getByTestId('train-progress');
    return (await progress.count()) ? progress.getAttribute('data-status') : null;
  }

  async waitStatus(status: string, timeout = 120_000): Promise<void> {
    await this.page.waitForSelector(`[data-testid="train-progress"][data-status="${status}"]`, { timeout });
  }

  /** The step counter as numbers: [step, total]. */
  async step(): Promise<[number, number]> {
    const text = (await this.page.getByTestId('train-step').textContent()) ?? '';
    const [a, b] = text.split('/').map((s) => Number(s.replace(/[^0-9]/g, '')));
    return [a!, b!];
  }

  async waitStepAtLeast(n: number, timeout = 60_000): Promise<void> {
    await this.page.waitForFunction(
      (min) => {
        const text = document.querySelector('[data-testid="train-step"]')?.textContent ?? '';
        return Number(text.split('/')[0]!.replace(/[^0-9]/g, '')) >= min;
      },
      n,
      { timeout },
    );
  }

  async testAccuracy(): Promise<number> {
    await this.page.getByTestId('test-accuracy').waitFor({ timeout: 120_000 });
    return (
      Number(((await this.page.getByTestId('test-accuracy').textContent()) ?? '').replace('%', '')) / 100
    );
  }

  async dockTab(tab: 'evaluation' | 'draw' | 'weights' | 'runs'): Promise<void> {
    await this.page.getByTestId(`dock-tab-${tab}`).click();
  }

  /**
   * Wait until IndexedDB keeps at least `count` complete models (manifest entries). The database
   * is looked for first: opening one that does not exist would create it without its stores.
   */
  async waitKeptModels(count = 1): Promise<void> {
    await this.page.waitForFunction(
      async (min) => {
        if (!(await indexedDB.databases()).some((d) => d.name === 'tensorweave-models')) return false;
        return new Promise<boolean>((resolve) => {
          const req = indexedDB.open('tensorweave-models');
          req.onsuccess = () => {
            const tx = req.result.transaction('manifest', 'readonly');
            const entries = tx.objectStore('manifest').count();
            entries.onsuccess = () => (req.result.close(), resolve(entries.result >= min));
          };
          req.onerror = () => resolve(false);
        });
      },
      count,
      { timeout: 60_000 },
    );
  }

  /** Draw a "1" (one stroke down the middle of the pad) and read the network's answer. */
  async drawOne(): Promise<string> {
    await this.dockTab('draw');
    const { x, y, width, height } = (await this.page.getByTestId('digit-pad-canvas').boundingBox())!;
    const { mouse } = this.page;
    await mouse.move(x + width / 2, y + height * 0.15);
    await mouse.down();
    await mouse.move(x + width / 2, y + height * 0.87, { steps: 12 });
    await mouse.up();
    const pad = this.page.getByTestId('digit-pad');
    await this.page.waitForFunction(
      () => /Prediction: \d/.test(document.querySelector('[data-testid="digit-pad"]')?.textContent ?? ''),
      undefined,
      { timeout: 30_000 },
    );
    return (await pad.textContent())!;
  }

  async workerTensors(): Promise<number> {
    return this.page.evaluate(async () => {
      const api = (window as unknown as { tensorweave: { workerMemory(): Promise<{ numTensors: number }> } })
        .tensorweave;
      return (await api.workerMemory()).numTensors;
    });
  }
}
