// Lint keeps package boundaries real: another package is used only through its public
// entry (`@cairn/x`), never through a deep path or a relative path into its folder.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

const packageEntryOnly = {
  group: ['@cairn/*/*'],
  message: 'Import another package only through its public entry (@cairn/<name>), never its internals.',
};
const noRelativeIntoTopLevelPackages = {
  regex: '^(\\.\\./)+(packages|schemas|projections|scripts)(/|$)',
  message: 'Do not reach into another package by relative path; depend on it and import @cairn/<name>.',
};
const noRelativeIntoSiblingPackages = {
  regex: '^(\\.\\./){2,}(core|eventlog|eventlog-conformance|testing|sdk|kernel|cli|server)(/|$)',
  message: 'Do not reach into another package by relative path; depend on it and import @cairn/<name>.',
};

export default tseslint.config(
  {
    ignores: [
      '**/dist/**',
      '**/build/**',
      '**/node_modules/**',
      '**/.turbo/**',
      '**/coverage/**',
      '.cairn/**',
      'packages/kernel/assembly/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-imports': [
        'error',
        {
          patterns: [packageEntryOnly, noRelativeIntoTopLevelPackages],
        },
      ],
    },
  },
  {
    // Under packages/ the siblings are reached as ../../<name>; elsewhere (projections/src/testing)
    // the same names are a package's own folders, so this rule is scoped to packages/.
    files: ['packages/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [packageEntryOnly, noRelativeIntoTopLevelPackages, noRelativeIntoSiblingPackages],
        },
      ],
    },
  },
  {
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs' },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
