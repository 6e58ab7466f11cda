/** Where a CLI command writes, and running its `main` when its file is the entry point. */
import { pathToFileURL } from 'node:url';

/** Where a command writes; injected so tests can run `main` in-process. */
export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** Whether stdout is a terminal (progress bar) or not (plain periodic lines). */
  isTTY: boolean;
}

/**
 * If the module at `moduleUrl` is the script Node was started with, run `main` on the
 * process's arguments and set the exit code; an exception is a bug (exit 1, with its stack).
 */
export function runIfEntryPoint(
  moduleUrl: string,
  main: (argv: string[], io: CliIo) => Promise<number>,
): void {
  if (process.argv[1] === undefined || moduleUrl !== pathToFileURL(process.argv[1]).href) return;
  const io: CliIo = {
    stdout: (s) => process.stdout.write(s),
    stderr: (s) => process.stderr.write(s),
    isTTY: Boolean(process.stdout.isTTY),
  };
  main(process.argv.slice(2), io).then(
    (code) => {
      process.exitCode = code;
    },
    (e: unknown) => {
      process.stderr.write(`internal error (a bug, please report it): ${(e as Error).stack ?? String(e)}\n`);
      process.exitCode = 1;
    },
  );
}
