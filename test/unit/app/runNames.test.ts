import { describe, expect, it } from 'vitest';
import { runName } from '../../../src/app/stores/runNames';

// Newest first, as the runs store holds them.
const runs = [
  { id: 'c', graphName: 'cnn' },
  { id: 'b', graphName: 'hidden-layer' },
  { id: 'a', graphName: 'beginner' },
];
const opened = [{ id: 'o', graphName: 'mnist-cnn', openedFrom: 'mnist-cnn.zip' }];

describe('runName', () => {
  it('numbers training runs from the oldest, after their graph', () => {
    expect(runName('a', runs)).toBe('beginner · run 1');
    expect(runName('b', runs)).toBe('hidden-layer · run 2');
    expect(runName('c', runs, opened)).toBe('cnn · run 3');
  });

  it('names an opened model by the file it came from, and does not count it as a run', () => {
    expect(runName('o', runs, opened)).toBe('mnist-cnn · from mnist-cnn.zip');
    expect(runName('o', [], opened)).toBe('mnist-cnn · from mnist-cnn.zip');
    // Opening a model leaves the runs' numbers as they were.
    expect(runName('c', runs, [...opened, { id: 'p', graphName: 'x', openedFrom: 'x.onnx' }])).toBe(
      'cnn · run 3',
    );
  });

  it('knows no name for an id that is neither', () => {
    expect(runName('missing', runs, opened)).toBeUndefined();
    expect(runName('a', [])).toBeUndefined();
  });
});
