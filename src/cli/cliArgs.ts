/** What every command of the CLI shares in reading its arguments. */
import { parseArgs, type ParseArgsConfig } from 'node:util';

/** Bad input (file, graph or flags): exit code 2 with the message and the usage. */
export class InputError extends Error {}

type Options = NonNullable<ParseArgsConfig['options']>;

/**
 * `parseArgs` with positionals allowed and unknown flags refused; a refusal becomes an
 * `InputError` with Node's first line (e.g. "Unknown option '--step'").
 */
export function parseCommandLine<O extends Options>(argv: string[], options: O) {
  try {
    return parseArgs({ args: argv, options, strict: true, allowPositionals: true });
  } catch (e) {
    throw new InputError(`${(e as Error).message.split('\n')[0]}`);
  }
}
