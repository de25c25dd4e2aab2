import { ValidationError } from 'skreaver';
import type { HttpRuntimeOptions } from './options.js';

/** The options that environment variables can set. */
export type HttpEnvOptions = Partial<
  Pick<
    HttpRuntimeOptions,
    'limits' | 'rateLimit' | 'cors' | 'compression' | 'openapi' | 'trustProxy' | 'coordinator'
  >
> & {
  /** `auth.publicMetrics`, merged into `auth` by {@link mergeHttpOptions}. */
  readonly publicMetrics?: boolean;
};

/** How an environment variable's text is read. */
export type HttpEnvKind = 'int' | 'seconds' | 'bool' | 'list';

/** One `SKREAVER_*` variable the runtime reads. */
export interface HttpEnvVariable {
  /** How its text is read. */
  readonly kind: HttpEnvKind;
  /** Where the value goes: `limits.maxBodyBytes`, or a section like `cors`. */
  readonly target: string;
  /**
   * For a switch: what `false` writes to `target` (`true` leaves the
   * defaults alone). `cors: false` turns CORS off, for one.
   */
  readonly off?: false | 0;
  /** Smallest value accepted (numbers). */
  readonly min?: number;
  /** Largest value accepted (numbers). */
  readonly max?: number;
  /** What it sets, for error messages and docs. */
  readonly description: string;
}

/**
 * The environment variables `httpOptionsFromEnv` reads, with the option
 * each one sets. Names follow the Rust original where it had one.
 */
export const HTTP_ENV_VARIABLES: Readonly<Record<string, HttpEnvVariable>> = Object.freeze({
  SKREAVER_REQUEST_TIMEOUT_SECS: {
    kind: 'seconds',
    target: 'limits.requestTimeoutMs',
    min: 1,
    max: 300,
    description: 'request deadline, seconds',
  },
  SKREAVER_MAX_BODY_SIZE: {
    kind: 'int',
    target: 'limits.maxBodyBytes',
    min: 1,
    max: 104_857_600,
    description: 'largest request body, bytes',
  },
  SKREAVER_BACKPRESSURE_MAX_QUEUE_SIZE: {
    kind: 'int',
    target: 'limits.maxQueueDepth',
    min: 0,
    max: 1_000_000,
    description: 'steps waiting per agent',
  },
  SKREAVER_BACKPRESSURE_GLOBAL_MAX_CONCURRENT: {
    kind: 'int',
    target: 'limits.maxInFlight',
    min: 1,
    max: 1_000_000,
    description: 'requests in flight',
  },
  SKREAVER_BACKPRESSURE_PROCESSING_TIMEOUT_SECS: {
    kind: 'seconds',
    target: 'coordinator.stepTimeoutMs',
    min: 1,
    max: 2_147_483,
    description: 'step deadline, seconds',
  },
  SKREAVER_CONNECTION_LIMIT_PER_IP: {
    kind: 'int',
    target: 'limits.maxInFlightPerIp',
    min: 0,
    max: 1_000_000,
    description: 'requests in flight per client address',
  },
  SKREAVER_CONNECTION_LIMIT_ENABLED: {
    kind: 'bool',
    off: 0,
    target: 'limits.maxInFlightPerIp',
    description: 'false turns the per-address limit off',
  },
  SKREAVER_MAX_AGENTS: {
    kind: 'int',
    target: 'limits.maxAgents',
    min: 1,
    max: 10_000_000,
    description: 'agent instances',
  },
  SKREAVER_MAX_BATCH_SIZE: {
    kind: 'int',
    target: 'limits.maxBatchItems',
    min: 1,
    max: 10_000,
    description: 'inputs per batch',
  },
  SKREAVER_RATE_LIMIT_ENABLED: {
    kind: 'bool',
    off: false,
    target: 'rateLimit',
    description: 'false turns rate limiting off',
  },
  SKREAVER_RATE_LIMIT_GLOBAL_RPM: {
    kind: 'int',
    target: 'rateLimit.globalPerMinute',
    min: 0,
    max: 1e9,
    description: 'requests per minute, all clients (0: off)',
  },
  SKREAVER_RATE_LIMIT_PER_IP_RPM: {
    kind: 'int',
    target: 'rateLimit.perIpPerMinute',
    min: 0,
    max: 1e9,
    description: 'requests per minute per address (0: off)',
  },
  SKREAVER_RATE_LIMIT_PER_USER_RPM: {
    kind: 'int',
    target: 'rateLimit.perPrincipalPerMinute',
    min: 0,
    max: 1e9,
    description: 'requests per minute per principal (0: off)',
  },
  SKREAVER_ENABLE_CORS: {
    kind: 'bool',
    off: false,
    target: 'cors',
    description: 'false sends no CORS headers',
  },
  SKREAVER_CORS_ORIGINS: {
    kind: 'list',
    target: 'cors.origin',
    description: "allowed origins, comma-separated, or '*'",
  },
  SKREAVER_ENABLE_OPENAPI: {
    kind: 'bool',
    off: false,
    target: 'openapi',
    description: 'false removes /openapi.json and /docs',
  },
  SKREAVER_ENABLE_COMPRESSION: {
    kind: 'bool',
    off: false,
    target: 'compression',
    description: 'false turns compression off',
  },
  SKREAVER_PUBLIC_METRICS: {
    kind: 'bool',
    target: 'publicMetrics',
    description: 'false makes /metrics need metrics:view',
  },
  SKREAVER_TRUST_PROXY: {
    kind: 'bool',
    target: 'trustProxy',
    description: 'take the client address from X-Forwarded-For',
  },
});

