/**
 * skreaver/testing: the shared conformance suites, runnable under any test
 * runner, so third-party adapters can prove they honour skreaver's contracts.
 *
 * @packageDocumentation
 */
export type {
  ConformanceRunner,
  MemoryConformanceOptions,
} from '../../test/conformance/memory-suite.js';
export { runMemoryConformance } from '../../test/conformance/memory-suite.js';
export type {
  MeshConformanceOptions,
  MeshSuiteConfig,
  MeshTestContext,
  RawFrames,
} from '../../test/conformance/mesh.js';
export { runMeshConformance } from '../../test/conformance/mesh.js';
