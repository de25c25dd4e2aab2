import { defineConfig } from 'vitest/config';
import base from './vitest.config.js';

// Mutation testing mutates src/ and runs the core's unit and conformance
// tests only: the property tests under fuzz/ run thousands of cases per
// mutant, and the adapter, CLI and packaging tests exercise real services,
// processes and the build, which a mutant of src/ does not change.
// (Spread, not mergeConfig: mergeConfig would append to `include`.)
export default defineConfig({
  ...base,
  test: {
    ...base.test,
    include: [
      'test/{agent,tools,memory,conformance,errors,identifiers,collections,docs,security,auth,mesh,timing}/**/*.test.ts',
    ],
    coverage: { enabled: false },
  },
});
