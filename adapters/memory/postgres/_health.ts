import type { Pool, QueryConfig } from 'pg';
import type { MemoryHealth } from 'skreaver';
import { toMemoryError } from './_errors.js';

/**
 * Runs `SELECT 1` and reports its latency; never rejects. The timeout covers
 * waiting for a connection as well as the query (node-postgres's own
 * query_timeout covers only the query).
 */
export async function probeHealth(
  pool: Pool,
  closed: boolean,
  timeoutMs: number,
): Promise<MemoryHealth> {
  if (closed) {
    return {
      status: 'down',
      latencyMs: 0,
      backend: 'postgres',
      error: { code: 'memory_closed', message: 'This memory is closed.' },
    };
  }
  const start = performance.now();
  const probe: QueryConfig & { query_timeout: number } = {
    text: 'SELECT 1',
    query_timeout: timeoutMs,
  };
  let timer: ReturnType<typeof setTimeout> | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const error = new Error(`no answer to SELECT 1 within ${timeoutMs} ms`);
      reject(Object.assign(error, { code: 'ETIMEDOUT' }));
    }, timeoutMs);
  });
  try {
    await Promise.race([pool.query(probe), expired]);
    return { status: 'ok', latencyMs: performance.now() - start, backend: 'postgres' };
  } catch (error) {
    const mapped = toMemoryError(error, 'health check');
    return {
      status: 'down',
      latencyMs: performance.now() - start,
      backend: 'postgres',
      error: { code: mapped.code, message: mapped.message },
    };
  } finally {
    clearTimeout(timer);
  }
}

/** Whether the database encoding is UTF8, so text can carry values (see _sql.ts). */
export async function isUtf8Database(pool: Pool): Promise<boolean> {
  try {
    const result = await pool.query<{ server_encoding: string }>('SHOW server_encoding');
    return result.rows[0]?.server_encoding === 'UTF8';
  } catch (error) {
    throw toMemoryError(error, 'open');
  }
}
