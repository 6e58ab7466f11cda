/** Compiling the AssemblyScript kernels in-process (shared by `buildWasm.ts` and its test). */
import { fileURLToPath } from 'node:url';
import asc from 'assemblyscript/asc';
import { format, resolveConfig } from 'prettier';

const root = fileURLToPath(new URL('../', import.meta.url));

/** The flags the committed binary was built with. */
export const ASC_FLAGS = ['-O3', '--runtime', 'stub', '--noAssert', '--enable', 'simd'];

/** What one asc run gives: the module's bytes and asc's TypeScript declaration of its exports. */
export interface KernelBuild {
  wasm: Uint8Array;
  declarations: string;
}

/**
 * The extra flags of the shared-memory build (two threads): the same kernels on a memory the
 * host makes and shares with a helper thread (a SharedArrayBuffer, so it needs a maximum).
 */
export const SHARED_FLAGS = [
  '--enable',
  'threads',
  '--importMemory',
  '--sharedMemory',
  '--maximumMemory',
  '65536',
];

/**
 * Compile `assembly/denseKernels.ts`. `--bindings raw` only adds the .d.ts (and a loader we
 * drop): the .wasm bytes are the same as without it.
 */
export function compileDenseKernels(extraFlags: readonly string[] = []): Promise<KernelBuild> {
  return compileKernelEntry('assembly/denseKernels.ts', extraFlags);
}

/** Compile one AssemblyScript entry (a path from the repository root) with `ASC_FLAGS` and `extraFlags`. */
export async function compileKernelEntry(
  entry: string,
  extraFlags: readonly string[] = [],
): Promise<KernelBuild> {
  let wasm: Uint8Array | undefined;
  let declarations: string | undefined;
  const { error, stderr } = await asc.main(
    [entry, ...ASC_FLAGS, ...extraFlags, '--baseDir', root, '--outFile', 'kernels.wasm', '--bindings', 'raw'],
    {
      writeFile: (name: string, contents: string | Uint8Array) => {
        if (name.endsWith('.wasm') && typeof contents !== 'string') wasm = contents;
        if (name.endsWith('.d.ts') && typeof contents === 'string') declarations = contents;
      },
    },
  );
  if (error) throw new Error(`asc failed: ${error.message}\n${stderr.toString()}`);
  if (!wasm) throw new Error('asc wrote no .wasm');
  if (!declarations) throw new Error('asc wrote no .d.ts');
  return { wasm, declarations };
}

interface KernelDeclaration {
  doc: string;
  name: string;
  params: string;
  result: string;
}

/**
 * The exported functions in asc's declarations (`export function name(a: number, …): number;`
 * inside its `__AdaptedExports` namespace, each after its doc comment). Anything else exported
 * but the memory is refused, so that a kernel taking a non-number is noticed here.
 */
export function kernelDeclarations(declarations: string): KernelDeclaration[] {
  const start = declarations.indexOf('declare namespace __AdaptedExports {');
  const end = declarations.indexOf('\n}', start);
  if (start < 0 || end < 0) throw new Error('asc .d.ts: no __AdaptedExports namespace');
  const body = declarations.slice(start, end);
  const found: KernelDeclaration[] = [];
  const item = /(\/\*\*(?:(?!\*\/)[\s\S])*\*\/)\s*export (?:const|function) ([^\n]*)/g;
  for (const [, doc = '', declaration = ''] of body.matchAll(item)) {
    if (declaration === 'memory: WebAssembly.Memory;') continue;
    const fn = /^(\w+)\(((?:\w+: number(?:, )?)*)\): (number|void);$/.exec(declaration);
    if (!fn) throw new Error(`asc .d.ts: unexpected export "${declaration}"`);
    found.push({ doc, name: fn[1]!, params: fn[2]!, result: fn[3]! });
  }
  return found;
}

/**
 * The generated TypeScript module: the exports' interface and parameter counts from asc's
 * declarations, and the bytes as base64. Formatted with the repository's prettier settings,
 * so that the committed file passes `prettier --check` as generated.
 */
