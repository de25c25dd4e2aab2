import { request as httpRequest } from 'node:http';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { AuthError, isSkreaverError, type Principal } from 'skreaver';
import {
  createMcpHttpHandler,
  createMcpServer,
  ERROR_META_KEY,
  type McpHttpHandlerOptions,
} from 'skreaver/mcp';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { listen, rawPost } from './_node-http.js';
import { testRegistry } from './_tools.js';

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const users: Record<string, Principal> = {
  ada: { id: 'ada', roles: ['admin'] },
  bob: { id: 'bob', roles: [] },
};

async function setup(options: McpHttpHandlerOptions = {}) {
  const { registry, log } = testRegistry({ timeoutMs: 5_000 });
  const server = createMcpServer(registry, { pollToolsMs: 0 });
  const handler = createMcpHttpHandler(server, {
    authenticate: (request) => users[request.headers.get('x-user') ?? ''],
    ...options,
  });
  const http = await listen((request) => handler.handle(request));
  cleanups.push(
    () => registry.close(),
    () => server.close(),
    () => handler.close(),
    () => http.close(),
  );
  return { registry, log, server, handler, url: http.url };
}

async function connect(url: string, user = 'bob') {
  const client = new Client({ name: 'test', version: '1.0.0' });
  await client.connect(
    new StreamableHTTPClientTransport(new URL(url), {
      requestInit: { headers: { 'x-user': user } },
    }),
  );
  cleanups.push(() => client.close());
  return client;
}

const ACCEPT = 'application/json, text/event-stream';
const HEADERS = { 'content-type': 'application/json', accept: ACCEPT, 'x-user': 'bob' };
const INIT = JSON.stringify({
  jsonrpc: '2.0',
  id: 1,
  method: 'initialize',
  params: {
    protocolVersion: '2025-06-18',
    capabilities: {},
    clientInfo: { name: 'raw', version: '1' },
  },
});

function post(url: string, body: string, headers: Record<string, string> = {}) {
  return fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: ACCEPT, 'x-user': 'bob', ...headers },
    body,
  });
}

/** The JSON-RPC messages of an SSE or JSON answer. */
async function messages(response: Response): Promise<Record<string, unknown>[]> {
  const text = await response.text();
  if (response.headers.get('content-type')?.includes('application/json')) return [JSON.parse(text)];
  return text
    .split('\n')
    .filter((line) => line.startsWith('data: '))
    .map((line) => JSON.parse(line.slice(6)));
}

async function rawSession(url: string, user = 'bob'): Promise<string> {
  const response = await post(url, INIT, { 'x-user': user });
  expect(response.status).toBe(200);
  await response.text();
  const id = response.headers.get('mcp-session-id');
  expect(id).toBeTruthy();
  return id as string;
}

function errorOf(result: CallToolResult): { code: string } {
  return (result._meta as Record<string, { code: string }>)[ERROR_META_KEY] ?? { code: 'none' };
}

