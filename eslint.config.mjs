// ESLint, flat config: ESLint's and typescript-eslint's recommended rules over every TypeScript
// and JavaScript file of the project (npm test runs it as `npm run lint`). Type-checking itself is
// tsc's (npm run typecheck); these rules catch what types do not.
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', 'coverage/', 'test-results/', '.tmp/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      // A server's handler refers to the object the server is then wrapped in: declared first, set once.
      'prefer-const': ['error', { ignoreReadBeforeAssign: true }],
      // A leading underscore names what is unused on purpose (a parameter a signature requires, a
      // field dropped by destructuring).
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_', ignoreRestSiblings: true },
      ],
    },
  },
  {
    files: ['assets-src/**/*.ts', 'examples/agent-softphone/**/*.ts', 'assets/**/*.js'],
    languageOptions: { globals: { ...globals.browser } },
  },
  {
    // jest's environment and setup files are CommonJS.
    files: ['**/*.js', '**/*.cjs'],
    languageOptions: { sourceType: 'commonjs' },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
