// Step while paused, on the real training loop: the worker's run gate lets exactly one step of
// a paused run through, reported at once, and the run stays paused; a pause that lands after an
// unreported step first settles on a reported one, so the page's counter is exact.
import { beforeAll, describe, expect, it } from 'vitest';
import { analyzeGraph } from '../../../src/core/analyze';
import { compileGraph } from '../../../src/core/compile';
import { nodeReadBytes, tf, useBackend } from '../../../src/cli/nodeEnv';
import { loadMnist, type MnistData } from '../../../src/training/mnist';
import { train } from '../../../src/training/train';
import type { TrainProgress } from '../../../src/training/types';
import { runGate } from '../../../src/worker/runGate';
import type { Session } from '../../../src/worker/session';
import { loadPreset } from '../core/fixtures';

let data: MnistData;
beforeAll(async () => {
  await useBackend('wasm');
  data = await loadMnist(nodeReadBytes(), { validationCount: 1000 });
});

/** Let the loop run until it waits at the shut gate. */
async function untilWaiting(session: Session): Promise<void> {
  while (!session.resume) await new Promise((r) => setTimeout(r, 0));
}

describe('a paused run steps one batch at a time', () => {
  it('reports each single step at once, stays paused, and finishes all its steps when resumed', async () => {
    const doc = loadPreset('beginner');
    const compiled = compileGraph(tf, doc, analyzeGraph(doc));
    const session: Session = {
      runId: 'r',
      compiled,
      data,
      abort: new AbortController(),
      paused: false,
      resume: undefined,
    };
    const gate = runGate(session);
    const reported: number[] = [];
    const told: number[] = [];
    let steps = 0;
    let early: Promise<TrainProgress | undefined> | undefined;
    const run = train(tf, compiled, data, {
      batchSize: 100,
      duration: { unit: 'steps', steps: 60 },
      seed: 1,
      learningRate: 0.5,
      progressEvery: 10,
      validationEvery: 0,
      evaluate: false,
      pauseGate: gate.pauseGate,
      reportDue: gate.reportDue,
      onProgress: (p) => {
        reported.push(p.step);
        if (gate.progress(p)) told.push(p.step);
      },
      syncDue: () => {
        steps++;
        // The page's Pause lands after step 23, which the cadence does not report.
        if (steps === 23) session.paused = true;
        // Pause and Step arrive together after step 40, before the loop reaches the gate.
        if (steps === 40) {
          session.paused = true;
          early = session.stepOnce!();
        }
        return gate.syncDue();
      },
    });
    await untilWaiting(session);
    // Paused after a reported step 24: the settling step.
    expect(reported.at(-1)).toBe(24);
    const first = await session.stepOnce!();
    expect(first?.step).toBe(25);
    expect(Number.isFinite(first?.loss)).toBe(true);
    await untilWaiting(session);
    expect((await session.stepOnce!())?.step).toBe(26);
    await untilWaiting(session);
    expect(reported.at(-1)).toBe(26);

    session.paused = false;
    session.resume!();
    session.resume = undefined;
    // Not paused: a Step is refused (undefined) rather than queued.
    expect(await session.stepOnce!()).toBeUndefined();
    await untilWaiting(session);
    await expect(early!).resolves.toMatchObject({ step: 41 });
    expect(reported.at(-1)).toBe(41);

    session.paused = false;
    session.resume!();
    const result = await run;
    gate.end();
    expect(result.steps).toBe(60);
    expect(told).toEqual([24, 25, 26, 41]);
    expect(reported).toEqual([10, 20, 24, 25, 26, 30, 40, 41, 50, 60]);
    expect(session.stepOnce).toBeUndefined();
    compiled.dispose();
  });

  it('a step asked when the run ends gets no progress', async () => {
    const session = { paused: true, resume: undefined } as unknown as Session;
    const gate = runGate(session);
    const asked = session.stepOnce!();
    gate.end();
    await expect(asked).resolves.toBeUndefined();
  });
});
