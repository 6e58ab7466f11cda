/**
 * `JSON.parse` for text from outside: the length and the nesting depth are checked first (by
 * a flat scan), so neither a huge file nor a 100,000-deep array reaches the parser or any
 * recursive walk after it. Never throws.
 */
import { LIMITS, formatMegabytes } from '../limits';
import { err, ok, type Result } from '../result';
import { checkJsonDepth, lineAndColumn } from './jsonDepth';

export interface JsonBounds {
  /** Most characters accepted. */
  maxChars: number;
  /** What the text is, for messages: `The file`, `model.json`. */
  what: string;
}

/** The parsed value of `text`, or one sentence saying why it is refused. */
export function parseBoundedJson(text: string, { maxChars, what }: JsonBounds): Result<unknown> {
  if (text.length > maxChars) {
    return err(
      `${what} is ${formatMegabytes(text.length)}; at most ${formatMegabytes(maxChars)} is accepted.`,
    );
  }
  const depth = checkJsonDepth(text, LIMITS.jsonDepth);
  if (!depth.ok) {
    const at = lineAndColumn(text, depth.offset);
    return err(
      `${what} nests arrays or objects more than ${LIMITS.jsonDepth} deep (line ${at.line}, column ${at.column}); refusing it.`,
    );
  }
  try {
    return ok(JSON.parse(text) as unknown);
  } catch (e) {
    return err(`${what} is not valid JSON: ${(e as Error).message}.`);
  }
}
