import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { createApiKeyManager, createRbac } from 'skreaver';
import { createHttpRuntime } from 'skreaver/http';
import { createMcpHttpHandler, createMcpServer, ERROR_META_KEY } from 'skreaver/mcp';
import { expect, it } from 'vitest';
import { listen } from './_node-http.js';
import { testRegistry } from './_tools.js';

// The mounting docs/mcp.md describes: the runtime authenticates (protect),
// the handler runs each call as the runtime's principal.
it('mounts at /mcp in skreaver/http behind protect(), running calls as its principal', async () => {
  const { registry, log } = testRegistry();
  const mcp = createMcpHttpHandler(createMcpServer(registry, { pollToolsMs: 0 }));
  const apiKeys = createApiKeyManager();
  const admin = await apiKeys.issue({ id: 'ada', roles: ['admin'] }, { name: 'mcp' });
  const viewer = await apiKeys.issue({ id: 'vic', roles: ['viewer'] }, { name: 'mcp' });
  const runtime = createHttpRuntime({
    agentTypes: {
      idle: {
        create: () => ({ observe() {}, callTools: () => [], handleResult() {}, act: () => '' }),
      },
    },
    auth: { apiKeys, rbac: createRbac({ defaultDeny: false }) },
    registry,
    routes: ({ app, protect }) => {
      app.on(['GET', 'POST', 'DELETE'], '/mcp', protect('tool:execute'), (c) =>
        mcp.handle(c.req.raw, { principal: c.get('principal') }),
      );
    },
  });
  const http = await listen((request) => Promise.resolve(runtime.fetch(request)));
  const client = new Client({ name: 'test', version: '1.0.0' });
  try {
    const refused = await fetch(http.url, { method: 'POST', body: '{}' });
    expect(refused.status).toBe(401);
    await refused.text();
    const forbidden = await fetch(http.url, {
      method: 'POST',
      headers: { 'x-api-key': viewer.key },
      body: '{}',
    });
    expect(forbidden.status).toBe(403);
    await forbidden.text();

    await client.connect(
      new StreamableHTTPClientTransport(new URL(http.url), {
        requestInit: { headers: { 'x-api-key': admin.key } },
      }),
    );
    const result = await client.callTool({ name: 'whoami', arguments: {} });
    expect(result.content).toEqual([{ type: 'text', text: 'ada' }]);
    expect(log.principals[0]?.id).toBe('ada');
    const allowed = await client.callTool({ name: 'admin_only', arguments: {} });
    expect(allowed.content).toEqual([{ type: 'text', text: 'secret' }]);
    const failed = (await client.callTool({ name: 'fail', arguments: {} })) as CallToolResult;
    expect(failed._meta?.[ERROR_META_KEY]).toMatchObject({ code: 'tool_failed' });
  } finally {
    await client.close();
    await mcp.close();
    await runtime.close();
    await http.close();
    await registry.close();
  }
});
