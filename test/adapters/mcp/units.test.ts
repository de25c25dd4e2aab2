import { ErrorCode, McpError as SdkMcpError } from '@modelcontextprotocol/sdk/types.js';
import fc from 'fast-check';
import {
  createToolRegistry,
  McpError,
  noopLogger,
  safeParseToolName,
  type Tool,
  ToolError,
} from 'skreaver';
import { reportProgress } from 'skreaver/mcp';
import { describe, expect, it } from 'vitest';
import { backoffDelay } from '../../../adapters/mcp/_backoff.js';
import { defaultMapResult } from '../../../adapters/mcp/_bridged-tool.js';
import { fromSdkError } from '../../../adapters/mcp/_errors.js';
import { hasInitialize, readCappedBody, watchResponse } from '../../../adapters/mcp/_http-io.js';
import { bridgedName } from '../../../adapters/mcp/_names.js';
import { compileOriginCheck, LOOPBACK_HOSTS } from '../../../adapters/mcp/_origin-check.js';
import { reconcileTools } from '../../../adapters/mcp/_reconcile.js';
import { errorResult, successResult } from '../../../adapters/mcp/_tool-mapping.js';
import { monotonicSink, progressLogger } from '../../../adapters/mcp/progress.js';

describe('bridgedName', () => {
  it('keeps valid names readable and prefixes them', () => {
    expect(bridgedName('files', 'read_file')).toBe('files__read_file');
    expect(bridgedName('', 'read-file')).toBe('read-file');
  });

  it('always makes a valid tool name, distinct for distinct upstream names', () => {
    fc.assert(
      fc.property(
        fc.stringMatching(/^[A-Za-z0-9_-]{0,32}$/),
        fc.string({ maxLength: 200 }),
        fc.string({ maxLength: 200 }),
        (prefix, a, b) => {
          expect(safeParseToolName(bridgedName(prefix, a)).ok).toBe(true);
          fc.pre(a !== b);
          expect(bridgedName(prefix, a)).not.toBe(bridgedName(prefix, b));
        },
      ),
    );
  });
});

describe('backoffDelay', () => {
  it('doubles up to the cap, with half of each wait random', () => {
    const settings = { initialDelayMs: 100, maxDelayMs: 1000 };
    expect(backoffDelay(1, settings, () => 0)).toBe(50);
    expect(backoffDelay(1, settings, () => 0.999999)).toBe(100);
    expect(backoffDelay(3, settings, () => 0)).toBe(200);
    expect(backoffDelay(30, settings, () => 0.5)).toBe(750);
    expect(backoffDelay(2, settings, () => Number.NaN)).toBe(150);
  });

  it('stays within [ceiling / 2, ceiling] for any attempt and random value', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 1000 }),
        fc.double({ min: 0, max: 1, maxExcluded: true }),
        (n, r) => {
          const delay = backoffDelay(n, { initialDelayMs: 10, maxDelayMs: 5000 }, () => r);
          const ceiling = Math.min(5000, 10 * 2 ** Math.min(n - 1, 30));
          expect(delay).toBeGreaterThanOrEqual(Math.floor(ceiling / 2));
          expect(delay).toBeLessThanOrEqual(ceiling);
        },
      ),
    );
  });
});

describe('compileOriginCheck', () => {
  const check = compileOriginCheck(
    [...LOOPBACK_HOSTS, 'tools.example.com:8443'],
    ['https://app.example.com'],
  );

  it('accepts loopback hosts on any port and configured host:port pairs', () => {
    expect(check('localhost:3000', null)).toBeUndefined();
    expect(check('127.0.0.1', null)).toBeUndefined();
    expect(check('[::1]:8080', null)).toBeUndefined();
    expect(check('TOOLS.example.com:8443', null)).toBeUndefined();
    expect(check('tools.example.com:8444', null)).toBe('host_not_allowed');
    expect(check(null, null)).toBe('host_missing');
    expect(check('localhost:99999999', null)).toBe('host_missing');
    expect(check('[::1', null)).toBe('host_missing');
  });

  it('checks Origin when a browser sends one', () => {
    expect(check('localhost', 'http://localhost:5173')).toBeUndefined();
    expect(check('localhost', 'https://app.example.com')).toBeUndefined();
    expect(check('localhost', 'http://evil.example')).toBe('origin_not_allowed');
    expect(check('localhost', 'null')).toBe('origin_not_allowed');
    expect(check('localhost', 'file://localhost')).toBe('origin_not_allowed');
    expect(check('localhost', 'http://localhost/path')).toBe('origin_not_allowed');
  });

  it('never lets a host outside the lists through', () => {
    fc.assert(
      fc.property(fc.domain(), fc.option(fc.integer({ min: 1, max: 65535 })), (domain, port) => {
        fc.pre(!['localhost', 'tools.example.com'].includes(domain.toLowerCase()));
        const host = port === null ? domain : `${domain}:${port}`;
        expect(check(host, null)).toBe('host_not_allowed');
        expect(check('localhost', `https://${host}`)).toBe('origin_not_allowed');
      }),
    );
  });
});

