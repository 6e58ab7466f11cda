/**
 * The memory budget applies on the command line as in the app: `train` refuses a graph whose
 * batch would need more than `LIMITS.trainingBytes`, before loading data or compiling, with
 * the estimate; a smaller `--batch-size` fits.
 */
import { describe, expect, it } from 'vitest';
import { runTrain as run } from '../cli/runCli';

const file = 'test/fixtures/invalid/too-much-memory.json';

describe('train CLI and the memory budget', () => {
  it('refuses a graph over the budget, showing the estimate, with exit code 2', async () => {
    const r = await run(file, '--dry-run');
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      `${file}: error (node "wide"): This graph needs about 1.6 GB for one batch of 1,024; the limit is 1 GB. Lower the batch size or the filters of "wide" (its output is ?×28×28×256). [too-much-memory]\n` +
        `${file}: the graph has 1 error; nothing was trained.\n`,
    );
  });

  it('accepts the same graph with a smaller --batch-size', async () => {
    const r = await run(file, '--dry-run', '--batch-size', '64');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/dry run: nothing trained\./);
  });
});
