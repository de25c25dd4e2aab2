import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { extname, resolve } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { parseArgs } from 'node:util';
import { type Agent, createApiKeyManager, createRbac, type Logger, type Tool } from 'skreaver';
import { createJwtAuth } from 'skreaver/auth/jwt';
import {
  createHttpRuntime,
  type HttpAgentType,
  type HttpRuntimeOptions,
  httpOptionsFromEnv,
  mergeHttpOptions,
} from 'skreaver/http';
import { type ServeOptions, serve, serveOptionsFromEnv } from 'skreaver/http/node';
import { type BuiltinAgent, builtinAgents } from '../agents/index.js';
import { packageVersion } from '../help.js';
import { type OpenMemoryOptions, openMemory } from '../memory-url.js';
import { UsageError } from '../usage-error.js';

/** Where the command reads and writes (the CLI's streams). */
export interface ServeIo {
  readonly stdin?: Readable;
  readonly stdout: Writable;
  readonly stderr: Writable;
}

/** Test seams of {@link serveCommand}, besides those of `openMemory`. */
export interface ServeCommandOptions extends OpenMemoryOptions {
  /** Where `SKREAVER_*` variables come from. @defaultValue process.env */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Shuts the server down when aborted (tests); SIGTERM and SIGINT do it otherwise. @defaultValue none */
  readonly signal?: AbortSignal;
  /** Called once the server listens, with its URL and the admin API key. @defaultValue none */
  readonly onListening?: (url: string, adminKey: string | undefined) => void;
}

/** What `--config FILE` may hold (JSON, or TOML for `.toml`). */
const CONFIG_KEYS = [
  'port',
  'host',
  'memory',
  'shutdownTimeoutMs',
  'maxConnections',
  'limits',
  'rateLimit',
  'cors',
  'compression',
  'openapi',
  'trustProxy',
  'coordinator',
  'auth',
] as const;

/** What `skreaver serve --help` prints. */
export const SERVE_USAGE = `Usage: skreaver serve [--config FILE] [--port N] [--host ADDR] [--memory URL]

Serves the built-in agent types over HTTP (see docs/http.md).
  --config FILE   JSON or TOML settings: ${CONFIG_KEYS.join(', ')}
  --port N        port to listen on (default 3000; 0 picks a free one)
  --host ADDR     address to listen on (default 127.0.0.1)
  --memory URL    where agents' memory lives (default memory:)
Environment: SKREAVER_* variables override the config file, flags override both.
SKREAVER_JWT_SECRET signs tokens (a random secret is used when it is unset).
`;

interface ConfigFile {
  port?: number;
  host?: string;
  memory?: string;
  shutdownTimeoutMs?: number;
  maxConnections?: number;
  auth?: {
    enabled?: boolean;
    publicMetrics?: boolean;
    permissions?: Record<string, string | null>;
  };
  [section: string]: unknown;
}

async function readConfig(path: string, cwd: string): Promise<ConfigFile> {
  const file = resolve(cwd, path);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new UsageError(`Cannot read the config file ${file}: ${(error as Error).message}`);
  }
  let data: unknown;
  try {
    data = extname(file) === '.toml' ? (await import('smol-toml')).parse(text) : JSON.parse(text);
  } catch (error) {
    throw new UsageError(`The config file ${file} does not parse: ${(error as Error).message}`);
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    throw new UsageError(`The config file ${file} must hold an object.`);
  }
  const unknown = Object.keys(data).filter(
    (key) => !(CONFIG_KEYS as readonly string[]).includes(key),
  );
  if (unknown.length > 0) {
    throw new UsageError(
      `Unknown key${unknown.length > 1 ? 's' : ''} in ${file}: ${unknown.join(', ')}. Allowed: ${CONFIG_KEYS.join(', ')}.`,
    );
  }
  const auth = (data as ConfigFile).auth;
  if (auth !== undefined) {
    const extra =
      typeof auth === 'object' && auth !== null
        ? Object.keys(auth).filter(
            (key) => !['enabled', 'publicMetrics', 'permissions'].includes(key),
          )
        : ['(not an object)'];
    if (extra.length > 0) {
      throw new UsageError(
        `Unknown auth setting in ${file}: ${extra.join(', ')}. Allowed: enabled, publicMetrics, permissions (secrets go in SKREAVER_JWT_SECRET).`,
      );
    }
  }
  return data as ConfigFile;
}

function parsePort(text: string): number {
  if (!/^\d+$/.test(text) || Number(text) > 65_535) {
    throw new UsageError(`--port must be a number from 0 to 65535, not '${text}'.`);
  }
  return Number(text);
}

function stderrLogger(stderr: Writable): Logger {
  const line = (level: string) => (message: string, fields?: Readonly<Record<string, unknown>>) => {
    const extra = fields?.url === undefined ? '' : ` ${String(fields.url)}`;
    stderr.write(`skreaver serve: ${level}${message}${extra}\n`);
  };
  return { debug: () => {}, info: line(''), warn: line('warning: '), error: line('error: ') };
}

