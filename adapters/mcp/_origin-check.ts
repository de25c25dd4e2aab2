/*
 * DNS rebinding defence for the Streamable HTTP endpoint. A page on
 * evil.example whose name later resolves to 127.0.0.1 can make the browser
 * talk to a local MCP server; the browser still sends `Host: evil.example`
 * and `Origin: http://evil.example`, so both are checked against allow
 * lists. Requests without `Origin` (non-browser clients) pass the origin
 * check; `Host` is always required.
 */

/** Hosts allowed by default: loopback only. */
export const LOOPBACK_HOSTS: readonly string[] = Object.freeze(['localhost', '127.0.0.1', '[::1]']);

/** A host rule: a host name, optionally with a port that must then match exactly. */
interface HostRule {
  readonly host: string;
  readonly port: string | undefined;
}

/** Splits `host[:port]` (IPv6 in brackets) into lower-cased host and port. */
function splitHost(value: string): HostRule | undefined {
  const text = value.trim().toLowerCase();
  if (text === '') return undefined;
  if (text.startsWith('[')) {
    const close = text.indexOf(']');
    if (close === -1) return undefined;
    const rest = text.slice(close + 1);
    if (rest !== '' && !/^:\d{1,5}$/.test(rest)) return undefined;
    return { host: text.slice(0, close + 1), port: rest === '' ? undefined : rest.slice(1) };
  }
  const colon = text.lastIndexOf(':');
  if (colon === -1) return { host: text, port: undefined };
  const port = text.slice(colon + 1);
  if (!/^\d{1,5}$/.test(port) || text.indexOf(':') !== colon) return undefined;
  return { host: text.slice(0, colon), port };
}

function matches(rules: readonly HostRule[], candidate: HostRule): boolean {
  return rules.some(
    (rule) =>
      rule.host === candidate.host && (rule.port === undefined || rule.port === candidate.port),
  );
}

/** Why a request was refused. */
export type OriginRefusal = 'host_missing' | 'host_not_allowed' | 'origin_not_allowed';

/** A compiled check: returns why a request is refused, or undefined. */
export type OriginCheck = (host: string | null, origin: string | null) => OriginRefusal | undefined;

/**
 * Compiles the allow lists. `allowedHosts` are host names (with an optional
 * `:port`); `allowedOrigins` are exact origins (`https://app.example.com`),
 * and an origin whose host passes `allowedHosts` is allowed too, so the
 * defaults accept `http://localhost:5173`.
 */
export function compileOriginCheck(
  allowedHosts: readonly string[],
  allowedOrigins: readonly string[],
): OriginCheck {
  const hostRules = allowedHosts
    .map((entry) => splitHost(entry))
    .filter((rule): rule is HostRule => rule !== undefined);
  const origins = new Set(allowedOrigins.map((origin) => origin.trim().toLowerCase()));
  return (host, origin) => {
    const parsedHost = host === null ? undefined : splitHost(host);
    if (parsedHost === undefined) return 'host_missing';
    if (!matches(hostRules, parsedHost)) return 'host_not_allowed';
    if (origin === null) return undefined;
    const lowered = origin.trim().toLowerCase();
    if (origins.has(lowered)) return undefined;
    let url: URL;
    try {
      url = new URL(lowered);
    } catch {
      return 'origin_not_allowed';
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return 'origin_not_allowed';
    if (url.origin !== lowered) return 'origin_not_allowed';
    const originHost = splitHost(url.host);
    if (originHost === undefined || !matches(hostRules, originHost)) return 'origin_not_allowed';
    return undefined;
  };
}