describe('createMcpHttpHandler with the SDK client over node:http', () => {
  it('initializes, lists tools with their schemas and calls them', async () => {
    const { url, registry, handler } = await setup();
    const client = await connect(url);
    expect(client.getServerVersion()?.name).toBe('skreaver');
    expect(handler.sessions).toBe(1);
    const { tools } = await client.listTools();
    expect(tools.find((tool) => tool.name === 'echo')?.inputSchema).toEqual(
      registry.get('echo')?.inputSchema,
    );
    const ok = await client.callTool({ name: 'echo', arguments: { text: 'over http' } });
    expect(ok.structuredContent).toEqual({ echo: 'over http' });
    const failed = (await client.callTool({ name: 'fail', arguments: {} })) as CallToolResult;
    expect(failed.isError).toBe(true);
    expect(errorOf(failed).code).toBe('tool_failed');
  });

  it('runs each request as its authenticated principal (RBAC per caller)', async () => {
    const { url, log } = await setup();
    const bob = await connect(url, 'bob');
    const denied = (await bob.callTool({ name: 'admin_only', arguments: {} })) as CallToolResult;
    expect(errorOf(denied).code).toBe('tool_denied');
    const ada = await connect(url, 'ada');
    const allowed = await ada.callTool({ name: 'admin_only', arguments: {} });
    expect(allowed.content).toEqual([{ type: 'text', text: 'secret' }]);
    await ada.callTool({ name: 'whoami', arguments: {} });
    expect(log.principals).toEqual([users.ada]);
  });

  it('streams progress and reports timeouts and cancellations', async () => {
    const { url, log } = await setup();
    const client = await connect(url);
    const seen: number[] = [];
    await client.callTool({ name: 'progress', arguments: {} }, undefined, {
      onprogress: ({ progress }) => seen.push(progress),
    });
    expect(seen).toEqual([1, 2, 3]);
    const controller = new AbortController();
    const call = client.callTool({ name: 'wait', arguments: {} }, undefined, {
      signal: controller.signal,
    });
    await log.started();
    controller.abort();
    await expect(call).rejects.toThrow();
    await vi.waitFor(() => expect(log.aborts).toHaveLength(1));
    expect(isSkreaverError(log.aborts[0], 'tool_aborted')).toBe(true);
  });

  it('times out a call with the server toolTimeoutMs', async () => {
    const { registry } = testRegistry();
    const server = createMcpServer(registry, { pollToolsMs: 0, toolTimeoutMs: 20 });
    const handler = createMcpHttpHandler(server);
    const http = await listen((request) => handler.handle(request));
    cleanups.push(
      () => registry.close(),
      () => handler.close(),
      () => http.close(),
    );
    const client = await connect(http.url);
    const result = (await client.callTool({ name: 'wait', arguments: {} })) as CallToolResult;
    expect(errorOf(result).code).toBe('tool_timeout');
  });

  it('aborts the call when the client disconnects mid-call', async () => {
    const { url, log } = await setup();
    const session = await rawSession(url);
    const body = JSON.stringify({
      jsonrpc: '2.0',
      id: 2,
      method: 'tools/call',
      params: { name: 'wait', arguments: {} },
    });
    const req = httpRequest(url, {
      method: 'POST',
      headers: { ...HEADERS, 'mcp-session-id': session, 'mcp-protocol-version': '2025-06-18' },
    });
    req.on('error', () => {});
    req.end(body);
    await log.started();
    req.destroy();
    await vi.waitFor(() => expect(log.aborts).toHaveLength(1));
    // The registry timeout is 5 s: an abort this soon came from the disconnect.
    expect(isSkreaverError(log.aborts[0], 'tool_aborted')).toBe(true);
  });
});

