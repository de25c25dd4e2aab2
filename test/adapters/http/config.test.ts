import { ValidationError } from 'skreaver';
import {
  createHttpRuntime,
  HTTP_ENV_VARIABLES,
  type HttpRuntimeOptions,
  httpOptionsFromEnv,
  mergeHttpOptions,
} from 'skreaver/http';
import { SERVE_ENV_VARIABLES, serve, serveOptionsFromEnv } from 'skreaver/http/node';
import { describe, expect, it } from 'vitest';
import { echoAgent } from './_harness.js';

const base: HttpRuntimeOptions = {
  agentTypes: { echo: { create: () => echoAgent() } },
  auth: false,
};

function problems(run: () => unknown): string[] {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).code).toBe('invalid_options');
    return (error as ValidationError<{ problems: string[] }>).data?.problems ?? [];
  }
  throw new Error('expected invalid_options');
}

describe('httpOptionsFromEnv', () => {
  it('reads nothing from an empty environment', () => {
    expect(httpOptionsFromEnv({})).toEqual({});
    expect(httpOptionsFromEnv({ SKREAVER_MAX_BODY_SIZE: '', SKREAVER_ENABLE_CORS: '  ' })).toEqual(
      {},
    );
  });

  it("maps the original's variable names onto the options", () => {
    const options = httpOptionsFromEnv({
      SKREAVER_REQUEST_TIMEOUT_SECS: '60',
      SKREAVER_MAX_BODY_SIZE: '33554432',
      SKREAVER_BACKPRESSURE_MAX_QUEUE_SIZE: '200',
      SKREAVER_BACKPRESSURE_GLOBAL_MAX_CONCURRENT: '1000',
      SKREAVER_BACKPRESSURE_PROCESSING_TIMEOUT_SECS: '30',
      SKREAVER_CONNECTION_LIMIT_PER_IP: '10',
      SKREAVER_RATE_LIMIT_GLOBAL_RPM: '2000',
      SKREAVER_RATE_LIMIT_PER_IP_RPM: '100',
      SKREAVER_RATE_LIMIT_PER_USER_RPM: '200',
      SKREAVER_CORS_ORIGINS: 'https://a.example, https://b.example',
      SKREAVER_PUBLIC_METRICS: 'off',
      SKREAVER_TRUST_PROXY: 'YES',
      SKREAVER_MAX_AGENTS: '5',
      SKREAVER_MAX_BATCH_SIZE: '7',
    });
    expect(options).toEqual({
      limits: {
        requestTimeoutMs: 60_000,
        maxBodyBytes: 33_554_432,
        maxQueueDepth: 200,
        maxInFlight: 1000,
        maxInFlightPerIp: 10,
        maxAgents: 5,
        maxBatchItems: 7,
      },
      coordinator: { stepTimeoutMs: 30_000 },
      rateLimit: { globalPerMinute: 2000, perIpPerMinute: 100, perPrincipalPerMinute: 200 },
      cors: { origin: ['https://a.example', 'https://b.example'] },
      publicMetrics: false,
      trustProxy: true,
    });
  });

  it('turns sections off with their switches, whatever their fields say', () => {
    expect(
      httpOptionsFromEnv({
        SKREAVER_ENABLE_CORS: 'false',
        SKREAVER_CORS_ORIGINS: '*',
        SKREAVER_RATE_LIMIT_ENABLED: '0',
        SKREAVER_RATE_LIMIT_PER_IP_RPM: '5',
        SKREAVER_ENABLE_OPENAPI: 'no',
        SKREAVER_ENABLE_COMPRESSION: 'OFF',
        SKREAVER_CONNECTION_LIMIT_ENABLED: 'false',
        SKREAVER_CONNECTION_LIMIT_PER_IP: '10',
      }),
    ).toEqual({
      cors: false,
      rateLimit: false,
      openapi: false,
      compression: false,
      limits: { maxInFlightPerIp: 0 },
    });
    expect(
      httpOptionsFromEnv({ SKREAVER_ENABLE_CORS: 'true', SKREAVER_CORS_ORIGINS: '*' }),
    ).toEqual({
      cors: { origin: '*' },
    });
  });

  it('names every bad variable and what it expects', () => {
    const found = problems(() =>
      httpOptionsFromEnv({
        SKREAVER_ENABLE_CORS: 'invalid',
        SKREAVER_REQUEST_TIMEOUT_SECS: 'not_a_number',
        SKREAVER_MAX_BODY_SIZE: '0',
        SKREAVER_REQUEST_TIMEOUT_SECS_UNRELATED: 'ignored',
      }),
    );
    expect(found).toHaveLength(3);
    expect(found).toContain(
      "Invalid environment variable 'SKREAVER_ENABLE_CORS': expected true/false/1/0/yes/no/on/off, got 'invalid'.",
    );
    expect(found.join('\n')).toMatch(
      /'SKREAVER_REQUEST_TIMEOUT_SECS': expected an integer from 1 to 300, got 'not_a_number'/,
    );
    expect(found.join('\n')).toMatch(
      /'SKREAVER_MAX_BODY_SIZE': expected an integer from 1 to 104857600, got '0'/,
    );
  });

  it('documents each variable it reads', () => {
    for (const [name, spec] of Object.entries(HTTP_ENV_VARIABLES)) {
      expect(name).toMatch(/^SKREAVER_[A-Z_]+$/);
      expect(spec.description.length).toBeGreaterThan(5);
    }
  });
});

