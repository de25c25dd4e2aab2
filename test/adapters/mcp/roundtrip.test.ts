import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { createToolRegistry, isSkreaverError, type ToolResult } from 'skreaver';
import { connectMcp, createMcpHttpHandler, createMcpServer, type McpBridge } from 'skreaver/mcp';
import { registerStandardTools } from 'skreaver/tools';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { bundle } from '../../_support/bundle.js';
import { listen } from './_node-http.js';
import { alive } from './_spawn.js';
import { testRegistry } from './_tools.js';

const fixtures = new URL('./fixtures/', import.meta.url).pathname;
let stdioServer = '';
const cleanups: (() => Promise<unknown>)[] = [];

beforeAll(async () => {
  stdioServer = await bundle(join(fixtures, 'skreaver-stdio.mjs'));
}, 30_000);

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function track<T extends { close(): Promise<unknown> }>(thing: T): T {
  cleanups.push(() => thing.close());
  return thing;
}

/** Our own server (standard tools and the test tools) over HTTP on node:http. */
async function skreaverOverHttp(port = 0) {
  const { registry } = testRegistry();
  registerStandardTools(registry);
  const server = createMcpServer(registry, { pollToolsMs: 0 });
  const handler = createMcpHttpHandler(server);
  const http = await listen((request) => handler.handle(request), port);
  const stop = async () => {
    await handler.close();
    await http.close();
    await registry.close();
  };
  cleanups.push(stop);
  return { url: http.url, port: http.port, stop };
}

function outputOf(result: ToolResult): unknown {
  if (!result.ok) throw result.error;
  return result.output;
}

describe('the bridge connected to our own MCP server', () => {
  it('calls a standard tool over Streamable HTTP and passes errors through', async () => {
    const { url } = await skreaverOverHttp();
    const registry = track(createToolRegistry());
    track(await connectMcp({ name: 'sk', url, registry, pingIntervalMs: 0 }));
    expect(registry.get('sk__text_uppercase')?.inputSchema).toMatchObject({ required: ['text'] });
    expect(
      outputOf(
        await registry.dispatch({ name: 'sk__text_uppercase', input: { text: 'round trip' } }),
      ),
    ).toMatchObject({ result: 'ROUND TRIP' });
    const denied = await registry.dispatch({ name: 'sk__admin_only', input: {} });
    expect(denied.ok ? '' : denied.error.message).toContain('[tool_denied]');
  });

  it('calls a tool over stdio and forwards progress through a second MCP hop', async () => {
    const registry = track(createToolRegistry());
    const bridge = track(
      await connectMcp({
        name: 'sk',
        registry,
        command: process.execPath,
        args: [stdioServer],
        pingIntervalMs: 0,
      }),
    );
    expect(outputOf(await registry.dispatch({ name: 'sk__echo', input: { text: 'hi' } }))).toEqual({
      echo: 'hi',
    });
    // A client of a second server, whose registry holds the bridged tools.
    const front = track(createMcpServer(registry, { pollToolsMs: 0 }));
    const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
    await front.connect(serverSide);
    const client = track(new Client({ name: 'test', version: '1.0.0' }));
    await client.connect(clientSide);
    const seen: number[] = [];
    const result = await client.callTool({ name: 'sk__progress', arguments: {} }, undefined, {
      onprogress: ({ progress }) => seen.push(progress),
    });
    expect(result.content).toEqual([{ type: 'text', text: 'done' }]);
    expect(seen).toEqual([1, 2, 3]);
    expect(bridge.health().tools).toBe(registry.list().length);
  });

  it('fails with mcp_unavailable while the HTTP server is down and recovers when it is back', async () => {
    const first = await skreaverOverHttp();
    const registry = track(createToolRegistry());
    const bridge: McpBridge = track(
      await connectMcp({
        name: 'sk',
        url: first.url,
        registry,
        pingIntervalMs: 0,
        reconnect: { maxAttempts: 2, initialDelayMs: 10, maxDelayMs: 20 },
      }),
    );
    await first.stop();
    const down = await registry.dispatch({ name: 'sk__echo', input: { text: 'a' } });
    expect(isSkreaverError(down.ok ? undefined : down.error.cause, 'mcp_unavailable')).toBe(true);
    await vi.waitFor(() => expect(bridge.health().state).toBe('failed'));
    expect(registry.has('sk__echo')).toBe(true);
    await skreaverOverHttp(first.port);
    await vi.waitFor(
      async () => {
        const again = await registry.dispatch({ name: 'sk__echo', input: { text: 'b' } });
        expect(again).toEqual({ ok: true, output: { echo: 'b' } });
      },
      { timeout: 5_000, interval: 50 },
    );
    expect(bridge.health().state).toBe('connected');
  });

  it('notices a hung server through the health ping and restarts it', async () => {
    const upstream = join(fixtures, 'upstream.mjs');
    const bridge = track(
      await connectMcp({
        name: 'up',
        command: process.execPath,
        args: [upstream],
        pingIntervalMs: 50,
        pingTimeoutMs: 100,
        reconnect: { initialDelayMs: 10, maxDelayMs: 50 },
      }),
    );
    await vi.waitFor(() => expect(bridge.health().lastPingMs).toBeDefined());
    const pid = bridge.health().pid as number;
    process.kill(pid, 'SIGSTOP');
    try {
      await vi.waitFor(() => expect(bridge.health().state).not.toBe('connected'), {
        timeout: 5_000,
      });
      expect(bridge.health().lastError?.code).toBe('mcp_timeout');
    } finally {
      process.kill(pid, 'SIGCONT');
    }
    await vi.waitFor(() => expect(bridge.health().state).toBe('connected'), { timeout: 5_000 });
    expect(bridge.health().pid).not.toBe(pid);
    await vi.waitFor(() => expect(alive(pid)).toBe(false), { timeout: 5_000 });
  });
});