describe('createMcpHttpHandler refusals', () => {
  it('refuses foreign Host and Origin headers (DNS rebinding) unless turned off', async () => {
    const { url } = await setup();
    const evilHost = await rawPost(url, INIT, { ...HEADERS, host: 'evil.example' });
    expect(evilHost.status).toBe(403);
    expect((evilHost.body as { error: { data: unknown } }).error.data).toEqual({
      code: 'permission_denied',
      reason: 'host_not_allowed',
    });
    const evilOrigin = await post(url, INIT, { origin: 'http://evil.example' });
    expect(evilOrigin.status).toBe(403);
    expect((await evilOrigin.json()).error.data.reason).toBe('origin_not_allowed');
    const local = await post(url, INIT, { origin: 'http://localhost:5173' });
    expect(local.status).toBe(200);
    await local.text();
    const open = await setup({ dnsRebindingProtection: false });
    const anyHost = await rawPost(open.url, INIT, { ...HEADERS, host: 'evil.example' });
    expect(anyHost.status).toBe(200);
  });

  it('accepts hosts and origins that are configured', async () => {
    const { url } = await setup({
      allowedHosts: ['tools.example.com'],
      allowedOrigins: ['https://app.example.com'],
    });
    const response = await rawPost(url, INIT, {
      ...HEADERS,
      host: 'tools.example.com',
      origin: 'https://app.example.com',
    });
    expect(response.status).toBe(200);
    const loopback = await post(url, INIT);
    expect(loopback.status).toBe(403);
    await loopback.text();
  });

  it('answers 401 without credentials, and with the code of a refused credential', async () => {
    const { url } = await setup();
    const none = await post(url, INIT, { 'x-user': '' });
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toBe('Bearer');
    expect((await none.json()).error.data.code).toBe('auth_required');
    const throwing = await setup({
      authenticate: () => {
        throw new AuthError('auth_expired', 'expired');
      },
    });
    const expired = await post(throwing.url, INIT);
    expect(expired.status).toBe(401);
    expect((await expired.json()).error.data.code).toBe('auth_expired');
  });

  it('answers malformed bodies, missing and unknown sessions and methods with JSON-RPC errors', async () => {
    const { url } = await setup();
    const garbage = await post(url, '{not json');
    expect(garbage.status).toBe(400);
    expect((await garbage.json()).error.code).toBe(-32700);
    const noSession = await post(
      url,
      JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }),
    );
    expect(noSession.status).toBe(400);
    await noSession.text();
    const unknown = await post(
      url,
      JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }),
      {
        'mcp-session-id': 'no-such-session',
      },
    );
    expect(unknown.status).toBe(404);
    await unknown.text();
    const put = await fetch(url, { method: 'PUT', headers: { 'x-user': 'bob' } });
    expect(put.status).toBe(405);
    expect(put.headers.get('allow')).toBe('GET, POST, DELETE');
    await put.text();

    const session = await rawSession(url);
    const notRpc = await post(url, JSON.stringify({ hello: 'world' }), {
      'mcp-session-id': session,
    });
    expect(notRpc.status).toBe(400);
    expect((await notRpc.json()).error.code).toBe(-32700);
    const method = await post(
      url,
      JSON.stringify({ jsonrpc: '2.0', id: 7, method: 'resources/list' }),
      { 'mcp-session-id': session, 'mcp-protocol-version': '2025-06-18' },
    );
    expect(await messages(method)).toEqual([
      { jsonrpc: '2.0', id: 7, error: { code: -32601, message: 'Method not found' } },
    ]);
  });

  it('keeps a session to the principal that opened it', async () => {
    const { url } = await setup();
    const session = await rawSession(url, 'bob');
    const stolen = await post(
      url,
      JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'tools/list' }),
      {
        'mcp-session-id': session,
        'x-user': 'ada',
      },
    );
    expect(stolen.status).toBe(404);
    await stolen.text();
  });

  it('refuses a body over maxBodyBytes with 413, and huge arguments with a tool error', async () => {
    const { url } = await setup({ maxBodyBytes: 64 * 1024 });
    const session = await rawSession(url);
    const call = (text: string) =>
      JSON.stringify({
        jsonrpc: '2.0',
        id: 3,
        method: 'tools/call',
        params: { name: 'echo', arguments: { text } },
      });
    const tooBig = await post(url, call('x'.repeat(100 * 1024)), { 'mcp-session-id': session });
    expect(tooBig.status).toBe(413);
    expect((await tooBig.json()).error.data).toEqual({
      code: 'size_limit_exceeded',
      maxBytes: 64 * 1024,
    });
    const long = await post(url, call('x'.repeat(1000)), {
      'mcp-session-id': session,
      'mcp-protocol-version': '2025-06-18',
    });
    const [answer] = await messages(long);
    const result = answer?.result as CallToolResult;
    expect(result.isError).toBe(true);
    expect(errorOf(result).code).toBe('tool_invalid_input');
  });

  it('limits sessions and closes idle ones', async () => {
    const { url, handler } = await setup({ maxSessions: 1, sessionIdleMs: 30 });
    await rawSession(url);
    const second = await post(url, INIT);
    expect(second.status).toBe(503);
    expect(second.headers.get('retry-after')).toBe('1');
    await second.text();
    await vi.waitFor(() => expect(handler.sessions).toBe(0));
    await rawSession(url);
  });

  it('ends sessions on DELETE and refuses everything after close', async () => {
    const { url, handler } = await setup();
    const session = await rawSession(url);
    const deleted = await fetch(url, {
      method: 'DELETE',
      headers: { 'x-user': 'bob', 'mcp-session-id': session },
    });
    expect(deleted.status).toBe(200);
    await vi.waitFor(() => expect(handler.sessions).toBe(0));
    await handler.close();
    const after = await post(url, INIT);
    expect(after.status).toBe(503);
    expect((await after.json()).error.data.code).toBe('mcp_unavailable');
  });

  it('takes the principal from the caller context instead of authenticate', async () => {
    const { registry, log } = testRegistry();
    const server = createMcpServer(registry, { pollToolsMs: 0 });
    const handler = createMcpHttpHandler(server, { authenticate: () => undefined });
    const http = await listen((request) => handler.handle(request, { principal: users.ada }));
    cleanups.push(
      () => registry.close(),
      () => handler.close(),
      () => http.close(),
    );
    const client = await connect(http.url);
    await client.callTool({ name: 'whoami', arguments: {} });
    expect(log.principals).toEqual([users.ada]);
  });

  it('refuses bad options', () => {
    const { registry } = testRegistry();
    const server = createMcpServer(registry);
    for (const options of [
      { maxBodyBytes: 0 },
      { allowedHosts: [''] },
      { authenticate: 'yes' },
      { dnsRebindingProtection: 'no' },
    ]) {
      expect(() => createMcpHttpHandler(server, options as McpHttpHandlerOptions)).toThrow(
        expect.objectContaining({ code: 'invalid_options' }),
      );
    }
    expect(() => createMcpHttpHandler({} as never)).toThrow(
      expect.objectContaining({ code: 'invalid_options' }),
    );
  });
});