/** The built-in agents as HTTP agent types; one whose tools fail to load is left out. */
async function agentTypes(logger: Logger): Promise<Record<string, HttpAgentType>> {
  const types: Record<string, HttpAgentType> = {};
  for (const [name, builtin] of Object.entries(builtinAgents) as [string, BuiltinAgent][]) {
    // `tools` is a loader now; accept the older array form too.
    const load = builtin.tools as unknown as (() => Promise<readonly Tool[]>) | readonly Tool[];
    let tools: readonly Tool[];
    try {
      tools = typeof load === 'function' ? await load() : load;
    } catch (error) {
      logger.warn(`agent type '${name}' left out: ${(error as Error).message}`);
      continue;
    }
    types[name] = {
      description: builtin.summary,
      // What an agent prints as it works goes nowhere: the HTTP answer carries its result.
      create: () => builtin.create({ write: () => {} }) as unknown as Agent<unknown, unknown>,
      tools,
      ...(builtin.maxRounds === undefined ? {} : { maxRounds: builtin.maxRounds }),
    };
  }
  return types;
}

/**
 * `skreaver serve`: runs the HTTP runtime with the built-in agent types until
 * SIGTERM or SIGINT (or `options.signal`), then shuts down gracefully and
 * resolves 0. Settings come from defaults, then `--config`, then `SKREAVER_*`
 * variables, then flags.
 *
 * @throws `UsageError` for bad flags or config; `ValidationError`
 *   `invalid_options` for bad settings (naming each one); what opening the
 *   memory or listening throws.
 */
export async function serveCommand(
  argv: readonly string[],
  io: ServeIo,
  options: ServeCommandOptions = {},
): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    options: {
      config: { type: 'string', short: 'c' },
      port: { type: 'string', short: 'p' },
      host: { type: 'string' },
      memory: { type: 'string', short: 'm' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help === true) {
    io.stdout.write(SERVE_USAGE);
    return 0;
  }
  if (positionals.length > 0) throw new UsageError(`Unexpected argument '${positionals[0]}'.`);
  const env = options.env ?? process.env;
  const cwd = options.cwd ?? process.cwd();
  const config = values.config === undefined ? {} : await readConfig(values.config, cwd);
  const logger = stderrLogger(io.stderr);

  const {
    port,
    host,
    memory: memoryUrl,
    shutdownTimeoutMs,
    maxConnections,
    auth: authConfig,
    ...sections
  } = config;
  const serveOptions: ServeOptions = {
    ...(port === undefined ? {} : { port }),
    ...(host === undefined ? {} : { host }),
    ...(shutdownTimeoutMs === undefined ? {} : { shutdownTimeoutMs }),
    ...(maxConnections === undefined ? {} : { maxConnections }),
    ...serveOptionsFromEnv(env),
    ...(values.port === undefined ? {} : { port: parsePort(values.port) }),
    ...(values.host === undefined ? {} : { host: values.host }),
    logger,
    // The command handles the signals itself, so that it can resolve its exit code.
    signals: false,
  };

  let auth: HttpRuntimeOptions['auth'] = false;
  let adminKey: string | undefined;
  if (authConfig?.enabled !== false) {
    const configured = env.SKREAVER_JWT_SECRET;
    if (configured === undefined || configured === '') {
      logger.warn(
        'SKREAVER_JWT_SECRET is not set: tokens are signed with a random secret and stop working when the server stops.',
      );
    }
    const jwt = createJwtAuth({ secret: configured || randomBytes(32).toString('base64url') });
    const apiKeys = createApiKeyManager();
    adminKey = (await apiKeys.issue({ id: 'admin', roles: ['admin'] }, { name: 'skreaver serve' }))
      .key;
    auth = {
      tokens: jwt,
      apiKeys,
      issuer: jwt,
      rbac: createRbac({ defaultDeny: false }),
      ...(authConfig?.publicMetrics === undefined
        ? {}
        : { publicMetrics: authConfig.publicMetrics }),
      ...(authConfig?.permissions === undefined ? {} : { permissions: authConfig.permissions }),
    };
  }

  const types = await agentTypes(logger);
  const memory = await openMemory(values.memory ?? memoryUrl ?? 'memory:', options);
  let runtime: ReturnType<typeof createHttpRuntime>;
  try {
    runtime = createHttpRuntime(
      mergeHttpOptions(
        { agentTypes: types, auth, memory, logger, version: versionOrUnknown() },
        sections as Partial<HttpRuntimeOptions>,
        httpOptionsFromEnv(env),
      ),
    );
  } catch (error) {
    await memory.close?.();
    throw error;
  }
  let server: Awaited<ReturnType<typeof serve>>;
  try {
    server = await serve(runtime, serveOptions);
  } catch (error) {
    await runtime.close({ resources: true });
    throw error;
  }
  io.stderr.write(
    `skreaver serve: agent types ${Object.keys(types).join(', ')}; docs at ${server.url}/docs\n`,
  );
  if (adminKey !== undefined) {
    io.stderr.write(`skreaver serve: admin API key (shown once): ${adminKey}\n`);
  }
  options.onListening?.(server.url, adminKey);

  await new Promise<void>((resolveStop) => {
    if (options.signal !== undefined) {
      if (options.signal.aborted) resolveStop();
      else options.signal.addEventListener('abort', () => resolveStop(), { once: true });
      return;
    }
    const stop = () => {
      process.off('SIGTERM', stop);
      process.off('SIGINT', stop);
      resolveStop();
    };
    process.once('SIGTERM', stop);
    process.once('SIGINT', stop);
  });
  await server.shutdown();
  return 0;
}

function versionOrUnknown(): string {
  try {
    return packageVersion();
  } catch {
    // A bundle without the package next to it (tests) has no version to read.
    return '0.0.0';
  }
}
