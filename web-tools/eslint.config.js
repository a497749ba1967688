// ESLint for the hub's web UI (../web), run by scripts/lint-web.sh from the repository root:
// the recommended rules, browser globals, and the UI's own rule that module-level mutable
// state lives in web/store.js only.
import js from '@eslint/js';
import globals from 'globals';

// Top-level `let`/`var`, and top-level collections or objects (`new Map()`, `[]`, `{}`) that
// a module could change later. Object.freeze({...}) tables and DOM lookups stay allowed.
const topLevel = ['Program >', 'Program > ExportNamedDeclaration >'];
const mutableState = topLevel
  .flatMap((at) => [
    {
      selector: `${at} VariableDeclaration[kind!="const"]`,
      message: 'Module-level mutable state belongs in web/store.js.',
    },
    {
      selector: `${at} VariableDeclaration > VariableDeclarator > :matches(NewExpression, ArrayExpression, ObjectExpression)`,
      message: 'Module-level mutable state belongs in web/store.js (or Object.freeze it).',
    },
  ])
  .concat({
    selector:
      'Program > ExportDefaultDeclaration > :matches(NewExpression, ArrayExpression, ObjectExpression)',
    message: 'Module-level mutable state belongs in web/store.js (or Object.freeze it).',
  });

export default [
  js.configs.recommended,
  {
    files: ['web/**/*.js'],
    languageOptions: {
      ecmaVersion: 2022,
      sourceType: 'module',
      globals: globals.browser,
    },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      'no-restricted-syntax': ['error', ...mutableState],
      // docs/style.md: no function over ~80 lines without a comment saying why.
      'max-lines-per-function': ['error', { max: 80, skipBlankLines: true, skipComments: true }],
    },
  },
  {
    files: ['web/store.js'],
    rules: { 'no-restricted-syntax': 'off' },
  },
  {
    files: ['web-tools/**/*.js', 'tests/browser/*.test.mjs'],
    languageOptions: { ecmaVersion: 2022, sourceType: 'module', globals: globals.node },
  },
  { ignores: ['**/node_modules/', 'web/vendor/'] },
];
