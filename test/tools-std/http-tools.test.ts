import {
  DEFAULT_POLICY,
  noopLogger,
  noopTracer,
  SecurityError,
  type SecurityPolicy,
  type ToolContext,
  ToolError,
  ValidationError,
} from 'skreaver';
import {
  type HttpFetch,
  httpDeleteTool,
  httpGetTool,
  httpPostTool,
  httpPutTool,
  httpTools,
} from 'skreaver/tools';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { failure, output } from './_helpers.js';
import { closedPort, localPolicy, startServer, type TestServer } from './_http-server.js';

let server: TestServer;
let origin: string;

beforeAll(async () => {
  server = await startServer();
  origin = server.origin;
});

afterAll(async () => {
  await server.close();
});

const ctx = (signal = new AbortController().signal): ToolContext => ({
  signal,
  logger: noopLogger,
  tracer: noopTracer,
});

/** The security detail of a `tool_denied` failure. */
async function denied(tool: ReturnType<typeof httpGetTool>, input: unknown) {
  const error = await failure(tool, input);
  expect(error.code).toBe('tool_denied');
  expect(error.cause).toBeInstanceOf(SecurityError);
  return error.data as { tool: string; reason: string; detail: Record<string, unknown> };
}

describe('HTTP tools over fetch: the happy paths', () => {
  const policy = localPolicy();

  it('http_get takes the URL itself and returns status, body, success and the URL', async () => {
    expect(await output(httpGetTool(policy), `${origin}/hello`)).toEqual({
      status: 200,
      body: 'hello',
      success: true,
      url: `${origin}/hello`,
    });
  });

  it('http_get takes the object form and its JSON text, with headers', async () => {
    const tool = httpGetTool(policy);
    const before = server.seen.length;
    await output(tool, { url: `${origin}/hello`, headers: { Authorization: 'Bearer t' } });
    await output(tool, JSON.stringify({ url: `${origin}/hello`, timeout_secs: 5 }));
    const [first, second] = server.seen.slice(before);
    expect(first).toMatchObject({ authorization: 'Bearer t', userAgent: 'skreaver-agent' });
    expect(second).toMatchObject({ method: 'GET', path: '/hello' });
  });

  it('sends the policy user agent unless the input sets one', async () => {
    const before = server.seen.length;
    await output(httpGetTool(localPolicy({ userAgent: 'probe/1' })), `${origin}/hello`);
    await output(httpGetTool(policy), { url: `${origin}/hello`, headers: { 'User-Agent': 'me' } });
    expect(server.seen.slice(before).map((seen) => seen.userAgent)).toEqual(['probe/1', 'me']);
  });

  it('reports an HTTP 404 (or 500) as an output with success: false, not as a failure', async () => {
    expect(await output(httpGetTool(policy), `${origin}/missing`)).toEqual({
      status: 404,
      body: 'not found',
      success: false,
      url: `${origin}/missing`,
    });
    expect(await output(httpDeleteTool(policy), `${origin}/status?code=500`)).toMatchObject({
      status: 500,
      success: false,
    });
  });

  it('http_post and http_put send the body as is, without adding a content type', async () => {
    const posted = await output(httpPostTool(policy), { url: `${origin}/echo`, body: 'a=1' });
    expect(JSON.parse((posted as { body: string }).body)).toEqual({
      method: 'POST',
      body: 'a=1',
      contentType: null,
    });
    const put = await output(
      httpPutTool(policy),
      JSON.stringify({
        url: `${origin}/echo`,
        body: '{"x":1}',
        headers: { 'content-type': 'application/json' },
      }),
    );
    expect(JSON.parse((put as { body: string }).body)).toEqual({
      method: 'PUT',
      body: '{"x":1}',
      contentType: 'application/json',
    });
  });

  it('http_delete takes the URL itself; GET and DELETE have no body field', async () => {
    const out = await output(httpDeleteTool(policy), `${origin}/echo`);
    expect(JSON.parse((out as { body: string }).body)).toMatchObject({
      method: 'DELETE',
      body: '',
    });
    expect(Object.keys(httpGetTool(policy).inputSchema.properties ?? {})).toEqual([
      'url',
      'headers',
      'timeout_secs',
    ]);
    expect(httpPostTool(policy).inputSchema).toMatchObject({
      required: ['url'],
      properties: { body: { type: 'string' } },
    });
  });

  it('decodes the body by its charset and gives an empty body for 204', async () => {
    expect(await output(httpGetTool(policy), `${origin}/latin1`)).toMatchObject({ body: 'café' });
    expect(await output(httpGetTool(policy), `${origin}/empty`)).toMatchObject({
      status: 204,
      body: '',
      success: true,
    });
  });

  it('follows redirects, checking each target, and reports the final URL', async () => {
    const to = encodeURIComponent('/redirect?to=/hello');
    expect(await output(httpGetTool(policy), `${origin}/redirect?to=${to}`)).toEqual({
      status: 200,
      body: 'hello',
      success: true,
      url: `${origin}/hello`,
    });
  });

  it('turns a POST into a GET without body on 303, and keeps it on 307', async () => {
    const tool = httpPostTool(policy);
    const after303 = await output(tool, {
      url: `${origin}/redirect?status=303&to=/echo`,
      body: 'data',
    });
    expect(JSON.parse((after303 as { body: string }).body)).toMatchObject({
      method: 'GET',
      body: '',
    });
    const after307 = await output(tool, {
      url: `${origin}/redirect?status=307&to=/echo`,
      body: 'data',
    });
    expect(JSON.parse((after307 as { body: string }).body)).toMatchObject({
      method: 'POST',
      body: 'data',
    });
  });

  it('drops credentials when a redirect changes origin', async () => {
    const other = `http://localhost:${server.port}/hello`;
    const before = server.seen.length;
    await output(httpGetTool(policy), {
      url: `${origin}/redirect?to=${encodeURIComponent(other)}`,
      headers: { authorization: 'Bearer secret' },
    });
    const hops = server.seen.slice(before);
    expect(hops.map((hop) => hop.authorization)).toEqual(['Bearer secret', undefined]);
    expect(hops[1]?.host).toBe(`localhost:${server.port}`);
  });

  it('calls its fetch with redirect: manual, credentials: omit and the checked method', async () => {
    const calls: { url: string; method: string; redirect: string; credentials: string }[] = [];
    const spy: HttpFetch = (url, init) => {
      calls.push({
        url,
        method: init.method,
        redirect: init.redirect,
        credentials: init.credentials,
      });
      return fetch(url, init);
    };
    await output(httpGetTool(policy, { fetch: spy }), `${origin}/redirect?to=/hello`);
    expect(calls).toEqual([
      {
        url: `${origin}/redirect?to=/hello`,
        method: 'GET',
        redirect: 'manual',
        credentials: 'omit',
      },
      { url: `${origin}/hello`, method: 'GET', redirect: 'manual', credentials: 'omit' },
    ]);
  });

  it('httpTools makes the four tools', () => {
    expect(httpTools(policy).map((tool) => tool.name)).toEqual([
      'http_get',
      'http_post',
      'http_put',
      'http_delete',
    ]);
  });
});

