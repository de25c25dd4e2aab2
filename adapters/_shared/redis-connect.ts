import type { RedisClient } from './redis-options.js';

/**
 * Connects a client an adapter made itself and tracks its last connection
 * error, which explains the generic errors of later commands ("max retries
 * per request"); the listener also keeps ioredis from printing it. A client
 * the caller gave is theirs: pass `owned: false` and nothing is touched.
 *
 * @returns the last connection error, undefined while connected.
 * @throws what `fail(error, lastError)` returns when the first connect
 *   fails (the client is disconnected first).
 */
export async function connectRedis(
  client: RedisClient,
  owned: boolean,
  fail: (error: unknown, lastError: Error | undefined) => unknown,
): Promise<() => Error | undefined> {
  if (!owned) return () => undefined;
  let lastError: Error | undefined;
  client.on('error', (error: Error) => {
    lastError = error;
  });
  client.on('ready', () => {
    lastError = undefined;
  });
  try {
    await client.connect();
  } catch (error) {
    client.disconnect();
    throw fail(error, lastError);
  }
  return () => lastError;
}
