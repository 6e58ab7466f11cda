/**
 * MNIST in the worker: the four files are fetched from the app's own `mnist/` folder once per
 * page; every run then makes its splits from the cached bytes, which is cheap.
 */
import { loadMnist, MNIST_FILES, type MnistData, type MnistFileName } from '../training/mnist';

const bytes = new Map<MnistFileName, Promise<Uint8Array>>();

function readBytes(name: MnistFileName): Promise<Uint8Array> {
  let p = bytes.get(name);
  if (!p) {
    p = fetch(`${import.meta.env.BASE_URL}mnist/${name}`).then(async (r) => {
      if (!r.ok) throw new Error(`Could not load MNIST file ${name}: HTTP ${r.status}.`);
      return new Uint8Array(await r.arrayBuffer());
    });
    // A failed fetch is forgotten, so the next run tries again.
    p.catch(() => bytes.delete(name));
    bytes.set(name, p);
  }
  return p;
}

/** The MNIST splits with `validationCount` training images held out for validation. */
export function loadMnistData(validationCount: number): Promise<MnistData> {
  // Start all four downloads together rather than one after the other.
  for (const name of Object.values(MNIST_FILES)) void readBytes(name);
  return loadMnist(readBytes, { validationCount });
}
