import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import tseslint from 'typescript-eslint';

/**
 * Lint rules for the whole repository: ESLint's and typescript-eslint's recommended sets, and the
 * Rules of React (react-hooks) for the UI. Layout is Prettier's (.prettierrc.json); max-len only backs up its width.
 */
export default defineConfig([
  {
    ignores: [
      'dist/',
      'test-results/',
      'coverage/',
      'node_modules/',
      'bench/tmp/',
      'bench/dist/',
      '.vite/',
      '.scratch/',
    ],
  },
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.browser, ...globals.worker, ...globals.node } },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      // An underscore marks a parameter or binding kept on purpose (a positional argument, a rest sibling).
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none', ignoreRestSiblings: true },
      ],
      // `typeof import('…')` types a lazily loaded module without loading it.
      '@typescript-eslint/consistent-type-imports': [
        'error',
        { fixStyle: 'inline-type-imports', disallowTypeAnnotations: false },
      ],
      eqeqeq: ['error', 'always'],
      'no-eval': 'error',
      'no-implied-eval': 'error',
      'no-new-func': 'error',
      // Prettier does the layout; this catches the comments, strings and template literals it cannot break.
      'max-len': ['error', { code: 120, ignoreUrls: true, ignoreRegExpLiterals: true }],
    },
  },
  {
    // Tests and their fixtures take hostile, mutated JSON apart: `any` is allowed there, never in src/.
    files: ['test/**/*.{ts,tsx}'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    files: ['src/ui/**/*.{ts,tsx}', 'src/main.tsx', 'test/component/**/*.{ts,tsx}'],
    extends: [reactHooks.configs.flat.recommended],
  },
]);
