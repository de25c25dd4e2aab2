import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createToolRegistry,
  isSkreaverError,
  type ToolPolicyHook,
  type ToolRegistry,
  type ToolResult,
} from 'skreaver';
import { type ConnectMcpOptions, connectMcp, type McpBridge } from 'skreaver/mcp';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { alive } from './_spawn.js';

const upstream = new URL('./fixtures/upstream.mjs', import.meta.url).pathname;
const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function bridge(
  options: Partial<ConnectMcpOptions> = {},
  env: Record<string, string> = {},
  policies: ToolPolicyHook[] = [],
): Promise<{ bridge: McpBridge; registry: ToolRegistry }> {
  const registry = createToolRegistry({ policies });
  const made = await connectMcp({
    name: 'up',
    registry,
    command: process.execPath,
    args: [upstream],
    env,
    connectTimeoutMs: 5_000,
    pingIntervalMs: 0,
    reconnect: { initialDelayMs: 10, maxDelayMs: 50 },
    ...options,
  } as ConnectMcpOptions);
  cleanups.push(
    () => registry.close(),
    () => made.close(),
  );
  return { bridge: made, registry };
}

function causeOf(result: ToolResult): unknown {
  return result.ok ? undefined : result.error.cause;
}

describe('connectMcp over stdio', () => {
  it('registers the server tools under a prefix, with their schemas, and calls them', async () => {
    const { bridge: b, registry } = await bridge();
    const names = registry.list().map((tool) => tool.name);
    expect(names).toEqual(
      expect.arrayContaining(['up__add', 'up__pid', 'up__hang', 'up__grow', 'up__refs']),
    );
    expect(names.find((name) => name.startsWith('up__dotted_name_'))).toMatch(
      /^up__dotted_name_[0-9a-f]{8}$/,
    );
    expect(registry.get('up__add')?.inputSchema).toMatchObject({ required: ['a', 'b'] });
    expect(await registry.dispatch({ name: 'up__add', input: { a: 1, b: 2 } })).toEqual({
      ok: true,
      output: { sum: 3 },
    });
    expect(await registry.dispatch({ name: 'up__refs', input: { x: 'y' } })).toEqual({
      ok: true,
      output: 'ran refs',
    });
    const health = b.health();
    expect(health).toMatchObject({
      server: 'up',
      state: 'connected',
      healthy: true,
      tools: names.length,
      protocolErrors: 0,
      serverInfo: { name: 'upstream-fixture', version: '1.2.3' },
    });
    expect(alive(health.pid as number)).toBe(true);
    expect(b.tools.map((tool) => tool.name).sort()).toEqual([...names].sort());
  });

  it('validates input locally and applies the registry policy to bridged tools', async () => {
    const denyAdd: ToolPolicyHook = ({ tool }) =>
      tool.name === 'up__add' ? { allow: false, reason: 'no adding' } : { allow: true };
    const { registry } = await bridge({}, {}, [denyAdd]);
    const invalid = await registry.dispatch({ name: 'up__pid', input: 'not an object' });
    expect(invalid.ok ? '' : invalid.error.code).toBe('tool_invalid_input');
    const denied = await registry.dispatch({ name: 'up__add', input: { a: 1, b: 2 } });
    expect(denied.ok ? '' : denied.error.code).toBe('tool_denied');
  });

  it('turns error results and JSON-RPC errors into tool errors', async () => {
    const { registry } = await bridge();
    const oops = await registry.dispatch({ name: 'up__oops', input: {} });
    expect(oops.ok).toBe(false);
    if (!oops.ok) {
      expect(oops.error.code).toBe('tool_failed');
      expect(oops.error.message).toContain('the upstream tool broke');
    }
    const picky = await registry.dispatch({ name: 'up__picky', input: {} });
    expect(picky.ok ? '' : picky.error.code).toBe('tool_invalid_input');
  });

  it('fails a call with mcp_unavailable when the server dies mid-call, then reconnects', async () => {
    const { bridge: b, registry } = await bridge();
    const firstPid = b.health().pid as number;
    const call = registry.dispatch({ name: 'up__hang', input: {} });
    await new Promise((resolve) => setTimeout(resolve, 50));
    process.kill(firstPid, 'SIGKILL');
    const result = await call;
    expect(result.ok ? '' : result.error.code).toBe('tool_failed');
    expect(isSkreaverError(causeOf(result), 'mcp_unavailable')).toBe(true);
    expect(b.health().lastError).toMatchObject({
      code: 'mcp_unavailable',
      data: { server: 'up', stderr: expect.stringContaining('upstream fixture') },
    });
    expect(registry.has('up__add')).toBe(true);
    await vi.waitFor(() => expect(b.health().state).toBe('connected'), { timeout: 5_000 });
    expect(b.health().pid).not.toBe(firstPid);
    expect(await registry.dispatch({ name: 'up__add', input: { a: 2, b: 2 } })).toEqual({
      ok: true,
      output: { sum: 4 },
    });
  });

  it('stays failed without reconnect, says so, and comes back on reconnect()', async () => {
    const { bridge: b, registry } = await bridge({ reconnect: false });
    process.kill(b.health().pid as number, 'SIGKILL');
    await vi.waitFor(() => expect(b.health().state).toBe('failed'));
    const result = await registry.dispatch({ name: 'up__add', input: { a: 1, b: 1 } });
    expect(isSkreaverError(causeOf(result), 'mcp_unavailable')).toBe(true);
    expect(b.health()).toMatchObject({ healthy: false, tools: b.tools.length });
    expect(b.tools.length).toBeGreaterThan(0);
    await b.reconnect();
    expect(b.health().state).toBe('connected');
    expect((await registry.dispatch({ name: 'up__add', input: { a: 1, b: 1 } })).ok).toBe(true);
  });

  it('does not time out a slow call that reports progress, and passes the progress on', async () => {
    const { bridge: b, registry } = await bridge({ callTimeoutMs: 150 });
    const seen: number[] = [];
    const result = await b.call(
      'slow',
      { ms: 500, step: 50, progress: true },
      { onProgress: ({ progress }) => seen.push(progress) },
    );
    expect(result.content).toEqual([{ type: 'text', text: 'slow done' }]);
    // The SDK client may drop the last report when it arrives with the answer.
    expect(seen.slice(0, 9)).toEqual([50, 100, 150, 200, 250, 300, 350, 400, 450]);
    const silent = await registry.dispatch({ name: 'up__slow', input: { ms: 400, step: 100 } });
    expect(isSkreaverError(causeOf(silent), 'mcp_timeout')).toBe(true);
    expect(b.health().state).toBe('connected');
  });

  it('refreshes the tools when the server announces list_changed', async () => {
    const { registry } = await bridge();
    expect(registry.has('up__grown')).toBe(false);
    expect((await registry.dispatch({ name: 'up__grow', input: {} })).ok).toBe(true);
    await vi.waitFor(() => expect(registry.has('up__grown')).toBe(true));
  });

  it('unregisters its tools and stops the server on close', async () => {
    const { bridge: b, registry } = await bridge();
    const pid = b.health().pid as number;
    await b.close();
    expect(registry.list()).toEqual([]);
    expect(b.health().state).toBe('closed');
    await vi.waitFor(() => expect(alive(pid)).toBe(false));
    await expect(b.call('add', { a: 1, b: 1 })).rejects.toMatchObject({ code: 'mcp_unavailable' });
  });
});

