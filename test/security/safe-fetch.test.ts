import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { createSafeFetch, type HostResolver, type ResolvedAddress } from 'skreaver/security/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SecurityError, ToolError, ValidationError } from '../../src/errors/index.js';
import type { HttpPolicy } from '../../src/security/policy/index.js';
import { httpPolicy } from './_validator-policies.js';

// Every server here listens on loopback; every address a test resolver hands
// out for a request that must be refused is refused before any connection.

interface Seen {
  readonly host: string | undefined;
  readonly authorization: string | undefined;
  readonly cookie: string | undefined;
  readonly method: string | undefined;
  readonly path: string | undefined;
}

interface TestServer {
  readonly server: Server;
  readonly port: number;
  readonly seen: Seen[];
  readonly sockets: Set<Socket>;
}

async function start(host: string, name: string, port = 0): Promise<TestServer | undefined> {
  const seen: Seen[] = [];
  const sockets = new Set<Socket>();
  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    const url = new URL(request.url ?? '/', 'http://x');
    seen.push({
      host: request.headers.host,
      authorization: request.headers.authorization,
      cookie: request.headers.cookie,
      method: request.method,
      path: url.pathname,
    });
    switch (url.pathname) {
      case '/hello':
        response
          .writeHead(200, { 'content-type': 'text/plain; charset=utf-8' })
          .end(`hello from ${name}`);
        return;
      case '/json':
        response.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
        return;
      case '/redirect':
        response
          .writeHead(Number(url.searchParams.get('status') ?? 302), {
            location: url.searchParams.get('to') ?? '/',
          })
          .end();
        return;
      case '/echo': {
        let body = '';
        request.setEncoding('utf8');
        request.on('data', (chunk: string) => {
          body += chunk;
        });
        request.on('end', () => response.writeHead(200).end(`${request.method} ${body}`));
        return;
      }
      case '/big':
        response.writeHead(200, { 'content-length': '2000' }).end('x'.repeat(2000));
        return;
      case '/big-chunked':
        response.writeHead(200);
        for (let i = 0; i < 20; i++) response.write('x'.repeat(100));
        response.end();
        return;
      case '/empty':
        response.writeHead(204).end();
        return;
      case '/hang':
        return;
      default:
        response.writeHead(404).end();
    }
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  try {
    server.listen(port, host);
    await once(server, 'listening');
  } catch {
    return undefined;
  }
  return { server, port: (server.address() as AddressInfo).port, seen, sockets };
}

let a: TestServer;
let b: TestServer | undefined;

beforeAll(async () => {
  a = (await start('127.0.0.1', 'A')) as TestServer;
  // B listens on A's port at another loopback address, so only the address
  // tells them apart. Linux routes all of 127/8 to loopback; elsewhere the
  // rebinding test skips.
  b = await start('127.0.0.2', 'B', a.port);
});

afterAll(async () => {
  for (const server of [a, b]) {
    if (server === undefined) continue;
    for (const socket of server.sockets) socket.destroy();
    server.server.close();
  }
});

/** A resolver from a fixed table, counting calls per name. */
function table(answers: Record<string, string[] | ((call: number) => string[])>) {
  const calls: string[] = [];
  const resolver: HostResolver = async (hostname) => {
    calls.push(hostname);
    const entry = answers[hostname];
    if (entry === undefined)
      throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
    const list =
      typeof entry === 'function' ? entry(calls.filter((name) => name === hostname).length) : entry;
    return list.map(
      (address): ResolvedAddress => ({ address, family: address.includes(':') ? 6 : 4 }),
    );
  };
  return { resolver, calls };
}

const LOCAL = { 'a.test': ['127.0.0.1'], 'b.test': ['127.0.0.1'], 'zero.test': ['0.0.0.0'] };

function localPolicy(http: Partial<HttpPolicy> = {}) {
  return httpPolicy({
    allowDomains: ['*'],
    allowPrivateNetworks: true,
    allowPorts: [],
    timeoutMs: 5000,
    maxResponseBytes: 1000,
    ...http,
  });
}

async function rejection(
  promise: Promise<unknown>,
): Promise<{ code: string; data: Record<string, unknown> }> {
  try {
    await promise;
  } catch (error) {
    return error as { code: string; data: Record<string, unknown> };
  }
  throw new Error('expected a rejection');
}

