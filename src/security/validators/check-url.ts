import type { SecurityError } from '../../errors/families.js';
import type { Result } from '../../result.js';
import type { HttpPolicy, NetworkPolicy } from '../policy/policy.js';
import type { PolicyInvalidData } from '../policy/policy-errors.js';
import { shorten, urlDenied } from './_errors.js';
import { checkAddress } from './check-address.js';
import type { UrlDeniedData } from './denials.js';
import type { IpAddress } from './ip-address.js';
import type { IpClassification } from './ip-classify.js';
import {
  type CheckedUrl,
  type CheckUrlOptions,
  type CompiledHttpRules,
  checkUrlWith,
  compileHttpSection,
  type UrlCheckError,
  type UrlPolicy,
} from './url-rules.js';

/**
 * A policy's URL rules compiled once: host lists as hash sets, ports and
 * methods as sets. Checks through it cost a URL parse and a few lookups.
 */
export interface UrlRules {
  /** The static URL check (see `checkUrl`). */
  check(url: string | URL, options?: CheckUrlOptions): Result<CheckedUrl, UrlCheckError>;
  /** The method check (see `checkMethod`). */
  checkMethod(method: string): Result<string, SecurityError<UrlDeniedData>>;
  /** The resolved-address check (see `checkAddress`). */
  checkAddress(address: string | IpAddress): Result<IpClassification, SecurityError<UrlDeniedData>>;
}

// Memo tables keyed by the caller's policy sections: compiling is pure and
// policies are immutable, so caching is invisible apart from speed, and the
// WeakMaps let a dropped policy be collected.
const httpCache = new WeakMap<
  HttpPolicy,
  Result<CompiledHttpRules, SecurityError<PolicyInvalidData>>
>();
const portCache = new WeakMap<object, ReadonlySet<number>>();

function compiledHttp(
  http: HttpPolicy,
): Result<CompiledHttpRules, SecurityError<PolicyInvalidData>> {
  let compiled = httpCache.get(http);
  if (compiled === undefined) {
    compiled = compileHttpSection(http);
    httpCache.set(http, compiled);
  }
  return compiled;
}

function deniedPorts(network: Pick<NetworkPolicy, 'denyPorts'>): ReadonlySet<number> {
  let ports = portCache.get(network);
  if (ports === undefined) {
    ports = new Set(network.denyPorts ?? []);
    portCache.set(network, ports);
  }
  return ports;
}

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]{1,32}$/;

function methodWith(
  methods: ReadonlySet<string>,
  method: string,
): Result<string, SecurityError<UrlDeniedData>> {
  const upper = typeof method === 'string' && TOKEN.test(method) ? method.toUpperCase() : undefined;
  if (upper !== undefined && methods.has(upper)) return { ok: true, value: upper };
  const shown = shorten(String(method));
  return {
    ok: false,
    error: urlDenied(`Method '${shown}' is not allowed (http.allowMethods).`, {
      reason: 'method',
      method: shown,
    }),
  };
}

/**
 * Checks a URL against the policy without any network access. In order:
 * `http.enabled` (`http_disabled`); length before parsing (`too_long`); WHATWG
 * parsing (`invalid_url`; numeric, octal, hex and short IPv4 forms come out
 * as dotted quads, IDN hosts as punycode); scheme http/https (`scheme`);
 * `user:pass@` (`userinfo`); the explicit or default port against
 * `http.allowPorts` and `network.denyPorts` (`port`); metadata addresses and
 * host names (`metadata_address`); IP-literal hosts by category and
 * `localhost`/`*.localhost` (`private_address`, `reserved_address`);
 * `http.denyDomains` (`domain_denied`, deny wins); `http.allowDomains`
 * (`domain_not_allowed`). A trailing dot on the host is ignored.
 *
 * Host names are not resolved here: a name that resolves to a private
 * address passes. Use the DNS-pinned fetch of `skreaver/security/node`, or
 * resolve and call `checkAddress` on every address, before connecting.
 *
 * The policy's rules are compiled on first use and cached per `http` and
 * `network` section object, so keep policies immutable.
 *
 * @returns the parsed URL with its host, port and (for IP literals) address,
 * or a `url_denied` error whose `data.reason` says why (a `policy_invalid`
 * error when the policy's host rules do not compile).
 *
 * @example
 * ```ts
 * const checked = checkUrl('http://0x7f.1/admin', policy);
 * if (!checked.ok) console.log(checked.error.data); // { reason: 'private_address', address: ..., category: 'loopback', ... }
 * ```
 */
export function checkUrl(
  url: string | URL,
  policy: UrlPolicy,
  options?: CheckUrlOptions,
): Result<CheckedUrl, UrlCheckError> {
  const compiled = compiledHttp(policy.http);
  if (!compiled.ok) return compiled;
  return checkUrlWith(policy.http, compiled.value, deniedPorts(policy.network), url, options);
}

/**
 * Checks an HTTP method against `http.allowMethods`. The method must be an
 * HTTP token; it is compared upper-cased and returned upper-cased (send that
 * one).
 *
 * @returns the method to send, or `url_denied` with reason `method` (or
 * `policy_invalid` when the section does not compile).
 */
export function checkMethod(method: string, http: HttpPolicy): Result<string, UrlCheckError> {
  const compiled = compiledHttp(http);
  if (!compiled.ok) return compiled;
  return methodWith(compiled.value.methods, method);
}

/**
 * Compiles a policy's URL rules once, for callers that prefer an explicit
 * step to the cache behind `checkUrl`.
 *
 * @throws `SecurityError` `policy_invalid` when a host rule or port does not
 * compile; `data.problems` lists each with its policy path.
 */
export function compileUrlRules(policy: UrlPolicy): UrlRules {
  const compiled = compileHttpSection(policy.http);
  if (!compiled.ok) throw compiled.error;
  const rules = compiled.value;
  const http = policy.http;
  const ports = new Set(policy.network.denyPorts ?? []);
  return Object.freeze({
    check: (url: string | URL, options?: CheckUrlOptions) =>
      checkUrlWith(http, rules, ports, url, options),
    checkMethod: (method: string) => methodWith(rules.methods, method),
    checkAddress: (address: string | IpAddress) => checkAddress(address, http),
  });
}