describe('HTTP tools over fetch: refusals', () => {
  it('refuses everything under the default policy (http_disabled), before any request', async () => {
    const before = server.seen.length;
    const data = await denied(httpGetTool(DEFAULT_POLICY), `${origin}/hello`);
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
    const error = await failure(httpGetTool(localPolicy(http)), `${origin}/hello`);
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
      `${origin}/redirect?to=${encodeURIComponent('http://evil.test/x')}`,
    );
    expect(data.detail).toMatchObject({
      code: 'url_denied',
      reason: 'domain_not_allowed',
      host: 'evil.test',
    });
    expect(data.reason).toContain('redirected to a refused URL');
    const meta = await denied(
      tool,
      `${origin}/redirect?to=${encodeURIComponent('http://169.254.169.254/')}`,
    );
    expect(meta.detail).toMatchObject({ reason: 'metadata_address' });
    expect(server.seen.length - before).toBe(2);
  });

  it('stops after maxRedirects (policy, or a lower option)', async () => {
    const chain = `${origin}/redirect?to=${encodeURIComponent('/redirect?to=/hello')}`;
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
      const data = await denied(tool, `${origin}${path}`);
      expect(data.detail).toMatchObject({
        code: 'size_limit_exceeded',
        what: 'response',
        limit: 1000,
        url: `${origin}${path}`,
      });
      expect((data.detail as { received: number }).received).toBeGreaterThan(1000);
    }
    expect(await output(tool, `${origin}/exact`)).toMatchObject({ status: 200 });
    const lowered = await denied(
      httpGetTool(localPolicy(), { maxResponseBytes: 999 }),
      `${origin}/exact`,
    );
    expect(lowered.detail).toMatchObject({ code: 'size_limit_exceeded', limit: 999 });
  });

  it('refuses a method the policy does not allow', async () => {
    const policy = localPolicy({ allowMethods: ['GET'] });
    expect(await output(httpGetTool(policy), `${origin}/hello`)).toMatchObject({ status: 200 });
    const data = await denied(httpPostTool(policy), { url: `${origin}/echo`, body: 'x' });
    expect(data.detail).toMatchObject({ code: 'url_denied', reason: 'method', method: 'POST' });
  });

  it('refuses a response type the policy or the options do not allow', async () => {
    const policy = localPolicy({ allowContentTypes: ['application/json'] });
    expect(await output(httpGetTool(policy), `${origin}/json`)).toMatchObject({ status: 200 });
    const data = await denied(httpGetTool(policy), `${origin}/hello`);
    expect(data.detail).toMatchObject({ reason: 'content_type', contentType: 'text/plain' });
    const narrowed = await denied(
      httpGetTool(localPolicy(), { allowContentTypes: ['application/*'] }),
      `${origin}/hello`,
    );
    expect(narrowed.detail).toMatchObject({ reason: 'content_type' });
    // A redirect on the way is not judged by its type.
    expect(await output(httpGetTool(policy), `${origin}/redirect?to=/json`)).toMatchObject({
      status: 200,
      body: '{"ok":true}',
    });
  });

  it('refuses a tool the policy disables, and applies per-tool overrides', async () => {
    const base = localPolicy();
    const off: SecurityPolicy = { ...base, tools: { http_get: { enabled: false } } };
    expect((await denied(httpGetTool(off), `${origin}/hello`)).detail).toEqual({
      code: 'permission_denied',
      reason: 'tool_disabled',
    });
    expect(await output(httpDeleteTool(off), `${origin}/hello`)).toMatchObject({ status: 200 });
    const narrowed: SecurityPolicy = {
      ...base,
      tools: { http_post: { http: { allowDomains: ['example.com'] } } },
    };
    expect((await denied(httpPostTool(narrowed), { url: `${origin}/echo` })).detail).toMatchObject({
      reason: 'domain_not_allowed',
    });
    expect(await output(httpGetTool(narrowed), `${origin}/hello`)).toMatchObject({ status: 200 });
  });
});

