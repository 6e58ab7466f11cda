/**
 * Any value from a parsed file as short text for a message or a name. `String(value)` throws
 * on an object whose `toString` is not a function (`{"toString": false}` in a hostile
 * model.json), so objects are shown as JSON instead, cut to `max` characters.
 */
export function safeText(value: unknown, max = 80): string {
  if (value === null || typeof value !== 'object') return String(value);
  let text: string;
  try {
    text = JSON.stringify(value) ?? '';
  } catch {
    text = Array.isArray(value) ? '[array]' : '[object]';
  }
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
