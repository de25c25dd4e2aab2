import { isTable, type Translation, unknownKey } from './_context.js';
import type { TomlPath } from './_locate.js';
import { SKIP, type Special, seconds } from './_rules.js';

type Out = Record<string, unknown>;
/** Where translated fields go: a policy section object, its policy path, the translation. */
interface Dest {
  readonly out: Out;
  readonly outPath: string;
  readonly t: Translation;
}
type Handler = (value: unknown, at: TomlPath) => void;

/** Runs `handlers` over the keys of an inner table of the original layout. */
function inner(
  value: unknown,
  at: TomlPath,
  t: Translation,
  where: string,
  handlers: Record<string, Handler>,
): void {
  if (!isTable(value)) {
    t.problem(at, `must be a table (${where})`);
    return;
  }
  for (const [key, field] of Object.entries(value)) {
    const handler = Object.hasOwn(handlers, key) ? handlers[key] : undefined;
    if (handler === undefined)
      t.problem([...at, key], unknownKey(key, Object.keys(handlers), where));
    else handler(field, [...at, key]);
  }
}

/** The single `Variant = { ... }` of an externally tagged enum, or undefined. */
function variant(value: unknown): [string, unknown] | undefined {
  if (!isTable(value)) return undefined;
  const entries = Object.entries(value);
  return entries.length === 1 ? entries[0] : undefined;
}

/** `[fs] access = "Disabled"` or `{ Enabled = { symlink_behavior = "NoFollow", content_scanning = ... } }`. */
export const fsAccess: Special = (value, at, out, outPath, t) => {
  if (value === 'Disabled') {
    t.set(out, outPath, 'enabled', false, at);
    return;
  }
  const tagged = variant(value);
  if (tagged?.[0] !== 'Enabled') {
    t.problem(
      at,
      'must be "Disabled" or { Enabled = { symlink_behavior = "Follow" | "NoFollow" } } (the original layout); or write enabled = true/false',
    );
    return;
  }
  const where = [...at, 'Enabled'];
  t.set(out, outPath, 'enabled', true, where);
  inner(tagged[1], where, t, 'fs.access.Enabled', {
    symlink_behavior: (v, p) => {
      if (v === 'Follow' || v === 'NoFollow')
        t.set(out, outPath, 'followSymlinks', v === 'Follow', p);
      else t.problem(p, `must be "Follow" or "NoFollow", got ${JSON.stringify(v)}`);
    },
    content_scanning: (_v, p) =>
      t.warn(p, 'has no effect here: secrets are scanned per [secrets] on_input and on_output'),
  });
};

const IP_PREFIX = /^\d{1,3}(?:\.\d{1,3}){0,2}\.\*$/;

/** Copies a domain list, recording where each kept entry came from. */
function domains(
  value: unknown,
  at: TomlPath,
  dest: Dest,
  target: string,
  options: { emptyMeansAll: boolean; dropIpPrefixes: boolean },
): void {
  const { out, outPath, t } = dest;
  const path = `${outPath}.${target}`;
  if (!Array.isArray(value)) {
    t.set(out, outPath, target, value, at);
    return;
  }
  if (value.length === 0 && options.emptyMeansAll) {
    t.warn(
      at,
      "an empty list allowed every domain in the original; it becomes ['*'] (any public host)",
    );
    t.set(out, outPath, target, ['*'], at);
    return;
  }
  const kept: unknown[] = [];
  value.forEach((entry, index) => {
    if (options.dropIpPrefixes && typeof entry === 'string' && IP_PREFIX.test(entry)) {
      t.warn(
        [...at, index],
        `'${entry}' is dropped: private ranges are refused while allow_local is false`,
      );
      return;
    }
    t.sources.set(`${path}[${kept.length}]`, [...at, index]);
    kept.push(entry);
  });
  t.set(out, outPath, target, kept, at);
}

/** A handler that sets `target` as given. */
const to =
  ({ out, outPath, t }: Dest, target: string): Handler =>
  (v, p) =>
    t.set(out, outPath, target, v, p);