describe('createSafeFetch: plain requests', () => {
  it('fetches through the resolver, pinned to the checked address, keeping Host', async () => {
    const { resolver, calls } = table(LOCAL);
    const safeFetch = createSafeFetch(localPolicy(), { resolver });
    const response = await safeFetch(`http://a.test:${a.port}/hello`);
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('hello from A');
    expect(response.url).toBe(`http://a.test:${a.port}/hello`);
    expect(response.redirected).toBe(false);
    expect(response.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(calls).toEqual(['a.test']);
    expect(a.seen.at(-1)?.host).toBe(`a.test:${a.port}`);
  });

  it('connects to IP literals without any lookup', async () => {
    const { resolver, calls } = table({});
    const response = await createSafeFetch(localPolicy(), { resolver })(
      `http://127.0.0.1:${a.port}/json`,
    );
    expect(await response.json()).toEqual({ ok: true });
    expect(calls).toEqual([]);
  });

  it('sends the method and body, upper-cased, with the policy user agent', async () => {
    const { resolver } = table(LOCAL);
    const response = await createSafeFetch(localPolicy(), { resolver })(
      `http://a.test:${a.port}/echo`,
      {
        method: 'post',
        body: 'payload',
      },
    );
    expect(await response.text()).toBe('POST payload');
  });

  it('returns null bodies for 204 and HEAD', async () => {
    const { resolver } = table(LOCAL);
    const safeFetch = createSafeFetch(localPolicy(), { resolver });
    expect((await safeFetch(`http://a.test:${a.port}/empty`)).body).toBeNull();
    expect((await safeFetch(`http://a.test:${a.port}/hello`, { method: 'HEAD' })).body).toBeNull();
  });
});

describe('createSafeFetch: DNS rebinding', () => {
  it('resolves once per request and connects only to the checked answer', async (context) => {
    if (b === undefined) context.skip('127.0.0.2 is not a loopback address on this machine');
    // A second lookup (by the HTTP client, say) would get 127.0.0.2 and reach B.
    const { resolver, calls } = table({
      'rebind.test': (call) => [call === 1 ? '127.0.0.1' : '127.0.0.2'],
    });
    const safeFetch = createSafeFetch(localPolicy(), { resolver });
    const first = await safeFetch(`http://rebind.test:${a.port}/hello`);
    expect(await first.text()).toBe('hello from A');
    expect(calls).toEqual(['rebind.test']);
    // The next request resolves afresh, and goes where that answer says.
    const second = await safeFetch(`http://rebind.test:${a.port}/hello`);
    expect(await second.text()).toBe('hello from B');
    expect(calls).toEqual(['rebind.test', 'rebind.test']);
  });

  it('refuses a name whose second answer is a metadata address, before connecting', async () => {
    const { resolver, calls } = table({
      'flip.test': (call) => [call === 1 ? '127.0.0.1' : '169.254.169.254'],
    });
    const safeFetch = createSafeFetch(localPolicy(), { resolver });
    expect((await safeFetch(`http://flip.test:${a.port}/hello`)).status).toBe(200);
    const error = await rejection(safeFetch(`http://flip.test:${a.port}/hello`));
    expect(error).toBeInstanceOf(SecurityError);
    expect(error.code).toBe('url_denied');
    expect(error.data).toMatchObject({
      reason: 'metadata_address',
      host: 'flip.test',
      address: '169.254.169.254',
    });
    expect(calls).toHaveLength(2);
  });

  it.each([
    [['93.184.215.14', '10.0.0.1'], 'private_address'],
    [['10.0.0.1', '93.184.215.14'], 'private_address'],
    [['::ffff:127.0.0.1'], 'private_address'],
    [['fd00::1'], 'private_address'],
    [['100.64.3.4'], 'private_address'],
    [['169.254.169.254'], 'metadata_address'],
    [['0.0.0.0'], 'reserved_address'],
    [['fe80::1%eth0'], 'invalid_address'],
  ])(
    'refuses a public policy when any answer of %j is not public (%s)',
    async (answers, reason) => {
      const { resolver } = table({ 'mixed.test': answers });
      const safeFetch = createSafeFetch(httpPolicy({ allowDomains: ['*'] }), { resolver });
      const error = await rejection(safeFetch('http://mixed.test/'));
      expect(error.code).toBe('url_denied');
      expect(error.data.reason).toBe(reason);
    },
  );

  it('reports names that do not resolve as tool_failed (dns)', async () => {
    const { resolver } = table({ 'none.test': [] });
    const safeFetch = createSafeFetch(localPolicy(), { resolver });
    for (const url of ['http://none.test/', 'http://unknown.test/']) {
      const error = await rejection(safeFetch(url));
      expect(error).toBeInstanceOf(ToolError);
      expect(error).toMatchObject({ code: 'tool_failed', data: { reason: 'dns' } });
    }
  });
});

describe('createSafeFetch: redirects', () => {
  const redirect = (to: string, status = 302) =>
    `http://a.test:${a.port}/redirect?status=${status}&to=${encodeURIComponent(to)}`;

  it('follows allowed redirects and re-checks each hop', async () => {
    const { resolver, calls } = table(LOCAL);
    const response = await createSafeFetch(localPolicy(), { resolver })(
      redirect(`http://b.test:${a.port}/hello`),
    );
    expect(await response.text()).toBe('hello from A');
    expect(response.redirected).toBe(true);
    expect(response.url).toBe(`http://b.test:${a.port}/hello`);
    expect(calls).toEqual(['a.test', 'b.test']);
  });

  it.each([
    ['http://169.254.169.254/latest/meta-data/', 'metadata_address'],
    ['http://[::ffff:a9fe:a9fe]/', 'metadata_address'],
    ['http://zero.test/', 'reserved_address'],
    ['http://0.0.0.0/', 'reserved_address'],
    ['file:///etc/passwd', 'scheme'],
    ['gopher://a.test/', 'scheme'],
    ['http://127.0.0.1:22/', 'port'],
    ['http://u:p@a.test/', 'userinfo'],
    ['http://c.test/', 'domain_not_allowed'],
  ])('refuses a redirect to %s (%s)', async (target, reason) => {
    const { resolver } = table(LOCAL);
    const policy = localPolicy({
      allowDomains: ['a.test', 'b.test', 'zero.test', '127.0.0.1', '0.0.0.0'],
    });
    const error = await rejection(createSafeFetch(policy, { resolver })(redirect(target)));
    expect(error.code).toBe('url_denied');
    expect(error.data.reason).toBe(reason);
  });

  it('stops after http.maxRedirects', async () => {
    const { resolver } = table(LOCAL);
    const loop = redirect(redirect(redirect(`http://a.test:${a.port}/hello`)));
    const safeFetch = createSafeFetch(localPolicy({ maxRedirects: 2 }), { resolver });
    const error = await rejection(safeFetch(loop));
    expect(error.data).toMatchObject({ reason: 'too_many_redirects', limit: 2 });
    const none = createSafeFetch(localPolicy({ maxRedirects: 0 }), { resolver });
    expect((await rejection(none(redirect('/hello')))).data.reason).toBe('too_many_redirects');
  });

  it('honours redirect: manual and error', async () => {
    const { resolver } = table(LOCAL);
    const safeFetch = createSafeFetch(localPolicy(), { resolver });
    const manual = await safeFetch(redirect('http://169.254.169.254/'), { redirect: 'manual' });
    expect(manual.status).toBe(302);
    expect(manual.headers.get('location')).toBe('http://169.254.169.254/');
    const error = await rejection(safeFetch(redirect('/hello'), { redirect: 'error' }));
    expect(error.data.reason).toBe('redirect');
  });

  it('drops credentials across origins and keeps them within one', async () => {
    const { resolver } = table(LOCAL);
    const safeFetch = createSafeFetch(localPolicy(), { resolver });
    const headers = { authorization: 'Bearer t', cookie: 'sid=1' };
    await safeFetch(redirect(`http://a.test:${a.port}/hello`), { headers });
    expect(a.seen.at(-1)).toMatchObject({
      host: `a.test:${a.port}`,
      authorization: 'Bearer t',
      cookie: 'sid=1',
    });
    await safeFetch(redirect(`http://b.test:${a.port}/hello`), { headers });
    expect(a.seen.at(-1)).toMatchObject({
      host: `b.test:${a.port}`,
      authorization: undefined,
      cookie: undefined,
    });
  });

  it('turns POST into GET on 303 and keeps it on 307', async () => {
    const { resolver } = table(LOCAL);
    const safeFetch = createSafeFetch(localPolicy(), { resolver });
    const see = await safeFetch(redirect('/echo', 303), { method: 'POST', body: 'data' });
    expect(await see.text()).toBe('GET ');
    const keep = await safeFetch(redirect('/echo', 307), { method: 'POST', body: 'data' });
    expect(await keep.text()).toBe('POST data');
  });
});

describe('createSafeFetch: limits', () => {
  it.each(['/big', '/big-chunked'])('refuses a body over maxResponseBytes (%s)', async (path) => {
    const { resolver } = table(LOCAL);
    const error = await rejection(
      createSafeFetch(localPolicy(), { resolver })(`http://a.test:${a.port}${path}`),
    );
    expect(error).toBeInstanceOf(SecurityError);
    expect(error.code).toBe('size_limit_exceeded');
    expect(error.data).toMatchObject({ limit: 1000 });
  });

  it('times out a server that never answers', async () => {
    const { resolver } = table(LOCAL);
    const safeFetch = createSafeFetch(localPolicy({ timeoutMs: 100 }), { resolver });
    const error = await rejection(safeFetch(`http://a.test:${a.port}/hang`));
    expect(error).toBeInstanceOf(ToolError);
    expect(error).toMatchObject({
      code: 'tool_timeout',
      data: { reason: 'timeout', timeoutMs: 100 },
    });
  });

  it('times out a resolver that never answers', async () => {
    const safeFetch = createSafeFetch(localPolicy({ timeoutMs: 50 }), {
      resolver: () => new Promise(() => {}),
    });
    expect((await rejection(safeFetch('http://slow.test/'))).code).toBe('tool_timeout');
  });

  it('stops when the caller aborts', async () => {
    const { resolver } = table(LOCAL);
    const controller = new AbortController();
    const pending = createSafeFetch(localPolicy(), { resolver })(`http://a.test:${a.port}/hang`, {
      signal: controller.signal,
    });
    setTimeout(() => controller.abort(), 20);
    expect(await rejection(pending)).toMatchObject({
      code: 'tool_aborted',
      data: { reason: 'aborted' },
    });
    controller.abort();
    expect(
      (
        await rejection(
          createSafeFetch(localPolicy())('http://a.test/', { signal: controller.signal }),
        )
      ).code,
    ).toBe('tool_aborted');
  });

  it('checks the content type of the final response', async () => {
    const { resolver } = table(LOCAL);
    const safeFetch = createSafeFetch(localPolicy({ allowContentTypes: ['application/json'] }), {
      resolver,
    });
    expect((await safeFetch(`http://a.test:${a.port}/json`)).status).toBe(200);
    const error = await rejection(safeFetch(`http://a.test:${a.port}/hello`));
    expect(error.data).toMatchObject({ reason: 'content_type', contentType: 'text/plain' });
    const family = createSafeFetch(localPolicy({ allowContentTypes: ['text/*'] }), { resolver });
    expect((await family(`http://a.test:${a.port}/hello`)).status).toBe(200);
  });

  it('refuses methods outside the policy and connection failures map to tool_failed', async () => {
    const { resolver } = table(LOCAL);
    const safeFetch = createSafeFetch(localPolicy({ allowMethods: ['GET'] }), { resolver });
    expect(
      (await rejection(safeFetch(`http://a.test:${a.port}/echo`, { method: 'PUT' }))).data.reason,
    ).toBe('method');
    const closed = await start('127.0.0.1', 'closed');
    const port = (closed as TestServer).port;
    (closed as TestServer).server.close();
    await once((closed as TestServer).server, 'close');
    const error = await rejection(safeFetch(`http://127.0.0.1:${port}/hello`));
    expect(error).toMatchObject({
      code: 'tool_failed',
      data: { reason: 'network', code: 'ECONNREFUSED' },
    });
  });

  it('refuses bad headers, bad options and bad policies', async () => {
    const safeFetch = createSafeFetch(localPolicy());
    const error = await rejection(safeFetch('http://a.test/', { headers: { 'bad header': 'x' } }));
    expect(error).toBeInstanceOf(ValidationError);
    expect(() => createSafeFetch(localPolicy(), { maxUrlLength: 0 })).toThrow(ValidationError);
    expect(() => createSafeFetch(localPolicy({ allowDomains: ['bad host'] }))).toThrow(
      SecurityError,
    );
  });

  it('refuses statically before resolving', async () => {
    const { resolver, calls } = table(LOCAL);
    const safeFetch = createSafeFetch(httpPolicy({ allowDomains: ['a.test'] }), { resolver });
    expect((await rejection(safeFetch('http://localhost/'))).data.reason).toBe('private_address');
    expect((await rejection(safeFetch(`http://a.test/${'x'.repeat(10_000)}`))).data.reason).toBe(
      'too_long',
    );
    expect(calls).toEqual([]);
  });
});
