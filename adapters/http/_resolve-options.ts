import { safeParseAgentId, ValidationError } from 'skreaver';
import { hasMethod, type OptionNames, Problems } from './_option-problems.js';
import { type ResolvedAuth, resolveAuth } from './_resolve-auth.js';
import type { HttpAgentType } from './agent-types.js';
import type { HttpOpenApiOptions, HttpRateLimitOptions, HttpRuntimeOptions } from './options.js';

export type { ResolvedAuth } from './_resolve-auth.js';

import { DEFAULT_SECURITY_HEADERS } from './security-headers.js';

const MAX_TIMER_MS = 2_147_483_647;
const MiB = 1024 * 1024;

/** Defaults of `HttpLimitsOptions`. */
export const HTTP_LIMIT_DEFAULTS = Object.freeze({
  maxBodyBytes: MiB,
  requestTimeoutMs: 30_000,
  maxInFlight: 512,
  maxInFlightPerIp: 100,
  maxQueueDepth: 100,
  maxAgents: 1000,
  maxBatchItems: 100,
  maxBatchParallel: 10,
  sseKeepAliveMs: 15_000,
  readyTimeoutMs: 2000,
});

/** Defaults of `HttpRateLimitOptions`. */
export const HTTP_RATE_LIMIT_DEFAULTS = Object.freeze({
  perIpPerMinute: 600,
  perPrincipalPerMinute: 1200,
  globalPerMinute: 0,
  burstFactor: 1,
  maxTrackedKeys: 10_000,
});

/** `[min, max]` of each limit. */
const LIMIT_RANGES: Readonly<Record<keyof typeof HTTP_LIMIT_DEFAULTS, readonly [number, number]>> =
  {
    maxBodyBytes: [1, 100 * MiB],
    requestTimeoutMs: [1, 300_000],
    maxInFlight: [1, 1_000_000],
    maxInFlightPerIp: [0, 1_000_000],
    maxQueueDepth: [0, 1_000_000],
    maxAgents: [1, 10_000_000],
    maxBatchItems: [1, 10_000],
    maxBatchParallel: [1, 1000],
    sseKeepAliveMs: [1, MAX_TIMER_MS],
    readyTimeoutMs: [1, MAX_TIMER_MS],
  };

export type ResolvedLimits = { readonly [K in keyof typeof HTTP_LIMIT_DEFAULTS]: number };

export interface ResolvedSettings {
  readonly agentTypes: ReadonlyMap<string, HttpAgentType>;
  readonly limits: ResolvedLimits;
  readonly rateLimit: { readonly [K in keyof typeof HTTP_RATE_LIMIT_DEFAULTS]: number } | undefined;
  readonly cors:
    | { readonly origin: '*' | readonly string[]; readonly maxAgeSec: number }
    | undefined;
  readonly compressionThreshold: number | undefined;
  readonly securityHeaders: Readonly<Record<string, string>>;
  readonly openapi:
    | { readonly title: string; readonly servers: readonly string[]; readonly swaggerUiUrl: string }
    | undefined;
  readonly auth: ResolvedAuth | undefined;
  readonly version: string;
}

function resolveAgentTypes(p: Problems, value: unknown): Map<string, HttpAgentType> {
  const types = new Map<string, HttpAgentType>();
  const record = p.object('agentTypes', value);
  if (Object.keys(record).length === 0) p.add('agentTypes', 'must name at least one agent type');
  for (const [name, type] of Object.entries(record)) {
    const parsed = safeParseAgentId(name);
    if (!parsed.ok || parsed.value !== name || name.length > 100) {
      p.add(
        `agentTypes['${name}']`,
        'needs a name usable as an agent id prefix (1 to 100 letters, digits, _ or -)',
      );
    } else if (!hasMethod(type, 'create')) {
      p.add(`agentTypes.${name}.create`, 'must be a function', (type as HttpAgentType)?.create);
    } else {
      types.set(name, type as HttpAgentType);
    }
  }
  return types;
}

function resolveCors(p: Problems, value: HttpRuntimeOptions['cors']): ResolvedSettings['cors'] {
  if (value === false) return undefined;
  const cors = p.object('cors', value);
  p.unknownKeys('cors.', cors, { origin: true, maxAgeSec: true });
  const origin = cors.origin ?? '*';
  if (origin !== '*') {
    if (!Array.isArray(origin)) {
      p.add('cors.origin', "must be '*' or an array of origins", origin);
    } else {
      for (const [i, entry] of origin.entries()) {
        let ok = false;
        try {
          ok = typeof entry === 'string' && new URL(entry).origin === entry;
        } catch {
          ok = false;
        }
        if (!ok)
          p.add(`cors.origin[${i}]`, 'must be an origin like https://app.example.com', entry);
      }
    }
  }
  return {
    origin: origin as '*' | readonly string[],
    maxAgeSec: p.number('cors.maxAgeSec', cors.maxAgeSec, 600, [0, 86_400]),
  };
}

/** Every option of {@link HttpRuntimeOptions}; anything else is refused. */
const RUNTIME_OPTIONS: OptionNames<HttpRuntimeOptions> = {
  agentTypes: true,
  auth: true,
  limits: true,
  rateLimit: true,
  cors: true,
  compression: true,
  securityHeaders: true,
  openapi: true,
  registry: true,
  tools: true,
  toolPolicies: true,
  guard: true,
  memory: true,
  mesh: true,
  readiness: true,
  coordinator: true,
  routes: true,
  metrics: true,
  tracer: true,
  logger: true,
  trustProxy: true,
  version: true,
  now: true,
};

