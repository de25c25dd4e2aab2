/**
 * skreaver: the runtime-neutral core. Agents, tools, memory, security, auth,
 * the mesh, errors and identifiers, with no runtime dependencies and no Node
 * built-ins.
 *
 * @packageDocumentation
 */

export * from './agent/index.js';
export * from './auth/index.js';
export * from './collections/index.js';
export * from './errors/index.js';
export * from './identifiers/index.js';
export * from './memory/index.js';
export * from './mesh/index.js';
export * from './observability/index.js';
export type { Principal } from './principal.js';
export type { Result } from './result.js';
export * from './security/index.js';
export * from './text/index.js';
export * from './timing/index.js';
export * from './tools/index.js';
