import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { ERROR_META_KEY } from 'skreaver/mcp';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { bundle } from '../../_support/bundle.js';
import { rawChild, stdioClient } from './_spawn.js';

const fixtures = new URL('./fixtures/', import.meta.url).pathname;
let server = '';
let cli = '';
const cleanups: (() => Promise<unknown>)[] = [];

beforeAll(async () => {
  [server, cli] = await Promise.all([
    bundle(join(fixtures, 'skreaver-stdio.mjs')),
    bundle(join(fixtures, 'cli-mcp.mjs')),
  ]);
}, 30_000);

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function codeOf(result: unknown): string | undefined {
  return ((result as CallToolResult)._meta?.[ERROR_META_KEY] as { code?: string } | undefined)
    ?.code;
}

async function client(env: Record<string, string> = {}, script = server, args: string[] = []) {
  const made = await stdioClient(script, args, env);
  cleanups.push(() => made.client.close());
  return made;
}

describe('skreaver MCP server over stdio (the SDK client spawning it)', () => {
  it('lists the registry with real schemas and answers calls, errors and denials', async () => {
    const { client: c } = await client();
    expect(c.getServerVersion()).toEqual({ name: 'skreaver-fixture', version: '1.0.0' });
    const { tools } = await c.listTools();
    const names = tools.map((tool) => tool.name);
    expect(names).toEqual(expect.arrayContaining(['text_uppercase', 'json_parse', 'echo', 'wait']));
    const upper = tools.find((tool) => tool.name === 'text_uppercase');
    expect(upper?.inputSchema).toMatchObject({ type: 'object', required: ['text'] });
    const ok = await c.callTool({ name: 'text_uppercase', arguments: { text: 'abc' } });
    expect(ok.structuredContent).toMatchObject({ result: 'ABC' });
    expect(codeOf(await c.callTool({ name: 'fail', arguments: {} }))).toBe('tool_failed');
    expect(codeOf(await c.callTool({ name: 'admin_only', arguments: {} }))).toBe('tool_denied');
    const huge = await c.callTool({
      name: 'text_uppercase',
      arguments: { text: 'x'.repeat(1_100_000) },
    });
    expect(codeOf(huge)).toBe('tool_invalid_input');
  });

  it('runs as the configured principal', async () => {
    const { client: c } = await client({ FIXTURE_ROLES: 'admin' });
    const result = await c.callTool({ name: 'admin_only', arguments: {} });
    expect(result.content).toEqual([{ type: 'text', text: 'secret' }]);
  });

  it('aborts a cancelled call, times out a slow one and streams progress', async () => {
    const { client: c, stderr } = await client({ FIXTURE_WAIT_TIMEOUT: '1' });
    const timedOut = await c.callTool({ name: 'wait', arguments: {} });
    expect(codeOf(timedOut)).toBe('tool_timeout');
    await vi.waitFor(() => expect(stderr()).toContain('wait: aborted tool_timeout'));
    const seen: number[] = [];
    // The SDK client hands notifications to their handler a microtask late
    // but settles a response at once: progress that reaches it in the same
    // read as the answer is reported as an error for an unknown token
    // instead. Those count too: what is checked is what the server sent.
    const late: number[] = [];
    c.onerror = (error) => {
      const found = /unknown token: (.*)$/.exec(error.message);
      if (found?.[1] !== undefined) late.push(JSON.parse(found[1]).params.progress);
    };
    const done = await c.callTool({ name: 'progress', arguments: {} }, undefined, {
      onprogress: ({ progress }) => seen.push(progress),
    });
    await new Promise((resolve) => setImmediate(resolve));
    expect(done.content).toEqual([{ type: 'text', text: 'done' }]);
    expect(seen.length).toBeGreaterThan(0);
    expect([...seen, ...late]).toEqual([1, 2, 3]);

    const other = await client();
    const controller = new AbortController();
    const call = other.client.callTool({ name: 'wait', arguments: {} }, undefined, {
      signal: controller.signal,
    });
    await vi.waitFor(() => expect(other.stderr()).toContain('wait: started'));
    controller.abort();
    await expect(call).rejects.toThrow();
    await vi.waitFor(() => expect(other.stderr()).toContain('wait: aborted tool_aborted'));
  });
});

