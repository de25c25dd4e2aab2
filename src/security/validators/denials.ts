import type { IpCategory } from './ip-classify.js';

/**
 * Why a URL (or an address, a method, a redirect, a response type) was
 * refused; carried as `data.reason` of a `url_denied` error.
 *
 * - `http_disabled`: `http.enabled` is false.
 * - `too_long`: the URL is longer than `maxUrlLength` (checked before parsing).
 * - `invalid_url`: not a parseable absolute URL, or its host has empty labels.
 * - `scheme`: not `http:` or `https:`.
 * - `userinfo`: `user:password@` while `http.allowUserinfo` is false.
 * - `port`: the explicit or default port is not in `http.allowPorts` (when non-empty) or is in
 *   `network.denyPorts`.
 * - `metadata_address`: a cloud metadata address or host name; refused even with
 *   `allowPrivateNetworks`.
 * - `private_address`: loopback, private, link-local, CGNAT or unique-local (or `localhost`) while
 *   `http.allowPrivateNetworks` is false.
 * - `reserved_address`: unspecified, multicast, broadcast, documentation or reserved: never allowed.
 * - `invalid_address`: a resolved address that is not a valid IP (or carries a zone id).
 * - `domain_denied`: the host matches `http.denyDomains`.
 * - `domain_not_allowed`: the host matches no `http.allowDomains` rule.
 * - `method`: the method is not an HTTP token or not in `http.allowMethods`.
 * - `too_many_redirects`: more than `http.maxRedirects` redirects (Node helper).
 * - `redirect`: a redirect was refused because the caller asked for `redirect: 'error'` (Node helper).
 * - `content_type`: the response type is not in `http.allowContentTypes` (Node helper).
 */
export type UrlDeniedReason =
  | 'http_disabled'
  | 'too_long'
  | 'invalid_url'
  | 'scheme'
  | 'userinfo'
  | 'port'
  | 'metadata_address'
  | 'private_address'
  | 'reserved_address'
  | 'invalid_address'
  | 'domain_denied'
  | 'domain_not_allowed'
  | 'method'
  | 'too_many_redirects'
  | 'redirect'
  | 'content_type';

/** The `data` of a `url_denied` error. Untrusted text is cut to 256 characters. */
export interface UrlDeniedData {
  /** Why it was refused. */
  readonly reason: UrlDeniedReason;
  /** The URL (possibly shortened), when there was one. */
  readonly url?: string;
  /** The normalised host name (no brackets, no trailing dot). */
  readonly host?: string;
  /** The port checked (explicit or the scheme's default). */
  readonly port?: number;
  /** The refused IP address, for the address reasons. */
  readonly address?: string;
  /** The refused address's category, for the address reasons. */
  readonly category?: IpCategory;
  /** The deny rule that matched, for `domain_denied`. */
  readonly rule?: string;
  /** The method, for `method`. */
  readonly method?: string;
  /** The content type, for `content_type`. */
  readonly contentType?: string;
  /** The limit that was exceeded, for `too_long` and `too_many_redirects`. */
  readonly limit?: number;
}

/** Problems that make a path text unusable, carried as `data.problem` with `invalid_path`. */
export type InvalidPathProblem =
  | 'not_string'
  | 'empty'
  | 'nul'
  | 'control'
  | 'lone_surrogate'
  | 'backslash'
  | 'invisible'
  | 'confusable'
  | 'encoded'
  | 'relative';

/**
 * Why a path was refused; carried as `data.reason` of a `path_denied` error.
 *
 * - `fs_disabled`: `fs.enabled` is false.
 * - `invalid_path`: the text is unusable; `data.problem` says how (see `InvalidPathProblem`).
 * - `too_long`: longer than `maxPathLength`.
 * - `outside_roots`: not under any `fs.allowPaths` root (component-wise, after normalisation, and
 *   after real-path resolution in Node).
 * - `denied_pattern`: matches a `fs.denyPatterns` glob; `data.pattern` names it.
 * - `symlink`: a symbolic link was met while `fs.followSymlinks` is false (Node helper).
 * - `symlink_loop`: more symbolic links than `maxSymlinks` were followed (Node helper).
 * - `hard_link`: the file has several hard links and the resolver refuses them (Node helper).
 * - `special_file`: a FIFO, socket or device file, which the resolver refuses by default (Node helper).
 * - `io_error`: the file system failed while resolving (permission denied...); see `cause`.
 */
export type PathDeniedReason =
  | 'fs_disabled'
  | 'invalid_path'
  | 'too_long'
  | 'outside_roots'
  | 'denied_pattern'
  | 'symlink'
  | 'symlink_loop'
  | 'hard_link'
  | 'special_file'
  | 'io_error';

/** The `data` of a `path_denied` error. Untrusted text is cut to 256 characters. */
export interface PathDeniedData {
  /** Why it was refused. */
  readonly reason: PathDeniedReason;
  /** The path as given (possibly shortened), or the normalised path once known. */
  readonly path?: string;
  /** For `invalid_path`: what is wrong with the text. */
  readonly problem?: InvalidPathProblem;
  /** For `invalid_path`: the offending character as a code point (`U+202E`). */
  readonly char?: string;
  /** For `denied_pattern`: the glob that matched. */
  readonly pattern?: string;
  /** The resolved real path, for refusals found after real-path resolution. */
  readonly realPath?: string;
  /** For `too_long` and `symlink_loop`: the limit. */
  readonly limit?: number;
}
