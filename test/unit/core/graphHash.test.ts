import { describe, expect, it } from 'vitest';
import { graphHash, structureHash } from '../../../src/core/graphHash';
import { loadPreset } from './fixtures';

describe('graph hashes', () => {
  it('ignore positions, names and key order', () => {
    const a = loadPreset('hidden-layer');
    const b = loadPreset('hidden-layer');
    b.nodes[1]!.position = { x: 999, y: -5 };
    b.name = 'mine';
    b.nodes[1]!.params = Object.fromEntries(Object.entries(b.nodes[1]!.params).reverse());
    expect(structureHash(b)).toBe(structureHash(a));
    expect(graphHash(b)).toBe(graphHash(a));
  });

  it('change with a parameter, a wire or the training settings', () => {
    const a = loadPreset('hidden-layer');
    const units = loadPreset('hidden-layer');
    units.nodes[1]!.params.units = 624;
    const lr = loadPreset('hidden-layer');
    lr.training.learningRate = 0.01;
    expect(structureHash(units)).not.toBe(structureHash(a));
    expect(structureHash(lr)).toBe(structureHash(a));
    expect(graphHash(lr)).not.toBe(graphHash(a));
    expect(structureHash(loadPreset('beginner'))).not.toBe(structureHash(a));
    expect(structureHash(a)).toMatch(/^[0-9a-f]{8}$/);
  });
});
