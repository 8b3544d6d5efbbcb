// Lint, and the zone rule of ARCHITECTURE.md: imports may only go the way the arrows point.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const nodeBuiltins = ['node:*', 'fs', 'path', 'os', 'crypto', 'http', 'https', 'net', 'child_process', 'url', 'stream', 'util', 'events'];

export default tseslint.config(
  { ignores: ['.prof/**', 'node_modules/**', 'dist/**', 'dist-*/**', 'release/**', 'bench/results.json', 'test-artifacts/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      // TypeScript checks undefined names; the JS scripts run on Node and are small.
      'no-undef': 'off',
    },
  },
  {
    files: ['src-shared/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [
          { group: nodeBuiltins, message: 'src-shared is pure TypeScript: no Node APIs.' },
          { group: ['electron', 'react', 'react-dom'], message: 'src-shared imports no runtime platform.' },
          { group: ['**/src-main/**', '**/src-renderer/**', '../src-main/*', '../src-renderer/*'], message: 'src-shared imports nothing from other zones.' },
        ],
      }],
    },
  },
  {
    files: ['src-main/core/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [
          { group: ['electron'], message: 'The core never imports electron (ARCHITECTURE.md).' },
          { group: ['**/cli/**', '**/electron/**', '**/src-renderer/**', '**/shell/**'], message: 'The core never imports its adapters (cli, electron, renderer).' },
        ],
      }],
    },
  },
  {
    files: ['src-main/cli/**/*.ts', 'src-main/shell/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [
          { group: ['electron'], allowTypeImports: true, message: 'Only src-main/electron/ imports electron at run time.' },
          { group: ['**/electron/**', '**/src-renderer/**'], message: 'Imports go cli -> core only.' },
        ],
      }],
    },
  },
  {
    files: ['src-renderer/**/*.{ts,tsx}'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [
          { group: nodeBuiltins, message: 'The UI runs in a browser: no Node APIs.' },
          { group: ['electron'], message: 'The UI talks to the core through GatewayClient only.' },
          { group: ['**/src-main/**'], message: 'The UI imports src-shared only.' },
        ],
      }],
    },
  },
  {
    files: ['test/**/*.ts', 'bench/**/*.ts', 'scripts/**/*.{js,mjs,ts}'],
    rules: { '@typescript-eslint/no-non-null-assertion': 'off', '@typescript-eslint/no-explicit-any': 'off' },
  },
);