describe('skreaver MCP server over stdio with malformed input', () => {
  it('answers garbage with JSON-RPC errors and keeps serving; exits when stdin ends', async () => {
    const raw = rawChild(server);
    cleanups.push(async () => {
      raw.child.kill();
      await raw.exited;
    });
    raw.send('this is not json');
    expect(await raw.next()).toMatchObject({ jsonrpc: '2.0', error: { code: -32700 } });
    raw.send('{"hello":"world"}');
    expect(await raw.next()).toMatchObject({ error: { code: -32600 } });
    raw.send(
      JSON.stringify({
        jsonrpc: '2.0',
        id: 1,
        method: 'initialize',
        params: {
          protocolVersion: '2025-06-18',
          capabilities: {},
          clientInfo: { name: 'raw', version: '1' },
        },
      }),
    );
    expect(await raw.next()).toMatchObject({
      id: 1,
      result: { serverInfo: { name: 'skreaver-fixture' } },
    });
    raw.send(JSON.stringify({ jsonrpc: '2.0', method: 'notifications/initialized' }));
    raw.send(JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'no/such/method' }));
    expect(await raw.next()).toMatchObject({ id: 2, error: { code: -32601 } });
    raw.send(
      JSON.stringify({
        jsonrpc: '2.0',
        id: 3,
        method: 'tools/call',
        params: { name: 'echo', arguments: 'x' },
      }),
    );
    // The SDK checks the request shape before any handler runs and answers -32603.
    expect(await raw.next()).toMatchObject({ id: 3, error: { code: -32603 } });
    raw.send(
      JSON.stringify({ jsonrpc: '2.0', id: 4, method: 'tools/call', params: { name: 'wait' } }),
    );
    await vi.waitFor(() => expect(raw.stderr()).toContain('wait: started'));
    // The client goes away mid-call: the call is aborted and the server exits.
    raw.child.stdin?.end();
    expect(await raw.exited).toBe(0);
    expect(raw.stderr()).toContain('wait: aborted tool_aborted');
  });
});

describe('skreaver mcp (the CLI command over stdio)', () => {
  it('serves the local standard tools without a policy', async () => {
    const { client: c, stderr } = await client({}, cli);
    const { tools } = await c.listTools();
    expect(tools.map((tool) => tool.name).sort()).toEqual([
      'json_parse',
      'json_transform',
      'text_analyze',
      'text_reverse',
      'text_search',
      'text_split',
      'text_uppercase',
      'xml_parse',
    ]);
    const result = await c.callTool({ name: 'text_reverse', arguments: { text: 'abc' } });
    expect(result.structuredContent).toMatchObject({ result: 'cba' });
    await vi.waitFor(() => expect(stderr()).toContain('serving 8 tools over stdio'));
    expect(stderr()).toContain('"type":"tool.allowed"');
  });

  it('serves every standard tool under a policy file, which confines them', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'skreaver-mcp-cli-'));
    writeFileSync(join(dir, 'note.txt'), 'hello from a file');
    const policy = join(dir, 'policy.toml');
    writeFileSync(policy, `[fs]\nenabled = true\nallow_paths = [${JSON.stringify(dir)}]\n`);
    const { client: c } = await client({}, cli, [policy]);
    const { tools } = await c.listTools();
    expect(tools).toHaveLength(16);
    const read = await c.callTool({
      name: 'file_read',
      arguments: { path: join(dir, 'note.txt') },
    });
    expect(JSON.stringify(read.structuredContent)).toContain('hello from a file');
    const outside = await c.callTool({ name: 'file_read', arguments: { path: '/etc/hostname' } });
    expect(outside.isError).toBe(true);
    const web = await c.callTool({ name: 'http_get', arguments: { url: 'https://example.com/' } });
    expect(web.isError).toBe(true);
  });

  it('exits 1 with the code of an invalid policy file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'skreaver-mcp-cli-'));
    const policy = join(dir, 'bad.toml');
    writeFileSync(policy, '[fs]\nenabled = "yes"\n');
    const run = spawnSync(process.execPath, [cli, policy], { input: '', encoding: 'utf8' });
    expect(run.status).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain('[policy_invalid]');
  });
});
