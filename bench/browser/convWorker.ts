/**
 * Chromium CNN bench worker: the bench CNNs' training steps on the tfjs wasm backend started as
 * the app's worker starts it (`activateBackend`: threads when cross-origin isolated, and
 * Tensorweave's conv kernels registered), timed like the Node rows (`bench/conv/convTiming.ts`).
 */
import * as tf from '@tensorflow/tfjs';
import { activateBackend, describeBackend } from '../../src/worker/browserBackends';
import { loadMnist } from '../../src/training/mnist';
import { timeConvModels } from '../conv/convTiming';
import type { BenchReply } from './worker';

async function main(): Promise<BenchReply> {
  if (!(await activateBackend('wasm'))) return { ok: false, error: 'the wasm backend did not start' };
  const read = async (name: string) => new Uint8Array(await (await fetch(`/mnist/${name}`)).arrayBuffer());
  const data = await loadMnist(read, { validationCount: 5000 });
  const label = `${describeBackend('wasm')}, Tensorweave conv kernels`;
  return {
    ok: true,
    backend: tf.getBackend(),
    msPerStep: { [label]: await timeConvModels(tf, data) },
    userAgent: navigator.userAgent,
  };
}

main().then(
  (reply) => postMessage(reply),
  (e: unknown) => postMessage({ ok: false, error: (e as Error).stack ?? String(e) } satisfies BenchReply),
);
