import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: {
    // Tests import the package by name, as users do, but from source.
    alias: [
      { find: /^skreaver$/, replacement: new URL('./src/index.ts', import.meta.url).pathname },
      {
        find: /^skreaver\/(.+)$/,
        replacement: `${new URL('./adapters/', import.meta.url).pathname}$1/index.ts`,
      },
    ],
  },
  test: {
    include: ['test/**/*.test.ts', 'fuzz/**/*.test.ts', 'examples/**/*.test.ts'],
    environment: 'node',
    testTimeout: 20_000,
    coverage: {
      provider: 'v8',
      include: ['src/**/*.ts', 'adapters/**/*.ts', 'cli/**/*.ts'],
      exclude: ['**/index.ts', '**/*.d.ts'],
      reporter: ['text-summary', 'json-summary', 'html'],
      thresholds: {
        'src/**/*.ts': { lines: 90, branches: 90, functions: 90, statements: 90 },
      },
    },
  },
});
