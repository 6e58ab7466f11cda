/**
 * The import worker's client: every open settles with the worker's result, or with a message
 * when the worker crashes or takes too long, after which a fresh worker reads the next file.
 * The fake worker here runs the real readers (`src/worker/openInput.ts`) as the import worker
 * does, so the results are the real ones.
 */
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { encodeShareToken } from '../../../src/core/exchange/graphCarriers';
import { parseDocument } from '../../../src/core/parseDocument';
import { createImportClient, type ImportWorkerPort } from '../../../src/app/importClient';
import type { ImportReply, ImportRequest } from '../../../src/worker/importProtocol';
import { openFiles, openShareToken } from '../../../src/worker/openInput';

const beginner = readFileSync('graphs/beginner.json', 'utf8');

/** A worker that answers with the real readers, unless told to stay silent. */
class FakeImportWorker implements ImportWorkerPort {
  static made: FakeImportWorker[] = [];
  onmessage: ((this: Worker, ev: MessageEvent) => unknown) | null = null;
  onerror: ((this: AbstractWorker, ev: ErrorEvent) => unknown) | null = null;
  terminated = false;
  requests: ImportRequest[] = [];
  constructor(readonly silent = false) {
    FakeImportWorker.made.push(this);
  }
  postMessage(request: ImportRequest): void {
    this.requests.push(request);
    if (this.silent) return;
    void (async () => {
      const result =
        request.kind === 'files' ? await openFiles(request.files) : openShareToken(request.token);
      const reply: ImportReply = { id: request.id, result };
      this.onmessage?.call(this as unknown as Worker, { data: reply } as MessageEvent<ImportReply>);
    })();
  }
  terminate(): void {
    this.terminated = true;
  }
  crash(message: string): void {
    this.onerror?.call(this as unknown as Worker, { message } as ErrorEvent);
  }
}

afterEach(() => {
  FakeImportWorker.made = [];
  vi.useRealTimers();
});

describe('the import client', () => {
  it('opens a graph file through the worker and refuses a damaged one with its name and reason', async () => {
    const client = createImportClient(() => new FakeImportWorker());
    const opened = await client.openFiles([new File([beginner], 'beginner.json')]);
    expect(opened.ok && opened.value.doc.nodes.map((n) => n.type)).toEqual(
      JSON.parse(beginner).nodes.map((n: { type: string }) => n.type),
    );
    const refused = await client.openFiles([new File(['{"format": 1'], 'cut.json')]);
    expect(refused).toMatchObject({ ok: false, error: expect.stringMatching(/^"cut\.json": /) });
    // One worker serves every request.
    expect(FakeImportWorker.made).toHaveLength(1);
  });

  it('says which file a trained model came from (the runs table names an opened model by it)', async () => {
    const dir = 'test/fixtures/external/tfjs-keras2-mlp-88v88';
    const client = createImportClient(() => new FakeImportWorker());
    const opened = await client.openFiles([
      new File([readFileSync(`${dir}/model.json`)], 'model.json'),
      new File([readFileSync(`${dir}/group1-shard1of1.bin`)], 'group1-shard1of1.bin'),
    ]);
    expect(opened.ok && opened.value.weights !== undefined).toBe(true);
    expect(opened.ok && opened.value.file).toBe('model.json');
    const graph = await client.openFiles([new File([beginner], 'beginner.json')]);
    expect(graph.ok && graph.value.file).toBeUndefined();
  });

  it('refuses a file over the size limit before reading it', async () => {
    const client = createImportClient(() => new FakeImportWorker());
    const big = new File([new Uint8Array(6 * 2 ** 20)], 'big.json');
    await expect(client.openFiles([big])).resolves.toEqual({
      ok: false,
      error: '"big.json" is 6 MB; the limit is 5 MB. Open a smaller file.',
    });
  });

  it('opens a share token, and says an empty link holds no graph', async () => {
    const client = createImportClient(() => new FakeImportWorker());
    const doc = parseDocument(beginner);
    if (!doc.ok) throw new Error(doc.error);
    const opened = await client.openShareToken(encodeShareToken(doc.value));
    expect(opened.ok && opened.value.doc.name).toBe(doc.value.name);
    await expect(client.openShareToken('')).resolves.toEqual({
      ok: false,
      error: 'The link holds no graph: nothing follows “#graph=”. Ask for the whole link again.',
    });
    await expect(client.openShareToken('A'.repeat(6 * 2 ** 20))).resolves.toMatchObject({
      ok: false,
      error: 'The share link is too long to be a Tensorweave graph.',
    });
  });

  it('settles with a message when the worker crashes, and starts a new worker for the next file', async () => {
    const client = createImportClient(() => new FakeImportWorker(FakeImportWorker.made.length === 0));
    const first = client.openFiles([new File([beginner], 'a.json')]);
    FakeImportWorker.made[0]!.crash('Maximum call stack size exceeded');
    await expect(first).resolves.toEqual({
      ok: false,
      error:
        'The file reader stopped unexpectedly (Maximum call stack size exceeded). Try again; reload the page if it happens again.',
    });
    expect(FakeImportWorker.made[0]!.terminated).toBe(true);
    const second = await client.openFiles([new File([beginner], 'b.json')]);
    expect(second.ok).toBe(true);
    expect(FakeImportWorker.made).toHaveLength(2);
  });

  it('stops a read that takes too long, says so, and reads the next file in a fresh worker', async () => {
    vi.useFakeTimers();
    const client = createImportClient(() => new FakeImportWorker(FakeImportWorker.made.length === 0), 2000);
    let settled: unknown;
    void client.openFiles([new File([beginner], 'slow.json')]).then((r) => (settled = r));
    await vi.advanceTimersByTimeAsync(1999);
    expect(settled).toBeUndefined();
    await vi.advanceTimersByTimeAsync(1);
    expect(settled).toEqual({
      ok: false,
      error: 'Reading “slow.json” took longer than 2 s and was stopped. It is probably too large or damaged.',
    });
    expect(FakeImportWorker.made[0]!.terminated).toBe(true);
    vi.useRealTimers();
    await expect(client.openFiles([new File([beginner], 'next.json')])).resolves.toMatchObject({ ok: true });
  });
});
