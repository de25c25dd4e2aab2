import type { PolicyProblem } from '../policy/policy-errors.js';
import { formatIp, parseIp } from './ip-address.js';

/**
 * A compiled host list (`http.allowDomains` or `http.denyDomains`). Matching
 * costs a few hash lookups (one per label of the host) whatever the number
 * of rules.
 */
export interface DomainRules {
  /** Whether the list holds `*` (every host). */
  readonly any: boolean;
  /** How many rules were compiled. */
  readonly size: number;
  /**
   * The rule (as written) that matches `host`, or `undefined`. `host` must be
   * normalised as `checkUrl` does: lower-case ASCII (punycode), no trailing
   * dot, IPv6 in brackets.
   */
  match(host: string): string | undefined;
}

/** The result of {@link compileDomainRules}. */
export interface CompiledDomainRules {
  /** The rules that compiled. */
  readonly rules: DomainRules;
  /** Rules that did not compile, each with its position; empty when all did. */
  readonly problems: readonly PolicyProblem[];
}

const FORBIDDEN = /[\s/?#@%\\*]/;

/**
 * The canonical form of a host as the WHATWG URL parser gives it (so IDN
 * names become punycode and numeric IPv4 forms dotted quads), without a
 * trailing dot; IPv6 in brackets. `undefined` when it is not a host.
 */
export function canonicalHost(text: string): string | undefined {
  if (text.length === 0 || text.length > 255) return undefined;
  if (text.charCodeAt(0) === 91 /* [ */ || text.includes(':')) {
    const ip = parseIp(text);
    return ip?.version === 6 ? `[${formatIp(ip)}]` : undefined;
  }
  if (FORBIDDEN.test(text)) return undefined;
  let host: string;
  try {
    host = new URL(`http://${text}/`).hostname;
  } catch {
    return undefined;
  }
  if (host.endsWith('.')) host = host.slice(0, -1);
  if (host === '' || host.startsWith('.') || host.includes('..')) return undefined;
  return host;
}

/**
 * Compiles a host list. Syntax, case-insensitive: `*` matches every host;
 * `*.example.com` matches every subdomain of example.com at any depth but not
 * example.com itself; anything else is an exact host (a name, which may be an
 * IDN, or an IP literal, IPv6 with or without brackets). Wildcards elsewhere
 * (`10.*`, `api.*.com`) are problems, not silent non-matches.
 *
 * @param list - the rules.
 * @param where - the policy path used in problem reports, such as `http.denyDomains`.
 */
export function compileDomainRules(list: readonly string[], where: string): CompiledDomainRules {
  const exact = new Map<string, string>();
  const suffixes = new Map<string, string>();
  const problems: PolicyProblem[] = [];
  let any = false;
  list.forEach((rule, index) => {
    const path = `${where}[${index}]`;
    if (typeof rule !== 'string') {
      problems.push({ path, message: 'a host rule must be a string' });
      return;
    }
    if (rule === '*') {
      any = true;
      return;
    }
    const wildcard = rule.startsWith('*.');
    const body = wildcard ? rule.slice(2) : rule;
    const host = canonicalHost(body.toLowerCase());
    if (host === undefined || (wildcard && (host.startsWith('[') || parseIp(host) !== undefined))) {
      problems.push({
        path,
        message: `'${rule.slice(0, 100)}' is not a host rule; write an exact host, '*.example.com' (subdomains) or '*' (any host)`,
      });
      return;
    }
    (wildcard ? suffixes : exact).set(host, rule);
  });
  const hasSuffixes = suffixes.size > 0;
  const rules: DomainRules = {
    any,
    size: exact.size + suffixes.size + (any ? 1 : 0),
    match(host: string): string | undefined {
      const hit = exact.get(host);
      if (hit !== undefined) return hit;
      if (hasSuffixes && host.charCodeAt(0) !== 91) {
        for (let dot = host.indexOf('.'); dot >= 0; dot = host.indexOf('.', dot + 1)) {
          const suffix = suffixes.get(host.slice(dot + 1));
          if (suffix !== undefined) return suffix;
        }
      }
      return any ? '*' : undefined;
    },
  };
  return { rules: Object.freeze(rules), problems };
}
