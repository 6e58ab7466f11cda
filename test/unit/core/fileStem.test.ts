import { expect, it } from 'vitest';
import { fileStem } from '../../../src/core/util/fileStem';

it('turns a graph name into a file name stem, with either separator and a fallback', () => {
  expect(fileStem('hidden-layer')).toBe('hidden_layer');
  expect(fileStem('  My net (v2)!  ')).toBe('My_net_v2');
  expect(fileStem('__keep_inner__underscores__')).toBe('keep_inner__underscores');
  expect(fileStem('../../etc/passwd')).toBe('etc_passwd');
  expect(fileStem('Réseau')).toBe('R_seau');
  expect(fileStem('日本語')).toBe('model');
  expect(fileStem('hidden layer', { separator: '-' })).toBe('hidden-layer');
  expect(fileStem('--a b--', { separator: '-', fallback: 'graph' })).toBe('a-b');
  expect(fileStem('***', { separator: '-', fallback: 'graph' })).toBe('graph');
});
