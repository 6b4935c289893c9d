// @ts-check
/**
 * The lint gate (`make lint`, the first step of `make test`): typescript-eslint's recommended set, tuned to
 * what the code base already satisfies, plus the project's size rules for production code (files <= 400
 * lines, functions <= 80, blank lines and comments not counted) and no `any` there. Tests and benchmarks get
 * the recommended set without the size rules (a scenario reads best as one function).
 */
import eslint from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', 'queue/**', 'results/**', '.cache/**', '.tools/**'] },
  eslint.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      // `_name` marks a value left out on purpose (`const { samples: _samples, ...rest } = row`).
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      // `const self = this` feeds getters of an options object (vllm/backend.ts).
      '@typescript-eslint/no-this-alias': ['error', { allowedNames: ['self'] }],
    },
  },
  {
    files: ['packages/*/src/**/*.ts'],
    rules: {
      'max-lines': ['error', { max: 400, skipBlankLines: true, skipComments: true }],
      'max-lines-per-function': ['error', { max: 80, skipBlankLines: true, skipComments: true }],
      '@typescript-eslint/no-explicit-any': 'error',
    },
  },
  {
    // CommonJS preloads (bench/peers/node-cpu.cjs is given to `node --require`).
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs', globals: { require: 'readonly', process: 'readonly', module: 'writable', __dirname: 'readonly' } },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    files: ['test/**', 'bench/**'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unused-vars': ['warn', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      // Comma sequences in loops and parsers: (out.push(c), stack.push(c)).
      '@typescript-eslint/no-unused-expressions': 'off',
      'no-useless-escape': 'warn',
    },
  },
  // Plain .mjs helpers run by node: TypeScript does not check them, node's globals are there.
  { files: ['**/*.mjs'], rules: { 'no-undef': 'off' } },
);
