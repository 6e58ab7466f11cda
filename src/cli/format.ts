/** Small text formatting helpers shared by the CLI commands. */

export { formatDuration, formatInt, formatPercent } from '../core/util/format';

/** A plain text table with right-aligned columns where `right[i]` is true. */
export function table(header: string[], rows: string[][], right: boolean[] = []): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (right[i] ? c.padStart(widths[i]!) : c.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

/**
 * Text from a file made safe for a terminal: control characters (ANSI escapes, OSC title
 * sequences, NUL, C1 controls) and bidirectional overrides are shown as `\u001b`-style escapes
 * instead of being interpreted. Every name the CLI prints from a user's file goes through this.
 */
export function printable(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g, (c) =>
    c === '\n' || c === '\t' ? c : `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

/**
 * A file name or share link short enough to start every message line: a 6 MB link is named
 * by its first and last characters.
 */
export function shortened(name: string, max = 120): string {
  if (name.length <= max) return name;
  const half = Math.floor((max - 1) / 2);
  return `${name.slice(0, half)}…${name.slice(-half)}`;
}
