import { Socket } from 'node:net';

/** A backing service some tests need. */
export interface ServiceSpec {
  /** Human name used in skip messages ("Redis"). */
  readonly name: string;
  /** Environment variable that overrides the URL. */
  readonly env: string;
  /** URL used when the variable is not set (the machine's local service). */
  readonly defaultUrl: string;
}

export const REDIS: ServiceSpec = {
  name: 'Redis',
  env: 'SKREAVER_TEST_REDIS_URL',
  defaultUrl: 'redis://127.0.0.1:6379/0',
};

export const POSTGRES: ServiceSpec = {
  name: 'PostgreSQL',
  env: 'SKREAVER_TEST_POSTGRES_URL',
  defaultUrl: 'postgres://postgres@127.0.0.1:5432/test',
};

/** What {@link findService} found. */
export interface ServiceAvailability {
  /** The URL to connect to. */
  readonly url: string;
  /** Whether something answers on its host and port. */
  readonly available: boolean;
  /** Why tests using it are skipped, when they are. */
  readonly skipReason: string;
}

function reachable(host: string, port: number, timeoutMs = 1_000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = new Socket();
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('error', () => done(false));
    socket.connect(port, host, () => done(true));
  });
}

/**
 * Finds a service for the tests of one file. When it is not reachable the
 * tests skip with a message naming it, unless `SKREAVER_REQUIRE_SERVICES=1`
 * (CI), in which case this throws and the file fails.
 *
 * Use: `const redis = await findService(REDIS); describe.skipIf(!redis.available)(...)`.
 */
export async function findService(spec: ServiceSpec): Promise<ServiceAvailability> {
  const url = process.env[spec.env] ?? spec.defaultUrl;
  const parsed = new URL(url);
  const port = Number(parsed.port || (parsed.protocol.startsWith('redis') ? 6379 : 5432));
  const available = await reachable(parsed.hostname || '127.0.0.1', port);
  const skipReason = available
    ? ''
    : `${spec.name} is not reachable at ${parsed.host} (set ${spec.env}); its tests are skipped`;
  if (!available && process.env.SKREAVER_REQUIRE_SERVICES === '1') {
    throw new Error(
      `${skipReason.replace('; its tests are skipped', '')} and SKREAVER_REQUIRE_SERVICES=1.`,
    );
  }
  if (!available) console.warn(`[skip] ${skipReason}`);
  return { url, available, skipReason };
}
