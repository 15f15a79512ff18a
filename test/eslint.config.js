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
    rules: { 'no-restricted-imports': restrict([{ regex: '^(#(server|trainer|web)/|\\.\\./(server|trainer|web)/)', message: 'db/ imports nothing of ours' }]) },
  },
  {
    files: ['client/**/*.ts'],
    rules: { 'no-restricted-imports': restrict([{ regex: '^(#|\\.\\./)', message: 'client/ stands alone: users copy or import it without the rest of Sift' }]) },
  },
  {
    files: ['migrations/**/*.ts'],
    rules: { 'no-restricted-imports': restrict([{ regex: '^(#|\\.)', message: 'migrations are frozen: import only kysely' }]) },
  },
  {
    files: ['server/**/*.ts'],
    rules: {
      'no-restricted-imports': restrict([
        { regex: '^(#web/|(\\.\\./)+web/)', message: 'server/ does not import web/' },
        { regex: '^#trainer/(?!jobs/[a-z-]+\\.job\\.ts$|jobs/(queue|events|triggers|project-settings|webhook-dispatch|webhook-url)\\.ts$|ml/|memory-ceiling\\.ts$)', message: "server/ uses job contracts, queue/events, trainer/ml and the memory-ceiling contract only, never the trainer's processors" },
        { regex: '^(kysely|pg|@electric-sql/.*)$', message: 'only db/ writes queries and opens connections' },
      ]),
    },
  },
  {
    files: ['trainer/**/*.ts'],
    rules: { 'no-restricted-imports': restrict([{ regex: '^(#(server|web)/|(\\.\\./)+(server|web)/)', message: 'trainer/ imports db/ only' }]) },
  },
  {
    files: ['web/**/*.{ts,tsx}'],
    rules: {
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-restricted-imports': restrict([
        { regex: '^(#(db|trainer)/|(\\.\\./)+(db|trainer)/)', message: 'web/ never imports db/ or trainer/' },
        { regex: '^(#server/|(\\.\\./)+server/)', allowTypeImports: true, message: 'web/ imports only types from server/' },
      ]),
    },
  },
);
