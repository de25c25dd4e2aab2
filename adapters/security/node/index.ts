/**
 * skreaver/security/node: the Node half of the security validators. Real
 * paths (symlinks resolved component by component, no-follow opens checked
 * after the fact) and a DNS-pinned `fetch` that re-validates every redirect.
 *
 * @packageDocumentation
 */

export type { MemoryGuard, MemoryGuardDenialData, MemoryGuardOptions } from './memory-guard.js';
export { createMemoryGuard } from './memory-guard.js';
export { openNoFollow } from './open-no-follow.js';
export type { OpenedPath, PathResolver, ResolvedPath } from './path-resolver.js';
export { createPathResolver } from './path-resolver.js';
export type { OpenFlags, PathResolverFs, PathResolverOptions } from './path-resolver-options.js';
export { createSafeFetch } from './safe-fetch.js';
export type {
  HostResolver,
  ResolvedAddress,
  SafeFetch,
  SafeFetchFailureData,
  SafeFetchInit,
  SafeFetchOptions,
} from './safe-fetch-options.js';
