import { createRbac, type Rbac, type TokenVerifier } from 'skreaver';
import { hasMethod, type OptionNames, type Problems } from './_option-problems.js';
import { HTTP_ROUTE_PERMISSIONS, type HttpOperationId } from './_routes.js';
import type {
  ApiKeyVerifier,
  HttpAuthOptions,
  HttpRuntimeOptions,
  TokenIssuer,
} from './options.js';

/** `HttpAuthOptions` with defaults applied. */
export interface ResolvedAuth {
  readonly tokens: TokenVerifier | undefined;
  readonly apiKeys: ApiKeyVerifier | undefined;
  readonly issuer: TokenIssuer | undefined;
  readonly rbac: Rbac;
  readonly permissions: Readonly<Record<HttpOperationId, string | null>>;
  readonly publicMetrics: boolean;
  readonly cacheMs: number;
  readonly cacheMaxEntries: number;
}

/** Every option of {@link HttpAuthOptions}. */
const AUTH_OPTIONS: OptionNames<HttpAuthOptions> = {
  tokens: true,
  apiKeys: true,
  issuer: true,
  rbac: true,
  permissions: true,
  publicMetrics: true,
  cacheMs: true,
  cacheMaxEntries: true,
};

/** Checks `auth` and applies its defaults; undefined when auth is off (or broken). */
export function resolveAuth(
  p: Problems,
  value: HttpRuntimeOptions['auth'],
): ResolvedAuth | undefined {
  if (value === false) return undefined;
  if (value === undefined) {
    p.add('auth', 'is required: give { tokens, apiKeys } or false to serve without authentication');
    return undefined;
  }
  const auth = p.object('auth', value);
  p.unknownKeys('auth.', auth, AUTH_OPTIONS);
  const { tokens, apiKeys, issuer, rbac, permissions, publicMetrics, cacheMs, cacheMaxEntries } =
    auth;
  if (tokens === undefined && apiKeys === undefined) {
    p.add('auth', 'needs `tokens` (a TokenVerifier) or `apiKeys` (an API key manager), or both');
  }
  if (tokens !== undefined && !hasMethod(tokens, 'verify'))
    p.add('auth.tokens', 'must have a verify method');
  if (apiKeys !== undefined && !hasMethod(apiKeys, 'verify'))
    p.add('auth.apiKeys', 'must have a verify method');
  if (issuer !== undefined && !hasMethod(issuer, 'issue'))
    p.add('auth.issuer', 'must have an issue method');
  if (rbac !== undefined && !hasMethod(rbac, 'hasPermission'))
    p.add('auth.rbac', 'must be an Rbac');
  if (publicMetrics !== undefined && typeof publicMetrics !== 'boolean') {
    p.add('auth.publicMetrics', 'must be a boolean', publicMetrics);
  }
  const resolved: Record<string, string | null> = { ...HTTP_ROUTE_PERMISSIONS };
  for (const [operation, permission] of Object.entries(p.object('auth.permissions', permissions))) {
    if (!(operation in HTTP_ROUTE_PERMISSIONS)) {
      p.add(
        `auth.permissions.${operation}`,
        `is not an operation id (known: ${Object.keys(HTTP_ROUTE_PERMISSIONS).join(', ')})`,
      );
    } else if (permission !== null && (typeof permission !== 'string' || permission === '')) {
      p.add(`auth.permissions.${operation}`, 'must be a permission string or null', permission);
    } else {
      resolved[operation] = permission as string | null;
    }
  }
  return {
    tokens: tokens as TokenVerifier | undefined,
    apiKeys: apiKeys as ApiKeyVerifier | undefined,
    issuer: issuer as TokenIssuer | undefined,
    rbac: (rbac as Rbac | undefined) ?? createRbac({ defaultDeny: false }),
    permissions: resolved as Record<HttpOperationId, string | null>,
    publicMetrics: (publicMetrics as boolean | undefined) ?? true,
    cacheMs: p.number('auth.cacheMs', cacheMs, 5000, [0, 3_600_000]),
    cacheMaxEntries: p.number('auth.cacheMaxEntries', cacheMaxEntries, 10_000, [1, 10_000_000]),
  };
}
