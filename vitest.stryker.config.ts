import { defineConfig, mergeConfig } from 'vitest/config';
import base from './vitest.config.js';

// Mutation testing runs the unit and conformance tests only: the property
// tests under fuzz/ run thousands of cases per mutant and would make a run
// take hours on two cores for little extra kill rate.
export default mergeConfig(
  base,
  defineConfig({ test: { include: ['test/**/*.test.ts'], coverage: { enabled: false } } }),
);
