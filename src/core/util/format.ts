/** Number and time formatting shared by the CLI and the app, so both print the same text. */

/** `0:44`, `8:23`, `1:02:03`, as the tutorial's table shows times (negative counts as 0). */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, '0');
  return h ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}

/** `92.35%` for 0.9235 with 2 digits; `fallback` (default `—`) for NaN or infinities. */
export function formatPercent(x: number | undefined, digits = 2, fallback = '—'): string {
  return x !== undefined && Number.isFinite(x) ? `${(x * 100).toFixed(digits)}%` : fallback;
}

/** `496,885`. */
export const formatInt = (n: number): string => n.toLocaleString('en-US');