/** A handler for the original's timeouts in seconds. */
const timeout =
  ({ out, outPath, t }: Dest): Handler =>
  (v, p) => {
    const ms = seconds(v, p, t);
    if (ms !== SKIP) t.set(out, outPath, 'timeoutMs', ms, p);
  };

function internetAccess(value: unknown, at: TomlPath, dest: Dest): void {
  const local = isTable(value) ? value.allow_local : undefined;
  inner(value, at, dest.t, 'http.access.InternetAccess', {
    allow_domains: (v, p) =>
      domains(v, p, dest, 'allowDomains', { emptyMeansAll: true, dropIpPrefixes: false }),
    deny_domains: (v, p) =>
      domains(v, p, dest, 'denyDomains', { emptyMeansAll: false, dropIpPrefixes: local !== true }),
    allow_local: to(dest, 'allowPrivateNetworks'),
    timeout: timeout(dest),
    max_response_size: to(dest, 'maxResponseBytes'),
    max_redirects: to(dest, 'maxRedirects'),
    user_agent: to(dest, 'userAgent'),
  });
}

/** The later original layout: `Internet = { config = {...}, domain_filter = ..., include_local, ... }`. */
function internet(value: unknown, at: TomlPath, dest: Dest): void {
  const t = dest.t;
  inner(value, at, t, 'http.access.Internet', {
    config: (v, p) =>
      inner(v, p, t, 'http.access.Internet.config', {
        timeout: timeout(dest),
        max_response_size: to(dest, 'maxResponseBytes'),
      }),
    domain_filter: (v, p) => {
      if (v === 'AllowAll') {
        t.set(dest.out, dest.outPath, 'allowDomains', ['*'], p);
        return;
      }
      const tagged = variant(v);
      if (tagged?.[0] !== 'AllowList') {
        t.problem(
          p,
          'must be "AllowAll" or { AllowList = { allow_list = [...], deny_list = [...] } }',
        );
        return;
      }
      const plain = { emptyMeansAll: false, dropIpPrefixes: false };
      inner(tagged[1], [...p, 'AllowList'], t, 'http.access.Internet.domain_filter.AllowList', {
        allow_list: (d, q) => domains(d, q, dest, 'allowDomains', plain),
        deny_list: (d, q) => domains(d, q, dest, 'denyDomains', plain),
      });
    },
    include_local: to(dest, 'allowPrivateNetworks'),
    max_redirects: to(dest, 'maxRedirects'),
    user_agent: to(dest, 'userAgent'),
  });
}

/** `[http] access = "Disabled" | { LocalOnly = {...} } | { InternetAccess = {...} } | { Internet = {...} }`. */
export const httpAccess: Special = (value, at, out, outPath, t) => {
  const dest: Dest = { out, outPath, t };
  if (value === 'Disabled') {
    t.set(out, outPath, 'enabled', false, at);
    return;
  }
  const tagged = variant(value);
  const kind = tagged?.[0];
  if (
    tagged === undefined ||
    (kind !== 'LocalOnly' && kind !== 'InternetAccess' && kind !== 'Internet')
  ) {
    t.problem(
      at,
      'must be "Disabled", { LocalOnly = {...} }, { InternetAccess = {...} } or { Internet = {...} } (the original layout); or write enabled = true/false',
    );
    return;
  }
  const where = [...at, kind];
  t.set(out, outPath, 'enabled', true, where);
  if (kind === 'LocalOnly') {
    t.warn(
      where,
      "LocalOnly becomes allow_domains ['localhost', '127.0.0.1', '[::1]'] with allow_private_networks = true",
    );
    t.set(out, outPath, 'allowDomains', ['localhost', '127.0.0.1', '[::1]'], where);
    t.set(out, outPath, 'allowPrivateNetworks', true, where);
    inner(tagged[1], where, t, 'http.access.LocalOnly', {
      timeout: timeout(dest),
      max_response_size: to(dest, 'maxResponseBytes'),
    });
  } else if (kind === 'InternetAccess') internetAccess(tagged[1], where, dest);
  else internet(tagged[1], where, dest);
};
