// Lint rules, including the layering: app/ imports nothing of ours; the renderer reaches the
// server only through `import type`; main/ never imports renderer/ or server/; raw ipcMain calls
// live only in main/ipc-gate.ts.
import js from '@eslint/js';
import pluginVue from 'eslint-plugin-vue';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const nodeOnly = ['node:*', 'fs', 'path', 'child_process', 'electron', 'fastify', '@prisma/*', 'better-sqlite3'];
/** A relative import of one of our top-level folders. */
const ours = (...folders) => `^(\\.\\./)+(${folders.join('|')})/`;

export default tseslint.config(
  { ignores: ['out/**', 'dist/**', 'node_modules/**', 'server/db/generated/**', 'app/patients/datasets/generated/**', 'scratch/**', 'test-results/**', 'playwright-report/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  ...pluginVue.configs['flat/recommended'],
  {
    languageOptions: { globals: { ...globals.node }, sourceType: 'module', ecmaVersion: 2023 },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-console': 'off',
      // TypeScript checks names; this rule does not know TS globals and declarations.
      'no-undef': 'off',
    },
  },
  {
    files: ['**/*.vue'],
    languageOptions: { parserOptions: { parser: tseslint.parser, extraFileExtensions: ['.vue'] }, globals: { ...globals.browser } },
    rules: { 'vue/max-attributes-per-line': 'off', 'vue/singleline-html-element-content-newline': 'off', 'vue/html-self-closing': 'off' },
  },
  {
    files: ['app/**'],
    rules: {
      '@typescript-eslint/no-restricted-imports': ['error', { patterns: [
        { regex: ours('server', 'main', 'renderer'), message: 'app/ is pure domain code: it imports nothing of ours.' },
        { group: [...nodeOnly, 'vue', 'pinia'], message: 'app/ is pure domain code: no runtime APIs.' },
      ] }],
    },
  },
  {
    files: ['renderer/**'],
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      '@typescript-eslint/no-restricted-imports': ['error', {
        patterns: [
          { regex: ours('server'), allowTypeImports: true, message: 'The renderer may import only types from the server (AppRouter).' },
          { regex: ours('main'), message: 'The renderer runs in a sandboxed page: no main-process code.' },
          { group: nodeOnly, message: 'The renderer runs in a sandboxed page: no Node modules.' },
        ],
      }],
    },
  },
  {
    // Playwright fixtures must destructure their dependencies, even when there are none.
    files: ['tests/e2e/**'],
    rules: { 'no-empty-pattern': 'off' },
  },
  {
    files: ['renderer/vite.config.ts'],
    rules: { '@typescript-eslint/no-restricted-imports': 'off' },
  },
  {
    files: ['main/**'],
    rules: {
      '@typescript-eslint/no-restricted-imports': ['error', { patterns: [{ regex: ours('server', 'renderer'), message: 'main/ talks to the server over HTTP only and never imports the renderer.' }] }],
    },
  },
  {
    files: ['main/**'],
    ignores: ['main/ipc-gate.ts'],
    rules: {
      'no-restricted-syntax': ['error', { selector: "MemberExpression[object.name='ipcMain'][property.name=/^(handle|handleOnce|on|once)$/]", message: 'Register IPC handlers through main/ipc-gate.ts, which checks sender and payload.' }],
    },
  },
  {
    files: ['server/**'],
    rules: {
      '@typescript-eslint/no-restricted-imports': ['error', { patterns: [{ regex: ours('renderer', 'main'), message: 'The server never imports client code.' }] }],
    },
  },
);
