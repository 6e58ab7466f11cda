/** Build the app and serve it with Vite's preview server on a free localhost port. */
import { fileURLToPath } from 'node:url';
import { build, preview } from 'vite';

const root = fileURLToPath(new URL('../../..', import.meta.url));

export async function startServer(
  outDir = '.tmp/e2e-dist',
): Promise<{ url: string; close(): Promise<void> }> {
  await build({ root, logLevel: 'warn', build: { outDir, emptyOutDir: true } });
  const server = await preview({
    root,
    logLevel: 'warn',
    build: { outDir },
    preview: { host: '127.0.0.1', port: 0, strictPort: false, open: false },
  });
  const url = server.resolvedUrls?.local[0];
  if (!url) throw new Error('The preview server did not report its address.');
  return { url, close: () => server.close() };
}
