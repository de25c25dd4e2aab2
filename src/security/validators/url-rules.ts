import type { SecurityError } from '../../errors/families.js';
import type { Result } from '../../result.js';
import type { HttpPolicy, NetworkPolicy } from '../policy/policy.js';
import {
  type PolicyInvalidData,
  type PolicyProblem,
  policyInvalidError,
} from '../policy/policy-errors.js';
import { shorten, urlDenied } from './_errors.js';
import { addressDenial, addressDenied } from './check-address.js';
import type { UrlDeniedData } from './denials.js';
import { compileDomainRules, type DomainRules } from './domain-rules.js';
import { type IpAddress, parseIp } from './ip-address.js';
import { classifyIp, type IpClassification } from './ip-classify.js';
import { isLoopbackName, METADATA_HOSTNAMES } from './special-hosts.js';

/** Longest URL `checkUrl` parses by default, in UTF-16 code units (8 KiB). */
export const DEFAULT_MAX_URL_LENGTH = 8192;

/** The policy sections URL checks read; a whole `SecurityPolicy` fits. */
export interface UrlPolicy {
  /** Outbound HTTP rules. */
  readonly http: HttpPolicy;
  /** Port rules (`denyPorts` applies to HTTP too). */
  readonly network: Pick<NetworkPolicy, 'denyPorts'>;
}

/** Per-call options of `checkUrl`. */
export interface CheckUrlOptions {
  /**
   * Longest URL accepted, checked before parsing so a huge input costs
   * nothing; longer ones fail with reason `too_long`.
   * @defaultValue 8192 ({@link DEFAULT_MAX_URL_LENGTH})
   */
  readonly maxUrlLength?: number;
}

/** A URL that passed the static checks. */
export interface CheckedUrl {
  /** The parsed URL (WHATWG). Treat it as read-only. */
  readonly url: URL;
  /**
   * The host to connect to: lower-case punycode, no trailing dot, IPv6
   * without brackets.
   */
  readonly hostname: string;
  /** The explicit port, or 80/443 by scheme. */
  readonly port: number;
  /** The address, when the host is an IP literal (no DNS needed). */
  readonly address?: IpAddress;
  /** The address's classification, when the host is an IP literal. */
  readonly classification?: IpClassification;
}

/** The refusal a URL, method or policy check returns. */
export type UrlCheckError = SecurityError<UrlDeniedData> | SecurityError<PolicyInvalidData>;

/** Compiled `http` section: host lists, ports and methods as sets. */
export interface CompiledHttpRules {
  readonly allow: DomainRules;
  readonly deny: DomainRules;
  /** `undefined` when `allowPorts` is empty (any port). */
  readonly ports: ReadonlySet<number> | undefined;
  readonly methods: ReadonlySet<string>;
}

/** Compiles the `http` section, or lists why it cannot be. */
export function compileHttpSection(
  http: HttpPolicy,
): Result<CompiledHttpRules, SecurityError<PolicyInvalidData>> {
  const allow = compileDomainRules(http.allowDomains ?? [], 'http.allowDomains');
  const deny = compileDomainRules(http.denyDomains ?? [], 'http.denyDomains');
  const problems: PolicyProblem[] = [...allow.problems, ...deny.problems];
  const ports = http.allowPorts ?? [];
  ports.forEach((port, index) => {
    if (!Number.isInteger(port) || port < 1 || port > 65535) {
      problems.push({ path: `http.allowPorts[${index}]`, message: 'a port is an integer 1-65535' });
    }
  });
  if (problems.length > 0) return { ok: false, error: policyInvalidError(problems) };
  return {
    ok: true,
    value: Object.freeze({
      allow: allow.rules,
      deny: deny.rules,
      ports: ports.length === 0 ? undefined : new Set(ports),
      methods: new Set((http.allowMethods ?? []).map((method) => method.toUpperCase())),
    }),
  };
}

function fail(message: string, data: UrlDeniedData): { ok: false; error: UrlCheckError } {
  return { ok: false, error: urlDenied(message, data) };
}

/**
 * The static URL check against compiled rules; see `checkUrl` for the order
 * of checks and the reasons.
 */
