import type { ChainableCommander, Redis } from 'ioredis';
import type { Client } from './_settings.js';
import { isCluster } from './_settings.js';

/**
 * What commands of one write are issued on: a pipeline, or a connection
 * whose socket is corked. Both take the same command calls with a trailing
 * callback; what those calls return is not used.
 */
export type CommandSink = ChainableCommander | Redis;

/**
 * Runs `issue` with the socket of `client` corked, so the commands it
 * issues leave in one write, as a pipeline's would, without the cost of a
 * Pipeline object and its result array (a few microseconds a call, on the
 * request/reply path). Returns false without calling `issue` when that is
 * not possible (a Cluster, or a connection that is not ready): use a
 * pipeline then.
 */
export function corked(client: Client, issue: (sink: Redis) => void): boolean {
  if (isCluster(client) || client.status !== 'ready') return false;
  const socket = (client as { stream?: { cork?: () => void; uncork?: () => void } }).stream;
  if (typeof socket?.cork !== 'function' || typeof socket.uncork !== 'function') return false;
  socket.cork();
  try {
    issue(client);
  } finally {
    socket.uncork();
  }
  return true;
}
