/** Running a CLI command's `main` in-process with captured output, and a scratch folder. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll } from 'vitest';
import type { CliIo } from '../../../src/cli/entryPoint';
import { main as trainMain } from '../../../src/cli/train';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** `run(...argv)` for a command's `main`: its exit code and everything it printed. */
export function cliRunner(main: (argv: string[], io: CliIo) => Promise<number>) {
  return async (...argv: string[]): Promise<CliRun> => {
    let stdout = '';
    let stderr = '';
    const io: CliIo = { stdout: (s) => (stdout += s), stderr: (s) => (stderr += s), isTTY: false };
    const code = await main(argv, io);
    return { code, stdout, stderr };
  };
}

/** A fresh folder under the system's temp folder, removed after the file's tests. */
export function scratchFolder(prefix: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** The train command, in-process. */
export const runTrain = cliRunner(trainMain);
