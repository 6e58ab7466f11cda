// Import cycles across src/, checked by `npm run check` (`npm run lint:cycles`).
//
// dependency-cruiser rather than an ESLint rule: eslint-plugin-import(-x)'s no-cycle always
// skips `import type`, and a type-only cycle still ties two modules together for a reader.
// `tsPreCompilationDeps` makes the cruise see the imports TypeScript erases, and .vue files
// are read through their <script setup>.
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-import-cycle',
      severity: 'error',
      comment:
        'Every layer (core, training, cli, worker, editor, app) imports along a tree: no cycles, type-only ones included.',
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    // Packages cannot import our modules back, so the cruise stops at them.
    doNotFollow: { path: ['node_modules'] },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      extensions: ['.ts', '.vue', '.js', '.mjs', '.json'],
    },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
