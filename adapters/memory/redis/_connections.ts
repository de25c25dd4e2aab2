import type { Cluster, Redis } from 'ioredis';
import { type Client, isCluster } from './_settings.js';

/**
 * A connection of its own for WATCH: the watched keys belong to the
 * connection, so a transaction cannot share one with other commands.
 */
export interface Dedicated {
  readonly client: Client;
  /**
   * Set when the connection dropped (or a cluster node connection was
   * replaced) after it was opened: its WATCH state is gone, so an EXEC on
   * it could commit without detecting conflicts.
   */
  broken: boolean;
}

/** Opens dedicated connections on demand and keeps a few idle ones for reuse. */
export interface ConnectionPool {
  /** An idle healthy connection, or a new one once connected. */
  acquire(): Promise<Dedicated>;
  /**
   * Hands a connection back. `watching`: it may still watch keys (no EXEC
   * ran), so it sends UNWATCH first. Broken connections, and any beyond the
   * pool size or after close, are closed instead.
   */
  release(connection: Dedicated, watching: boolean): Promise<void>;
  /** Closes the idle connections; busy ones close when released. */
  close(): void;
}

function duplicate(client: Client): Client {
  // No automatic reconnect: a reconnected socket has silently lost its
  // WATCH state. A dropped dedicated connection fails its transaction and
  // is replaced by a fresh one next time.
  if (isCluster(client)) {
    return client.duplicate([], {
      lazyConnect: true,
      clusterRetryStrategy: () => null,
    });
  }
  return (client as Redis).duplicate({
    lazyConnect: true,
    retryStrategy: () => null,
    reconnectOnError: null,
    enableOfflineQueue: true,
  });
}

function healthy(connection: Dedicated): boolean {
  return !connection.broken && connection.client.status === 'ready';
}

/** A pool of dedicated connections duplicated from `client`. */
export function connectionPool(client: Client, size: number): ConnectionPool {
  const idle: Dedicated[] = [];
  let closed = false;

  function dispose(connection: Dedicated): void {
    connection.broken = true;
    connection.client.disconnect();
  }

  return {
    async acquire() {
      for (let connection = idle.pop(); connection !== undefined; connection = idle.pop()) {
        if (healthy(connection)) return connection;
        dispose(connection);
      }
      const dup = duplicate(client);
      const connection: Dedicated = { client: dup, broken: false };
      // Errors surface through the commands that fail; the listener keeps
      // ioredis from printing them as unhandled.
      dup.on('error', () => {});
      dup.on('close', () => {
        connection.broken = true;
      });
      if (isCluster(dup)) {
        (dup as Cluster).on('-node', () => {
          connection.broken = true;
        });
      }
      try {
        await dup.connect();
      } catch (error) {
        dispose(connection);
        throw error;
      }
      return connection;
    },

    async release(connection, watching) {
      if (closed || !healthy(connection) || idle.length >= size) {
        dispose(connection);
        return;
      }
      if (watching) {
        try {
          // A cluster sends UNWATCH to a random node; the watch lives on the
          // node that owns the keys, so every master gets one.
          const nodes = isCluster(connection.client)
            ? connection.client.nodes('master')
            : [connection.client];
          for (const node of nodes) await node.unwatch();
        } catch {
          dispose(connection);
          return;
        }
      }
      if (closed || idle.length >= size) dispose(connection);
      else idle.push(connection);
    },

    close() {
      closed = true;
      for (const connection of idle.splice(0)) dispose(connection);
    },
  };
}
