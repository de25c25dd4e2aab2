import { DEFAULT_POLICY, SecurityError, ValidationError } from 'skreaver';
import type { HostResolver, ResolvedAddress } from 'skreaver/security/node';
import {
  nodeHttpDeleteTool,
  nodeHttpGetTool,
  nodeHttpPostTool,
  nodeHttpPutTool,
  nodeHttpTools,
} from 'skreaver/tools/node';
import { describe, expect, it } from 'vitest';
import { failure, output } from './_helpers.js';
import { localPolicy, useServer } from './_http-server.js';
import { HTTP_TOOL_NAMES } from './_tool-names.js';

// Names under .test never reach a real DNS server: the injected resolver answers them.

const server = useServer();

/** A resolver from a table; `answers[name]` may change with the call count. */
function table(answers: Record<string, string[] | ((call: number) => string[])>) {
  const calls: string[] = [];
  const resolver: HostResolver = async (hostname) => {
    calls.push(hostname);
    const entry = answers[hostname];
    if (entry === undefined) {
      throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
    }
    const list =
      typeof entry === 'function' ? entry(calls.filter((name) => name === hostname).length) : entry;
    return list.map(
      (address): ResolvedAddress => ({ address, family: address.includes(':') ? 6 : 4 }),
    );
  };
  return { resolver, calls };
}

const NAMES = { allowDomains: ['api.test', 'other.test', 'meta.test', 'mixed.test'] };

