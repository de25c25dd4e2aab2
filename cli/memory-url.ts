import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { inMemoryMemory, type Memory } from 'skreaver';
import { UsageError } from './usage-error.js';

/** The memory URL forms, for `--help` and error messages. */
export const MEMORY_URL_FORMS = `  memory:                                 in this process only, gone at exit (the default)
  file:./state.json                       a JSON file, relative or absolute (file:///abs/path too)
  sqlite:./state.db[?namespace=NAME]      a SQLite database (sqlite::memory: for a private one)
  postgres://user@host:port/db[?namespace=NAME]   PostgreSQL (postgresql:// too)
  redis://host:port/db[?prefix=PREFIX]    Redis (rediss:// for TLS)`;

/** What a memory URL says to open. */
export type MemoryUrlSpec =
  | { readonly kind: 'memory' }
  | { readonly kind: 'file'; readonly path: string }
  | { readonly kind: 'sqlite'; readonly path: string; readonly namespace?: string }
  | { readonly kind: 'postgres'; readonly connectionString: string; readonly namespace?: string }
  | { readonly kind: 'redis'; readonly url: string; readonly prefix?: string };

/** The adapter module behind each URL kind. */
export interface AdapterModules {
  readonly file: typeof import('skreaver/memory/file');
  readonly sqlite: typeof import('skreaver/memory/sqlite');
  readonly postgres: typeof import('skreaver/memory/postgres');
  readonly redis: typeof import('skreaver/memory/redis');
}

type AdapterKind = keyof AdapterModules;

/** Loads an adapter's module; the CLI imports them only when a URL needs one. */
export type AdapterLoader = <K extends AdapterKind>(kind: K) => Promise<AdapterModules[K]>;

/** Options of {@link openMemory}. */
export interface OpenMemoryOptions {
  /** Directory relative `file:` and `sqlite:` paths start from. @defaultValue process.cwd() */
  readonly cwd?: string;
  /** How adapter modules are loaded (tests replace it). @defaultValue dynamic `import()` of the subpath */
  readonly load?: AdapterLoader;
}

/** The optional peer package each adapter needs. */
const PEERS: Readonly<Record<AdapterKind, string | undefined>> = {
  file: undefined,
  sqlite: 'better-sqlite3',
  postgres: 'pg',
  redis: 'ioredis',
};

/** Hides a password in a URL before it goes into a message. */
export function redactUrl(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/[^/@:]*:)[^/@]*@/i, '$1***@');
}

function badUrl(url: string, why: string): UsageError {
  return new UsageError(
    `Bad memory URL '${redactUrl(url)}': ${why}. Accepted forms:\n${MEMORY_URL_FORMS}`,
  );
}

/** `rest` of a `file:`/`sqlite:` URL as an absolute path. */
function localPath(url: string, rest: string, cwd: string): string {
  if (rest === '') throw badUrl(url, 'the path is empty');
  if (!rest.startsWith('//')) return resolve(cwd, rest);
  try {
    return fileURLToPath(`file:${rest}`);
  } catch (error) {
    throw badUrl(url, (error as Error).message);
  }
}

/** Takes the one allowed query parameter out of `params`, refusing any other. */
function takeParam(url: string, params: URLSearchParams, name: string): string | undefined {
  for (const key of params.keys()) {
    if (key !== name) throw badUrl(url, `unknown parameter '${key}' (only ${name} is read here)`);
  }
  const value = params.get(name);
  if (value === '') throw badUrl(url, `${name} is empty`);
  return value ?? undefined;
}

/** A server URL with its skreaver parameter taken out (the driver would read it otherwise). */
function serverUrl(url: string, param: string): { rest: string; value?: string } {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw badUrl(url, 'it does not parse as a URL');
  }
  if (!url.slice(parsed.protocol.length).startsWith('//')) {
    throw badUrl(url, `expected ${parsed.protocol}//host`);
  }
  if (!parsed.searchParams.has(param)) return { rest: url };
  const value = parsed.searchParams.get(param);
  if (value === '') throw badUrl(url, `${param} is empty`);
  parsed.searchParams.delete(param);
  return { rest: parsed.toString(), value: value as string };
}

/**
 * Reads a memory URL (see {@link MEMORY_URL_FORMS}) without opening anything.
 *
 * @throws {@link UsageError} naming the accepted forms.
 */