export function checkUrlWith(
  http: HttpPolicy,
  rules: CompiledHttpRules,
  denyPorts: ReadonlySet<number>,
  input: string | URL,
  options: CheckUrlOptions | undefined,
): Result<CheckedUrl, UrlCheckError> {
  if (http.enabled !== true) {
    return fail('HTTP access is disabled by the security policy (http.enabled is false).', {
      reason: 'http_disabled',
    });
  }
  const text = typeof input === 'string' ? input : input instanceof URL ? input.href : undefined;
  if (text === undefined) {
    return fail('The URL must be a string or a URL object.', { reason: 'invalid_url' });
  }
  const limit = options?.maxUrlLength ?? DEFAULT_MAX_URL_LENGTH;
  if (text.length > limit) {
    return fail(`The URL is ${text.length} characters long; at most ${limit} are accepted.`, {
      reason: 'too_long',
      url: shorten(text),
      limit,
    });
  }
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return fail(`'${shorten(text)}' is not an absolute URL.`, {
      reason: 'invalid_url',
      url: shorten(text),
    });
  }
  const https = url.protocol === 'https:';
  if (!https && url.protocol !== 'http:') {
    return fail(`Scheme '${url.protocol}' is refused; only http: and https: are allowed.`, {
      reason: 'scheme',
      url: shorten(text),
    });
  }
  if (!http.allowUserinfo && (url.username !== '' || url.password !== '')) {
    return fail(
      'URLs with user:password@ are refused (http.allowUserinfo is false); send credentials in a header.',
      { reason: 'userinfo', url: shorten(text) },
    );
  }
  let host = url.hostname;
  let hostname: string;
  let address: IpAddress | undefined;
  if (host.charCodeAt(0) === 91 /* [ */) {
    hostname = host.slice(1, -1);
    address = parseIp(hostname);
  } else {
    if (host.endsWith('.')) host = host.slice(0, -1);
    if (host === '' || host.charCodeAt(0) === 46 || host.endsWith('.') || host.includes('..')) {
      return fail(`Host '${shorten(url.hostname)}' has an empty label.`, {
        reason: 'invalid_url',
        url: shorten(text),
      });
    }
    hostname = host;
    const last = host.charCodeAt(host.length - 1);
    // The URL parser turns every numeric host into a dotted quad.
    address = last >= 48 && last <= 57 ? parseIp(host) : undefined;
  }
  const port = url.port === '' ? (https ? 443 : 80) : Number(url.port);
  if ((rules.ports !== undefined && !rules.ports.has(port)) || denyPorts.has(port)) {
    return fail(
      `Port ${port} is refused by the security policy (http.allowPorts / network.denyPorts).`,
      { reason: 'port', url: shorten(text), host: hostname, port },
    );
  }
  const context = () => ({ url: shorten(text), host: hostname, port });
  let classification: IpClassification | undefined;
  if (address !== undefined) {
    classification = classifyIp(address) as IpClassification;
    const reason = addressDenial(classification.category, http.allowPrivateNetworks === true);
    if (reason !== undefined) {
      return {
        ok: false,
        error: addressDenied(reason, hostname, classification.category, context()),
      };
    }
  } else if (METADATA_HOSTNAMES.has(hostname)) {
    return fail(`Host '${hostname}' is a cloud metadata service, which is never allowed.`, {
      reason: 'metadata_address',
      category: 'metadata',
      ...context(),
    });
  } else if (isLoopbackName(hostname) && http.allowPrivateNetworks !== true) {
    return fail(
      `Host '${hostname}' is the local machine; set http.allowPrivateNetworks to call it.`,
      { reason: 'private_address', category: 'loopback', ...context() },
    );
  }
  const key = address?.version === 6 ? host : hostname;
  const denied = rules.deny.match(key);
  if (denied !== undefined) {
    return fail(`Host '${hostname}' is denied by rule '${denied}' (http.denyDomains).`, {
      reason: 'domain_denied',
      rule: denied,
      ...context(),
    });
  }
  if (rules.allow.match(key) === undefined) {
    return fail(`Host '${hostname}' is not in http.allowDomains; add it to call it.`, {
      reason: 'domain_not_allowed',
      ...context(),
    });
  }
  const value: CheckedUrl =
    address === undefined
      ? { url, hostname, port }
      : { url, hostname, port, address, classification: classification as IpClassification };
  return { ok: true, value };
}
