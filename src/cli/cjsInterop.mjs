/**
 * Node ESM loader hooks for the command line (`tsx --import ./src/cli/cjsInterop.mjs …`).
 *
 * lz-string and meta-png ship only UMD bundles. Vite (the app, the unit tests) lets modules
 * take named imports from them, but Node's ESM loader sees only a default export, so the core
 * modules that use them (share links, graph pictures) would fail to load in the CLI. These
 * hooks serve such packages as ES modules whose named exports are the CommonJS exports.
 */
import { createRequire, register } from 'node:module';
import { fileURLToPath } from 'node:url';

/** Packages whose UMD bundle Node cannot read named exports from. */
const UMD_PACKAGES = ['lz-string', 'meta-png'];

const require = createRequire(import.meta.url);
const umdFiles = new Set(UMD_PACKAGES.map((name) => require.resolve(name)));

/** Resolve hook: passes everything through; marks the UMD bundles for `load`. */
export async function resolve(specifier, context, nextResolve) {
  const resolved = await nextResolve(specifier, context);
  return resolved.url.startsWith('file:') && umdFiles.has(fileURLToPath(resolved.url))
    ? { ...resolved, format: 'tensorweave-umd' }
    : resolved;
}

/** Load hook: a UMD bundle becomes an ES module re-exporting what `require` gives. */
export async function load(url, context, nextLoad) {
  if (context.format !== 'tensorweave-umd') return nextLoad(url, context);
  const file = fileURLToPath(url);
  const names = Object.keys(require(file)).filter((name) => /^[A-Za-z_$][\w$]*$/.test(name));
  const source = [
    "import { createRequire } from 'node:module';",
    `const exports = createRequire(${JSON.stringify(url)})(${JSON.stringify(file)});`,
    'export default exports;',
    ...names.map((name) => `export const ${name} = exports.${name};`),
  ].join('\n');
  return { format: 'module', source, shortCircuit: true };
}

// Imported with --import: register this same file as the hooks.
if (!process.env.TENSORWEAVE_HOOKS_THREAD) {
  process.env.TENSORWEAVE_HOOKS_THREAD = '1';
  register(import.meta.url, import.meta.url);
}
