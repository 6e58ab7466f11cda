/**
 * The named exports of a CommonJS/UMD package imported as a namespace. Bundlers (Vite,
 * Vitest) expose them directly; Node's own ESM loader (the CLI under tsx) exposes only a
 * `default` export holding them, because it cannot see through a UMD wrapper. `lz-string` and
 * `meta-png` are such packages.
 */
export function namedExports<T extends object>(namespace: T): T {
  return (namespace as { default?: T }).default ?? namespace;
}
