// Shared ESLint flat config: eslint's recommended rules plus typescript-eslint's,
// with the few project rules that keep library code honest.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  // assembly/: AssemblyScript sources (compiled to wasm, not TypeScript that tsc/eslint parse)
  { ignores: ['**/dist/**', '**/node_modules/**', '**/reports/**', '**/*.d.ts', '**/assembly/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'off',
      'no-console': ['error', { allow: ['warn', 'error'] }],
      eqeqeq: ['error', 'smart'],
    },
  },
  {
    files: ['**/*.test.ts', '**/bench/**', '**/scripts/**', '**/*.mjs', '**/*.cjs'],
    rules: { 'no-console': 'off', '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    files: ['**/*.cjs'],
    languageOptions: {
      sourceType: 'commonjs',
      globals: { require: 'readonly', module: 'writable', process: 'readonly', console: 'readonly', __dirname: 'readonly' },
    },
  },
  {
    files: ['**/*.mjs'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly', performance: 'readonly', URL: 'readonly', Buffer: 'readonly' } },
  },
);
