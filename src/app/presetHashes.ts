/** Structure hashes of the shipped presets, to recognise a run of a preset whatever its layout. */
import { structureHash } from '../core/graphHash';
import { PRESETS } from './presets';

let cache: Map<string, string> | undefined;

/** structure hash → preset name */
export function presetStructureHashes(): Map<string, string> {
  cache ??= new Map(PRESETS.map((p) => [structureHash(p.doc), p.name]));
  return cache;
}
