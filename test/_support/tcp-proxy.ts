import { createServer, type Server, type Socket } from 'node:net';

/**
 * A TCP proxy in front of a real server, for the one fault a real server
 * cannot be asked for: a connection that goes silent without closing (a
 * half-open socket after a network partition, a peer that hangs).
 */
export interface TcpProxy {
  /** `host:port` of the proxy. */
  readonly host: string;
  readonly port: number;
  /** Connections made through it so far, oldest first. */
  readonly connections: number;
  /** Stops forwarding, both ways, on connection `index` (negative counts from the end); it stays open. */
  silence(index: number): void;
  close(): Promise<void>;
}

export async function tcpProxy(targetHost: string, targetPort: number): Promise<TcpProxy> {
  const pairs: [client: Socket, upstream: Socket][] = [];
  const server: Server = createServer((client) => {
    const upstream = new (client.constructor as typeof Socket)();
    upstream.connect(targetPort, targetHost);
    client.pipe(upstream);
    upstream.pipe(client);
    const end = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('error', end);
    upstream.on('error', end);
    client.on('close', end);
    upstream.on('close', end);
    pairs.push([client, upstream]);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    host: '127.0.0.1',
    port,
    get connections() {
      return pairs.length;
    },
    silence(index) {
      const pair = pairs.at(index);
      if (pair === undefined) throw new Error(`no connection ${index}`);
      const [client, upstream] = pair;
      client.unpipe(upstream);
      upstream.unpipe(client);
      client.pause();
      upstream.pause();
    },
    async close() {
      for (const [client, upstream] of pairs) {
        client.destroy();
        upstream.destroy();
      }
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
