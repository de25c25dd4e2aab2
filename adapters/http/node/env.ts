import { ValidationError } from 'skreaver';
import { parseEnvValue } from 'skreaver/http';
import type { ServeOptions } from './options.js';

/** The environment variables `serveOptionsFromEnv` reads. */
export const SERVE_ENV_VARIABLES = Object.freeze({
  SKREAVER_HOST: { kind: 'text', target: 'host', description: 'address to listen on' },
  SKREAVER_PORT: {
    kind: 'int',
    target: 'port',
    min: 0,
    max: 65_535,
    description: 'port (0: any free one)',
  },
  SKREAVER_CONNECTION_LIMIT_MAX: {
    kind: 'int',
    target: 'maxConnections',
    min: 1,
    max: 10_000_000,
    description: 'open TCP connections',
  },
  SKREAVER_SHUTDOWN_TIMEOUT_SECS: {
    kind: 'seconds',
    target: 'shutdownTimeoutMs',
    min: 0,
    max: 3600,
    description: 'grace period for requests in flight on shutdown',
  },
} as const);

type Writable = { -readonly [K in keyof ServeOptions]?: ServeOptions[K] };

/**
 * Reads the `SKREAVER_*` server variables (see {@link SERVE_ENV_VARIABLES}).
 * Unset and empty variables are ignored.
 *
 * @throws `ValidationError` `invalid_options` naming every bad variable.
 */
export function serveOptionsFromEnv(
  env: Readonly<Record<string, string | undefined>>,
): ServeOptions {
  const out: Writable = {};
  const problems: string[] = [];
  for (const [name, spec] of Object.entries(SERVE_ENV_VARIABLES)) {
    const raw = env[name];
    if (raw === undefined || raw.trim() === '') continue;
    if (spec.target === 'host') {
      out.host = raw.trim();
      continue;
    }
    const parsed = parseEnvValue(name, raw, spec);
    if (!parsed.ok) problems.push(parsed.problem);
    else (out as Record<string, unknown>)[spec.target] = parsed.value;
  }
  if (problems.length > 0) {
    throw new ValidationError('invalid_options', problems.join('\n'), { data: { problems } });
  }
  return out;
}
