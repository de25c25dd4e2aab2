import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: {
    alias: { skreaver: new URL('./src/index.ts', import.meta.url).pathname },
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
