// Lint rules, including the house import boundaries (see ../shared/STYLE.md "Layout").
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const restrict = (patterns) => ['error', { patterns }];

export default tseslint.config(
  { ignores: ['build/**', 'node_modules/**', '.sift/**', 'test-results/**', 'playwright-report/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' }],
      'no-console': 'off',
    },
  },
  {
    files: ['db/**/*.ts'],
    rules: { 'no-restricted-imports': restrict([{ group: ['#server/*', '#trainer/*', '#web/*', '../server/*', '../trainer/*', '../web/*'], message: 'db/ imports nothing of ours' }]) },
  },
  {
    files: ['migrations/**/*.ts'],
    rules: { 'no-restricted-imports': restrict([{ group: ['#*', '../*'], message: 'migrations are frozen: import only kysely' }]) },
  },
  {
    files: ['server/**/*.ts'],
    rules: {
      'no-restricted-imports': restrict([
        { group: ['#web/*', '../web/*', '../../web/*'], message: 'server/ does not import web/' },
        { group: ['#trainer/*.processor.ts', '#trainer/workers.ts', '#trainer/index.ts'], message: "server/ uses job contracts and trainer/ml only, never the trainer's processors" },
        { group: ['kysely', 'pg', '@electric-sql/*'], importNames: ['Kysely', 'Pool', 'Client', 'PGlite'], message: 'only db/ talks to the database' },
      ]),
    },
  },
  {
    files: ['trainer/**/*.ts'],
    rules: { 'no-restricted-imports': restrict([{ group: ['#server/*', '#web/*', '../server/*', '../web/*'], message: 'trainer/ imports db/ only' }]) },
  },
  {
    files: ['web/**/*.{ts,tsx}'],
    rules: {
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-restricted-imports': restrict([
        { group: ['#db/*', '#trainer/*', '../**/db/*', '../**/trainer/*'], message: 'web/ never imports db/ or trainer/' },
        { group: ['#server/*', '../**/server/*'], allowTypeImports: true, message: 'web/ imports only types from server/' },
      ]),
    },
  },
);
