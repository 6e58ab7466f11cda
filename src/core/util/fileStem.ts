/**
 * A name made safe to use as a file name on any system, and as the stem of a Python or
 * JavaScript identifier: `hidden-layer` → `hidden_layer`. Runs of anything but ASCII letters,
 * digits and `_` become `separator`, which is then trimmed from both ends; `fallback` when
 * nothing is left (a name of only symbols or only non-Latin letters).
 */
export function fileStem(
  name: string,
  { separator = '_', fallback = 'model' }: { separator?: '_' | '-'; fallback?: string } = {},
): string {
  const stem = name
    .replace(/[^A-Za-z0-9_]+/g, separator)
    .replace(new RegExp(`^${separator}+|${separator}+$`, 'g'), '');
  return stem || fallback;
}
