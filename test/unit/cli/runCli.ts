/** Running the train command in-process, with its output captured. */
import { main, type CliIo } from '../../../src/cli/train';

/** The exit code and everything written to stdout and stderr by `train ...argv`. */
export async function runTrain(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const io: CliIo = { stdout: (s) => (stdout += s), stderr: (s) => (stderr += s), isTTY: false };
  const code = await main(argv, io);
  return { code, stdout, stderr };
}
