import { describe, expect, it } from 'vitest';
import { emptyDocument } from '../../../src/core/document';
import { createTrainingWorker } from '../../../src/app/workerClient';
import type { WorkerResponse } from '../../../src/worker/protocol';
import { FakeWorker } from './fakes';

describe('training worker client', () => {
  it('posts commands as they are', () => {
    const worker = new FakeWorker();
    const client = createTrainingWorker(worker);
    client.send({ type: 'pause' });
    client.send({ type: 'stop' });
    expect(worker.posted).toEqual([{ type: 'pause' }, { type: 'stop' }]);
  });

  it('matches answers to questions by request id, whatever order they come back in', async () => {
    const worker = new FakeWorker();
    const client = createTrainingWorker(worker);
    const pixels = new Float32Array(784).fill(0.5);
    const prediction = client.predict(pixels);
    const memory = client.memory();
    const examples = client.examples([3, 7]);
    const [p, m, e] = [worker.last('predict'), worker.last('memory'), worker.last('examples')];
    expect(p.pixels).toBe(pixels);
    expect(e.indices).toEqual([3, 7]);
    expect(new Set([p.requestId, m.requestId, e.requestId]).size).toBe(3);

    worker.reply({ type: 'examples', requestId: e.requestId, examples: [] });
    worker.reply({ type: 'memory', requestId: m.requestId, numTensors: 12, numBytes: 3456 });
    worker.reply({ type: 'prediction', requestId: p.requestId, probabilities: [0.9, 0.1] });
    await expect(memory).resolves.toMatchObject({ numTensors: 12, numBytes: 3456 });
    await expect(prediction).resolves.toMatchObject({ probabilities: [0.9, 0.1] });
    await expect(examples).resolves.toEqual([]);
  });

  it('sends imported weights as entries, which a structured clone keeps', async () => {
    const worker = new FakeWorker();
    const client = createTrainingWorker(worker);
    const weights = new Map([['dense', [{ shape: [1], data: new Float32Array([2]) }]]]);
    const loaded = client.loadModel('import-1', emptyDocument('g'), weights);
    const request = worker.last('loadModel');
    expect(request.weights).toEqual([['dense', [{ shape: [1], data: new Float32Array([2]) }]]]);
    worker.reply({
      type: 'modelLoaded',
      requestId: request.requestId,
      evaluation: undefined,
      backend: undefined,
      reason: 'The imported graph has errors.',
    });
    await expect(loaded).resolves.toMatchObject({ reason: 'The imported graph has errors.' });
  });

  it('streams run events to every listener, and answers to none', () => {
    const worker = new FakeWorker();
    const client = createTrainingWorker(worker);
    const a: WorkerResponse[] = [];
    const b: WorkerResponse[] = [];
    client.onEvent((e) => a.push(e));
    client.onEvent((e) => b.push(e));
    const event: WorkerResponse = { type: 'dataReady', runId: 'run-1', milliseconds: 42 };
    worker.reply(event);
    worker.reply({ type: 'memory', requestId: 99, numTensors: 0, numBytes: 0 });
    expect(a).toEqual([event]);
    expect(b).toEqual([event]);
  });

  it('turns a worker crash into a failed run for every listener', () => {
    const worker = new FakeWorker();
    const client = createTrainingWorker(worker);
    const events: WorkerResponse[] = [];
    client.onEvent((e) => events.push(e));
    worker.crash('out of memory');
    expect(events).toEqual([
      {
        type: 'state',
        runId: '*',
        event: {
          type: 'failed',
          reason: 'The training worker crashed: out of memory',
          suggestion: 'Reload the page.',
        },
      },
    ]);
  });

  it('terminates the worker', () => {
    const worker = new FakeWorker();
    createTrainingWorker(worker).terminate();
    expect(worker.terminated).toBe(true);
  });
});
