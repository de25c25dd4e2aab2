import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { mcpCommand } from '../../../cli/commands/mcp.js';

const fixtures = new URL('../fixtures/', import.meta.url).pathname;

/** Runs `mcpCommand` on in-memory streams: sends `lines`, ends stdin, and collects the answers. */
async function run(lines: readonly object[], policy?: string) {
  const stdin = new PassThrough();
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (chunk) => {
    out += String(chunk);
  });
  stderr.on('data', (chunk) => {
    err += String(chunk);
  });
  const done = mcpCommand({
    ...(policy === undefined ? {} : { policy }),
    cwd: fixtures,
    stdin,
    stdout,
    stderr,
    version: '9.9.9',
  });
  for (const line of lines) stdin.write(`${JSON.stringify(line)}\n`);
  const answers = lines.filter((line) => 'id' in line).length;
  while (out.split('\n').filter(Boolean).length < answers) {
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  stdin.end();
  const code = await done;
  return {
    code,
    answers: out
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line)),
    err,
  };
}

const INIT = {
  jsonrpc: '2.0',
  id: 1,
  method: 'initialize',
  params: {
    protocolVersion: '2025-06-18',
    capabilities: {},
    clientInfo: { name: 't', version: '1' },
  },
};

describe('mcpCommand in process', () => {
  it('answers on stdout only, logs on stderr, and resolves 0 when stdin ends', async () => {
    const r = await run([
      INIT,
      { jsonrpc: '2.0', method: 'notifications/initialized' },
      { jsonrpc: '2.0', id: 2, method: 'tools/list' },
      {
        jsonrpc: '2.0',
        id: 3,
        method: 'tools/call',
        params: { name: 'text_uppercase', arguments: { text: 'x' } },
      },
    ]);
    expect(r.code).toBe(0);
    expect(r.answers[0].result.serverInfo).toEqual({ name: 'skreaver', version: '9.9.9' });
    expect(r.answers[1].result.tools).toHaveLength(8);
    expect(r.answers[2].result.structuredContent).toMatchObject({ result: 'X' });
    expect(r.err).toContain('serving 8 tools over stdio');
  });

  it('prints policy warnings to stderr and serves all sixteen tools with a policy', async () => {
    const r = await run(
      [INIT, { jsonrpc: '2.0', id: 2, method: 'tools/list' }],
      'policy-original.toml',
    );
    expect(r.answers[1].result.tools).toHaveLength(16);
    expect(r.err).toContain('skreaver mcp: warning: ');
  });

  it('rejects with policy_invalid for an invalid policy file', async () => {
    await expect(
      mcpCommand({
        policy: 'policy-invalid.toml',
        cwd: fixtures,
        stdin: new PassThrough(),
        stdout: new PassThrough(),
        stderr: new PassThrough(),
      }),
    ).rejects.toMatchObject({ code: 'policy_invalid' });
  });

  it('says which optional dependency is missing', async () => {
    await expect(
      mcpCommand({
        stdin: new PassThrough(),
        stdout: new PassThrough(),
        stderr: new PassThrough(),
        loadMcp: () => Promise.reject(new Error('Cannot find package')),
      }),
    ).rejects.toThrow(/@modelcontextprotocol\/sdk/);
  });
});