const RATE_LIMIT_OPTIONS: OptionNames<HttpRateLimitOptions> = {
  perIpPerMinute: true,
  perPrincipalPerMinute: true,
  globalPerMinute: true,
  burstFactor: true,
  maxTrackedKeys: true,
};

const OPENAPI_OPTIONS: OptionNames<HttpOpenApiOptions> = {
  title: true,
  servers: true,
  swaggerUiUrl: true,
};

/**
 * Applies defaults and checks every option, reporting all problems at once.
 *
 * @throws `ValidationError` `invalid_options` listing each problem with its path.
 */
export function resolveSettings(options: HttpRuntimeOptions): ResolvedSettings {
  const p = new Problems();
  const root = p.object('options', options);
  p.unknownKeys('', root, RUNTIME_OPTIONS);
  const agentTypes = resolveAgentTypes(p, root.agentTypes);
  const limitsIn = p.object('limits', root.limits);
  const limits = {} as Record<keyof typeof HTTP_LIMIT_DEFAULTS, number>;
  for (const key of Object.keys(HTTP_LIMIT_DEFAULTS) as (keyof typeof HTTP_LIMIT_DEFAULTS)[]) {
    limits[key] = p.number(
      `limits.${key}`,
      limitsIn[key],
      HTTP_LIMIT_DEFAULTS[key],
      LIMIT_RANGES[key],
    );
  }
  p.unknownKeys('limits.', limitsIn, HTTP_LIMIT_DEFAULTS);
  let rateLimit: ResolvedSettings['rateLimit'];
  if (root.rateLimit !== false) {
    const r = p.object('rateLimit', root.rateLimit);
    p.unknownKeys('rateLimit.', r, RATE_LIMIT_OPTIONS);
    const d = HTTP_RATE_LIMIT_DEFAULTS;
    rateLimit = {
      perIpPerMinute: p.number(
        'rateLimit.perIpPerMinute',
        r.perIpPerMinute,
        d.perIpPerMinute,
        [0, 1e9],
      ),
      perPrincipalPerMinute: p.number(
        'rateLimit.perPrincipalPerMinute',
        r.perPrincipalPerMinute,
        d.perPrincipalPerMinute,
        [0, 1e9],
      ),
      globalPerMinute: p.number(
        'rateLimit.globalPerMinute',
        r.globalPerMinute,
        d.globalPerMinute,
        [0, 1e9],
      ),
      burstFactor: p.number(
        'rateLimit.burstFactor',
        r.burstFactor,
        d.burstFactor,
        [0.001, 1000],
        false,
      ),
      maxTrackedKeys: p.number(
        'rateLimit.maxTrackedKeys',
        r.maxTrackedKeys,
        d.maxTrackedKeys,
        [1, 10_000_000],
      ),
    };
  }
  let compressionThreshold: number | undefined;
  if (root.compression !== false) {
    const c = p.object('compression', root.compression);
    p.unknownKeys('compression.', c, { thresholdBytes: true });
    compressionThreshold = p.number('compression.thresholdBytes', c.thresholdBytes, 1024, [0, 1e9]);
  }
  let securityHeaders: Record<string, string> = {};
  if (root.securityHeaders !== false) {
    securityHeaders = { ...DEFAULT_SECURITY_HEADERS };
    for (const [name, value] of Object.entries(p.object('securityHeaders', root.securityHeaders))) {
      if (typeof value !== 'string' || !/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name)) {
        p.add(`securityHeaders['${name}']`, 'must be a header name with a string value', value);
      } else {
        securityHeaders[name] = value;
      }
    }
  }
  let openapi: ResolvedSettings['openapi'];
  if (root.openapi !== false) {
    const o = p.object('openapi', root.openapi);
    p.unknownKeys('openapi.', o, OPENAPI_OPTIONS);
    const servers = o.servers ?? [];
    if (!Array.isArray(servers) || servers.some((s) => typeof s !== 'string')) {
      p.add('openapi.servers', 'must be an array of URLs', servers);
    }
    openapi = {
      title: typeof o.title === 'string' ? o.title : 'Skreaver HTTP Runtime API',
      servers: Array.isArray(servers) ? (servers as string[]) : [],
      swaggerUiUrl:
        typeof o.swaggerUiUrl === 'string'
          ? o.swaggerUiUrl
          : 'https://unpkg.com/swagger-ui-dist@5.17.14',
    };
  }
  const auth = resolveAuth(p, root.auth as HttpRuntimeOptions['auth']);
  const cors = resolveCors(p, root.cors as HttpRuntimeOptions['cors']);
  if (p.list.length > 0) {
    throw new ValidationError(
      'invalid_options',
      `createHttpRuntime: invalid options:\n- ${p.list.join('\n- ')}`,
      { data: { problems: p.list } },
    );
  }
  return {
    agentTypes,
    limits,
    rateLimit,
    cors,
    compressionThreshold,
    securityHeaders,
    openapi,
    auth,
    version: typeof root.version === 'string' ? root.version : '0.0.0',
  };
}
