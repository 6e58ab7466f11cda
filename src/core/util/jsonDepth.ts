/**
 * Nesting depth of JSON text, measured by a flat scan before `JSON.parse`: a 100,000-deep
 * array parses fine but overflows the stack of every recursive walk after it (validation,
 * `JSON.stringify`, structured clone), so such text is refused before it becomes an object.
 */

export type DepthCheck = { ok: true; depth: number } | { ok: false; depth: number; offset: number };

/**
 * The deepest nesting of `[`/`{` in `text` (strings skipped, escapes honoured), stopping at the
 * first place that goes deeper than `maxDepth`. Never recurses; linear in the text's length.
 */
export function checkJsonDepth(text: string, maxDepth: number): DepthCheck {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c)
        i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
      continue;
    }
    if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      depth++;
      if (depth > maxDepth) return { ok: false, depth, offset: i };
      if (depth > deepest) deepest = depth;
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return { ok: true, depth: deepest };
}

/** The 1-based line and column of `offset` in `text`, for messages that point at a place. */
export function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let start = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 0x0a) {
      line++;
      start = i + 1;
    }
  }
  return { line, column: offset - start + 1 };
}

/**
 * Whether an already-parsed value nests arrays and objects deeper than `maxDepth`, measured
 * like `checkJsonDepth` measures text (so a value passes here exactly when its JSON would).
 * Iterative, so a value built in memory (an autosave, a structured clone) cannot overflow it.
 */
export function valueDeeperThan(value: unknown, maxDepth: number): boolean {
  const stack: { value: unknown; depth: number }[] = [{ value, depth: 0 }];
  while (stack.length) {
    const item = stack.pop()!;
    if (typeof item.value !== 'object' || item.value === null) continue;
    const depth = item.depth + 1;
    if (depth > maxDepth) return true;
    const children: unknown[] = Array.isArray(item.value) ? item.value : Object.values(item.value);
    for (const child of children) {
      if (typeof child === 'object' && child !== null) stack.push({ value: child, depth });
    }
  }
  return false;
}
