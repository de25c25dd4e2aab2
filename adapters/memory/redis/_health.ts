import type { MemoryError, MemoryHealth } from 'skreaver';
import { closedError } from './_errors.js';
import type { Client } from './_settings.js';

/**
 * PINGs Redis and reports `ok` with the round-trip time, or `down` with the
 * mapped error when the PING fails, takes longer than `timeoutMs`, or the
 * memory is closed. Never rejects.
 */
export async function probe(
  client: Client,
  timeoutMs: number,
  isClosed: () => boolean,
  fail: (error: unknown, operation: string) => unknown,
): Promise<MemoryHealth> {
  const started = performance.now();
  const down = (error: MemoryError): MemoryHealth => ({
    status: 'down',
    latencyMs: performance.now() - started,
    backend: 'redis',
    error: { code: error.code, message: error.message },
  });
  if (isClosed()) return down(closedError());
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    const ping = client.ping();
    // The race below may settle first; a late PING failure is not an error.
    ping.catch(() => {});
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`Command timed out: no PING reply in ${timeoutMs} ms`)),
        timeoutMs,
      );
    });
    await Promise.race([ping, timeout]);
    return { status: 'ok', latencyMs: performance.now() - started, backend: 'redis' };
  } catch (error) {
    return down(fail(error, 'health') as MemoryError);
  } finally {
    clearTimeout(timer);
  }
}