export function parseMemoryUrl(url: string, cwd: string = process.cwd()): MemoryUrlSpec {
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(url)?.[1]?.toLowerCase();
  if (scheme === undefined) throw badUrl(url, 'it has no scheme');
  const rest = url.slice(scheme.length + 1);
  switch (scheme) {
    case 'memory':
      if (rest !== '') throw badUrl(url, "write just 'memory:'");
      return { kind: 'memory' };
    case 'file':
      return { kind: 'file', path: localPath(url, rest, cwd) };
    case 'sqlite': {
      const query = rest.indexOf('?');
      const where = query === -1 ? rest : rest.slice(0, query);
      const params = new URLSearchParams(query === -1 ? '' : rest.slice(query + 1));
      const namespace = takeParam(url, params, 'namespace');
      const path = where === ':memory:' ? where : localPath(url, where, cwd);
      return { kind: 'sqlite', path, ...(namespace === undefined ? {} : { namespace }) };
    }
    case 'postgres':
    case 'postgresql': {
      const { rest: connectionString, value } = serverUrl(url, 'namespace');
      return {
        kind: 'postgres',
        connectionString,
        ...(value === undefined ? {} : { namespace: value }),
      };
    }
    case 'redis':
    case 'rediss': {
      const { rest: redisUrl, value } = serverUrl(url, 'prefix');
      return { kind: 'redis', url: redisUrl, ...(value === undefined ? {} : { prefix: value }) };
    }
    default:
      throw badUrl(url, `unknown scheme '${scheme}:'`);
  }
}

const defaultLoad: AdapterLoader = <K extends AdapterKind>(kind: K) => {
  // Literal specifiers, so bundlers and type checks see each subpath.
  const modules: { readonly [P in AdapterKind]: () => Promise<AdapterModules[P]> } = {
    file: () => import('skreaver/memory/file'),
    sqlite: () => import('skreaver/memory/sqlite'),
    postgres: () => import('skreaver/memory/postgres'),
    redis: () => import('skreaver/memory/redis'),
  };
  return modules[kind]();
};

/** Whether `error` says that `name` (a package) could not be found. */
function isMissing(error: unknown, name: string): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  if (code !== 'ERR_MODULE_NOT_FOUND' && code !== 'MODULE_NOT_FOUND') return false;
  const message = String((error as Error).message);
  return message.includes(`'${name}'`) || message.includes(`"${name}"`);
}

async function loadAdapter<K extends AdapterKind>(
  kind: K,
  load: AdapterLoader,
): Promise<AdapterModules[K]> {
  try {
    return await load(kind);
  } catch (error) {
    const peer = PEERS[kind];
    if (peer !== undefined && isMissing(error, peer)) {
      throw new Error(
        `Memory URLs starting with ${kind}: need the optional package '${peer}', which is not installed; install it next to skreaver (npm install ${peer}).`,
        { cause: error },
      );
    }
    throw error;
  }
}

/**
 * Opens the memory a URL names (see {@link MEMORY_URL_FORMS}); the caller
 * closes it. Adapters are imported only when their scheme is used, so a user
 * without `ioredis` can still use `file:`.
 *
 * @throws {@link UsageError} for a bad URL; an `Error` naming the package to install when an optional peer is missing; whatever the adapter rejects with.
 */
export async function openMemory(url: string, options: OpenMemoryOptions = {}): Promise<Memory> {
  const spec = parseMemoryUrl(url, options.cwd);
  const load = options.load ?? defaultLoad;
  switch (spec.kind) {
    case 'memory':
      return inMemoryMemory();
    case 'file': {
      const { fileMemory } = await loadAdapter('file', load);
      return fileMemory({ path: spec.path });
    }
    case 'sqlite': {
      const { sqliteMemory } = await loadAdapter('sqlite', load);
      return sqliteMemory({
        path: spec.path,
        ...(spec.namespace === undefined ? {} : { namespace: spec.namespace }),
      });
    }
    case 'postgres': {
      const { postgresMemory } = await loadAdapter('postgres', load);
      return postgresMemory({
        connectionString: spec.connectionString,
        ...(spec.namespace === undefined ? {} : { namespace: spec.namespace }),
      });
    }
    case 'redis': {
      const { redisMemory } = await loadAdapter('redis', load);
      return redisMemory({
        url: spec.url,
        ...(spec.prefix === undefined ? {} : { prefix: spec.prefix }),
      });
    }
  }
}
