// Flat config: typescript-eslint's recommended rules, plus the one architectural rule —
// the core stays editor-free so the CLI and the tests can load it without VS Code.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'out/**', 'node_modules/**', 'media/vendor/**', '**/*.js', '**/*.mjs', 'sandbox/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['src/core/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: [{ name: 'vscode', message: 'src/core must not depend on VS Code: put editor code under src/extension.' }],
      }],
    },
  },
);
