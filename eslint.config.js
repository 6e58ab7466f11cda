// Lint: TypeScript + Vue recommended rules, Prettier owns formatting, and the layering rule:
// the core and training layers never import the UI (Vue, Pinia, Rete) nor the app/editor.
import pluginVue from 'eslint-plugin-vue';
import { defineConfigWithVueTs, vueTsConfigs } from '@vue/eslint-config-typescript';
import prettier from 'eslint-config-prettier';

const uiPackages = ['vue', 'pinia', 'rete', 'rete-*', '@vue/*'];

export default defineConfigWithVueTs(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', 'out/**', 'runs/**', '.tmp/**'] },
  pluginVue.configs['flat/recommended'],
  vueTsConfigs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['src/core/**/*.ts', 'src/training/**/*.ts', 'src/cli/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: uiPackages,
              message: 'core/training/cli must stay framework-free (no Vue, Pinia or Rete).',
            },
            { group: ['**/app/**', '**/editor/**'], message: 'Lower layers never import the UI layers.' },
          ],
        },
      ],
    },
  },
  {
    files: ['src/core/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: uiPackages, message: 'The core must stay framework-free (no Vue, Pinia or Rete).' },
            {
              group: ['**/app/**', '**/editor/**', '**/training/**', '**/cli/**'],
              message: 'The core imports nothing above it.',
            },
            { group: ['node:*'], message: 'The core runs in the browser too: no Node built-ins.' },
          ],
        },
      ],
    },
  },
  prettier,
);
