import { afterEach, describe, expect, it, vi } from 'vitest';
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

  it('settles every waiting question with the reason when the worker crashes', async () => {
    const worker = new FakeWorker();
    const client = createTrainingWorker(worker);
    const prediction = client.predict(new Float32Array(784));
    const exported = client.exportModel();
    const memory = client.memory();
    worker.crash('out of memory');
    await expect(prediction).resolves.toEqual({
      type: 'prediction',
      requestId: worker.last('predict').requestId,
      probabilities: undefined,
      reason: 'The training worker crashed: out of memory. Reload the page.',
    });
    await expect(exported).resolves.toMatchObject({
      artifacts: undefined,
      reason: expect.stringContaining('crashed'),
    });
    const m = await memory;
    expect(m.numTensors).toBeNaN();
    expect(m).toMatchObject({ reason: expect.stringContaining('out of memory') });
  });

  it('answers a question that failed inside the worker with its error', async () => {
    const worker = new FakeWorker();
    const client = createTrainingWorker(worker);
    const weights = client.weights('dense', 10);
    const examples = client.examples([1]);
    worker.reply({ type: 'error', requestId: worker.last('weights').requestId, reason: 'No layer "dense".' });
    await expect(weights).resolves.toMatchObject({ images: undefined, reason: 'No layer "dense".' });
    // The other question is still open and gets its own answer.
    worker.reply({ type: 'examples', requestId: worker.last('examples').requestId, examples: [] });
    await expect(examples).resolves.toEqual([]);
  });

  describe('with a clock', () => {
    afterEach(() => {
      vi.useRealTimers();
    });

    it('settles an unanswered question after its timeout, saying so, and drops the late answer', async () => {
      vi.useFakeTimers();
      const worker = new FakeWorker();
      const client = createTrainingWorker(worker, { queryMs: 1000, modelMs: 5000 });
      const prediction = client.predict(new Float32Array(784));
      const evaluation = client.evaluate();
      let predicted: unknown;
      void prediction.then((p) => (predicted = p));
      await vi.advanceTimersByTimeAsync(999);
      expect(predicted).toBeUndefined();
      await vi.advanceTimersByTimeAsync(1);
      expect(predicted).toMatchObject({
        probabilities: undefined,
        reason: 'The training worker did not answer (predict) within 1 s. Reload the page if it stays stuck.',
      });
      // The slow kinds of question wait longer.
      await vi.advanceTimersByTimeAsync(3000);
      worker.reply({
        type: 'prediction',
        requestId: worker.last('predict').requestId,
        probabilities: [1],
      });
      await vi.advanceTimersByTimeAsync(1000);
      await expect(evaluation).resolves.toMatchObject({
        evaluation: undefined,
        reason: expect.stringContaining('(evaluate) within 5 s'),
      });
    });
  });

  it('turns a busy reply to a train command into a failed run that says why', () => {
    const worker = new FakeWorker();
    const client = createTrainingWorker(worker);
    const events: WorkerResponse[] = [];
    client.onEvent((e) => events.push(e));
    client.send({ type: 'train', runId: 'run-2', document: emptyDocument('g'), backend: 'auto' });
    worker.reply({ type: 'busy', runId: 'run-2', reason: 'The previous training run is still finishing.' });
    expect(events).toEqual([
      {
        type: 'state',
        runId: 'run-2',
        event: {
          type: 'failed',
          reason: 'The previous training run is still finishing.',
          suggestion: 'Try again in a moment.',
        },
      },
    ]);
  });

  it('settles a question whose message cannot be sent', async () => {
    const worker = new FakeWorker();
    worker.postMessage = () => {
      throw new Error('could not be cloned');
    };
    const client = createTrainingWorker(worker);
    await expect(client.predict(new Float32Array(784))).resolves.toMatchObject({
      reason: 'The request could not be sent to the training worker: could not be cloned',
    });
  });

  it('terminates the worker', () => {
    const worker = new FakeWorker();
    createTrainingWorker(worker).terminate();
    expect(worker.terminated).toBe(true);
  });
});
