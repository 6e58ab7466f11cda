import { describe, expect, it } from 'vitest';
import { contentSecurityPolicy, headersMiddleware, securityHeaders } from '../../../src/vite/securityHeaders';

describe('security headers', () => {
  it('gives the production build a policy without eval, inline scripts or framing', () => {
    const csp = contentSecurityPolicy('preview');
    expect(csp).toBe(
      "default-src 'self'; script-src 'self' 'wasm-unsafe-eval' blob:; worker-src 'self' blob:; " +
        "connect-src 'self' blob: data:; img-src 'self' data: blob:; style-src 'self' 'unsafe-inline'; " +
        "font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
    );
  });

  it('loosens only what the dev server needs', () => {
    const csp = contentSecurityPolicy('dev');
    expect(csp).toContain("script-src 'self' 'wasm-unsafe-eval' blob: 'unsafe-inline' 'unsafe-eval'");
    expect(csp).toContain("connect-src 'self' blob: data: ws: wss:");
    expect(csp).toContain("frame-ancestors 'none'");
  });

  it('sets every header on a response and passes it on', () => {
    const set = new Map<string, string>();
    let passed = false;
    headersMiddleware('preview')(
      {} as never,
      { setHeader: (name: string, value: string) => set.set(name, value) } as never,
      () => (passed = true),
    );
    expect(Object.fromEntries(set)).toEqual(securityHeaders('preview'));
    expect(set.get('X-Content-Type-Options')).toBe('nosniff');
    expect(set.get('Referrer-Policy')).toBe('no-referrer');
    expect(set.get('X-Frame-Options')).toBe('DENY');
    expect(set.get('Cross-Origin-Embedder-Policy')).toBe('require-corp');
    expect(passed).toBe(true);
  });
});