const TRUE = new Set(['true', '1', 'yes', 'on']);
const FALSE = new Set(['false', '0', 'no', 'off']);

/**
 * Parses one environment value.
 *
 * @returns the value, or a problem text.
 */
export function parseEnvValue(
  name: string,
  raw: string,
  spec: { readonly kind: HttpEnvKind; readonly min?: number; readonly max?: number },
): { ok: true; value: number | boolean | string[] } | { ok: false; problem: string } {
  const text = raw.trim();
  const bad = (expected: string) => ({
    ok: false as const,
    problem: `Invalid environment variable '${name}': expected ${expected}, got '${raw}'.`,
  });
  switch (spec.kind) {
    case 'bool': {
      const lower = text.toLowerCase();
      if (TRUE.has(lower)) return { ok: true, value: true };
      if (FALSE.has(lower)) return { ok: true, value: false };
      return bad('true/false/1/0/yes/no/on/off');
    }
    case 'list': {
      const items = text
        .split(',')
        .map((item) => item.trim())
        .filter((item) => item !== '');
      return items.length === 0 ? bad('a comma-separated list') : { ok: true, value: items };
    }
    default: {
      const min = spec.min ?? 0;
      const max = spec.max ?? Number.MAX_SAFE_INTEGER;
      if (!/^\d+$/.test(text) || Number(text) < min || Number(text) > max) {
        return bad(`an integer from ${min} to ${max}`);
      }
      return { ok: true, value: spec.kind === 'seconds' ? Number(text) * 1000 : Number(text) };
    }
  }
}

function setPath(target: Record<string, unknown>, path: string, value: unknown): void {
  const [head, tail] = path.split('.') as [string, string | undefined];
  if (tail === undefined) {
    target[head] = value;
    return;
  }
  const inner = target[head];
  const section = typeof inner === 'object' && inner !== null ? inner : {};
  target[head] = { ...section, [tail]: value };
}

/**
 * Reads `SKREAVER_*` variables (see {@link HTTP_ENV_VARIABLES}) into
 * runtime options. Pass the environment explicitly (`process.env` on Node),
 * so the runtime itself stays free of Node globals. Unset and empty
 * variables are ignored.
 *
 * @throws `ValidationError` `invalid_options` naming every bad variable and what it expects.
 * @example
 * ```ts
 * const runtime = createHttpRuntime(mergeHttpOptions(options, httpOptionsFromEnv(process.env)));
 * ```
 */
export function httpOptionsFromEnv(
  env: Readonly<Record<string, string | undefined>>,
): HttpEnvOptions {
  const out: Record<string, unknown> = {};
  const problems: string[] = [];
  const switchedOff = new Set<string>();
  // Switches first, so a section turned off is not rebuilt by its fields.
  const names = Object.keys(HTTP_ENV_VARIABLES).sort(
    (a, b) =>
      Number(HTTP_ENV_VARIABLES[b]?.off !== undefined) -
      Number(HTTP_ENV_VARIABLES[a]?.off !== undefined),
  );
  for (const name of names) {
    const raw = env[name];
    const spec = HTTP_ENV_VARIABLES[name];
    if (raw === undefined || raw.trim() === '' || spec === undefined) continue;
    const parsed = parseEnvValue(name, raw, spec);
    if (!parsed.ok) {
      problems.push(parsed.problem);
      continue;
    }
    let value: unknown = parsed.value;
    if (spec.off !== undefined) {
      if (value === true) continue;
      value = spec.off;
      switchedOff.add(spec.target);
    } else if ([...switchedOff].some((t) => spec.target === t || spec.target.startsWith(`${t}.`))) {
      continue; // its switch turned it off
    } else if (Array.isArray(value) && value.includes('*')) {
      value = '*';
    }
    setPath(out, spec.target, value);
  }
  if (problems.length > 0) {
    throw new ValidationError('invalid_options', problems.join('\n'), { data: { problems } });
  }
  return out as HttpEnvOptions;
}

/** One layer of options `mergeHttpOptions` merges (later layers win). */
export type HttpOptionsLayer = Partial<HttpRuntimeOptions> & { readonly publicMetrics?: boolean };

/**
 * Merges option layers left to right (later wins), section by section:
 * `limits`, `rateLimit`, `cors`, `openapi`, `compression`, `coordinator` are
 * merged field by field; `false` in a later layer turns a section off;
 * `publicMetrics` lands in `auth` unless auth is off.
 */
export function mergeHttpOptions(
  base: HttpRuntimeOptions,
  ...layers: HttpOptionsLayer[]
): HttpRuntimeOptions {
  const merged: Record<string, unknown> = { ...base };
  const sections = ['limits', 'rateLimit', 'cors', 'openapi', 'compression', 'coordinator'];
  for (const layer of layers) {
    for (const [key, value] of Object.entries(layer)) {
      if (value === undefined) continue;
      if (key === 'publicMetrics') {
        if (merged.auth !== false && typeof merged.auth === 'object') {
          merged.auth = { ...(merged.auth as object), publicMetrics: value };
        }
      } else if (sections.includes(key) && typeof value === 'object' && value !== null) {
        const current = merged[key];
        merged[key] = {
          ...(typeof current === 'object' && current !== null ? current : {}),
          ...value,
        };
      } else {
        merged[key] = value;
      }
    }
  }
  return merged as unknown as HttpRuntimeOptions;
}
