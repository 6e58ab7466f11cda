/**
 * The preset graphs shipped in `graphs/*.json`, bundled at build time. Each is parsed with the
 * same reader as a user's file, so a broken preset shows up as an error, not a crash.
 */
import type { GraphDocument } from '../core/document';
import { parseDocument } from '../core/parseDocument';

export interface Preset {
  /** File name without extension: `beginner`. */
  id: string;
  name: string;
  description: string;
  doc: GraphDocument;
}

const files = import.meta.glob<unknown>('../../graphs/*.json', { eager: true, import: 'default' });

export const PRESETS: readonly Preset[] = Object.entries(files)
  .map(([path, raw]) => {
    const id = path.replace(/^.*\//, '').replace(/\.json$/, '');
    const parsed = parseDocument(raw);
    if (!parsed.ok) {
      console.error(`Preset ${id} is invalid: ${parsed.error}`);
      return undefined;
    }
    return { id, name: parsed.value.name, description: parsed.value.description, doc: parsed.value };
  })
  .filter((p): p is Preset => p !== undefined)
  .sort((a, b) => (a.id === 'beginner' ? -1 : b.id === 'beginner' ? 1 : a.id.localeCompare(b.id)));

/** The graph the app opens with when nothing was autosaved. */
export function defaultPreset(): Preset | undefined {
  return PRESETS.find((p) => p.id === 'beginner') ?? PRESETS[0];
}
