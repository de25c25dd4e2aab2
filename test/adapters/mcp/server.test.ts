import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { type CallToolResult, ErrorCode } from '@modelcontextprotocol/sdk/types.js';
import { isSkreaverError, type Principal, type Tool } from 'skreaver';
import { createMcpServer, ERROR_META_KEY, reportProgress } from 'skreaver/mcp';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { testRegistry } from './_tools.js';

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function setup(
  options: Parameters<typeof createMcpServer>[1] = {},
  principal?: Principal,
  registryOptions: Parameters<typeof testRegistry>[0] = {},
) {
  const { registry, log } = testRegistry(registryOptions);
  const server = createMcpServer(registry, { pollToolsMs: 0, ...options });
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  const session = await server.connect(serverSide, principal === undefined ? {} : { principal });
  const client = new Client({ name: 'test', version: '1.0.0' });
  await client.connect(clientSide);
  cleanups.push(
    () => registry.close(),
    () => server.close(),
    () => client.close(),
  );
  return { registry, log, server, session, client };
}

function errorOf(result: CallToolResult) {
  return (result._meta as Record<string, { code: string; message: string; data?: unknown }>)[
    ERROR_META_KEY
  ];
}

describe('createMcpServer over the SDK client (in memory)', () => {
  it('answers initialize with its name, version and the tools capability', async () => {
    const { client } = await setup({ name: 'unit', version: '9.9.9', instructions: 'be nice' });
    expect(client.getServerVersion()).toEqual({ name: 'unit', version: '9.9.9' });
    expect(client.getServerCapabilities()?.tools).toEqual({ listChanged: true });
    expect(client.getInstructions()).toBe('be nice');
  });

  it('lists every tool with its own description and JSON Schema', async () => {
    const { client, registry } = await setup();
    const { tools } = await client.listTools();
    expect(tools.map((tool) => tool.name)).toEqual(registry.list().map((tool) => tool.name));
    const echo = tools.find((tool) => tool.name === 'echo');
    expect(echo?.description).toBe('Echoes its text.');
    expect(echo?.inputSchema).toEqual(registry.get('echo')?.inputSchema);
  });

  it('wraps a schema that is not an object as { input } and unwraps it on call', async () => {
    const { client } = await setup();
    const { tools } = await client.listTools();
    expect(tools.find((tool) => tool.name === 'upper')?.inputSchema).toEqual({
      type: 'object',
      properties: { input: { type: 'string' } },
      required: ['input'],
      additionalProperties: false,
    });
    const result = await client.callTool({ name: 'upper', arguments: { input: 'abc' } });
    expect(result).toEqual({ content: [{ type: 'text', text: 'ABC' }] });
  });

  it('returns an object output as JSON text and structuredContent', async () => {
    const { client } = await setup();
    const result = await client.callTool({ name: 'echo', arguments: { text: 'hi' } });
    expect(result.isError).toBeUndefined();
    expect(result.structuredContent).toEqual({ echo: 'hi' });
    expect(result.content).toEqual([{ type: 'text', text: '{"echo":"hi"}' }]);
  });

  it('answers a failing tool with isError, the skreaver code and message', async () => {
    const { client } = await setup();
    const result = (await client.callTool({ name: 'fail', arguments: {} })) as CallToolResult;
    expect(result.isError).toBe(true);
    expect(errorOf(result)).toMatchObject({ code: 'tool_failed', data: { tool: 'fail' } });
    expect(result.content[0]).toEqual({
      type: 'text',
      text: "[tool_failed] Tool 'fail' failed: boom",
    });
  });

  it('reports input that fails the schema as tool_invalid_input with issues', async () => {
    const { client } = await setup();
    const result = (await client.callTool({
      name: 'echo',
      arguments: { text: 'x'.repeat(101) },
    })) as CallToolResult;
    expect(errorOf(result)).toMatchObject({
      code: 'tool_invalid_input',
      data: { issues: [{ path: '/text' }] },
    });
    const extra = (await client.callTool({
      name: 'echo',
      arguments: { text: 'a', other: 1 },
    })) as CallToolResult;
    expect(errorOf(extra)?.code).toBe('tool_invalid_input');
  });

  it('reports unknown tools, bad outputs and a closed registry with their codes', async () => {
    const { client, registry } = await setup();
    const unknown = (await client.callTool({ name: 'nope', arguments: {} })) as CallToolResult;
    expect(errorOf(unknown)?.code).toBe('tool_not_found');
    const bad = (await client.callTool({ name: 'bad_output', arguments: {} })) as CallToolResult;
    expect(errorOf(bad)?.code).toBe('tool_invalid_output');
    await registry.close();
    const closed = (await client.callTool({
      name: 'echo',
      arguments: { text: 'a' },
    })) as CallToolResult;
    expect(errorOf(closed)?.code).toBe('registry_closed');
  });

  it('runs calls as the session principal, so policy hooks and RBAC apply', async () => {
    const anonymous = await setup();
    const denied = (await anonymous.client.callTool({
      name: 'admin_only',
      arguments: {},
    })) as CallToolResult;
    expect(errorOf(denied)).toMatchObject({
      code: 'tool_denied',
      data: { reason: 'admins only', detail: { code: 'permission_denied' } },
    });
    const admin = await setup({}, { id: 'ada', roles: ['admin'] });
    const allowed = await admin.client.callTool({ name: 'admin_only', arguments: {} });
    expect(allowed.content).toEqual([{ type: 'text', text: 'secret' }]);
    await admin.client.callTool({ name: 'whoami', arguments: {} });
    expect(admin.log.principals).toEqual([{ id: 'ada', roles: ['admin'] }]);
  });

  it('aborts the tool signal when the client cancels the request', async () => {
    const { client, log } = await setup();
    const controller = new AbortController();
    const call = client.callTool({ name: 'wait', arguments: {} }, undefined, {
      signal: controller.signal,
    });
    await log.started();
    controller.abort('changed my mind');
    await expect(call).rejects.toThrow();
    await vi.waitFor(() => expect(log.aborts).toHaveLength(1));
    expect(isSkreaverError(log.aborts[0], 'tool_aborted')).toBe(true);
  });

  it('times a tool out with tool_timeout, per tool name', async () => {
    const { client, log } = await setup({
      toolTimeoutMs: (tool) => (tool === 'wait' ? 20 : undefined),
    });
    const result = (await client.callTool({ name: 'wait', arguments: {} })) as CallToolResult;
    expect(errorOf(result)).toMatchObject({ code: 'tool_timeout', data: { timeoutMs: 20 } });
    expect(log.aborts).toHaveLength(1);
  });

  it('passes growing progress reports through as notifications', async () => {
    const { client } = await setup();
    const seen: unknown[] = [];
    const result = await client.callTool({ name: 'progress', arguments: {} }, undefined, {
      onprogress: (progress) => seen.push(progress),
    });
    expect(result.content).toEqual([{ type: 'text', text: 'done' }]);
    expect(seen).toEqual([
      { progress: 1, total: 3, message: 'step 1' },
      { progress: 2, total: 3, message: 'step 2' },
      { progress: 3, total: 3, message: 'step 3' },
    ]);
  });

  it('aborts running calls when the client disconnects', async () => {
    const { client, log, session } = await setup();
    const call = client.callTool({ name: 'wait', arguments: {} });
    await log.started();
    await client.close();
    await expect(call).rejects.toThrow();
    await session.closed;
    await vi.waitFor(() => expect(log.aborts).toHaveLength(1));
  });

  it('sends tools/list_changed when the registry changes', async () => {
    const { client, registry, server } = await setup();
    const changed = vi.fn();
    client.setNotificationHandler(
      (await import('@modelcontextprotocol/sdk/types.js')).ToolListChangedNotificationSchema,
      changed,
    );
    expect(server.notifyToolsChanged()).toBe(false);
    const extra: Tool = {
      name: 'late',
      description: 'Registered after the client connected.',
      inputSchema: { type: 'object' },
      call: () => 'late',
    };
    registry.register(extra);
    expect(server.notifyToolsChanged()).toBe(true);
    await vi.waitFor(() => expect(changed).toHaveBeenCalledTimes(1));
    const { tools } = await client.listTools();
    expect(tools.map((tool) => tool.name)).toContain('late');
    registry.unregister('late');
    expect(server.listTools().map((tool) => tool.name)).not.toContain('late');
  });

  it('notices registry changes by polling while clients are connected', async () => {
    const { client, registry } = await setup({ pollToolsMs: 10 });
    const changed = vi.fn();
    client.setNotificationHandler(
      (await import('@modelcontextprotocol/sdk/types.js')).ToolListChangedNotificationSchema,
      changed,
    );
    registry.unregister('fail');
    await vi.waitFor(() => expect(changed).toHaveBeenCalled());
  });

  it('answers unknown methods with MethodNotFound', async () => {
    const { client } = await setup();
    await expect(client.listPrompts()).rejects.toMatchObject({ code: ErrorCode.MethodNotFound });
  });

  it('refuses connections after close', async () => {
    const { server } = await setup();
    await server.close();
    const [, serverSide] = InMemoryTransport.createLinkedPair();
    await expect(server.connect(serverSide)).rejects.toMatchObject({ code: 'mcp_unavailable' });
    expect(server.sessions).toBe(0);
  });

  it('refuses bad options with invalid_options', () => {
    const { registry } = testRegistry();
    expect(() => createMcpServer(registry, { pollToolsMs: -1 })).toThrow(
      expect.objectContaining({ code: 'invalid_options' }),
    );
    expect(() => createMcpServer(registry, { name: '' })).toThrow(
      expect.objectContaining({ code: 'invalid_options' }),
    );
    expect(() => createMcpServer({} as never)).toThrow(
      expect.objectContaining({ code: 'invalid_options' }),
    );
  });

  it('reportProgress is a no-op outside an MCP call', async () => {
    const { registry } = testRegistry();
    registry.register({
      name: 'probe',
      description: 'Reports progress.',
      inputSchema: { type: 'object' },
      call: (_input, ctx) => reportProgress(ctx, 1),
    });
    const result = await registry.dispatch({ name: 'probe', input: {} });
    expect(result).toEqual({ ok: true, output: false });
    await registry.close();
  });
});
