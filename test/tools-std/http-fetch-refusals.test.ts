import { DEFAULT_POLICY, type SecurityError, type SecurityPolicy, ToolError } from 'skreaver';
import { type HttpFetch, httpDeleteTool, httpGetTool, httpPostTool } from 'skreaver/tools';
import { describe, expect, it } from 'vitest';
import { denial as denied, failure, output, toolContext } from './_helpers.js';
import { closedPort, localPolicy, useServer } from './_http-server.js';

const server = useServer();

describe('HTTP tools over fetch: refusals', () => {
  it('refuses everything under the default policy (http_disabled), before any request', async () => {
    const before = server.seen.length;
    const data = await denied(httpGetTool(DEFAULT_POLICY), `${server.origin}/hello`);
    expect(data).toMatchObject({
      tool: 'http_get',
      detail: { code: 'url_denied', reason: 'http_disabled' },
    });
    expect(data.reason).toContain('http.enabled is false');
    expect(server.seen.length).toBe(before);
  });

  it.each([
    ['loopback without allowPrivateNetworks', { allowPrivateNetworks: false }, 'private_address'],
    ['a host not in allowDomains', { allowDomains: ['example.com'] }, 'domain_not_allowed'],
    ['a denied host', { denyDomains: ['127.0.0.1'] }, 'domain_denied'],
    ['a port not allowed', { allowPorts: [443] }, 'port'],
  ] as const)('refuses %s', async (_name, http, reason) => {
    const error = await failure(httpGetTool(localPolicy(http)), `${server.origin}/hello`);
    expect(error).toBeInstanceOf(ToolError);
    expect(error.message).toMatch(/^A policy denied the call to tool 'http_get': /);
    expect(error.data).toMatchObject({ detail: { code: 'url_denied', reason } });
    expect((error.cause as SecurityError).code).toBe('url_denied');
  });

  it.each([
    ['file:///etc/passwd', 'scheme'],
    ['http://user:pw@127.0.0.1/', 'userinfo'],
    ['http://169.254.169.254/latest/meta-data/', 'metadata_address'],
    ['not a url', 'invalid_url'],
  ])('refuses %s (%s)', async (url, reason) => {
    const data = await denied(httpGetTool(localPolicy()), url);
    expect(data.detail).toMatchObject({ code: 'url_denied', reason });
  });

  it('refuses a redirect to a denied host without calling it', async () => {
    const tool = httpGetTool(localPolicy());
    const before = server.seen.length;
    const data = await denied(
      tool,
      `${server.origin}/redirect?to=${encodeURIComponent('http://evil.test/x')}`,
    );
    expect(data.detail).toMatchObject({
      code: 'url_denied',
      reason: 'domain_not_allowed',
      host: 'evil.test',
    });
    expect(data.reason).toContain('redirected to a refused URL');
    const meta = await denied(
      tool,
      `${server.origin}/redirect?to=${encodeURIComponent('http://169.254.169.254/')}`,
    );
    expect(meta.detail).toMatchObject({ reason: 'metadata_address' });
    expect(server.seen.length - before).toBe(2);
  });

  it('stops after maxRedirects (policy, or a lower option)', async () => {
    const chain = `${server.origin}/redirect?to=${encodeURIComponent('/redirect?to=/hello')}`;
    const data = await denied(httpGetTool(localPolicy({ maxRedirects: 1 })), chain);
    expect(data.detail).toMatchObject({ reason: 'too_many_redirects', limit: 1 });
    const none = await denied(httpGetTool(localPolicy(), { maxRedirects: 0 }), chain);
    expect(none.detail).toMatchObject({ reason: 'too_many_redirects', limit: 0 });
    // An option cannot raise the policy's limit.
    const raised = await denied(
      httpGetTool(localPolicy({ maxRedirects: 1 }), { maxRedirects: 9 }),
      chain,
    );
    expect(raised.detail).toMatchObject({ limit: 1 });
  });

  it('refuses an oversized response, declared or streamed', async () => {
    const tool = httpGetTool(localPolicy({ maxResponseBytes: 1000 }));
    for (const path of ['/big', '/big-chunked']) {
      const data = await denied(tool, `${server.origin}${path}`);
      expect(data.detail).toMatchObject({
        code: 'size_limit_exceeded',
        what: 'response',
        limit: 1000,
        url: `${server.origin}${path}`,
      });
      expect((data.detail as { received: number }).received).toBeGreaterThan(1000);
    }
    expect(await output(tool, `${server.origin}/exact`)).toMatchObject({ status: 200 });
    const lowered = await denied(
      httpGetTool(localPolicy(), { maxResponseBytes: 999 }),
      `${server.origin}/exact`,
    );
    expect(lowered.detail).toMatchObject({ code: 'size_limit_exceeded', limit: 999 });
  });

  it('refuses a method the policy does not allow', async () => {
    const policy = localPolicy({ allowMethods: ['GET'] });
    expect(await output(httpGetTool(policy), `${server.origin}/hello`)).toMatchObject({
      status: 200,
    });
    const data = await denied(httpPostTool(policy), { url: `${server.origin}/echo`, body: 'x' });
    expect(data.detail).toMatchObject({ code: 'url_denied', reason: 'method', method: 'POST' });
  });

  it('refuses a response type the policy or the options do not allow', async () => {
    const policy = localPolicy({ allowContentTypes: ['application/json'] });
    expect(await output(httpGetTool(policy), `${server.origin}/json`)).toMatchObject({
      status: 200,
    });
    const data = await denied(httpGetTool(policy), `${server.origin}/hello`);
    expect(data.detail).toMatchObject({ reason: 'content_type', contentType: 'text/plain' });
    const narrowed = await denied(
      httpGetTool(localPolicy(), { allowContentTypes: ['application/*'] }),
      `${server.origin}/hello`,
    );
    expect(narrowed.detail).toMatchObject({ reason: 'content_type' });
    // A redirect on the way is not judged by its type.
    expect(await output(httpGetTool(policy), `${server.origin}/redirect?to=/json`)).toMatchObject({
      status: 200,
      body: '{"ok":true}',
    });
  });

  it('refuses a tool the policy disables, and applies per-tool overrides', async () => {
    const base = localPolicy();
    const off: SecurityPolicy = { ...base, tools: { http_get: { enabled: false } } };
    expect((await denied(httpGetTool(off), `${server.origin}/hello`)).detail).toEqual({
      code: 'permission_denied',
      reason: 'tool_disabled',
    });
    expect(await output(httpDeleteTool(off), `${server.origin}/hello`)).toMatchObject({
      status: 200,
    });
    const narrowed: SecurityPolicy = {
      ...base,
      tools: { http_post: { http: { allowDomains: ['example.com'] } } },
    };
    expect(
      (await denied(httpPostTool(narrowed), { url: `${server.origin}/echo` })).detail,
    ).toMatchObject({
      reason: 'domain_not_allowed',
    });
    expect(await output(httpGetTool(narrowed), `${server.origin}/hello`)).toMatchObject({
      status: 200,
    });
  });
});