describe('HTTP tools over fetch: failures', () => {
  it('fails with reason timeout when the server does not answer in time', async () => {
    const error = await failure(httpGetTool(localPolicy({ timeoutMs: 100 })), `${origin}/hang`);
    expect(error.code).toBe('tool_failed');
    expect(error.message).toMatch(
      /^HTTP request failed: no complete response from .* within 100 ms/,
    );
    expect(error.data).toMatchObject({ tool: 'http_get', reason: 'timeout', timeoutMs: 100 });
  });

  it('applies the timeout to the body too, and timeout_secs can only lower it', async () => {
    const tool = httpGetTool(localPolicy({ timeoutMs: 5000 }));
    const error = await failure(tool, { url: `${origin}/slow-body`, timeout_secs: 0.05 });
    expect(error.data).toMatchObject({ reason: 'timeout', timeoutMs: 50 });
    const capped = await failure(httpGetTool(localPolicy({ timeoutMs: 80 })), {
      url: `${origin}/hang`,
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
    const error = await failure(httpGetTool(localPolicy(), { fetch: opaque }), `${origin}/x`);
    expect(error.data).toMatchObject({ reason: 'protocol' });
  });

  it('rejects with tool_aborted when called directly with an aborted signal', async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(
      httpGetTool(localPolicy()).call(`${origin}/hello`, ctx(controller.signal)),
    ).rejects.toMatchObject({ code: 'tool_aborted' });
  });
});

describe('HTTP tools over fetch: input and options', () => {
  it('needs a JSON config for http_post and http_put', async () => {
    const error = await failure(httpPostTool(localPolicy()), `${origin}/echo`);
    expect(error.code).toBe('tool_invalid_input');
    expect(error.message).toContain('is not a valid JSON config');
  });

  it.each([
    [{ Host: 'evil.test' }, '/headers/Host', 'is set by the HTTP layer'],
    [{ 'Content-Length': '1' }, '/headers/Content-Length', 'is set by the HTTP layer'],
    [{ 'X-Bad': 'a\r\nInjected: 1' }, '/headers/X-Bad', 'is not a valid header'],
    [{ 'bad name': 'x' }, '/headers/bad name', 'is not a valid header'],
  ])('refuses the headers %j', async (headers, path, message) => {
    const error = await failure(httpGetTool(localPolicy()), { url: `${origin}/hello`, headers });
    expect(error.code).toBe('tool_invalid_input');
    expect(error.data).toMatchObject({
      issues: [{ path, message: expect.stringContaining(message) }],
    });
  });

  it.each([
    [{ url: 1 }, '/url'],
    [{ url: 'x', headers: { a: 1 } }, '/headers/a'],
    [{ url: 'x', timeout_secs: 0 }, '/timeout_secs'],
    [{ url: 'x', timeout_secs: 'soon' }, '/timeout_secs'],
  ])('refuses the input %j by its schema', async (input, path) => {
    const error = await failure(httpGetTool(localPolicy()), input);
    expect(error.data).toMatchObject({ issues: [{ path }] });
  });

  it('works without a registry: call normalises and returns a promise', async () => {
    const out = await httpGetTool(localPolicy()).call(`${origin}/hello`, ctx());
    expect(out).toMatchObject({ status: 200, body: 'hello' });
  });

  it.each([
    ['timeoutMs 0', () => httpGetTool(localPolicy(), { timeoutMs: 0 })],
    ['maxResponseBytes 1.5', () => httpGetTool(localPolicy(), { maxResponseBytes: 1.5 })],
    ['maxRedirects -1', () => httpGetTool(localPolicy(), { maxRedirects: -1 })],
    ['maxUrlLength NaN', () => httpGetTool(localPolicy(), { maxUrlLength: Number.NaN })],
    [
      'allowContentTypes not a list',
      () => httpGetTool(localPolicy(), { allowContentTypes: 'text/plain' as unknown as string[] }),
    ],
    [
      'fetch not a function',
      () => httpGetTool(localPolicy(), { fetch: 1 as unknown as HttpFetch }),
    ],
  ])('refuses the option %s with invalid_options', (_name, make) => {
    expect(make).toThrow(ValidationError);
    expect(make).toThrow(expect.objectContaining({ code: 'invalid_options' }));
  });

  it('refuses a policy whose host rules do not compile, when the tool is made', () => {
    const make = () => httpGetTool(localPolicy({ allowDomains: ['10.*'] }));
    expect(make).toThrow(SecurityError);
    expect(make).toThrow(expect.objectContaining({ code: 'policy_invalid' }));
  });

  it('caps the URL length', async () => {
    const data = await denied(
      httpGetTool(localPolicy(), { maxUrlLength: 30 }),
      `${origin}/${'a'.repeat(40)}`,
    );
    expect(data.detail).toMatchObject({ reason: 'too_long', limit: 30 });
  });
});
