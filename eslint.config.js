// ESLint for this repository: the recommended rules of ESLint and typescript-eslint, over the
// TypeScript sources, tests and benchmark (bench/kit/ is the benchmark kit, copied in as it is). Formatting is prettier's job (see .prettierrc.json).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'generated/', 'src/templates/', 'test/fixtures/', 'bench/kit/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    rules: {
      // Unused names are already an error of tsc (noUnusedLocals); `_` marks one kept on purpose.
      // Input is hostile: messages escape control characters and tests look for them, on purpose.
      'no-control-regex': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
    },
  },
);