describe('mergeHttpOptions', () => {
  it('merges sections field by field, later layers winning', () => {
    const merged = mergeHttpOptions(
      {
        ...base,
        auth: { apiKeys: { verify: async () => ({ id: 'x', roles: [] }) } },
        limits: { maxBodyBytes: 10, maxAgents: 3 },
      },
      { limits: { maxAgents: 4 } },
      { publicMetrics: false, cors: false },
    );
    expect(merged.limits).toEqual({ maxBodyBytes: 10, maxAgents: 4 });
    expect(merged.cors).toBe(false);
    expect(merged.auth).toMatchObject({ publicMetrics: false });
    expect(mergeHttpOptions(base, { publicMetrics: false }).auth).toBe(false);
  });
});

describe('createHttpRuntime option checks', () => {
  it('reports every problem at once, with its path', () => {
    const found = problems(() =>
      createHttpRuntime({
        agentTypes: { 'bad name': { create: () => echoAgent() }, nocreate: {} as never },
        auth: { permissions: { nope: 'x', listAgents: '' } } as never,
        limits: { maxBodyBytes: -1, requestTimeoutMs: 1.5, bogus: 1 } as never,
        cors: { origin: ['not an origin'] },
        rateLimit: { perIpPerMinute: -5 },
        securityHeaders: { 'Bad Header': 'x' },
        requestTimeout: 5,
        openapi: { titel: 'x' },
      } as never),
    );
    const text = found.join('\n');
    // Misspelt options are named, at every level, instead of being ignored.
    expect(text).toContain('requestTimeout is not an option');
    expect(text).toContain('openapi.titel is not an option');
    expect(text).toContain("agentTypes['bad name'] needs a name usable as an agent id prefix");
    expect(text).toContain('agentTypes.nocreate.create must be a function');
    expect(text).toContain('limits.maxBodyBytes must be an integer from 1 to 104857600, got -1');
    expect(text).toContain('limits.requestTimeoutMs must be an integer');
    expect(text).toContain('limits.bogus is not an option');
    expect(text).toContain('auth needs `tokens`');
    expect(text).toContain('auth.permissions.nope is not an operation id');
    expect(text).toContain('auth.permissions.listAgents must be a permission string or null');
    expect(text).toContain('cors.origin[0] must be an origin');
    expect(text).toContain('rateLimit.perIpPerMinute must be an integer from 0');
    expect(text).toContain("securityHeaders['Bad Header']");
  });

  it('refuses broken agent type schemas and two tools under one name', () => {
    expect(() =>
      createHttpRuntime({
        ...base,
        agentTypes: {
          echo: { create: () => echoAgent(), inputSchema: { type: 'strnig' as never } },
        },
      }),
    ).toThrow(/agentTypes\.echo\.inputSchema is not a usable JSON Schema/);
    const tool = (call: () => string) => ({
      name: 'same',
      description: 'd',
      inputSchema: {},
      call,
    });
    expect(() =>
      createHttpRuntime({
        ...base,
        agentTypes: {
          a: { create: () => echoAgent(), tools: [tool(() => 'a')] },
          b: { create: () => echoAgent(), tools: [tool(() => 'b')] },
        },
      }),
    ).toThrow(/two different tools are named 'same'/);
  });
});

describe('serve options', () => {
  it('reads the server variables', () => {
    expect(
      serveOptionsFromEnv({
        SKREAVER_HOST: '0.0.0.0',
        SKREAVER_PORT: '8080',
        SKREAVER_CONNECTION_LIMIT_MAX: '500',
        SKREAVER_SHUTDOWN_TIMEOUT_SECS: '3',
      }),
    ).toEqual({ host: '0.0.0.0', port: 8080, maxConnections: 500, shutdownTimeoutMs: 3000 });
    expect(Object.keys(SERVE_ENV_VARIABLES)).toHaveLength(4);
    const found = problems(() => serveOptionsFromEnv({ SKREAVER_PORT: '70000' }));
    expect(found[0]).toContain("'SKREAVER_PORT': expected an integer from 0 to 65535");
  });

  it('checks its options before listening', async () => {
    const runtime = createHttpRuntime(base);
    await expect(serve(runtime, { port: -1, signals: false })).rejects.toThrow(
      /'port' must be an integer/,
    );
    await expect(serve(runtime, { shutdownTimeoutMs: 1.5, signals: false })).rejects.toThrow(
      ValidationError,
    );
    await runtime.close();
  });
});
