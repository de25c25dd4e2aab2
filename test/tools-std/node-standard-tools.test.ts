import { mkdtemp, realpath, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createToolRegistry, DEFAULT_POLICY, type SecurityPolicy } from 'skreaver';
import { standardTools } from 'skreaver/tools';
import { nodeStandardTools, registerNodeStandardTools } from 'skreaver/tools/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localPolicy, useServer } from './_http-server.js';
import { FILE_TOOL_NAMES, HTTP_TOOL_NAMES, LOCAL_TOOL_NAMES } from './_tool-names.js';

/** The sixteen standard tools, in the order `nodeStandardTools` makes them. */
const ALL = [...LOCAL_TOOL_NAMES, ...HTTP_TOOL_NAMES, ...FILE_TOOL_NAMES];

const server = useServer();
let dir: string;

beforeAll(async () => {
  dir = await realpath(await mkdtemp(join(tmpdir(), 'skreaver-node-tools-')));
  await writeFile(join(dir, 'note.txt'), 'from disk');
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('nodeStandardTools', () => {
  it('makes all sixteen tools, the same names as the neutral set plus the file tools', () => {
    const names = nodeStandardTools(DEFAULT_POLICY).map((tool) => tool.name);
    expect(names).toEqual(ALL);
    expect(standardTools(DEFAULT_POLICY).map((tool) => tool.name)).toEqual(ALL.slice(0, 12));
  });

  it('under the default policy the HTTP and file tools exist and refuse', async () => {
    const registry = registerNodeStandardTools(createToolRegistry(), { policy: DEFAULT_POLICY });
    expect(registry.list().map((tool) => tool.name)).toEqual(ALL);
    const http = await registry.dispatch({ name: 'http_get', input: 'https://example.com/' });
    const file = await registry.dispatch({ name: 'file_read', input: join(dir, 'note.txt') });
    expect(http.ok ? 'ok' : http.error.data).toMatchObject({ detail: { reason: 'http_disabled' } });
    expect(file.ok ? 'ok' : file.error.data).toMatchObject({ detail: { reason: 'fs_disabled' } });
    expect(() => registerNodeStandardTools(registry, { policy: DEFAULT_POLICY })).toThrow(
      expect.objectContaining({ code: 'tool_duplicate' }),
    );
    await registry.close();
  });

  it('uses the DNS-pinned HTTP tools and the file tools under an open policy', async () => {
    const base = localPolicy({ allowDomains: ['api.test'] });
    const policy: SecurityPolicy = {
      ...base,
      fs: { ...DEFAULT_POLICY.fs, enabled: true, allowPaths: [dir] },
    };
    const resolved: string[] = [];
    const registry = registerNodeStandardTools(createToolRegistry(), {
      policy,
      http: {
        resolver: async (host) => {
          resolved.push(host);
          return [{ address: '127.0.0.1', family: 4 }];
        },
      },
    });
    const http = await registry.dispatch({
      name: 'http_get',
      input: `http://api.test:${server.port}/hello`,
    });
    expect(http).toEqual({
      ok: true,
      output: {
        status: 200,
        body: 'hello',
        success: true,
        url: `http://api.test:${server.port}/hello`,
      },
    });
    expect(resolved).toEqual(['api.test']);
    const file = await registry.dispatch({ name: 'file_read', input: 'note.txt' });
    expect(file).toMatchObject({ ok: true, output: { content: 'from disk' } });
    await registry.close();
  });

  it('applies the shared maxInputBytes to every tool, with tool options winning', async () => {
    const tools = nodeStandardTools(DEFAULT_POLICY, {
      maxInputBytes: 4,
      files: { maxInputBytes: 64 },
    });
    const registry = createToolRegistry();
    for (const tool of tools) registry.register(tool);
    const text = await registry.dispatch({ name: 'text_reverse', input: 'abcdef' });
    const http = await registry.dispatch({ name: 'http_get', input: 'https://example.com/' });
    const file = await registry.dispatch({ name: 'file_read', input: join(dir, 'note.txt') });
    expect(text.ok ? 'ok' : text.error.data).toMatchObject({ reason: 'input_too_large', limit: 4 });
    expect(http.ok ? 'ok' : http.error.data).toMatchObject({ reason: 'input_too_large', limit: 4 });
    // Not too large for the file tool: refused by the (default) policy instead.
    expect(file.ok ? 'ok' : file.error.data).toMatchObject({ detail: { reason: 'fs_disabled' } });
    await registry.close();
  });
});
