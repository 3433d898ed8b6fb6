// Flat config: typescript-eslint's recommended rules, plus the architecture's rules
// (docs/architecture.md): the core stays editor-free so the CLI and the tests can load it without
// VS Code; nothing below the stages imports a stage; shell text is built only in
// src/core/hostCommands (eslint-rules/bluegreen.mjs).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import bluegreen from './eslint-rules/bluegreen.mjs';

export default tseslint.config(
  { ignores: ['dist/**', 'out/**', 'node_modules/**', 'media/vendor/**', '**/*.js', '**/*.mjs', '**/*.cjs', 'sandbox/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['src/core/**/*.ts'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    plugins: { bluegreen },
    rules: {
      'no-restricted-imports': ['error', {
        paths: [{ name: 'vscode', message: 'src/core must not depend on VS Code: put editor code under src/extension.' }],
      }],
      'bluegreen/layering': 'error',
      'bluegreen/host-commands-only': 'error',
    },
  },
);