describe('HTTP helpers', () => {
  it('reads a body up to the cap, refusing declared and streamed excess', async () => {
    const small = new Request('http://x/', { method: 'POST', body: 'hello' });
    expect(await readCappedBody(small, 10)).toEqual({ tooLarge: false, text: 'hello' });
    const declared = new Request('http://x/', { method: 'POST', body: 'x'.repeat(20) });
    expect(await readCappedBody(declared, 10)).toEqual({ tooLarge: true });
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new TextEncoder().encode('x'.repeat(8)));
        controller.enqueue(new TextEncoder().encode('x'.repeat(8)));
        controller.close();
      },
    });
    const streamed = new Request('http://x/', {
      method: 'POST',
      body: stream,
      duplex: 'half',
    } as RequestInit);
    expect(await readCappedBody(streamed, 10)).toEqual({ tooLarge: true });
  });

  it('finds initialize in single and batch bodies', () => {
    expect(hasInitialize([{ method: 'ping' }, { method: 'initialize' }])).toBe(true);
    expect(hasInitialize('initialize')).toBe(false);
  });

  it('tells whether a response body ended or was cancelled', async () => {
    const ends: boolean[] = [];
    const read = watchResponse(new Response('abc'), (cancelled) => ends.push(cancelled));
    expect(await read.text()).toBe('abc');
    const cancelled = watchResponse(new Response(new ReadableStream({ pull() {} })), (c) =>
      ends.push(c),
    );
    await cancelled.body?.cancel();
    watchResponse(new Response(null, { status: 202 }), (c) => ends.push(c));
    expect(ends).toEqual([false, true, false]);
  });
});

describe('result and error mapping', () => {
  it('maps outputs to MCP content', () => {
    expect(successResult('x')).toEqual({ content: [{ type: 'text', text: 'x' }] });
    expect(successResult(undefined)).toEqual({ content: [] });
    expect(successResult([1])).toEqual({ content: [{ type: 'text', text: '[1]' }] });
    expect(successResult({ a: 1 })).toEqual({
      content: [{ type: 'text', text: '{"a":1}' }],
      structuredContent: { a: 1 },
    });
  });

  it('puts the code, JSON data and skreaver cause in _meta', () => {
    const cause = new McpError('mcp_unavailable', 'gone', { data: { server: 's' } });
    const error = new ToolError('tool_failed', 'failed', {
      data: { tool: 't', f: () => 1 },
      cause,
    });
    expect(errorResult(error)).toEqual({
      content: [{ type: 'text', text: '[tool_failed] (mcp_unavailable) failed' }],
      isError: true,
      _meta: {
        'skreaver/error': {
          code: 'tool_failed',
          message: 'failed',
          cause: { code: 'mcp_unavailable', message: 'gone', data: { server: 's' } },
        },
      },
    });
  });

  it('maps SDK failures to skreaver codes', () => {
    const at = { server: 's', tool: 't', timeoutMs: 5 };
    expect(fromSdkError(new SdkMcpError(ErrorCode.ConnectionClosed, 'closed'), at).code).toBe(
      'mcp_unavailable',
    );
    expect(fromSdkError(new SdkMcpError(ErrorCode.RequestTimeout, 'slow'), at)).toMatchObject({
      code: 'mcp_timeout',
      data: { timeoutMs: 5 },
    });
    expect(fromSdkError(new SdkMcpError(ErrorCode.InvalidParams, 'bad'), at).code).toBe(
      'tool_invalid_input',
    );
    expect(fromSdkError(new SdkMcpError(ErrorCode.InternalError, 'oops'), at)).toMatchObject({
      code: 'tool_failed',
      data: { rpcCode: ErrorCode.InternalError },
    });
    const zod = Object.assign(new Error('shape'), { name: 'ZodError' });
    expect(fromSdkError(zod, at).code).toBe('mcp_protocol');
    expect(fromSdkError(new TypeError('fetch failed'), at)).toMatchObject({
      code: 'mcp_unavailable',
      data: { reason: 'transport_failed' },
    });
  });

  it('maps call results to outputs', () => {
    expect(defaultMapResult({ content: [{ type: 'text', text: 'hi' }] })).toBe('hi');
    expect(defaultMapResult({ content: [], structuredContent: { a: 1 } })).toEqual({ a: 1 });
    const content = [
      { type: 'text' as const, text: 'a' },
      { type: 'text' as const, text: 'b' },
    ];
    expect(defaultMapResult({ content })).toEqual({ content });
  });
});

