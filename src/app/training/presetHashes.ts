/** Structure hashes of the shipped presets, to recognise a run of a preset whatever its layout. */
import { structureHash } from '../../core/graphHash';
import { parseDocument } from '../../core/parseDocument';

const files = import.meta.glob('../../../graphs/*.json', { eager: true, import: 'default' });
let cache: Map<string, string> | undefined;

/** structure hash → preset name */
export function presetStructureHashes(): Map<string, string> {
  if (!cache) {
    cache = new Map();
    for (const value of Object.values(files)) {
      const parsed = parseDocument(value);
      if (parsed.ok) cache.set(structureHash(parsed.value), parsed.value.name);
    }
  }
  return cache;
}