describe('DNS-pinned HTTP tools', () => {
  it('resolves the host once, connects to the checked address and keeps the host name', async () => {
    const dns = table({ 'api.test': ['127.0.0.1'] });
    const tool = nodeHttpGetTool(localPolicy(NAMES), { resolver: dns.resolver });
    const before = server.seen.length;
    expect(await output(tool, `http://api.test:${server.port}/hello`)).toEqual({
      status: 200,
      body: 'hello',
      success: true,
      url: `http://api.test:${server.port}/hello`,
    });
    expect(dns.calls).toEqual(['api.test']);
    expect(server.seen.slice(before).map((seen) => seen.host)).toEqual([`api.test:${server.port}`]);
  });

  it('refuses a name that resolves to a private address (which a static check cannot see)', async () => {
    const dns = table({ 'api.test': ['127.0.0.1'] });
    const policy = localPolicy({ ...NAMES, allowPrivateNetworks: false });
    const before = server.seen.length;
    const error = await failure(
      nodeHttpGetTool(policy, { resolver: dns.resolver }),
      `http://api.test:${server.port}/hello`,
    );
    expect(error.code).toBe('tool_denied');
    expect(error.cause).toBeInstanceOf(SecurityError);
    expect(error.data).toMatchObject({
      tool: 'http_get',
      detail: { code: 'url_denied', reason: 'private_address', address: '127.0.0.1' },
    });
    expect(server.seen.length).toBe(before);
  });

  it('refuses a name with one bad address among good ones', async () => {
    const dns = table({ 'mixed.test': ['127.0.0.1', '169.254.169.254'] });
    const error = await failure(
      nodeHttpGetTool(localPolicy(NAMES), { resolver: dns.resolver }),
      `http://mixed.test:${server.port}/hello`,
    );
    expect(error.data).toMatchObject({ detail: { reason: 'metadata_address' } });
  });

  it('defeats DNS rebinding: a second answer is never asked for within a hop', async () => {
    // A rebinding server answers the check with one address and the connection with another.
    const dns = table({ 'api.test': (call) => (call === 1 ? ['127.0.0.1'] : ['169.254.169.254']) });
    const tool = nodeHttpGetTool(localPolicy(NAMES), { resolver: dns.resolver });
    expect(await output(tool, `http://api.test:${server.port}/hello`)).toMatchObject({
      status: 200,
    });
    expect(dns.calls).toEqual(['api.test']);
    // The next call resolves again, and the new answer is checked before connecting.
    const error = await failure(tool, `http://api.test:${server.port}/hello`);
    expect(error.data).toMatchObject({
      detail: { code: 'url_denied', reason: 'metadata_address' },
    });
  });

  it('re-resolves and re-checks every redirect hop', async () => {
    const dns = table({
      'api.test': ['127.0.0.1'],
      'other.test': ['127.0.0.1'],
      'meta.test': ['169.254.169.254'],
    });
    const tool = nodeHttpGetTool(localPolicy(NAMES), { resolver: dns.resolver });
    const ok = `http://api.test:${server.port}/redirect?to=${encodeURIComponent(`http://other.test:${server.port}/hello`)}`;
    expect(await output(tool, ok)).toMatchObject({
      status: 200,
      url: `http://other.test:${server.port}/hello`,
    });
    expect(dns.calls).toEqual(['api.test', 'other.test']);
    const bad = `http://api.test:${server.port}/redirect?to=${encodeURIComponent(`http://meta.test:${server.port}/`)}`;
    const error = await failure(tool, bad);
    expect(error.data).toMatchObject({
      detail: { code: 'url_denied', reason: 'metadata_address', host: 'meta.test' },
    });
    const unlisted = `http://api.test:${server.port}/redirect?to=${encodeURIComponent(`http://evil.test:${server.port}/`)}`;
    expect((await failure(tool, unlisted)).data).toMatchObject({
      detail: { reason: 'domain_not_allowed' },
    });
  });

  it('reports a 404 as an output and sends bodies with POST and PUT', async () => {
    const dns = table({ 'api.test': ['127.0.0.1'] });
    const options = { resolver: dns.resolver };
    const policy = localPolicy(NAMES);
    expect(
      await output(nodeHttpGetTool(policy, options), `http://api.test:${server.port}/nope`),
    ).toMatchObject({ status: 404, success: false, body: 'not found' });
    for (const [make, method] of [
      [nodeHttpPostTool, 'POST'],
      [nodeHttpPutTool, 'PUT'],
    ] as const) {
      const out = await output(make(policy, options), {
        url: `http://api.test:${server.port}/echo`,
        body: 'payload',
      });
      expect(JSON.parse((out as { body: string }).body)).toMatchObject({ method, body: 'payload' });
    }
    const deleted = await output(
      nodeHttpDeleteTool(policy, options),
      `http://api.test:${server.port}/echo`,
    );
    expect(JSON.parse((deleted as { body: string }).body)).toMatchObject({ method: 'DELETE' });
  });

  it('fails with reason dns when the name does not resolve', async () => {
    const dns = table({});
    const error = await failure(
      nodeHttpGetTool(localPolicy({ allowDomains: ['gone.test'] }), { resolver: dns.resolver }),
      `http://gone.test:${server.port}/`,
    );
    expect(error.code).toBe('tool_failed');
    expect(error.data).toMatchObject({ tool: 'http_get', reason: 'dns', code: 'ENOTFOUND' });
  });

  it('enforces the size cap, the timeout and the content types', async () => {
    const dns = table({ 'api.test': ['127.0.0.1'] });
    const big = await failure(
      nodeHttpGetTool(localPolicy({ ...NAMES, maxResponseBytes: 1000 }), {
        resolver: dns.resolver,
      }),
      `http://api.test:${server.port}/big-chunked`,
    );
    expect(big.data).toMatchObject({ detail: { code: 'size_limit_exceeded', limit: 1000 } });
    const slow = await failure(
      nodeHttpGetTool(localPolicy(NAMES), { resolver: dns.resolver, timeoutMs: 100 }),
      `http://api.test:${server.port}/hang`,
    );
    expect(slow.data).toMatchObject({ reason: 'timeout', timeoutMs: 100 });
    const typed = nodeHttpGetTool(
      localPolicy({ ...NAMES, allowContentTypes: ['application/json'] }),
      {
        resolver: dns.resolver,
      },
    );
    expect((await failure(typed, `http://api.test:${server.port}/hello`)).data).toMatchObject({
      detail: { reason: 'content_type' },
    });
    // The redirect response on the way has no type, and is not judged by one.
    expect(await output(typed, `http://api.test:${server.port}/redirect?to=/json`)).toMatchObject({
      status: 200,
    });
  });

  it('refuses everything under the default policy', async () => {
    const error = await failure(nodeHttpGetTool(DEFAULT_POLICY), 'https://example.com/');
    expect(error.data).toMatchObject({ detail: { code: 'url_denied', reason: 'http_disabled' } });
  });

  it('makes the four tools and checks options and the policy when made', () => {
    expect(nodeHttpTools(DEFAULT_POLICY).map((tool) => tool.name)).toEqual(HTTP_TOOL_NAMES);
    expect(() => nodeHttpGetTool(DEFAULT_POLICY, { timeoutMs: -5 })).toThrow(ValidationError);
    expect(() => nodeHttpGetTool(localPolicy({ allowDomains: ['a..b'] }))).toThrow(
      expect.objectContaining({ code: 'policy_invalid' }),
    );
  });
});