describe('connectMcp against broken servers', () => {
  it('fails within the connect timeout when initialize is never answered, and stops the child', async () => {
    const pidFile = join(mkdtempSync(join(tmpdir(), 'skreaver-mcp-pid-')), 'pid');
    const failure = bridge(
      { connectTimeoutMs: 300 },
      { FIXTURE_MODE: 'silent', FIXTURE_PID_FILE: pidFile },
    );
    await expect(failure).rejects.toMatchObject({ code: 'mcp_timeout' });
    const pid = Number(readFileSync(pidFile, 'utf8'));
    await vi.waitFor(() => expect(alive(pid)).toBe(false), { timeout: 5_000 });
  });

  it('fails with mcp_protocol when the server writes garbage instead of JSON-RPC', async () => {
    await expect(
      bridge({ connectTimeoutMs: 300 }, { FIXTURE_MODE: 'garbage' }),
    ).rejects.toMatchObject({ code: 'mcp_protocol', data: { reason: 'not_json_rpc' } });
  });

  it('works with a server that logs to stdout, counting the bad lines', async () => {
    const { bridge: b, registry } = await bridge({}, { FIXTURE_MODE: 'noisy' });
    expect(b.health().protocolErrors).toBeGreaterThan(0);
    expect((await registry.dispatch({ name: 'up__pid', input: {} })).ok).toBe(true);
  });

  it('reports a command that cannot be started as mcp_unavailable', async () => {
    await expect(
      connectMcp({ name: 'gone', command: '/nonexistent/skreaver-mcp-server', pingIntervalMs: 0 }),
    ).rejects.toMatchObject({ code: 'mcp_unavailable', data: { reason: 'spawn_failed' } });
  });

  it('refuses bad options with invalid_options', async () => {
    const bad: unknown[] = [
      { name: 'x' },
      { name: 'has space', command: 'node' },
      { name: 'x', command: 'node', url: 'http://localhost/' },
      { name: 'x', url: 'ftp://example.com/' },
      { name: 'x', command: 'node', connectTimeoutMs: 0 },
      { name: 'x', command: 'node', prefix: 'a.b' },
      { name: 'x', command: 'node', reconnect: { maxAttempts: -1 } },
    ];
    for (const options of bad) {
      await expect(connectMcp(options as ConnectMcpOptions)).rejects.toMatchObject({
        code: 'invalid_options',
      });
    }
  });
});