describe('progress', () => {
  it('passes only finite, growing values on', () => {
    const seen: number[] = [];
    const sink = monotonicSink(({ progress }) => seen.push(progress));
    for (const value of [1, 1, 0, Number.NaN, 2, Number.POSITIVE_INFINITY, 2.5])
      sink({ progress: value });
    expect(seen).toEqual([1, 2, 2.5]);
  });

  it('reaches the sink through the logger, and survives a throwing sink', () => {
    const reports: unknown[] = [];
    const logger = progressLogger(noopLogger, (report) => reports.push(report));
    expect(reportProgress({ logger }, 1, { total: 2, message: 'half' })).toBe(true);
    expect(reports).toEqual([{ progress: 1, total: 2, message: 'half' }]);
    const throwing = progressLogger(noopLogger, () => {
      throw new Error('transport gone');
    });
    expect(reportProgress({ logger: throwing }, 1)).toBe(true);
    expect(reportProgress({ logger: noopLogger }, 1)).toBe(false);
  });
});

describe('reconcileTools', () => {
  const make = (name: string): Tool => ({
    name,
    description: 'bridged',
    inputSchema: { type: 'object' },
    call: () => name,
  });
  const upstream = (name: string, description = 'd') => ({
    name,
    description,
    inputSchema: { type: 'object' as const },
  });

  it('keeps unchanged tools, replaces changed ones, drops gone ones and skips clashes', () => {
    const registry = createToolRegistry();
    registry.register(make('up__taken'));
    const first = reconcileTools(
      new Map(),
      [upstream('a'), upstream('b'), upstream('a'), upstream('taken')],
      {
        prefix: 'up',
        registry,
        make,
      },
    );
    expect([...first.entries.keys()]).toEqual(['up__a', 'up__b']);
    expect(first.skipped.map((skip) => skip.name)).toEqual(['up__a', 'up__taken']);
    const keptA = first.entries.get('up__a')?.tool;
    const second = reconcileTools(
      first.entries,
      [upstream('a'), upstream('b', 'changed'), upstream('c')],
      {
        prefix: 'up',
        registry,
        make,
      },
    );
    expect(second.entries.get('up__a')?.tool).toBe(keptA);
    expect(second.entries.get('up__b')?.tool).not.toBe(first.entries.get('up__b')?.tool);
    expect(registry.get('up__b')).toBe(second.entries.get('up__b')?.tool);
    const third = reconcileTools(second.entries, [], { prefix: 'up', registry, make });
    expect(third.entries.size).toBe(0);
    expect(registry.list().map((tool) => tool.name)).toEqual(['up__taken']);
  });

  it('skips a tool that cannot be made', () => {
    const result = reconcileTools(new Map(), [upstream('bad')], {
      prefix: '',
      registry: undefined,
      make: () => {
        throw new Error('no');
      },
    });
    expect(result.skipped).toEqual([{ upstream: 'bad', name: 'bad', reason: 'Error: no' }]);
  });
});
