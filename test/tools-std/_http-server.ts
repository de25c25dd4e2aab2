import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { DEFAULT_POLICY, type HttpPolicy, type SecurityPolicy } from 'skreaver';
import { afterAll, beforeAll } from 'vitest';
import { liveView } from './_live-view.js';

/** One request the server received. */
export interface SeenRequest {
  readonly method: string | undefined;
  readonly path: string;
  readonly host: string | undefined;
  readonly authorization: string | undefined;
  readonly contentType: string | undefined;
  readonly userAgent: string | undefined;
  readonly body: string;
}

/** A local HTTP server on loopback with fixed routes, recording what it saw. */
export interface TestServer {
  readonly port: number;
  /** `http://127.0.0.1:<port>`. */
  readonly origin: string;
  readonly seen: SeenRequest[];
  close(): Promise<void>;
}

function route(request: IncomingMessage, body: string, response: ServerResponse): void {
  const url = new URL(request.url ?? '/', 'http://x');
  const query = url.searchParams;
  switch (url.pathname) {
    case '/hello':
      response.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' }).end('hello');
      return;
    case '/json':
      response.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
      return;
    case '/status':
      response
        .writeHead(Number(query.get('code') ?? 500), { 'content-type': 'text/plain' })
        .end(`status ${query.get('code')}`);
      return;
    case '/redirect':
      response
        .writeHead(Number(query.get('status') ?? 302), { location: query.get('to') ?? '/' })
        .end('moving');
      return;
    case '/echo':
      response.writeHead(200, { 'content-type': 'application/json' }).end(
        JSON.stringify({
          method: request.method,
          body,
          contentType: request.headers['content-type'] ?? null,
        }),
      );
      return;
    case '/latin1':
      response
        .writeHead(200, { 'content-type': 'text/plain; charset=iso-8859-1' })
        .end(Buffer.from([0x63, 0x61, 0x66, 0xe9]));
      return;
    case '/big':
      response.writeHead(200, { 'content-length': '2000' }).end('x'.repeat(2000));
      return;
    case '/big-chunked':
      response.writeHead(200, { 'content-type': 'text/plain' });
      for (let i = 0; i < 20; i++) response.write('x'.repeat(100));
      response.end();
      return;
    case '/exact':
      response.writeHead(200, { 'content-type': 'text/plain' });
      response.write('x'.repeat(500));
      response.end('y'.repeat(500));
      return;
    case '/empty':
      response.writeHead(204).end();
      return;
    case '/hang':
      return;
    case '/slow-body':
      response.writeHead(200, { 'content-type': 'text/plain' });
      response.write('partial');
      return;
    default:
      response.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
  }
}

/** Starts a server on 127.0.0.1 at a free port. */
async function startServer(): Promise<TestServer> {
  const seen: SeenRequest[] = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer((request, response) => {
    let body = '';
    request.setEncoding('utf8');
    request.on('data', (chunk: string) => {
      body += chunk;
    });
    request.on('end', () => {
      const url = new URL(request.url ?? '/', 'http://x');
      seen.push({
        method: request.method,
        path: `${url.pathname}${url.search}`,
        host: request.headers.host,
        authorization: request.headers.authorization,
        contentType: request.headers['content-type'],
        userAgent: request.headers['user-agent'],
        body,
      });
      route(request, body, response);
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    origin: `http://127.0.0.1:${port}`,
    seen,
    async close() {
      for (const socket of sockets) socket.destroy();
      server.close();
      await once(server, 'close');
    },
  };
}

/**
 * One server for the test file: started before its first test and closed
 * after its last. The view reads the running server.
 */
export function useServer(): Omit<TestServer, 'close'> {
  let current: TestServer | undefined;
  beforeAll(async () => {
    current = await startServer();
  });
  afterAll(async () => {
    await current?.close();
  });
  return liveView('The test server', () => current);
}

/** A port nothing listens on (a server was there a moment ago). */
export async function closedPort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const port = (server.address() as AddressInfo).port;
  server.close();
  await once(server, 'close');
  return port;
}

/**
 * A policy with HTTP on for the local server (loopback allowed, any port),
 * plus overrides. A fresh object each call.
 */
export function localPolicy(http: Partial<HttpPolicy> = {}, extra: Partial<SecurityPolicy> = {}) {
  return {
    ...DEFAULT_POLICY,
    http: {
      ...DEFAULT_POLICY.http,
      enabled: true,
      allowDomains: ['127.0.0.1', 'localhost'],
      allowPrivateNetworks: true,
      allowPorts: [],
      timeoutMs: 5000,
      ...http,
    },
    ...extra,
  } satisfies SecurityPolicy;
}
