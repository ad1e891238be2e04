// One ESLint config for every Node package (the Grafana plugin keeps the config its scaffold
// generated, in grafana-plugin/: `npm run lint` runs both). Type-aware: rules that need the types
// read them through tsconfig.check.json, which covers every source and test file.
import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  // The Python environment (.venv) holds other projects' JavaScript; sdk-python/ has none of ours.
  { ignores: ['**/dist/', '**/node_modules/', '.xray-data/', '.venv/', 'sdk-python/', 'grafana-plugin/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts', '**/*.tsx'],
    languageOptions: { parserOptions: { project: './tsconfig.check.json', tsconfigRootDir: import.meta.dirname } },
    rules: {
      // A promise nobody awaits loses its error: the hot paths must not, and neither may tests.
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': [
        'error',
        { checksVoidReturn: { arguments: false, attributes: false } },
      ],
      '@typescript-eslint/await-thenable': 'error',
      // Types are imported as types (verbatimModuleSyntax keeps them out of the emitted code).
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/consistent-type-exports': ['error', { fixMixedExportsWithInlineTypeSpecifier: true }],
      '@typescript-eslint/no-unnecessary-type-assertion': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' },
      ],
      // One private-field style: ECMAScript's `#field`, private at run time too.
      'no-restricted-syntax': [
        'error',
        {
          selector:
            ':matches(PropertyDefinition, MethodDefinition[kind!="constructor"], TSParameterProperty)[accessibility="private"]',
          message: 'Use an ECMAScript private member (#name) instead of the TypeScript `private` modifier.',
        },
      ],
    },
  },
  {
    // Plain JavaScript (scripts, configs): no type information.
    files: ['**/*.js', '**/*.mjs', '**/*.cjs'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly' } },
  },
  prettier
);
