// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const TYPED = ['src/**/*.ts'];

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'coverage/', '.meshcast-tmp/', 'docs/api/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', ignoreRestSiblings: true }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-restricted-properties': [
        'error',
        {
          object: 'Math',
          property: 'random',
          message: 'Randomness is injected: draw from a derived stream (src/random).',
        },
      ],
    },
  },
  // Lines of at most 120 characters, as Prettier lays them out (it leaves long strings and comments
  // alone); a test's title stays on its call's line, where Prettier keeps it.
  {
    files: ['**/*.ts', '**/*.js', '**/*.mjs'],
    rules: {
      'max-len': [
        'error',
        { code: 120, ignoreUrls: true, ignorePattern: String.raw`^\s*(it|test|describe)(\.each\(\w+\))?\('` },
      ],
    },
  },
  // Type-aware rules on the library and the command (recommendedTypeChecked; decision 0005).
  ...tseslint.configs.recommendedTypeChecked.map((config) => ({ ...config, files: TYPED })),
  {
    files: TYPED,
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
  },
  {
    files: ['src/**/*.ts'],
    ignores: ['src/cli/**'],
    rules: {
      'no-console': 'error',
      'no-restricted-globals': ['error', { name: 'process', message: 'Only src/cli reads argv, env or the clock.' }],
      'no-restricted-properties': [
        'error',
        {
          object: 'Math',
          property: 'random',
          message: 'Randomness is injected: draw from a derived stream (src/random).',
        },
        { object: 'Date', property: 'now', message: 'Only src/cli reads the clock.' },
        { object: 'performance', property: 'now', message: 'Only src/cli reads the clock.' },
      ],
    },
  },
);
