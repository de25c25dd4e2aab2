/**
 * The security layer's pure validators: IP classification, the static URL
 * (SSRF) check, lexical path checks and a linear-time glob compiler. No I/O;
 * the Node helper `skreaver/security/node` adds DNS pinning and real paths.
 */

export { checkAddress } from './check-address.js';
export type { FsRules, PathCheckError } from './check-path.js';
export { checkPath, compileFsRules, isUnderRoot } from './check-path.js';
export type { UrlRules } from './check-url.js';
export { checkMethod, checkUrl, compileUrlRules } from './check-url.js';
export type {
  InvalidPathProblem,
  PathDeniedData,
  PathDeniedReason,
  UrlDeniedData,
  UrlDeniedReason,
} from './denials.js';
export type { CompiledDomainRules, DomainRules } from './domain-rules.js';
export { canonicalHost, compileDomainRules } from './domain-rules.js';
export type { GlobErrorData, GlobMatcher, GlobOptions } from './glob.js';
export { compileGlob } from './glob.js';
export type { IpAddress, Ipv4Address, Ipv6Address } from './ip-address.js';
export { formatIp, parseIp } from './ip-address.js';
export type { IpCategory, IpClassification, IpEmbedding } from './ip-classify.js';
export { classifyIp } from './ip-classify.js';
export type { NormalizePathOptions } from './normalize-path.js';
export { DEFAULT_MAX_PATH_LENGTH, normalizePath } from './normalize-path.js';
export { isLoopbackName, METADATA_HOSTNAMES } from './special-hosts.js';
export type { CheckedUrl, CheckUrlOptions, UrlCheckError, UrlPolicy } from './url-rules.js';
export { DEFAULT_MAX_URL_LENGTH } from './url-rules.js';