describe('HTTP tools over fetch: failures', () => {
  it('fails with reason timeout when the server does not answer in time', async () => {
    const error = await failure(
      httpGetTool(localPolicy({ timeoutMs: 100 })),
      `${server.origin}/hang`,
    );
    expect(error.code).toBe('tool_failed');
    expect(error.message).toMatch(
      /^HTTP request failed: no complete response from .* within 100 ms/,
    );
    expect(error.data).toMatchObject({ tool: 'http_get', reason: 'timeout', timeoutMs: 100 });
  });

  it('applies the timeout to the body too, and timeout_secs can only lower it', async () => {
    const tool = httpGetTool(localPolicy({ timeoutMs: 5000 }));
    const error = await failure(tool, { url: `${server.origin}/slow-body`, timeout_secs: 0.05 });
    expect(error.data).toMatchObject({ reason: 'timeout', timeoutMs: 50 });
    const capped = await failure(httpGetTool(localPolicy({ timeoutMs: 80 })), {
      url: `${server.origin}/hang`,
      timeout_secs: 3600,
    });
    expect(capped.data).toMatchObject({ reason: 'timeout', timeoutMs: 80 });
  });

  it('fails with reason network (and the native code) when nothing listens', async () => {
    const port = await closedPort();
    const error = await failure(httpGetTool(localPolicy()), `http://127.0.0.1:${port}/`);
    expect(error.code).toBe('tool_failed');
    expect(error.message).toMatch(/^HTTP request failed: /);
    expect(error.data).toMatchObject({ reason: 'network', code: 'ECONNREFUSED' });
  });

  it('fails with reason protocol when the runtime hides the redirect target', async () => {
    const opaque = (async () =>
      ({
        type: 'opaqueredirect',
        status: 0,
        headers: new Headers(),
        body: null,
      }) as unknown as Response) satisfies HttpFetch;
    const error = await failure(
      httpGetTool(localPolicy(), { fetch: opaque }),
      `${server.origin}/x`,
    );
    expect(error.data).toMatchObject({ reason: 'protocol' });
  });

  it('rejects with tool_aborted when called directly with an aborted signal', async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(
      httpGetTool(localPolicy()).call(`${server.origin}/hello`, toolContext(controller.signal)),
    ).rejects.toMatchObject({ code: 'tool_aborted' });
  });
});
