/**
 * The HTTP headers the app is served with, by the dev and the preview server alike (one
 * plugin, `vite.config.ts`), and the ones a static host must send (README, "Hosting"):
 * cross-origin isolation for the threaded wasm backend, a Content-Security-Policy, and the
 * usual hardening. Preview serves the production build, so its policy is the strict one the
 * e2e suite checks for violations; the dev server's is looser where Vite's client needs it.
 */
import type { Connect, Plugin } from 'vite';

export type ServerKind = 'dev' | 'preview';

/**
 * The policy of the production build. Scripts only from the app's origin; WebAssembly
 * compiles ('wasm-unsafe-eval', never 'unsafe-eval'); workers from the origin, and from blob:
 * because the threaded tfjs wasm backend builds its pthread worker from a string; pictures
 * also as data:/blob: URLs (the PNG and SVG exports, the digit canvases); no plugins, no
 * <base>, no form posts, never inside a frame.
 */
const PRODUCTION_CSP: Record<string, string[]> = {
  'default-src': ["'self'"],
  'script-src': ["'self'", "'wasm-unsafe-eval'", 'blob:'],
  'worker-src': ["'self'", 'blob:'],
  'connect-src': ["'self'", 'blob:', 'data:'],
  'img-src': ["'self'", 'data:', 'blob:'],
  'style-src': ["'self'", "'unsafe-inline'"],
  'font-src': ["'self'"],
  'object-src': ["'none'"],
  'base-uri': ["'none'"],
  'form-action': ["'none'"],
  'frame-ancestors': ["'none'"],
};

/** Vite's dev client injects inline modules and styles and talks to the server over a websocket. */
const DEV_ADDITIONS: Record<string, string[]> = {
  'script-src': ["'unsafe-inline'", "'unsafe-eval'"],
  'connect-src': ['ws:', 'wss:'],
};

export function contentSecurityPolicy(kind: ServerKind): string {
  return Object.entries(PRODUCTION_CSP)
    .map(([directive, sources]) => {
      const all = kind === 'dev' ? [...sources, ...(DEV_ADDITIONS[directive] ?? [])] : sources;
      return `${directive} ${all.join(' ')}`;
    })
    .join('; ');
}

/** Every header the app's responses carry. */
export function securityHeaders(kind: ServerKind): Record<string, string> {
  return {
    // Cross-origin isolation lets the wasm backend use threads (SharedArrayBuffer); every
    // resource the app loads is its own, so require-corp costs nothing.
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cross-Origin-Embedder-Policy': 'require-corp',
    'Content-Security-Policy': contentSecurityPolicy(kind),
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    // For browsers older than CSP's frame-ancestors.
    'X-Frame-Options': 'DENY',
  };
}

/** Sets the headers on every response, before any other middleware answers. */
export function headersMiddleware(kind: ServerKind): Connect.NextHandleFunction {
  const headers = Object.entries(securityHeaders(kind));
  return (_req, res, next) => {
    for (const [name, value] of headers) res.setHeader(name, value);
    next();
  };
}

export function securityHeadersPlugin(): Plugin {
  return {
    name: 'tensorweave:security-headers',
    configureServer(server) {
      server.middlewares.use(headersMiddleware('dev'));
    },
    configurePreviewServer(server) {
      server.middlewares.use(headersMiddleware('preview'));
    },
  };
}
