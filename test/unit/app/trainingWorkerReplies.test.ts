/**
 * The training worker's side of "every request settles": a `train` that arrives while a run
 * is under way is answered "busy" (it used to be dropped without a word), and the worker
 * takes the next one once the run has ended. The real worker module runs here, with `self`
 * and the MNIST download stood in for.
 */
import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { parseDocument } from '../../../src/core/parseDocument';
import type { WorkerRequest, WorkerResponse } from '../../../src/worker/protocol';

const posted: WorkerResponse[] = [];
const worker: {
  postMessage(m: WorkerResponse): void;
  onmessage?: (e: { data: WorkerRequest }) => Promise<void>;
} = { postMessage: (m) => posted.push(m) };
vi.stubGlobal('self', worker);
/** MNIST never arrives until the test says so: the first run stays busy meanwhile. */
const downloads: ((e: Error) => void)[] = [];
vi.stubGlobal('fetch', () => new Promise((_, reject) => downloads.push(reject)));
await import('../../../src/worker/trainingWorker');

afterAll(() => {
  vi.unstubAllGlobals();
});

const parsed = parseDocument(readFileSync('graphs/beginner.json', 'utf8'));
if (!parsed.ok) throw new Error(parsed.error);
const train = (runId: string): WorkerRequest => ({
  type: 'train',
  runId,
  document: parsed.value,
  backend: 'cpu',
});
const of = (runId: string) => posted.filter((m) => 'runId' in m && m.runId === runId);

describe('the training worker while busy', () => {
  it('answers a second train "busy" with the reason, and still runs the first', async () => {
    const first = worker.onmessage!({ data: train('run-1') });
    await worker.onmessage!({ data: train('run-2') });
    expect(of('run-2')).toEqual([
      {
        type: 'busy',
        runId: 'run-2',
        reason:
          'The previous training run or model import is still finishing. Wait until it has ended, then train again.',
      },
    ]);
    expect(of('run-1')).toEqual([
      { type: 'state', runId: 'run-1', event: { type: 'preparing', detail: 'Loading MNIST…' } },
    ]);

    for (const reject of downloads.splice(0)) reject(new Error('offline'));
    await first;
    expect(of('run-1').at(-1)).toMatchObject({
      type: 'state',
      event: { type: 'failed', reason: expect.stringContaining('offline') },
    });
  });

  it('takes the next train once the run has ended', async () => {
    const third = worker.onmessage!({ data: train('run-3') });
    await vi.waitFor(() => expect(downloads.length).toBeGreaterThan(0));
    expect(of('run-3').map((m) => m.type)).toEqual(['state']);
    for (const reject of downloads.splice(0)) reject(new Error('offline'));
    await third;
    expect(of('run-3').some((m) => m.type === 'busy')).toBe(false);
  });
});
