import { describe, expect, it } from 'vitest';
import { splitSentence } from '../../../src/app/components/train/splitSentence';

describe("the Train tab's split sentence", () => {
  it('says no images are held out when validation is 0', () => {
    const text = splitSentence(0);
    expect(text).toBe(
      '60,000 handwritten digits, all used for training: no images are held out for validation, and 10,000 more test the result.',
    );
    expect(text).not.toMatch(/last 0/);
  });

  it('names the count the graph holds out, with thousands separators', () => {
    expect(splitSentence(5000)).toBe(
      '60,000 handwritten digits; the last 5,000 are held out for validation, and 10,000 more test the result.',
    );
    expect(splitSentence(12)).toContain('the last 12 are held out for validation');
  });

  it('speaks of a single held-out image in the singular', () => {
    expect(splitSentence(1)).toContain('the last one is held out for validation');
  });
});
