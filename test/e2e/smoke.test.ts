import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { openSession, type Session } from './support/app';

describe('app shell', () => {
  let s: Session;
  beforeAll(async () => {
    s = await openSession(inject('baseUrl'));
  });
  afterAll(async () => {
    await s?.close();
  });

  it('opens with the beginner preset on the canvas', async () => {
    await s.app.node('loss').waitFor();
    expect((await s.app.nodeIds()).sort()).toEqual(['dense', 'input', 'loss', 'softmax']);
    await s.page.screenshot({ path: 'screenshots/smoke-1400.png' });
    expect(s.app.errors).toEqual([]);
  });
});
