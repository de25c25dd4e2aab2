import { SecurityError, ValidationError } from 'skreaver';
import {
  type HttpFetch,
  httpDeleteTool,
  httpGetTool,
  httpPostTool,
  httpPutTool,
  httpTools,
} from 'skreaver/tools';
import { describe, expect, it } from 'vitest';
import { denial as denied, failure, output, toolContext } from './_helpers.js';
import { localPolicy, useServer } from './_http-server.js';
import { HTTP_TOOL_NAMES } from './_tool-names.js';

const server = useServer();

describe('HTTP tools over fetch: the happy paths', () => {
  const policy = localPolicy();

  it('http_get takes the URL itself and returns status, body, success and the URL', async () => {
    expect(await output(httpGetTool(policy), `${server.origin}/hello`)).toEqual({
      status: 200,
      body: 'hello',
      success: true,
      url: `${server.origin}/hello`,
    });
  });

  it('http_get takes the object form and its JSON text, with headers', async () => {
    const tool = httpGetTool(policy);
    const before = server.seen.length;
    await output(tool, { url: `${server.origin}/hello`, headers: { Authorization: 'Bearer t' } });
    await output(tool, JSON.stringify({ url: `${server.origin}/hello`, timeout_secs: 5 }));
    const [first, second] = server.seen.slice(before);
    expect(first).toMatchObject({ authorization: 'Bearer t', userAgent: 'skreaver-agent' });
    expect(second).toMatchObject({ method: 'GET', path: '/hello' });
  });

  it('sends the policy user agent unless the input sets one', async () => {
    const before = server.seen.length;
    await output(httpGetTool(localPolicy({ userAgent: 'probe/1' })), `${server.origin}/hello`);
    await output(httpGetTool(policy), {
      url: `${server.origin}/hello`,
      headers: { 'User-Agent': 'me' },
    });
    expect(server.seen.slice(before).map((seen) => seen.userAgent)).toEqual(['probe/1', 'me']);
  });

  it('reports an HTTP 404 (or 500) as an output with success: false, not as a failure', async () => {
    expect(await output(httpGetTool(policy), `${server.origin}/missing`)).toEqual({
      status: 404,
      body: 'not found',
      success: false,
      url: `${server.origin}/missing`,
    });
    expect(await output(httpDeleteTool(policy), `${server.origin}/status?code=500`)).toMatchObject({
      status: 500,
      success: false,
    });
  });

  it('http_post and http_put send the body as is, without adding a content type', async () => {
    const posted = await output(httpPostTool(policy), {
      url: `${server.origin}/echo`,
      body: 'a=1',
    });
    expect(JSON.parse((posted as { body: string }).body)).toEqual({
      method: 'POST',
      body: 'a=1',
      contentType: null,
    });
    const put = await output(
      httpPutTool(policy),
      JSON.stringify({
        url: `${server.origin}/echo`,
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
    const out = await output(httpDeleteTool(policy), `${server.origin}/echo`);
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
    expect(await output(httpGetTool(policy), `${server.origin}/latin1`)).toMatchObject({
      body: 'café',
    });
    expect(await output(httpGetTool(policy), `${server.origin}/empty`)).toMatchObject({
      status: 204,
      body: '',
      success: true,
    });
  });

  it('follows redirects, checking each target, and reports the final URL', async () => {
    const to = encodeURIComponent('/redirect?to=/hello');
    expect(await output(httpGetTool(policy), `${server.origin}/redirect?to=${to}`)).toEqual({
      status: 200,
      body: 'hello',
      success: true,
      url: `${server.origin}/hello`,
    });
  });

  it('turns a POST into a GET without body on 303, and keeps it on 307', async () => {
    const tool = httpPostTool(policy);
    const after303 = await output(tool, {
      url: `${server.origin}/redirect?status=303&to=/echo`,
      body: 'data',
    });
    expect(JSON.parse((after303 as { body: string }).body)).toMatchObject({
      method: 'GET',
      body: '',
    });
    const after307 = await output(tool, {
      url: `${server.origin}/redirect?status=307&to=/echo`,
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
      url: `${server.origin}/redirect?to=${encodeURIComponent(other)}`,
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
    await output(httpGetTool(policy, { fetch: spy }), `${server.origin}/redirect?to=/hello`);
    expect(calls).toEqual([
      {
        url: `${server.origin}/redirect?to=/hello`,
        method: 'GET',
        redirect: 'manual',
        credentials: 'omit',
      },
      { url: `${server.origin}/hello`, method: 'GET', redirect: 'manual', credentials: 'omit' },
    ]);
  });

  it('httpTools makes the four tools', () => {
    expect(httpTools(policy).map((tool) => tool.name)).toEqual(HTTP_TOOL_NAMES);
  });
});

describe('HTTP tools over fetch: input and options', () => {
  it('needs a JSON config for http_post and http_put', async () => {
    const error = await failure(httpPostTool(localPolicy()), `${server.origin}/echo`);
    expect(error.code).toBe('tool_invalid_input');
    expect(error.message).toContain('is not a valid JSON config');
  });

  it.each([
    [{ Host: 'evil.test' }, '/headers/Host', 'is set by the HTTP layer'],
    [{ 'Content-Length': '1' }, '/headers/Content-Length', 'is set by the HTTP layer'],
    [{ 'X-Bad': 'a\r\nInjected: 1' }, '/headers/X-Bad', 'is not a valid header'],
    [{ 'bad name': 'x' }, '/headers/bad name', 'is not a valid header'],
  ])('refuses the headers %j', async (headers, path, message) => {
    const error = await failure(httpGetTool(localPolicy()), {
      url: `${server.origin}/hello`,
      headers,
    });
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
    const out = await httpGetTool(localPolicy()).call(`${server.origin}/hello`, toolContext());
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
      `${server.origin}/${'a'.repeat(40)}`,
    );
    expect(data.detail).toMatchObject({ reason: 'too_long', limit: 30 });
  });
});
