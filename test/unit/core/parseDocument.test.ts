import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { LIMITS } from '../../../src/core/limits';
import { parseDocument, serializeDocument } from '../../../src/core/parseDocument';
import { analyzeGraph } from '../../../src/core/analyze';
import { loadPreset } from './fixtures';

const presetFiles = readdirSync(new URL('../../../graphs/', import.meta.url)).filter((f) =>
  f.endsWith('.json'),
);

describe('parseDocument', () => {
  it.each(presetFiles)('preset %s parses and validates without errors or warnings', (file) => {
    const text = readFileSync(new URL(`../../../graphs/${file}`, import.meta.url), 'utf8');
    const result = parseDocument(text);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const analysis = analyzeGraph(result.value);
    expect(analysis.diagnostics).toEqual([]);
    expect(analysis.valid).toBe(true);
  });

  it('round-trips a preset through serializeDocument exactly', () => {
    const doc = loadPreset('hidden-layer');
    const again = parseDocument(serializeDocument(doc));
    expect(again).toEqual({ ok: true, value: doc });
  });

  it.each([
    ['{ not json', /not valid JSON/],
    ['[1, 2]', /expected a JSON object/],
    [
      '{"format": "something-else", "version": 1}',
      /"format" is "something-else", expected "tensorweave-graph"/,
    ],
    ['{"version": 1}', /"format" is missing/],
    [
      '{"format": "tensorweave-graph", "version": 99}',
      /newer Tensorweave \(format version 99\).*Update Tensorweave/,
    ],
    ['{"format": "tensorweave-graph", "version": "1"}', /"version" must be a positive whole number/],
    ['{"format": "tensorweave-graph", "version": 0}', /"version" must be a positive whole number/],
  ])('refuses %s', (text, message) => {
    const result = parseDocument(text);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error).toMatch(message);
  });

  it('names the node and field of a structural error', () => {
    const doc = JSON.parse(JSON.stringify(loadPreset('beginner')));
    doc.nodes[1].position.x = 'left';
    const result = parseDocument(doc);
    expect(result.ok).toBe(false);
    if (!result.ok)
      expect(result.error).toBe(
        'Invalid graph document: nodes[1].position.x (node "dense"): Invalid input: expected number, received string.',
      );
  });

  it('refuses ids that could be used to inject markup or paths', () => {
    const doc = JSON.parse(JSON.stringify(loadPreset('beginner')));
    doc.nodes[0].id = '<img src=x onerror=alert(1)>';
    const result = parseDocument(doc);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error).toMatch(/nodes\[0\]\.id.*may contain only letters/);
  });

  it('refuses a document larger than the size cap before parsing it', () => {
    const result = parseDocument(' '.repeat(LIMITS.documentBytes + 1));
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error).toMatch(/at most 5 MB/);
  });

  it('fills defaults for optional fields', () => {
    const doc = JSON.parse(JSON.stringify(loadPreset('beginner')));
    delete doc.description;
    delete doc.training.seed;
    delete doc.nodes[0].params;
    const result = parseDocument(doc);
    expect(result.ok).toBe(true);
    if (result.ok) {
      expect(result.value.description).toBe('');
      expect(result.value.training.seed).toBe(1);
      expect(result.value.nodes[0]!.params).toEqual({});
    }
  });
});