export function renderKernelModule(build: KernelBuild): Promise<string> {
  return renderModule(build, DENSE_MODULE);
}

/** The names one generated kernel module uses, and where it goes. */
export interface GeneratedModule {
  /** The AssemblyScript entry, from the repository root. */
  entry: string;
  /** The generated file, from the repository root. */
  target: string;
  /** Prefix of the exported names: `Dense` → `DenseKernelExports`, `DENSE_KERNEL_ARITY`, … */
  prefix: string;
}

export const DENSE_MODULE: GeneratedModule = {
  entry: 'assembly/denseKernels.ts',
  target: 'src/training/kernels/denseKernels.wasm.ts',
  prefix: 'Dense',
};

export const CONV_MODULE: GeneratedModule = {
  entry: 'assembly/conv/convKernels.ts',
  target: 'src/training/convKernels/convKernels.wasm.ts',
  prefix: 'Conv',
};

/** `renderKernelModule` for any generated module. */
export async function renderModule(build: KernelBuild, module: GeneratedModule): Promise<string> {
  const upper = module.prefix.toUpperCase();
  const kernels = kernelDeclarations(build.declarations);
  const members = kernels.map((k) => `${k.doc}\n${k.name}(${k.params}): ${k.result};`).join('\n');
  const arity = kernels.map((k) => `${k.name}: ${k.params ? k.params.split(', ').length : 0},`).join('\n');
  const base64 = Buffer.from(build.wasm).toString('base64');
  const text =
    `// Generated by \`npm run build:wasm\` from ${module.entry}: do not edit.\n\n` +
    '/** The kernels module\u2019s exports, as asc declares them (byte addresses are numbers). */\n' +
    `export interface ${module.prefix}KernelExports {\n/** Exported memory */\nmemory: WebAssembly.Memory;\n${members}\n}\n\n` +
    '/** The exported kernels\u2019 parameter counts (WebAssembly function `.length`), checked at instantiation. */\n' +
    `export const ${upper}_KERNEL_ARITY = {\n${arity}\n} as const satisfies {\n` +
    `  [K in Exclude<keyof ${module.prefix}KernelExports, 'memory'>]: Parameters<${module.prefix}KernelExports[K]>['length'];\n};\n\n` +
    `export const ${upper}_KERNELS_WASM_BASE64 =\n  '${base64}';\n`;
  const target = `${root}${module.target}`;
  return format(text, { ...(await resolveConfig(target)), filepath: target });
}

/** The shared-memory builds (two threads, see `kernelThreads.ts`): only bytes, generated here. */
export const DENSE_SHARED_MODULE: GeneratedModule = {
  entry: DENSE_MODULE.entry,
  target: 'src/training/kernels/denseKernelsShared.wasm.ts',
  prefix: DENSE_MODULE.prefix,
};

export const CONV_SHARED_MODULE: GeneratedModule = {
  entry: CONV_MODULE.entry,
  target: 'src/training/convKernels/convKernelsShared.wasm.ts',
  prefix: CONV_MODULE.prefix,
};

/**
 * The generated module of a shared-memory build (default: the dense kernels'): only its bytes
 * (its exports are the same kernels, typed by the module's usual build).
 */
export async function renderSharedKernelModule(
  build: KernelBuild,
  module: GeneratedModule = DENSE_SHARED_MODULE,
): Promise<string> {
  const text =
    `// Generated by \`npm run build:wasm\` from ${module.entry} (shared memory): do not edit.\n\n` +
    '/** The kernels built on an imported shared memory, for two threads (see `kernelThreads.ts`). */\n' +
    `export const ${module.prefix.toUpperCase()}_KERNELS_SHARED_WASM_BASE64 =\n  '${Buffer.from(build.wasm).toString('base64')}';\n`;
  const target = `${root}${module.target}`;
  return format(text, { ...(await resolveConfig(target)), filepath: target });
}
